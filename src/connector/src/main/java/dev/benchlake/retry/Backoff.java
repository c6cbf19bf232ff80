package dev.benchlake.retry;

import java.time.Duration;
import java.util.Random;

/**
 * The one backoff of the connector: exponential from {@link #BASE_MS}, capped, with jitter between half and all of
 * the bound, which spreads the retries of many jobs (or tasks) apart instead of sending them together.
 */
public final class Backoff {
    public static final long BASE_MS = 200;

    private final long baseMs;
    private final long capMs;
    private final Random random;

    public Backoff(Duration cap, Random random) {
        this(Duration.ofMillis(BASE_MS), cap, random);
    }

    /** A backoff whose first bound is {@code base} instead of {@link #BASE_MS}. */
    public Backoff(Duration base, Duration cap, Random random) {
        this.baseMs = Math.max(1, base.toMillis());
        this.capMs = cap.toMillis();
        this.random = random;
    }

    /** The wait before retrying after {@code failures} failures in a row (at least 1). */
    public long delayMs(int failures) {
        int doublings = Math.min(Math.max(failures, 1) - 1, 62 - (63 - Long.numberOfLeadingZeros(baseMs)));
        long bound = Math.min(capMs, baseMs << Math.max(0, doublings));
        return bound / 2 + (long) (random.nextDouble() * (bound / 2.0));
    }
}
