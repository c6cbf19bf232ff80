package dev.benchlake.emulator;

import java.time.Duration;

/** A monotonic real-time clock, optionally scaled, starting at a given scenario time. */
final class RealTimeClock implements EmulatorClock {
    private final long startNanos = System.nanoTime();
    private final long offsetNanos;
    private final double scale;

    RealTimeClock(Duration startAt, double scale) {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("scale must be a positive finite number: " + scale);
        }
        if (startAt.isNegative()) {
            throw new IllegalArgumentException("startAt cannot be negative: " + startAt);
        }
        this.offsetNanos = startAt.toNanos();
        this.scale = scale;
    }

    @Override
    public Duration now() {
        long elapsed = System.nanoTime() - startNanos;
        return Duration.ofNanos(offsetNanos + (long) (elapsed * scale));
    }

    @Override
    public String toString() {
        return "RealTimeClock[scale=" + scale + ", now=" + now() + "]";
    }
}
