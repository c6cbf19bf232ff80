package dev.benchlake.emulator;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/** A thread-safe {@link EmulatorClock} that only moves when told to. Starts at scenario time 0. */
public final class ManualClock implements EmulatorClock {
    private final AtomicLong nanos = new AtomicLong();

    @Override
    public Duration now() {
        return Duration.ofNanos(nanos.get());
    }

    /** Moves the clock forward (a negative duration is refused: scenario time never goes back). */
    public ManualClock advance(Duration by) {
        Objects.requireNonNull(by, "by");
        if (by.isNegative()) {
            throw new IllegalArgumentException("the clock cannot go backwards: " + by);
        }
        nanos.addAndGet(by.toNanos());
        return this;
    }

    /** Shorthand for {@code advance(Duration.ofSeconds(seconds))}. */
    public ManualClock advanceSeconds(long seconds) {
        return advance(Duration.ofSeconds(seconds));
    }

    /** Sets the scenario time (may go backwards, which tests of odd clocks may want). */
    public ManualClock set(Duration to) {
        Objects.requireNonNull(to, "to");
        if (to.isNegative()) {
            throw new IllegalArgumentException("scenario time cannot be negative: " + to);
        }
        nanos.set(to.toNanos());
        return this;
    }

    @Override
    public String toString() {
        return "ManualClock[" + now() + "]";
    }
}
