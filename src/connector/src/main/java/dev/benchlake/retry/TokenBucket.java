package dev.benchlake.retry;

/**
 * Calls allowed per second, as tokens refilled continuously at a rate that may change, holding at most a fifth of a
 * second's worth (and at least one): calls go out evenly spaced rather than in bursts, which is what a service's own
 * token bucket lets through with the fewest throttles. Times come from a monotonic clock; a reading earlier than the
 * last one (a wall clock stepped back) counts as no time passed. Not thread-safe.
 */
final class TokenBucket {

    /** How many seconds of the rate the bucket holds when full. */
    static final double BURST_SECONDS = 0.2;

    private double rate;
    private double tokens;
    private long lastRefillMs;

    TokenBucket(double ratePerSecond, long nowMs) {
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("requests per second must be positive, was " + ratePerSecond);
        }
        this.rate = ratePerSecond;
        this.tokens = burst();
        this.lastRefillMs = nowMs;
    }

    double rate() {
        return rate;
    }

    void rate(double ratePerSecond, long nowMs) {
        refill(nowMs);
        rate = ratePerSecond;
        tokens = Math.min(tokens, burst());
    }

    /** 0 when a token is there now, else how many ms until there is one. Takes nothing. */
    long waitMs(long nowMs) {
        refill(nowMs);
        return tokens >= 1.0 ? 0 : Math.max(1L, (long) Math.ceil((1.0 - tokens) * 1000.0 / rate));
    }

    /** Takes the token that {@link #waitMs} said is there. */
    void take(long nowMs) {
        refill(nowMs);
        tokens -= 1.0;
    }

    /** Throws away the tokens saved up: the next call waits a whole interval. */
    void drain() {
        tokens = Math.min(tokens, 0.0);
    }

    private double burst() {
        return Math.max(1.0, rate * BURST_SECONDS);
    }

    private void refill(long nowMs) {
        long elapsed = nowMs - lastRefillMs;
        if (elapsed > 0) {
            tokens = Math.min(burst(), tokens + elapsed * rate / 1000.0);
        }
        // a clock that stepped back counts as no time passed, and refilling goes on from the new reading: the budget
        // must not freeze until the clock has caught up again
        lastRefillMs = nowMs;
    }
}
