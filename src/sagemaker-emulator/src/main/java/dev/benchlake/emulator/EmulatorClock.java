package dev.benchlake.emulator;

import java.time.Duration;

/**
 * The emulator's notion of "now", as scenario time: the time elapsed since the scenario's start
 * ({@code epoch} in the scenario). Everything time-dependent (which job/step versions are in effect,
 * deletions, NextToken TTL) is measured on this clock.
 */
public interface EmulatorClock {

    /** Scenario time elapsed since the scenario's epoch. Never negative. */
    Duration now();

    /** Same as {@link #now()}, in milliseconds. */
    default long nowMillis() {
        return now().toMillis();
    }

    /** A clock that tests move by hand, starting at scenario time 0. */
    static ManualClock manual() {
        return new ManualClock();
    }

    /** A clock that follows the wall clock (monotonic), starting at scenario time 0 when created. */
    static EmulatorClock realTime() {
        return new RealTimeClock(Duration.ZERO, 1.0);
    }

    /**
     * A real-time clock running {@code scale} times faster than the wall clock (e.g. 60 means one
     * wall-clock second is one scenario minute), starting at {@code startAt}.
     */
    static EmulatorClock scaled(Duration startAt, double scale) {
        return new RealTimeClock(startAt, scale);
    }
}
