package dev.benchlake.offset;

import java.util.Arrays;
import java.util.Base64;

/**
 * The emitted steps whose id starts with one given byte: for each, the next 40 bits of its id and the first 32 bits
 * of its content hash, sorted by id. Immutable; {@link #with(long, int)} returns a copy.
 *
 * <p>Its offset form is Base64url without padding of 9 bytes per step (5 id bytes, 4 hash bytes, big-endian).
 * 9 is a multiple of 3, so every step is exactly {@value #STEP_CHARS} characters and needs no separator.
 */
final class StepBucket {

    static final int STEP_BYTES = 9;
    static final int STEP_CHARS = 12;

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    /** The 40 id bits after the bucket's byte, strictly ascending; non-negative, so signed order is id order. */
    private final long[] ids;
    private final int[] hashes;
    /**
     * Computed on first use. Unsynchronised on purpose: a String is safely published through its final fields,
     * and two threads that race compute the same value.
     */
    private String encoded;

    private StepBucket(long[] ids, int[] hashes, String encoded) {
        this.ids = ids;
        this.hashes = hashes;
        this.encoded = encoded;
    }

    static StepBucket of(long id, int hash) {
        return new StepBucket(new long[] {id}, new int[] {hash}, null);
    }

    int size() {
        return ids.length;
    }

    /** True when the step is here with exactly this hash. */
    boolean contains(long id, int hash) {
        int i = Arrays.binarySearch(ids, id);
        return i >= 0 && hashes[i] == hash;
    }

    /** This bucket with the step added, or its hash replaced; {@code this} when it is already here unchanged. */
    StepBucket with(long id, int hash) {
        int i = Arrays.binarySearch(ids, id);
        if (i >= 0) {
            if (hashes[i] == hash) {
                return this;
            }
            int[] h = hashes.clone();
            h[i] = hash;
            return new StepBucket(ids, h, null);
        }
        int at = -i - 1;
        long[] newIds = new long[ids.length + 1];
        int[] newHashes = new int[ids.length + 1];
        System.arraycopy(ids, 0, newIds, 0, at);
        System.arraycopy(hashes, 0, newHashes, 0, at);
        newIds[at] = id;
        newHashes[at] = hash;
        System.arraycopy(ids, at, newIds, at + 1, ids.length - at);
        System.arraycopy(hashes, at, newHashes, at + 1, ids.length - at);
        return new StepBucket(newIds, newHashes, null);
    }

    long id(int i) {
        return ids[i];
    }

    int hash(int i) {
        return hashes[i];
    }

    String encoded() {
        String e = encoded;
        if (e == null) {
            byte[] bytes = new byte[ids.length * STEP_BYTES];
            for (int i = 0; i < ids.length; i++) {
                int p = i * STEP_BYTES;
                for (int b = 0; b < 5; b++) {
                    bytes[p + b] = (byte) (ids[i] >>> (32 - 8 * b));
                }
                for (int b = 0; b < 4; b++) {
                    bytes[p + 5 + b] = (byte) (hashes[i] >>> (24 - 8 * b));
                }
            }
            e = ENCODER.encodeToString(bytes);
            encoded = e;
        }
        return e;
    }

    /**
     * Reads the offset form back; the string is kept as the cached encoding.
     *
     * @throws IllegalArgumentException naming {@code field} when the value is not steps sorted by id
     */
    static StepBucket decode(String value, String field) {
        int n = value.length() / STEP_CHARS;
        if (n == 0 || value.length() % STEP_CHARS != 0) {
            throw new IllegalArgumentException("offset field '" + field + "' must be " + STEP_CHARS
                    + " Base64url characters per step, was " + value.length() + " characters");
        }
        byte[] bytes;
        try {
            bytes = DECODER.decode(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("offset field '" + field + "' is not Base64url: " + e.getMessage(), e);
        }
        // padding ('=') would decode to fewer bytes than the length promises
        if (bytes.length != n * STEP_BYTES) {
            throw new IllegalArgumentException("offset field '" + field + "' is not unpadded Base64url");
        }
        long[] ids = new long[n];
        int[] hashes = new int[n];
        for (int i = 0; i < n; i++) {
            int p = i * STEP_BYTES;
            for (int b = 0; b < 5; b++) {
                ids[i] = ids[i] << 8 | (bytes[p + b] & 0xFF);
            }
            for (int b = 0; b < 4; b++) {
                hashes[i] = hashes[i] << 8 | (bytes[p + 5 + b] & 0xFF);
            }
            // lookups binary-search, and equal offsets must encode alike: order is part of the format
            if (i > 0 && ids[i] <= ids[i - 1]) {
                throw new IllegalArgumentException("offset field '" + field + "' has steps out of order or repeated at step " + i);
            }
        }
        return new StepBucket(ids, hashes, value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StepBucket other && Arrays.equals(ids, other.ids) && Arrays.equals(hashes, other.hashes);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(ids) + Arrays.hashCode(hashes);
    }
}
