package dev.benchlake.emulator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

/**
 * Opaque NextTokens: base64url of {@code kind, id, issue time (scenario ms), fields..., crc32}.
 * A token is self-contained (it survives an emulator restart on the same scenario); the number of
 * times each token id was presented is kept here, for {@link Faults#tokenMaxUses}.
 */
final class PageTokens {
    private static final String SEP = "\n";
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, AtomicInteger> uses = new ConcurrentHashMap<>();

    record Token(String raw, char kind, long id, long issuedAt, List<String> fields) {
    }

    String issue(char kind, long now, String... fields) {
        List<String> parts = new ArrayList<>();
        parts.add(String.valueOf(kind));
        parts.add(Long.toString(ids.incrementAndGet(), 36));
        parts.add(Long.toString(now));
        parts.addAll(Arrays.asList(fields));
        String body = String.join(SEP, parts);
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.UTF_8));
        String all = body + SEP + Long.toHexString(crc.getValue());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(all.getBytes(StandardCharsets.UTF_8));
    }

    /** Decodes and checks a presented token: form, kind, use count and age. */
    Token accept(String raw, char kind, int fieldCount, long now, Faults faults) throws ApiException {
        Token t = decode(raw, kind, fieldCount);
        int used = uses.computeIfAbsent(t.id(), k -> new AtomicInteger()).incrementAndGet();
        Integer maxUses = faults.tokenMaxUses();
        if (maxUses != null && used > maxUses) {
            throw ApiException.validation("Invalid NextToken: the token was already used " + (used - 1)
                    + " times (at most " + maxUses + " allowed)");
        }
        Long ttl = faults.tokenTtlSeconds();
        if (ttl != null && now - t.issuedAt() > ttl * 1000) {
            throw ApiException.validation("Invalid NextToken: the token has expired");
        }
        return t;
    }

    private static Token decode(String raw, char kind, int fieldCount) throws ApiException {
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(raw), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
        String[] parts = text.split(SEP, -1);
        if (parts.length != 4 + fieldCount || parts[0].length() != 1 || parts[0].charAt(0) != kind) {
            throw invalid();
        }
        String body = text.substring(0, text.lastIndexOf(SEP));
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.UTF_8));
        if (!Long.toHexString(crc.getValue()).equals(parts[parts.length - 1])) {
            throw invalid();
        }
        try {
            long id = Long.parseLong(parts[1], 36);
            long issuedAt = Long.parseLong(parts[2]);
            return new Token(raw, kind, id, issuedAt, List.of(parts).subList(3, 3 + fieldCount));
        } catch (NumberFormatException e) {
            throw invalid();
        }
    }

    static ApiException invalid() {
        return ApiException.validation("Invalid NextToken");
    }
}
