package dev.benchlake.offset;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Where reading of one job stands: the page cursor of the pass in progress, the content hash of every step
 * already emitted, the hash of the last job record emitted, and whether the job is closed (read completely;
 * it costs no API call any more).
 *
 * <p>Immutable; the {@code with…} methods return copies. {@link #toMap()} and {@link #fromMap(Map)} are the
 * form Connect stores (JSON): numbers may come back as Integer or Long, so they are read as {@link Number}.
 * Connect allows only primitive values in an offset, so the emitted steps travel as one string of
 * {@code id=hash} pairs, each the first 64 bits of the full value: ample to tell apart the steps of one job,
 * and half the bytes.
 */
public final class JobOffset {

    static final String NEXT_TOKEN = "next_token";
    static final String TOKEN_ISSUED_AT = "token_issued_at";
    static final String STEPS = "steps";
    static final String JOB_HASH = "job_hash";
    static final String CLOSED = "closed";

    public static final JobOffset START = new JobOffset(null, 0L, Map.of(), null, false);

    /** Hex characters of a step id or content hash kept in the offset. */
    static final int SHORT = 16;

    private final String nextToken;
    private final long tokenIssuedAtMs;
    private final Map<String, String> stepHashes;
    private final String jobHash;
    private final boolean closed;

    private JobOffset(String nextToken, long tokenIssuedAtMs, Map<String, String> stepHashes, String jobHash,
            boolean closed) {
        this.nextToken = nextToken;
        this.tokenIssuedAtMs = tokenIssuedAtMs;
        this.stepHashes = stepHashes;
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

    public Map<String, String> stepHashes() {
        return stepHashes;
    }

    public String jobHash() {
        return jobHash;
    }

    public boolean closed() {
        return closed;
    }

    /** True when a step with this id and content was already emitted. */
    public boolean alreadyEmitted(String stepId, String contentHash) {
        return shorten(contentHash).equals(stepHashes.get(shorten(stepId)));
    }

    /** Number of distinct steps emitted. */
    public int stepsEmitted() {
        return stepHashes.size();
    }

    private static String shorten(String hex) {
        return hex.length() <= SHORT ? hex : hex.substring(0, SHORT);
    }

    public JobOffset withNextToken(String token, long issuedAtMs) {
        return new JobOffset(token, token == null ? 0L : issuedAtMs, stepHashes, jobHash, closed);
    }

    public JobOffset withStep(String stepId, String contentHash) {
        Map<String, String> copy = new HashMap<>(stepHashes);
        copy.put(shorten(stepId), shorten(contentHash));
        return new JobOffset(nextToken, tokenIssuedAtMs, Collections.unmodifiableMap(copy), jobHash, closed);
    }

    public JobOffset withJobHash(String hash) {
        return new JobOffset(nextToken, tokenIssuedAtMs, stepHashes, hash, closed);
    }

    public JobOffset withClosed(boolean isClosed) {
        return new JobOffset(nextToken, tokenIssuedAtMs, stepHashes, jobHash, isClosed);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put(NEXT_TOKEN, nextToken);
        map.put(TOKEN_ISSUED_AT, tokenIssuedAtMs);
        map.put(STEPS, encodeSteps(stepHashes));
        map.put(JOB_HASH, jobHash);
        map.put(CLOSED, closed);
        return map;
    }

    /**
     * Reads an offset back from Connect's offset store; null reads as {@link #START}.
     *
     * @throws IllegalArgumentException naming the field when the map is not a Benchlake job offset
     */
    public static JobOffset fromMap(Map<String, ?> map) {
        if (map == null) {
            return START;
        }
        Object token = map.get(NEXT_TOKEN);
        if (token != null && !(token instanceof String)) {
            throw new IllegalArgumentException("offset field '" + NEXT_TOKEN + "' must be a string or null, was " + token);
        }
        Object issued = map.get(TOKEN_ISSUED_AT);
        if (issued != null && !(issued instanceof Number)) {
            throw new IllegalArgumentException("offset field '" + TOKEN_ISSUED_AT + "' must be a number, was " + issued);
        }
        Object steps = map.get(STEPS);
        if (steps != null && !(steps instanceof String)) {
            throw new IllegalArgumentException("offset field '" + STEPS + "' must be a string of id=hash pairs, was " + steps);
        }
        Map<String, String> hashes = decodeSteps((String) steps);
        Object jobHash = map.get(JOB_HASH);
        if (jobHash != null && !(jobHash instanceof String)) {
            throw new IllegalArgumentException("offset field '" + JOB_HASH + "' must be a string or null, was " + jobHash);
        }
        Object closed = map.get(CLOSED);
        if (closed != null && !(closed instanceof Boolean)) {
            throw new IllegalArgumentException("offset field '" + CLOSED + "' must be true or false, was " + closed);
        }
        return new JobOffset((String) token, issued == null ? 0L : ((Number) issued).longValue(),
                Collections.unmodifiableMap(hashes), (String) jobHash, Boolean.TRUE.equals(closed));
    }

    /** {@code id=hash,id=hash} sorted by id, so that equal offsets serialise to equal bytes. */
    static String encodeSteps(Map<String, String> hashes) {
        StringBuilder out = new StringBuilder(hashes.size() * (2 * SHORT + 2));
        new TreeMap<>(hashes).forEach((id, hash) -> {
            if (out.length() > 0) {
                out.append(',');
            }
            out.append(id).append('=').append(hash);
        });
        return out.toString();
    }

    static Map<String, String> decodeSteps(String encoded) {
        Map<String, String> hashes = new HashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return hashes;
        }
        for (String pair : encoded.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || eq == pair.length() - 1 || !HEX.matcher(pair).matches()) {
                throw new IllegalArgumentException("offset field '" + STEPS + "' has a malformed entry '" + pair
                        + "': expected <hex step id>=<hex content hash>");
            }
            hashes.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return hashes;
    }

    private static final java.util.regex.Pattern HEX = java.util.regex.Pattern.compile("[0-9a-f]+=[0-9a-f]+");

    @Override
    public boolean equals(Object o) {
        return o instanceof JobOffset other && tokenIssuedAtMs == other.tokenIssuedAtMs && closed == other.closed
                && Objects.equals(nextToken, other.nextToken) && stepHashes.equals(other.stepHashes)
                && Objects.equals(jobHash, other.jobHash);
    }

    @Override
    public int hashCode() {
        return Objects.hash(nextToken, tokenIssuedAtMs, stepHashes, jobHash, closed);
    }

    @Override
    public String toString() {
        return "JobOffset{token=" + (nextToken == null ? "none" : "set") + ", steps=" + stepHashes.size()
                + ", closed=" + closed + "}";
    }
}
