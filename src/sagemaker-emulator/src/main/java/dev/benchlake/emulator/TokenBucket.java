package dev.benchlake.emulator;

/**
 * A token bucket, the usual model of an AWS per-operation request quota: it holds at most {@code burst} tokens, starts
 * full, refills continuously at {@code ratePerSecond}, and each call takes one token or is throttled.
 */
final class TokenBucket {
    // absorbs rounding of fractional refills (0.1 + 0.2 ...) so that a call due exactly on time is not throttled
    private static final double EPSILON = 1e-9;

    private final double ratePerSecond;
    private final int burst;
    private double tokens;
    private long lastNanos;
    private boolean started;

    TokenBucket(double ratePerSecond, int burst) {
        if (!(ratePerSecond >= 0) || Double.isInfinite(ratePerSecond) || burst < 1) {
            throw new IllegalArgumentException("a quota needs ratePerSecond >= 0 and burst >= 1: " + ratePerSecond + ", " + burst);
        }
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
    }

    double ratePerSecond() {
        return ratePerSecond;
    }

    int burst() {
        return burst;
    }

    /** Takes a token at {@code nowNanos} (a {@link System#nanoTime()} reading), or answers false: throttled. */
    synchronized boolean tryTake(long nowNanos) {
        if (!started) {
            started = true;
            tokens = burst;
            lastNanos = nowNanos;
        } else if (nowNanos - lastNanos > 0) {
            // nanoTime readings are compared by difference only (they may be negative and wrap)
            tokens = Math.min(burst, tokens + (nowNanos - lastNanos) * ratePerSecond / 1e9);
            lastNanos = nowNanos;
        }
        if (tokens + EPSILON >= 1) {
            tokens = Math.max(0, tokens - 1);
            return true;
        }
        return false;
    }

    @Override
    public String toString() {
        return "{ratePerSecond=" + ratePerSecond + ", burst=" + burst + "}";
    }
}
