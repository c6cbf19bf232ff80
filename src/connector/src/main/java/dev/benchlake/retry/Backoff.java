package dev.benchlake.retry;

import java.time.Duration;
import java.util.Random;

/**
 * The one backoff of the connector: exponential from {@link #BASE_MS}, capped, with jitter between half and all of
 * the bound, which spreads the retries of many jobs (or tasks) apart instead of sending them together.
 */
public final class Backoff {
    public static final long BASE_MS = 200;

    private final long capMs;
    private final Random random;

    public Backoff(Duration cap, Random random) {
        this.capMs = cap.toMillis();
        this.random = random;
    }

    /** The wait before retrying after {@code failures} failures in a row (at least 1). */
    public long delayMs(int failures) {
        long bound = Math.min(capMs, BASE_MS << Math.min(Math.max(failures, 1) - 1, 16));
        return bound / 2 + (long) (random.nextDouble() * (bound / 2.0));
    }
}
