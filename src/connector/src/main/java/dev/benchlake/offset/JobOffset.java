package dev.benchlake.offset;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Where reading of one job stands: the page cursor of the pass in progress, the content hash of every step
 * already emitted, the hash of the last job record emitted, and whether the job is closed (read completely;
 * it costs no API call any more).
 *
 * <p>Immutable; the {@code with…} methods return copies. {@link #toMap()} and {@link #fromMap(Map)} are the
 * form Connect stores (JSON): numbers may come back as Integer or Long, so they are read as {@link Number}.
 *
 * <p>Every record carries the offset, so it must stay small and cheap to produce. Of each step it keeps the
 * first 48 bits of the id and the first 32 bits of the content hash, grouped in 256 {@link StepBucket}s by the
 * id's first byte. Connect allows only primitive values, so each non-empty bucket is one string entry
 * ({@code s00}…{@code sff}) of 12 Base64url characters per step, encoded once and reused by every later
 * {@code toMap()}; {@code withStep} copies only the bucket it touches. A closed job keeps only the count:
 * <pre>{"v":2, "next_token":"…"|null, "token_issued_at":ms, "job_hash":"…"|null, "closed":false, "emitted":n,
 *  "s00":"…", …, "sff":"…"}</pre>
 *
 * <p>Why 48 + 32 bits are ample: ids and hashes are the first 128 bits of SHA-256, so uniform. For 100,000 steps
 * of one job, two ids share 48 bits with odds n²/2 / 2^48 = 5·10^9 / 2.8·10^14 ≈ 1.8·10^-5, and such a pair
 * would only be re-emitted (each replaces the other's hash), never lost. A change goes unnoticed only when the
 * new hash shares the old one's first 32 bits: 2^-32 ≈ 2.3·10^-10 per change, 2.3·10^-5 if all 100,000 change.
 *
 * <p>The format before version 2 (one {@code steps} string of {@code id=hash} pairs of 16 hex digits) is still read.
 */
public final class JobOffset {

    static final String FORMAT = "v";
    static final int VERSION = 2;
    static final String NEXT_TOKEN = "next_token";
    static final String TOKEN_ISSUED_AT = "token_issued_at";
    static final String JOB_HASH = "job_hash";
    static final String CLOSED = "closed";
    static final String EMITTED = "emitted";
    /** Present only when known: the job's CreationTime, epoch ms. */
    static final String CREATED = "created";
    /** The only step field of format 1, with its entries. */
    static final String STEPS = "steps";
    private static final Pattern FORMAT_1_PAIR = Pattern.compile("[0-9a-f]+=[0-9a-f]+");

    static final int BUCKETS = 256;
    /** Hex digits of a step id and of a content hash kept: 48 and 32 bits. */
    static final int ID_HEX = 12;
    static final int HASH_HEX = 8;
    private static final long REST_OF_ID = (1L << 40) - 1;

    /** {@code s00}…{@code sff}: sorted, as hex digits sort. */
    private static final String[] BUCKET_KEYS = new String[BUCKETS];

    static {
        for (int i = 0; i < BUCKETS; i++) {
            BUCKET_KEYS[i] = "s" + HexFormat.of().toHexDigits((byte) i);
        }
    }

    /** The entries every offset map has, in this order. */
    private static final String[] FIXED_KEYS = {FORMAT, NEXT_TOKEN, TOKEN_ISSUED_AT, JOB_HASH, CLOSED, EMITTED};
    /** JSON bytes that never change: braces, commas and quoted keys with colons of the fixed entries, the version digit. */
    private static final int FIXED_BYTES = 2 + 1 + Arrays.stream(FIXED_KEYS).mapToInt(k -> k.length() + 4).sum() - 1;
    /** JSON bytes a bucket adds besides its steps: {@code ,"s3a":""}. */
    static final int BUCKET_OVERHEAD = BUCKET_KEYS[0].length() + 6;

    private static final StepBucket[] NO_BUCKETS = new StepBucket[BUCKETS];

    public static final JobOffset START = new JobOffset(null, 0L, NO_BUCKETS, 0, 0, null, false);

    private final String nextToken;
    private final long tokenIssuedAtMs;
    /** Indexed by the id's first byte; null when empty. Never written after construction. */
    private final StepBucket[] buckets;
    private final int emitted;
    /** JSON bytes of all bucket entries, kept as steps are added so that the size costs no walk over them. */
    private final int bucketBytes;
    private final String jobHash;
    private final boolean closed;
    /** The job's CreationTime, epoch ms, which tells a job from one re-created under its name; 0 when not known. */
    private final long createdMs;

    private JobOffset(String nextToken, long tokenIssuedAtMs, StepBucket[] buckets, int emitted, int bucketBytes,
            String jobHash, boolean closed) {
        this(nextToken, tokenIssuedAtMs, buckets, emitted, bucketBytes, jobHash, closed, 0L);
    }

    private JobOffset(String nextToken, long tokenIssuedAtMs, StepBucket[] buckets, int emitted, int bucketBytes,
            String jobHash, boolean closed, long createdMs) {
        this.createdMs = createdMs;
        this.nextToken = nextToken;
        this.tokenIssuedAtMs = tokenIssuedAtMs;
        this.buckets = buckets;
        this.emitted = emitted;
        this.bucketBytes = bucketBytes;
        this.jobHash = jobHash;
        this.closed = closed;
    }

    /** The NextToken of the next page of the pass in progress; null at the start of a pass. */
    public String nextToken() {
        return nextToken;
    }

    /** Epoch millis at which {@link #nextToken()} was received. */
    public long tokenIssuedAtMs() {
        return tokenIssuedAtMs;
    }

    /**
     * The steps kept, as 12 hex digits of id to 8 of hash, sorted by id; empty once closed. Built on each call
     * (O(steps)): for tests and diagnostics, not for the read path.
     */
    public Map<String, String> stepHashes() {
        Map<String, String> out = new TreeMap<>();
        for (int b = 0; b < BUCKETS; b++) {
            StepBucket bucket = buckets[b];
            for (int i = 0; bucket != null && i < bucket.size(); i++) {
                out.put(String.format("%02x%010x", b, bucket.id(i)), String.format("%08x", bucket.hash(i)));
            }
        }
        return Collections.unmodifiableMap(out);
    }

    public String jobHash() {
        return jobHash;
    }

    public boolean closed() {
        return closed;
    }

    /**
     * True when a step with this id and content was already emitted; always false once closed.
     *
     * @throws IllegalArgumentException when the id or hash does not start with 12 or 8 hex digits
     */
    public boolean alreadyEmitted(String stepId, String contentHash) {
        long id = hexPrefix(stepId, ID_HEX, "step id");
        StepBucket bucket = buckets[(int) (id >>> 40)];
        return bucket != null && bucket.contains(id & REST_OF_ID, (int) hexPrefix(contentHash, HASH_HEX, "content hash"));
    }

    /** Number of distinct steps emitted, kept when a closed job drops their hashes. */
    public int stepsEmitted() {
        return emitted;
    }

    public JobOffset withNextToken(String token, long issuedAtMs) {
        return new JobOffset(token, token == null ? 0L : issuedAtMs, buckets, emitted, bucketBytes, jobHash, closed,
                createdMs);
    }

    /**
     * Records that this content of this step was emitted. A closed offset keeps no hashes: it only counts the step.
     *
     * @throws IllegalArgumentException when the id or hash does not start with 12 or 8 hex digits
     */
    public JobOffset withStep(String stepId, String contentHash) {
        long id = hexPrefix(stepId, ID_HEX, "step id");
        int hash = (int) hexPrefix(contentHash, HASH_HEX, "content hash");
        if (closed) {
            return new JobOffset(nextToken, tokenIssuedAtMs, buckets, emitted + 1, bucketBytes, jobHash, closed, createdMs);
        }
        int b = (int) (id >>> 40);
        StepBucket before = buckets[b];
        StepBucket after = before == null ? StepBucket.of(id & REST_OF_ID, hash) : before.with(id & REST_OF_ID, hash);
        if (after == before) {
            return this;
        }
        StepBucket[] copy = buckets.clone();
        copy[b] = after;
        int added = after.size() - (before == null ? 0 : before.size());
        int bytes = bucketBytes + added * StepBucket.STEP_CHARS + (before == null ? BUCKET_OVERHEAD : 0);
        return new JobOffset(nextToken, tokenIssuedAtMs, copy, emitted + added, bytes, jobHash, closed, createdMs);
    }

    public JobOffset withJobHash(String hash) {
        return new JobOffset(nextToken, tokenIssuedAtMs, buckets, emitted, bucketBytes, hash, closed, createdMs);
    }

    /** The job's CreationTime in epoch ms as this offset knows it; 0 when it does not. */
    public long createdMs() {
        return createdMs;
    }

    /** This offset, for the job created at {@code ms} (epoch ms). */
    public JobOffset withCreatedMs(long ms) {
        return new JobOffset(nextToken, tokenIssuedAtMs, buckets, emitted, bucketBytes, jobHash, closed, ms);
    }

    /** Closing drops the step hashes (a closed job is never read again) and keeps their count. */
    public JobOffset withClosed(boolean isClosed) {
        return isClosed
                ? new JobOffset(nextToken, tokenIssuedAtMs, NO_BUCKETS, emitted, 0, jobHash, true, createdMs)
                : new JobOffset(nextToken, tokenIssuedAtMs, buckets, emitted, bucketBytes, jobHash, false, createdMs);
    }

    /**
     * The form Connect stores: a read-only map of {@code v, next_token, token_issued_at, job_hash, closed, emitted},
     * then one entry per non-empty bucket in bucket order, so that equal offsets serialise to equal bytes. It is a view, because every record carries one
     * and Connect serialises only the last of each flush: creating it costs nothing, reading it O(buckets), as each
     * bucket's string is encoded once per offset that changed it.
     */
    public Map<String, Object> toMap() {
        return new OffsetMap();
    }

    private Object fixedValue(int i) {
        return switch (i) {
            case 0 -> VERSION;
            case 1 -> nextToken;
            case 2 -> tokenIssuedAtMs;
            case 3 -> jobHash;
            case 4 -> closed;
            default -> emitted;
        };
    }

    private final class OffsetMap extends AbstractMap<String, Object> {

        /** Without this, AbstractMap would search the entries, and {@link #fromMap} asks for 256 keys. */
        @Override
        public Object get(Object key) {
            for (int i = 0; i < FIXED_KEYS.length; i++) {
                if (FIXED_KEYS[i].equals(key)) {
                    return fixedValue(i);
                }
            }
            if (CREATED.equals(key)) {
                return createdMs == 0 ? null : createdMs;
            }
            int b = key instanceof String k ? Arrays.binarySearch(BUCKET_KEYS, k) : -1;
            return b < 0 || buckets[b] == null ? null : buckets[b].encoded();
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Entry<String, Object>> iterator() {
                    return Stream.concat(Stream.concat(
                            IntStream.range(0, FIXED_KEYS.length).mapToObj(i -> entry(FIXED_KEYS[i], fixedValue(i))),
                            createdMs == 0 ? Stream.<Entry<String, Object>>empty() : Stream.of(entry(CREATED, createdMs))),
                            IntStream.range(0, BUCKETS).filter(b -> buckets[b] != null)
                                    .mapToObj(b -> entry(BUCKET_KEYS[b], buckets[b].encoded()))).iterator();
                }

                @Override
                public int size() {
                    return FIXED_KEYS.length + (createdMs == 0 ? 0 : 1) + (int) Arrays.stream(buckets).filter(Objects::nonNull).count();
                }
            };
        }

        private static Entry<String, Object> entry(String key, Object value) {
            return new SimpleImmutableEntry<>(key, value);
        }
    }

    /**
     * An upper bound of the bytes of {@link #toMap()} as Connect's schemaless JSON converter writes it (exact
     * unless a string holds control characters, counted as {@code \}{@code u00XX}). Costs the length of the
     * token and job hash, not of the steps: compare it with the producer's request size before it is too late.
     */
    public int encodedSizeBytes() {
        return FIXED_BYTES + jsonBytes(nextToken) + Long.toString(tokenIssuedAtMs).length() + jsonBytes(jobHash)
                + (closed ? 4 : 5) + Integer.toString(emitted).length() + bucketBytes
                + (createdMs == 0 ? 0 : CREATED.length() + 4 + Long.toString(createdMs).length());
    }

    /** UTF-8 bytes of a JSON string literal with its quotes, or of {@code null}. */
    private static int jsonBytes(String s) {
        if (s == null) {
            return 4;
        }
        int bytes = 2;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20) {
                bytes += 6;
            } else if (c == '"' || c == '\\') {
                bytes += 2;
            } else if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800 || Character.isSurrogate(c)) {
                bytes += 2; // a surrogate pair is 4 bytes
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /**
     * Reads an offset back from Connect's offset store, in this format or the one before; null reads as {@link #START}.
     *
     * @throws IllegalArgumentException naming the field when the map is not a Benchlake job offset
     */
    public static JobOffset fromMap(Map<String, ?> map) {
        if (map == null) {
            return START;
        }
        String token = optionalString(map, NEXT_TOKEN);
        Object issued = map.get(TOKEN_ISSUED_AT);
        if (issued != null && !(issued instanceof Number)) {
            throw new IllegalArgumentException("offset field '" + TOKEN_ISSUED_AT + "' must be a number, was " + issued);
        }
        String jobHash = optionalString(map, JOB_HASH);
        Object closed = map.get(CLOSED);
        if (closed != null && !(closed instanceof Boolean)) {
            throw new IllegalArgumentException("offset field '" + CLOSED + "' must be true or false, was " + closed);
        }
        Object format = map.get(FORMAT);
        JobOffset steps;
        if (format == null) {
            steps = readFormat1Steps(map.get(STEPS));
        } else if (format instanceof Number n && n.longValue() == VERSION) {
            steps = readBuckets(map);
        } else {
            throw new IllegalArgumentException("offset field '" + FORMAT + "' must be " + VERSION + " or absent, was " + format);
        }
        Object count = map.get(EMITTED);
        int emitted = steps.emitted;
        if (count != null) {
            // a reopened offset may count more steps than it holds, never fewer
            if (!(count instanceof Number n) || n.longValue() < steps.emitted || n.longValue() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("offset field '" + EMITTED + "' must be a count of at least the "
                        + steps.emitted + " steps held, was " + count);
            }
            emitted = n.intValue();
        }
        Object created = map.get(CREATED);
        if (created != null && !(created instanceof Number)) {
            throw new IllegalArgumentException("offset field '" + CREATED + "' must be a number, was " + created);
        }
        JobOffset read = new JobOffset(token, issued == null ? 0L : ((Number) issued).longValue(), steps.buckets, emitted,
                steps.bucketBytes, jobHash, false, created == null ? 0L : ((Number) created).longValue());
        return Boolean.TRUE.equals(closed) ? read.withClosed(true) : read;
    }

    private static String optionalString(Map<String, ?> map, String key) {
        Object v = map.get(key);
        if (v != null && !(v instanceof String)) {
            throw new IllegalArgumentException("offset field '" + key + "' must be a string or null, was " + v);
        }
        return (String) v;
    }

    private static JobOffset readBuckets(Map<String, ?> map) {
        StepBucket[] buckets = new StepBucket[BUCKETS];
        int count = 0;
        int bytes = 0;
        for (int b = 0; b < BUCKETS; b++) {
            Object v = map.get(BUCKET_KEYS[b]);
            if (v != null && !(v instanceof String)) {
                throw new IllegalArgumentException("offset field '" + BUCKET_KEYS[b] + "' must be a string, was " + v);
            }
            if (v != null && !((String) v).isEmpty()) {
                buckets[b] = StepBucket.decode((String) v, BUCKET_KEYS[b]);
                count += buckets[b].size();
                bytes += BUCKET_OVERHEAD + buckets[b].size() * StepBucket.STEP_CHARS;
            }
        }
        return new JobOffset(null, 0L, count == 0 ? NO_BUCKETS : buckets, count, bytes, null, false);
    }

    /** Format 1: {@code id=hash,…} with 16 hex digits each; read once, when an older release's offset is resumed. */
    private static JobOffset readFormat1Steps(Object steps) {
        if (steps != null && !(steps instanceof String)) {
            throw new IllegalArgumentException("offset field '" + STEPS + "' must be a string of id=hash pairs, was " + steps);
        }
        JobOffset read = START;
        if (steps == null || ((String) steps).isEmpty()) {
            return read;
        }
        for (String pair : ((String) steps).split(",", -1)) {
            int eq = pair.indexOf('=');
            if (!FORMAT_1_PAIR.matcher(pair).matches() || eq < ID_HEX || pair.length() - eq - 1 < HASH_HEX) {
                throw new IllegalArgumentException("offset field '" + STEPS + "' has a malformed entry '" + pair
                        + "': expected <" + ID_HEX + "+ hex digits of step id>=<" + HASH_HEX + "+ of content hash>");
            }
            read = read.withStep(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return read;
    }

    /** The first {@code digits} hex digits of {@code hex} as a number. */
    private static long hexPrefix(String hex, int digits, String what) {
        if (hex == null || hex.length() < digits) {
            throw new IllegalArgumentException(what + " must start with " + digits + " hex digits, was " + hex);
        }
        try {
            return HexFormat.fromHexDigitsToLong(hex, 0, digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must start with " + digits + " hex digits, was " + hex, e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JobOffset other && tokenIssuedAtMs == other.tokenIssuedAtMs && closed == other.closed
                && emitted == other.emitted && createdMs == other.createdMs && Objects.equals(nextToken, other.nextToken)
                && Objects.equals(jobHash, other.jobHash) && Arrays.equals(buckets, other.buckets);
    }

    @Override
    public int hashCode() {
        return 31 * Objects.hash(nextToken, tokenIssuedAtMs, emitted, jobHash, closed, createdMs) + Arrays.hashCode(buckets);
    }

    @Override
    public String toString() {
        return "JobOffset{token=" + (nextToken == null ? "none" : "set") + ", steps=" + emitted + ", closed=" + closed + "}";
    }
}
