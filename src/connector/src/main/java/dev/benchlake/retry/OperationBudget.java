package dev.benchlake.retry;

/**
 * One operation's calls for one task: a token bucket whose rate follows an {@link AdaptiveRate}. A throttle that cuts
 * the rate also throws away the tokens saved up, because it means the service's own bucket is empty now: a burst
 * then would only be throttled too. Not thread-safe.
 */
final class OperationBudget {

    private final AdaptiveRate rate;
    private final TokenBucket bucket;

    OperationBudget(AdaptiveRate rate, long nowMs) {
        this.rate = rate;
        this.bucket = new TokenBucket(rate.rate(), nowMs);
    }

    long waitMs(long nowMs) {
        return bucket.waitMs(nowMs);
    }

    void take(long nowMs) {
        bucket.take(nowMs);
    }

    void answered(boolean throttled, long grantedAtMs, long nowMs) {
        boolean cut = rate.answered(throttled, grantedAtMs, nowMs);
        bucket.rate(rate.rate(), nowMs);
        if (cut) {
            bucket.drain();
        }
    }

    double rate() {
        return rate.rate();
    }

    void rescale(double factor, long nowMs) {
        rate.rescale(factor);
        bucket.rate(rate.rate(), nowMs);
    }

    double ceiling() {
        return rate.ceiling();
    }
}
