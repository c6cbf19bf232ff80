package dev.benchlake.engine;

import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.utils.Time;

/**
 * The poll thread's waits, on the task's monotonic clock, and the stop that ends them: a stop (from Connect's thread)
 * wakes a wait at once, so a rebalance never waits for an idle task's wait to run out.
 */
final class StopSignal {

    private final Time time;
    private final Object wakeUp = new Object();
    private volatile boolean stopping;

    StopSignal(Time time) {
        this.time = time;
    }

    boolean stopping() {
        return stopping;
    }

    /** Stops: every wait ends now, and so does every later one. Safe to call from any thread. */
    void stop() {
        stopping = true;
        synchronized (wakeUp) {
            wakeUp.notifyAll();
        }
    }

    /** Waits until {@code untilMs} of the monotonic clock, or a stop. */
    void waitUntil(long untilMs) throws InterruptedException {
        long left = untilMs - time.hiResClockMs();
        if (left <= 0) {
            return;
        }
        synchronized (wakeUp) {
            try {
                // Time's wait takes a deadline on the wall clock: the same wait from the wall's reading now
                time.waitObject(wakeUp, () -> stopping || time.hiResClockMs() >= untilMs, time.milliseconds() + left);
            } catch (TimeoutException e) {
                // the wall clock was stepped forward during the wait: the caller looks at the monotonic clock again
            }
        }
    }
}
