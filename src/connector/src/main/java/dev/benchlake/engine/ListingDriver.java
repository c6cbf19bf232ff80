package dev.benchlake.engine;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

import org.apache.kafka.connect.errors.ConnectException;

import dev.benchlake.api.ApiErrorKind;
import dev.benchlake.api.ApiOperation;
import dev.benchlake.api.JobObservation;
import dev.benchlake.discovery.JobDiscovery;
import dev.benchlake.retry.ApiBudgets;

/**
 * Drives {@link JobDiscovery}: one listing page per unit of work, asked for on a thread of its own (off the poll
 * thread, so a hung call never keeps {@code poll()} from returning) in the listing operation's own budget, and waited
 * for until the poll's deadline at most; an answer not in by then is taken up by the next unit.
 *
 * <p>All methods but {@link #close()} are called by the poll thread only.
 */
final class ListingDriver implements AutoCloseable {

    /** What one unit of listing came to: a page of this shard's jobs, a wait for the budget, or no answer yet. */
    record Step(List<JobObservation> jobs, long budgetWaitMs) {
        static final Step NOT_ANSWERED = new Step(null, 0);

        boolean answered() {
            return jobs != null;
        }
    }

    private final JobDiscovery discovery;
    private final ApiBudgets budgets;
    /** The task's monotonic clock, in ms: due times and budgets. */
    private final LongSupplier clock;
    private final ExecutorService thread;
    private Future<JobDiscovery.ListOutcome> underWay;

    ListingDriver(JobDiscovery discovery, ApiBudgets budgets, LongSupplier clock, String threadName) {
        this.discovery = discovery;
        this.budgets = budgets;
        this.clock = clock;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        discovery.dueAt(clock.getAsLong());
    }

    /** Whether a listing page is due, or one asked for is still to be taken up. */
    boolean due(long now) {
        return underWay != null || discovery.dueAtMs() <= now;
    }

    /** When the next page is due. */
    long dueAtMs() {
        return discovery.dueAtMs();
    }

    /** Whether one whole listing has been read: until then the task cannot know all the jobs of its shard. */
    boolean listedOnce() {
        return discovery.listedOnce();
    }

    /**
     * One page of the job listing: asked for if the budget allows (else how long to wait), waited for until
     * {@code untilMs}; its answer feeds the budget and moves the listing on.
     */
    Step step(long now, long untilMs, BooleanSupplier stopping) throws InterruptedException {
        if (underWay == null) {
            long wait = budgets.tryAcquire(ApiOperation.LIST_JOBS, now);
            if (wait > 0) {
                return new Step(null, wait);
            }
            JobDiscovery.ListCall call = discovery.nextCall();
            underWay = thread.submit(() -> discovery.call(call));
        }
        JobDiscovery.ListOutcome outcome = await(untilMs, stopping);
        if (outcome == null) {
            return Step.NOT_ANSWERED;
        }
        // one listing call at a time: no other can have cut the rate since this one took its token
        long answeredAt = clock.getAsLong();
        boolean throttled = outcome.error() != null && outcome.error().kind() == ApiErrorKind.THROTTLED;
        budgets.answered(ApiOperation.LIST_JOBS, throttled, answeredAt, answeredAt);
        return new Step(discovery.apply(outcome, answeredAt), 0);
    }

    private JobDiscovery.ListOutcome await(long untilMs, BooleanSupplier stopping) throws InterruptedException {
        while (!underWay.isDone()) {
            long left = untilMs - clock.getAsLong();
            if (left <= 0 || stopping.getAsBoolean()) {
                return null;
            }
            try {
                underWay.get(Math.min(left, 50), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // not answered yet, or seen below
            }
        }
        Future<JobDiscovery.ListOutcome> done = underWay;
        underWay = null;
        try {
            return done.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new ConnectException(e.getCause());
        }
    }

    /** Stops listing; a call under way is interrupted. Safe to call from any thread. */
    @Override
    public void close() {
        thread.shutdownNow();
    }
}
