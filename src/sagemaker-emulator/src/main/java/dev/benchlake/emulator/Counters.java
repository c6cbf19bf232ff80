package dev.benchlake.emulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the emulator answered, per operation (short name, e.g. {@code "ListInferenceRecommendationsJobSteps"}), job
 * and {@link Outcome}; thread-safe. A request is counted once answered: one interrupted by {@code close()} is not.
 *
 * <p>{@code requests(op) == answered(op) + throttled(op)}: a call is either throttled (HTTP 400 ThrottlingException,
 * from a {@linkplain Faults#quota quota}, the {@code throttleRate} or a scripted failure) or answered otherwise
 * (success or any other error).
 */
public final class Counters {
    // keys: op | op \0 job | op \1 outcome | \2 outcome | \3 (all) | op \4 (quota) | op \5 (nanos) | \6 credentials ok/failed
    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
    private final List<SageMakerEmulator.StepsRequest> stepsRequests = new ArrayList<>();

    /** Requests of an operation, any outcome. */
    public long requests(String operation) {
        return get(operation);
    }

    /** Requests of an operation that were not throttled (whatever else their answer was). */
    public long answered(String operation) {
        return requests(operation) - throttled(operation);
    }

    /** Requests of an operation answered ThrottlingException (quota, throttleRate or scripted). */
    public long throttled(String operation) {
        return count(operation, Outcome.THROTTLED);
    }

    /** Requests of an operation throttled by its {@linkplain Faults#quota quota} (a subset of {@link #throttled}). */
    public long quotaThrottled(String operation) {
        return get(operation + "\u0004");
    }

    /** Requests of an operation answered HTTP 200. */
    public long ok(String operation) {
        return count(operation, Outcome.OK);
    }

    /** Requests of an operation for one JobName, any outcome. */
    public long count(String operation, String jobName) {
        return get(operation + "\u0000" + jobName);
    }

    public long count(String operation, Outcome outcome) {
        return get(operation + "\u0001" + outcome);
    }

    /** Requests of any operation with one outcome. */
    public long count(Outcome outcome) {
        return get("\u0002" + outcome);
    }

    /** All requests of the three operations (and malformed ones); not the credentials endpoint's. */
    public long total() {
        return get("\u0003");
    }

    /** Time the emulator spent computing answers of an operation, injected latency excluded (nanoseconds). */
    public long serverNanos(String operation) {
        return get(operation + "\u0005");
    }

    /** Credentials the credentials endpoint served (HTTP 200). */
    public long credentialsServed() {
        return get("\u0006ok");
    }

    /** Credential requests answered HTTP 500 (in a {@code credentialsUnavailable} window). */
    public long credentialsFailed() {
        return get("\u0006failed");
    }

    /** Every ListInferenceRecommendationsJobSteps request since start or the last {@link #reset()}, in order. */
    public List<SageMakerEmulator.StepsRequest> stepsRequests() {
        synchronized (stepsRequests) {
            return List.copyOf(stepsRequests);
        }
    }

    /** Sets every counter to zero and empties the ListSteps log. */
    public void reset() {
        counters.clear();
        synchronized (stepsRequests) {
            stepsRequests.clear();
        }
    }

    // ---- recording, by the emulator ----

    void record(String op, String jobName, Outcome outcome, boolean byQuota, long nanos) {
        add("\u0003", 1);
        add(op, 1);
        add(op + "\u0001" + outcome, 1);
        add("\u0002" + outcome, 1);
        add(op + "\u0005", nanos);
        if (jobName != null) {
            add(op + "\u0000" + jobName, 1);
        }
        if (byQuota) {
            add(op + "\u0004", 1);
        }
    }

    void recordSteps(SageMakerEmulator.StepsRequest r) {
        synchronized (stepsRequests) {
            stepsRequests.add(r);
        }
    }

    void recordCredentials(boolean served) {
        add(served ? "\u0006ok" : "\u0006failed", 1);
    }

    private long get(String key) {
        LongAdder a = counters.get(key);
        return a == null ? 0 : a.sum();
    }

    private void add(String key, long n) {
        counters.computeIfAbsent(key, k -> new LongAdder()).add(n);
    }
}
