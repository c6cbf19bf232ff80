package dev.benchlake.emulator;

/**
 * A token bucket, the usual model of an AWS per-operation request quota: it holds at most {@code burst} tokens, starts
 * full, refills continuously at {@code ratePerSecond}, and each call takes one token or is throttled.
 *
 * <p>A quota is the account's, not one client's: a {@linkplain #neighbour neighbour} stands for another caller of the
 * same operation in the same account and region (a scheduler, a dashboard, another team's script) that sends its calls
 * at random moments (exponential gaps, seeded) at a mean rate and never backs off: a call that finds the bucket empty
 * is retried at once, again and again, so it takes the next token before anyone who waits. It spends its rate of the
 * quota whatever the others do, and leaves them the rest.
 */
final class TokenBucket {
    // absorbs rounding of fractional refills (0.1 + 0.2 ...) so that a call due exactly on time is not throttled
    private static final double EPSILON = 1e-9;

    private final double ratePerSecond;
    private final int burst;
    private double tokens;
    private long lastNanos;
    private boolean started;
    private double neighbourPerSecond;
    private java.util.Random neighbourDice;
    private long nextNeighbourNanos;
    private long neighbourAnswered;
    private long neighbourThrottled;
    /** The neighbour's calls throttled so far and still being retried. */
    private long neighbourWaiting;

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

    /**
     * Another caller spending {@code callsPerSecond} of this quota from {@code nowNanos} on (0: none), its moments drawn
     * from {@code seed}.
     */
    synchronized void neighbour(double callsPerSecond, long seed, long nowNanos) {
        if (!(callsPerSecond >= 0) || Double.isInfinite(callsPerSecond)) {
            throw new IllegalArgumentException("a neighbour's calls per second must be >= 0: " + callsPerSecond);
        }
        neighbourPerSecond = callsPerSecond;
        neighbourDice = new java.util.Random(seed);
        nextNeighbourNanos = nowNanos + neighbourGapNanos();
        // the neighbour calls from now on: the bucket serves it from now on too, full, refilled as time passes; a
        // bucket that started only at its first other caller would find every neighbour call since waiting at once
        start(nowNanos);
    }

    private void start(long nowNanos) {
        if (!started) {
            started = true;
            tokens = burst;
            lastNanos = nowNanos;
        }
    }

    /** The neighbour's calls that got a token so far. */
    synchronized long neighbourAnswered() {
        return neighbourAnswered;
    }

    /** The neighbour's calls that found the bucket empty at first (and were retried until they got a token). */
    synchronized long neighbourThrottled() {
        return neighbourThrottled;
    }

    /** Takes a token at {@code nowNanos} (a {@link System#nanoTime()} reading), or answers false: throttled. */
    synchronized boolean tryTake(long nowNanos) {
        start(nowNanos);
        neighbourCallsUntil(nowNanos);
        refill(nowNanos);
        serveNeighbour();
        return take();
    }

    /** The neighbour's calls due by {@code nowNanos}, each at its own moment: the bucket serves calls in arrival order. */
    private void neighbourCallsUntil(long nowNanos) {
        if (neighbourPerSecond <= 0) {
            return;
        }
        // after a long quiet spell only the last minute matters: the bucket forgets what came before it
        if (nowNanos - nextNeighbourNanos > NEIGHBOUR_MEMORY_NANOS) {
            nextNeighbourNanos = nowNanos - NEIGHBOUR_MEMORY_NANOS;
        }
        while (nowNanos - nextNeighbourNanos >= 0) {
            refill(nextNeighbourNanos);
            serveNeighbour();
            if (neighbourWaiting == 0 && take()) {
                neighbourAnswered++;
            } else {
                neighbourThrottled++;
                neighbourWaiting++;
            }
            nextNeighbourNanos += neighbourGapNanos();
        }
    }

    /** The neighbour's retried calls take the tokens there are first. */
    private void serveNeighbour() {
        while (neighbourWaiting > 0 && take()) {
            neighbourWaiting--;
            neighbourAnswered++;
        }
    }

    private static final long NEIGHBOUR_MEMORY_NANOS = 60_000_000_000L;

    private long neighbourGapNanos() {
        return Math.max(1L, (long) (-Math.log(1 - neighbourDice.nextDouble()) * 1e9 / neighbourPerSecond));
    }

    private void refill(long nowNanos) {
        // nanoTime readings are compared by difference only (they may be negative and wrap)
        if (nowNanos - lastNanos > 0) {
            tokens = Math.min(burst, tokens + (nowNanos - lastNanos) * ratePerSecond / 1e9);
            lastNanos = nowNanos;
        }
    }

    private boolean take() {
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
