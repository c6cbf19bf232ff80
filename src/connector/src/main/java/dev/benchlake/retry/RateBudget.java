package dev.benchlake.retry;

/**
 * A token bucket for SageMaker API calls with additive-increase, multiplicative-decrease on throttling: a
 * throttled call halves the rate (down to a tenth of the configured one), each successful call wins back a
 * twentieth. Not thread-safe: one task's poll thread owns it.
 */
public final class RateBudget {

    private final double maxRate;
    private final double minRate;
    private final double burst;
    private double rate;
    private double tokens;
    private long lastRefillMs;

    /**
     * @param requestsPerSecond this task's share of the connector's budget
     * @param nowMs the current time
     */
    public RateBudget(double requestsPerSecond, long nowMs) {
        if (!(requestsPerSecond > 0)) {
            throw new IllegalArgumentException("requests per second must be positive, was " + requestsPerSecond);
        }
        this.maxRate = requestsPerSecond;
        this.minRate = requestsPerSecond / 10;
        this.rate = requestsPerSecond;
        // a second's worth of calls may go at once, and at least one
        this.burst = Math.max(1.0, requestsPerSecond);
        this.tokens = burst;
        this.lastRefillMs = nowMs;
    }

    /** Takes one call's token if there is one and returns 0; otherwise returns how many ms until there is one. */
    public long tryAcquire(long nowMs) {
        refill(nowMs);
        if (tokens >= 1.0) {
            tokens -= 1.0;
            return 0;
        }
        return Math.max(1L, (long) Math.ceil((1.0 - tokens) * 1000.0 / rate));
    }

    public void onThrottled() {
        rate = Math.max(minRate, rate / 2);
    }

    public void onSuccess() {
        rate = Math.min(maxRate, rate + maxRate / 20);
    }

    public double currentRate() {
        return rate;
    }

    private void refill(long nowMs) {
        long elapsed = nowMs - lastRefillMs;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + elapsed * rate / 1000.0);
            lastRefillMs = nowMs;
        }
    }
}
