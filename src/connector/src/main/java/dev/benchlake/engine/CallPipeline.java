package dev.benchlake.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.benchlake.metrics.TaskStats;
import dev.benchlake.pass.ApiCall;
import dev.benchlake.pass.ApiOutcome;

/**
 * Makes the calls that open the next due jobs' passes on a few threads while the poll thread works (and while
 * Connect sends what the last poll returned), so that the calls of different jobs overlap instead of queueing behind
 * each other.
 *
 * <p>It only ever makes calls the poll thread is about to make, and it decides nothing: the poll thread still
 * chooses every call, applies every answer in its own order and owns all job state. When the poll thread comes to
 * a job, it asks for the answer to the exact call it would make ({@link #take}); an answer fetched ahead for a
 * different call (the job's state moved on meanwhile) or fetched too long ago is thrown away and the call is made
 * again. So the records, offsets and transaction boundaries are those of one call at a time; only the waiting
 * overlaps.
 *
 * <p>All methods but {@link #close()} are called by the poll thread only.
 */
final class CallPipeline implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CallPipeline.class);

    /** An answer fetched ahead is used only this soon after its calls were asked for; older ones are made again. */
    static final long MAX_AGE_MS = 10_000;

    private final Function<ApiCall, ApiOutcome> caller;
    private final int depth;
    private final ThreadPoolExecutor executor;
    private final Time time;
    private final TaskStats stats;
    private final Map<String, Ahead> byJob = new HashMap<>();
    private volatile boolean closed;

    /**
     * @param caller makes one call; must be safe to use from several threads
     * @param threads how many calls may be under way at once; 0 turns the pipeline off
     * @param depth how many jobs may hold calls made (or waiting to be made) ahead, at least {@code threads}
     */
    CallPipeline(Function<ApiCall, ApiOutcome> caller, int threads, int depth, String threadName, Time time,
            TaskStats stats) {
        if (threads < 0 || depth < threads) {
            throw new IllegalArgumentException("need 0 <= threads <= depth, was threads=" + threads + ", depth=" + depth);
        }
        this.caller = caller;
        this.depth = threads == 0 ? 0 : depth;
        this.time = time;
        this.stats = stats;
        if (threads == 0) {
            this.executor = null;
        } else {
            AtomicInteger n = new AtomicInteger();
            this.executor = new ThreadPoolExecutor(threads, threads, 0L, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                    r -> {
                        Thread t = new Thread(r, threadName + "-" + n.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
        }
    }

    /** Whether another job's calls may be started now. */
    boolean hasRoom() {
        return executor != null && !closed && byJob.size() < depth;
    }

    /** Whether calls for this job were made ahead and not yet taken. */
    boolean holds(String job) {
        return byJob.containsKey(job);
    }

    /** Jobs with calls made ahead and not yet taken. */
    int size() {
        return byJob.size();
    }

    /**
     * Makes these calls for the job, one after another on one of the pipeline's threads, as soon as one is free.
     * A call that fails stops the rest: the poll thread decides what follows a failure.
     */
    void start(String job, List<ApiCall> calls) {
        if (calls.isEmpty() || !hasRoom() || byJob.containsKey(job)) {
            throw new IllegalStateException("cannot start calls for job " + job);
        }
        Ahead ahead = new Ahead(calls, time.milliseconds());
        try {
            executor.execute(ahead);
        } catch (RejectedExecutionException e) {
            // closing: nothing will take the answers
            ahead.abandon();
            return;
        }
        byJob.put(job, ahead);
    }

    /**
     * The answer to this call if it was made ahead, waiting for it if it is still on its way; null if it was not
     * made ahead (or was, but for another call or too long ago), in which case the caller makes it.
     */
    ApiOutcome take(String job, ApiCall call) throws InterruptedException {
        Ahead ahead = byJob.get(job);
        if (ahead == null) {
            return null;
        }
        if (!call.equals(ahead.next()) || time.milliseconds() - ahead.startedAtMs > MAX_AGE_MS) {
            discard(job, ahead, call);
            return null;
        }
        ApiOutcome outcome = ahead.takeNext();
        if (outcome == null) {
            // the pipeline was closed before the call was made
            byJob.remove(job);
            return null;
        }
        if (ahead.done() || outcome.failed()) {
            // after a failure the poll thread decides what comes next; the rest was not made
            byJob.remove(job);
        }
        return outcome;
    }

    private void discard(String job, Ahead ahead, ApiCall wanted) {
        ahead.cancelled = true;
        byJob.remove(job);
        stats.callsDiscarded.incrementAndGet();
        log.debug("job {}: wanted {} but {} was made ahead; making it again", job, wanted, ahead.next());
    }

    /** Stops making calls ahead; calls under way finish or are interrupted. Safe to call from any thread. */
    @Override
    public void close() {
        closed = true;
        if (executor == null) {
            return;
        }
        for (Runnable never : executor.shutdownNow()) {
            ((Ahead) never).abandon();
        }
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("calls made ahead did not finish within 5 s of stopping");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The calls made ahead for one job and their answers, in order. */
    private final class Ahead implements Runnable {

        private final List<ApiCall> calls;
        private final List<CompletableFuture<ApiOutcome>> answers;
        private final long startedAtMs;
        private volatile boolean cancelled;
        /** The next call the poll thread has not taken; poll thread only. */
        private int taken;

        Ahead(List<ApiCall> calls, long startedAtMs) {
            this.calls = List.copyOf(calls);
            this.answers = new ArrayList<>(calls.size());
            for (int i = 0; i < calls.size(); i++) {
                answers.add(new CompletableFuture<>());
            }
            this.startedAtMs = startedAtMs;
        }

        @Override
        public void run() {
            int i = 0;
            try {
                for (; i < calls.size() && !cancelled && !closed; i++) {
                    ApiOutcome outcome = caller.apply(calls.get(i));
                    answers.get(i).complete(outcome);
                    if (outcome.failed()) {
                        i++;
                        break;
                    }
                }
            } catch (RuntimeException | Error e) {
                // not an API answer (those come back classified): the poll thread rethrows it when it takes the call
                answers.get(i++).completeExceptionally(e);
            } finally {
                for (; i < answers.size(); i++) {
                    answers.get(i).complete(null);
                }
            }
        }

        void abandon() {
            answers.forEach(a -> a.complete(null));
        }

        ApiCall next() {
            return taken < calls.size() ? calls.get(taken) : null;
        }

        boolean done() {
            return taken >= calls.size();
        }

        ApiOutcome takeNext() throws InterruptedException {
            CompletableFuture<ApiOutcome> answer = answers.get(taken++);
            try {
                return answer.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                if (e.getCause() instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(e.getCause());
            }
        }
    }
}
