package dev.benchlake.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * Fault knobs, mutable at runtime from any thread. All random decisions come from {@link Random}s
 * seeded by {@link #seed(long)}, one per kind of decision, so a given seed and request sequence
 * always fault the same way (and turning one knob does not shift the dice of another).
 *
 * <p>Order of checks for each request: latency (global, per operation, per job), SigV4, per-operation
 * {@linkplain #quota quotas}, then {@code deniedOperations}, then scripted failures ({@link #failNext}), then the
 * throttle / server-error rates, then request validation, then per-job denials and not-found windows ({@link JobFaults}).
 *
 * <p>Quotas run on real time ({@link System#nanoTime()}, or {@link #quotaClock}), not on the scenario clock: the
 * service's rate limit does not care what the scenario says the time is.
 */
public final class Faults {
    private long seed;
    private Random errorDice;
    private Random pageDice;
    private Random latencyDice;
    private Random shuffleDice;

    private volatile double throttleRate;
    private volatile double serverErrorRate;
    private volatile double serviceUnavailableRate;
    private volatile long latencyMs;
    private volatile long latencyJitterMs;
    private volatile Long tokenTtlSeconds;
    private volatile Integer tokenMaxUses;
    private volatile double emptyPageRate;
    private volatile double tokenRepeatRate;
    private volatile boolean shuffleSteps;
    private final Set<String> deniedOperations = ConcurrentHashMap.newKeySet();
    private final Set<String> faultOperations = ConcurrentHashMap.newKeySet();
    private final Deque<Scripted> scripted = new ArrayDeque<>();
    private final Map<String, Long> latencyByOperation = new ConcurrentHashMap<>();
    private final Map<String, TokenBucket> quotas = new ConcurrentHashMap<>();
    private volatile LongSupplier quotaClock = System::nanoTime;
    private volatile double neighbourCallsPerSecond;
    private final List<TimeWindow> credentialsUnavailable = new CopyOnWriteArrayList<>();
    private volatile long credentialsTtlSeconds = DEFAULT_CREDENTIALS_TTL_SECONDS;

    /** How long served credentials are valid: a few hours, like the ECS agent's. */
    static final long DEFAULT_CREDENTIALS_TTL_SECONDS = 6 * 3600;

    private record Scripted(String operation, InjectedError error) {
    }

    public Faults() {
        seed(42);
    }

    /** Reads the {@code faults} object of a scenario file (absent members keep their defaults). */
    static Faults fromJson(JsonNode node) {
        Faults f = new Faults();
        if (node == null || node.isNull()) {
            return f;
        }
        if (node.hasNonNull("seed")) f.seed(node.get("seed").asLong());
        if (node.hasNonNull("throttleRate")) f.throttleRate(node.get("throttleRate").asDouble());
        if (node.hasNonNull("serverErrorRate")) f.serverErrorRate(node.get("serverErrorRate").asDouble());
        if (node.hasNonNull("serviceUnavailableRate")) f.serviceUnavailableRate(node.get("serviceUnavailableRate").asDouble());
        if (node.hasNonNull("latencyMs")) f.latencyMs(node.get("latencyMs").asLong());
        if (node.hasNonNull("latencyJitterMs")) f.latencyJitterMs(node.get("latencyJitterMs").asLong());
        if (node.hasNonNull("tokenTtlSeconds")) f.tokenTtlSeconds(node.get("tokenTtlSeconds").asLong());
        if (node.hasNonNull("tokenMaxUses")) f.tokenMaxUses(node.get("tokenMaxUses").asInt());
        if (node.hasNonNull("emptyPageRate")) f.emptyPageRate(node.get("emptyPageRate").asDouble());
        if (node.hasNonNull("tokenRepeatRate")) f.tokenRepeatRate(node.get("tokenRepeatRate").asDouble());
        if (node.hasNonNull("shuffleSteps")) f.shuffleSteps(node.get("shuffleSteps").asBoolean());
        if (node.has("deniedOperations")) {
            node.get("deniedOperations").forEach(n -> f.deniedOperations.add(n.asText()));
        }
        if (node.has("faultOperations")) {
            node.get("faultOperations").forEach(n -> f.faultOperations.add(n.asText()));
        }
        node.path("latencyByOperation").properties().forEach(e -> f.latencyMs(e.getKey(), e.getValue().asLong()));
        node.path("quotas").properties().forEach(e -> {
            if (!e.getValue().path("ratePerSecond").isNumber()) {
                throw new IllegalArgumentException("quota of " + e.getKey() + ": ratePerSecond (a number) is required");
            }
            f.quota(e.getKey(), e.getValue().get("ratePerSecond").asDouble(), e.getValue().path("burst").asInt(1));
        });
        if (node.hasNonNull("neighbourCallsPerSecond")) f.neighbour(node.get("neighbourCallsPerSecond").asDouble());
        TimeWindow.listFromJson(node.get("credentialsUnavailable"), "faults credentialsUnavailable").forEach(f::credentialsUnavailable);
        if (node.hasNonNull("credentialsTtlSeconds")) f.credentialsTtlSeconds(node.get("credentialsTtlSeconds").asLong());
        return f;
    }

    /** Re-seeds every dice (also resets their sequences). Default 42. */
    public synchronized Faults seed(long seed) {
        this.seed = seed;
        this.errorDice = new Random(seed);
        this.pageDice = new Random(seed * 31 + 1);
        this.latencyDice = new Random(seed * 31 + 2);
        this.shuffleDice = new Random(seed * 31 + 3);
        return this;
    }

    public synchronized long seed() {
        return seed;
    }

    /** Fraction (0..1) of requests answered with HTTP 400 {@code ThrottlingException}. */
    public Faults throttleRate(double rate) {
        this.throttleRate = rate(rate);
        return this;
    }

    public double throttleRate() {
        return throttleRate;
    }

    /** Fraction (0..1) of requests answered with HTTP 500 {@code InternalFailure}. */
    public Faults serverErrorRate(double rate) {
        this.serverErrorRate = rate(rate);
        return this;
    }

    public double serverErrorRate() {
        return serverErrorRate;
    }

    /** Fraction (0..1) of requests answered with HTTP 503 {@code ServiceUnavailable}. */
    public Faults serviceUnavailableRate(double rate) {
        this.serviceUnavailableRate = rate(rate);
        return this;
    }

    public double serviceUnavailableRate() {
        return serviceUnavailableRate;
    }

    /** Real (wall-clock) delay added before answering any request. */
    public Faults latencyMs(long ms) {
        this.latencyMs = nonNegative(ms);
        return this;
    }

    public long latencyMs() {
        return latencyMs;
    }

    /** Real delay added to every request of one operation (on top of {@link #latencyMs()}); 0 removes it. */
    public Faults latencyMs(String operation, long ms) {
        checkOperation(operation);
        if (nonNegative(ms) == 0) {
            latencyByOperation.remove(operation);
        } else {
            latencyByOperation.put(operation, ms);
        }
        return this;
    }

    public Map<String, Long> latencyByOperation() {
        return Map.copyOf(latencyByOperation);
    }

    /**
     * A request quota for one operation, as SageMaker has per account, region and operation: a token bucket of
     * {@code burst} tokens refilled at {@code ratePerSecond} (real time); a call finding it empty is answered HTTP 400
     * {@code ThrottlingException} "Rate exceeded". Replaces any quota of the operation (the new bucket starts full).
     */
    public Faults quota(String operation, double ratePerSecond, int burst) {
        checkOperation(operation);
        TokenBucket bucket = new TokenBucket(ratePerSecond, burst);
        if (neighbourCallsPerSecond > 0) {
            bucket.neighbour(neighbourCallsPerSecond, neighbourSeed(operation), quotaClock.getAsLong());
        }
        quotas.put(operation, bucket);
        return this;
    }

    /**
     * Another caller in the account, spending {@code callsPerSecond} of every operation's {@linkplain #quota quota}
     * (of those set now and later) at random moments and never backing off when throttled, as a job scheduler or
     * another team's script does: the connector must settle on the share it leaves. 0 (the default) for none.
     */
    public Faults neighbour(double callsPerSecond) {
        if (!(callsPerSecond >= 0) || Double.isInfinite(callsPerSecond)) {
            throw new IllegalArgumentException("neighbourCallsPerSecond must be >= 0, was " + callsPerSecond);
        }
        this.neighbourCallsPerSecond = callsPerSecond;
        long now = quotaClock.getAsLong();
        quotas.forEach((op, bucket) -> bucket.neighbour(callsPerSecond, neighbourSeed(op), now));
        return this;
    }

    public double neighbour() {
        return neighbourCallsPerSecond;
    }

    /** The neighbour's calls per operation with a quota: {@code [answered, throttled]}. */
    public Map<String, long[]> neighbourCalls() {
        Map<String, long[]> out = new TreeMap<>();
        quotas.forEach((op, b) -> out.put(op, new long[] {b.neighbourAnswered(), b.neighbourThrottled()}));
        return out;
    }

    private long neighbourSeed(String operation) {
        return seed() * 31 + 4 + operation.hashCode();
    }

    public Faults removeQuota(String operation) {
        quotas.remove(operation);
        return this;
    }

    /** Operations with a quota, e.g. {@code {ListInferenceRecommendationsJobSteps={ratePerSecond=2.0, burst=2}}}. */
    public Map<String, String> quotas() {
        Map<String, String> out = new TreeMap<>();
        quotas.forEach((op, b) -> out.put(op, b.toString()));
        return out;
    }

    /** The time source of the quotas, in nanoseconds like {@link System#nanoTime()} (the default); for tests. */
    public Faults quotaClock(LongSupplier nanoTime) {
        this.quotaClock = Objects.requireNonNull(nanoTime);
        return this;
    }

    /**
     * During {@code window} (scenario time) the emulator's credentials endpoint answers HTTP 500, like an ECS agent or
     * instance metadata service that is restarting or throttled. Adds to earlier windows.
     */
    public Faults credentialsUnavailable(TimeWindow window) {
        credentialsUnavailable.add(Objects.requireNonNull(window));
        return this;
    }

    public List<TimeWindow> credentialsUnavailable() {
        return List.copyOf(credentialsUnavailable);
    }

    /** How far ahead of the wall clock the served credentials' {@code Expiration} is (default 6 hours). */
    public Faults credentialsTtlSeconds(long seconds) {
        if (seconds < 1) {
            throw new IllegalArgumentException("credentialsTtlSeconds must be positive: " + seconds);
        }
        this.credentialsTtlSeconds = seconds;
        return this;
    }

    public long credentialsTtlSeconds() {
        return credentialsTtlSeconds;
    }

    /** Extra uniform random real delay in [0, jitter] added to {@link #latencyMs()}. */
    public Faults latencyJitterMs(long ms) {
        this.latencyJitterMs = nonNegative(ms);
        return this;
    }

    public long latencyJitterMs() {
        return latencyJitterMs;
    }

    /** A NextToken issued longer ago than this (scenario clock) is refused with ValidationException; null = never. */
    public Faults tokenTtlSeconds(Long seconds) {
        this.tokenTtlSeconds = seconds == null ? null : nonNegative(seconds);
        return this;
    }

    public Long tokenTtlSeconds() {
        return tokenTtlSeconds;
    }

    /** A NextToken presented more than this many times is refused with ValidationException; null = unlimited. */
    public Faults tokenMaxUses(Integer uses) {
        if (uses != null && uses < 1) {
            throw new IllegalArgumentException("tokenMaxUses must be at least 1: " + uses);
        }
        this.tokenMaxUses = uses;
        return this;
    }

    public Integer tokenMaxUses() {
        return tokenMaxUses;
    }

    /** Fraction of list pages answered with no items but a NextToken that continues where the page would have started. */
    public Faults emptyPageRate(double rate) {
        this.emptyPageRate = rate(rate);
        return this;
    }

    public double emptyPageRate() {
        return emptyPageRate;
    }

    /** Fraction of requests carrying a NextToken that are answered with that same token (a page that does not progress). */
    public Faults tokenRepeatRate(double rate) {
        this.tokenRepeatRate = rate(rate);
        return this;
    }

    public double tokenRepeatRate() {
        return tokenRepeatRate;
    }

    /** When true, each listing pass (a request without NextToken) of a job's steps gets its own step order. */
    public Faults shuffleSteps(boolean shuffle) {
        this.shuffleSteps = shuffle;
        return this;
    }

    public boolean shuffleSteps() {
        return shuffleSteps;
    }

    /** Operations answered with {@code AccessDeniedException}, e.g. {@code "ListInferenceRecommendationsJobSteps"}. */
    public Faults deniedOperations(Collection<String> operations) {
        deniedOperations.clear();
        deniedOperations.addAll(operations);
        return this;
    }

    public Faults deny(String operation) {
        deniedOperations.add(operation);
        return this;
    }

    public Set<String> deniedOperations() {
        return Set.copyOf(deniedOperations);
    }

    /** Limits the random throttle/server-error rates to these operations (empty, the default: all operations). */
    public Faults faultOperations(Collection<String> operations) {
        faultOperations.clear();
        faultOperations.addAll(operations);
        return this;
    }

    public Set<String> faultOperations() {
        return Set.copyOf(faultOperations);
    }

    /**
     * Answers the next {@code times} requests of {@code operation} (null: of any operation) with
     * {@code error}, before any rate-based fault. Deterministic, unlike the rates.
     */
    public synchronized Faults failNext(String operation, InjectedError error, int times) {
        for (int i = 0; i < times; i++) {
            scripted.addLast(new Scripted(operation, error));
        }
        return this;
    }

    /** Sets every knob back to "no faults" (the seed stays) and drops scripted failures. */
    public synchronized Faults clear() {
        throttleRate = 0;
        serverErrorRate = 0;
        serviceUnavailableRate = 0;
        latencyMs = 0;
        latencyJitterMs = 0;
        tokenTtlSeconds = null;
        tokenMaxUses = null;
        emptyPageRate = 0;
        tokenRepeatRate = 0;
        shuffleSteps = false;
        deniedOperations.clear();
        faultOperations.clear();
        scripted.clear();
        latencyByOperation.clear();
        quotas.clear();
        neighbourCallsPerSecond = 0;
        credentialsUnavailable.clear();
        return this;
    }

    // ---- decisions, used by the emulator ----

    synchronized InjectedError takeScripted(String operation) {
        for (Iterator<Scripted> it = scripted.iterator(); it.hasNext(); ) {
            Scripted s = it.next();
            if (s.operation() == null || s.operation().equals(operation)) {
                it.remove();
                return s.error();
            }
        }
        return null;
    }

    synchronized InjectedError rollError(String operation) {
        double t = throttleRate;
        double e = serverErrorRate;
        double u = serviceUnavailableRate;
        if (t + e + u <= 0) {
            return null;
        }
        if (!faultOperations.isEmpty() && !faultOperations.contains(operation)) {
            return null;
        }
        double r = errorDice.nextDouble();
        if (r < t) return InjectedError.THROTTLING;
        if (r < t + e) return InjectedError.INTERNAL_FAILURE;
        if (r < t + e + u) return InjectedError.SERVICE_UNAVAILABLE;
        return null;
    }

    /** False when the operation's quota has no token left (the call is throttled); true without a quota. */
    boolean takeQuota(String operation) {
        TokenBucket bucket = quotas.get(operation);
        return bucket == null || bucket.tryTake(quotaClock.getAsLong());
    }

    long latencyFor(String operation) {
        Long ms = latencyByOperation.get(operation);
        return ms == null ? 0 : ms;
    }

    boolean credentialsAvailableAt(long scenarioMillis) {
        return !TimeWindow.anyContains(credentialsUnavailable, scenarioMillis);
    }

    synchronized long rollLatencyMs() {
        long base = latencyMs;
        long jitter = latencyJitterMs;
        return jitter > 0 ? base + (long) (latencyDice.nextDouble() * (jitter + 1)) : base;
    }

    synchronized boolean rollEmptyPage() {
        double r = emptyPageRate;
        return r > 0 && pageDice.nextDouble() < r;
    }

    synchronized boolean rollTokenRepeat() {
        double r = tokenRepeatRate;
        return r > 0 && pageDice.nextDouble() < r;
    }

    /** A seed for one listing pass's step order; 0 means scenario order. */
    synchronized long rollPassSeed() {
        if (!shuffleSteps) {
            return 0;
        }
        long s;
        do {
            s = shuffleDice.nextLong();
        } while (s == 0);
        return s;
    }

    private static double rate(double r) {
        if (!(r >= 0 && r <= 1)) {
            throw new IllegalArgumentException("a rate is between 0 and 1: " + r);
        }
        return r;
    }

    private static void checkOperation(String operation) {
        if (!InferenceRecommenderApi.OPERATIONS.contains(operation)) {
            throw new IllegalArgumentException("not one of " + InferenceRecommenderApi.OPERATIONS + ": " + operation);
        }
    }

    private static long nonNegative(long v) {
        if (v < 0) {
            throw new IllegalArgumentException("must not be negative: " + v);
        }
        return v;
    }

    @Override
    public String toString() {
        return "Faults[seed=" + seed() + ", throttleRate=" + throttleRate + ", serverErrorRate=" + serverErrorRate
                + ", serviceUnavailableRate=" + serviceUnavailableRate + ", latencyMs=" + latencyMs
                + ", latencyJitterMs=" + latencyJitterMs + ", tokenTtlSeconds=" + tokenTtlSeconds
                + ", tokenMaxUses=" + tokenMaxUses + ", emptyPageRate=" + emptyPageRate
                + ", tokenRepeatRate=" + tokenRepeatRate + ", shuffleSteps=" + shuffleSteps
                + ", deniedOperations=" + List.copyOf(deniedOperations) + ", latencyByOperation=" + latencyByOperation
                + ", quotas=" + quotas() + ", neighbourCallsPerSecond=" + neighbourCallsPerSecond
                + ", credentialsUnavailable=" + credentialsUnavailable + "]";
    }
}
