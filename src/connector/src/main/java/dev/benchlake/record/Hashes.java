package dev.benchlake.record;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Stable hashes: SHA-256 of length-prefixed parts, the first 128 bits in hex. Length prefixes keep
 * {@code ("ab","c")} and {@code ("a","bc")} apart; a null part hashes differently from an empty one.
 */
public final class Hashes {

    private Hashes() {
    }

    public static String of(Object... parts) {
        MessageDigest digest = sha256();
        for (Object part : parts) {
            if (part == null) {
                digest.update((byte) 0);
                continue;
            }
            byte[] bytes = String.valueOf(part).getBytes(StandardCharsets.UTF_8);
            digest.update((byte) 1);
            digest.update(intBytes(bytes.length));
            digest.update(bytes);
        }
        byte[] full = digest.digest();
        return HexFormat.of().formatHex(full, 0, 16);
    }

    private static byte[] intBytes(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
