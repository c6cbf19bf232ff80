package dev.benchlake.engine;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.utils.MockTime;

/**
 * A {@link MockTime} in which waiting moves time on: the engine's waits (for a due job, the budget) end at once at
 * their deadline, so a test runs minutes of the task's time in milliseconds. The wall clock may be stepped apart from
 * the monotonic one, as an operator or NTP steps a worker's clock.
 */
final class SimulatedTime extends MockTime {

    private final AtomicLong wallStepMs = new AtomicLong();

    SimulatedTime(long wallMs) {
        super(0, wallMs, 0);
    }

    /** Steps the wall clock by {@code ms} (negative: back); the monotonic clock does not move. */
    void stepWall(long ms) {
        wallStepMs.addAndGet(ms);
    }

    @Override
    public long milliseconds() {
        return super.milliseconds() + wallStepMs.get();
    }

    @Override
    public void waitObject(Object obj, Supplier<Boolean> condition, long deadlineMs) {
        // nothing else moves this clock: waiting is moving it to the deadline
        if (condition.get()) {
            return;
        }
        long left = deadlineMs - milliseconds();
        if (left > 0) {
            sleep(left);
        }
        if (!condition.get()) {
            throw new TimeoutException("condition not met by " + deadlineMs);
        }
    }
}
