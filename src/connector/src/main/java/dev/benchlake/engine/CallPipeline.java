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
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.benchlake.metrics.TaskStats;
import dev.benchlake.pass.ApiCall;
import dev.benchlake.pass.ApiOutcome;

/**
 * Makes every API call of the task on its own threads, never on the poll thread, so that a call that hangs (up to the
 * SDK's own timeout) never keeps {@code poll()} from returning: the poll thread waits for an answer only until its
 * deadline, and takes it up at the next poll. It also makes the calls that open the next due jobs' passes ahead,
 * while the poll thread works (and while Connect sends what the last poll returned), so that the calls of different
 * jobs overlap instead of queueing behind each other.
 *
 * <p>It only ever makes calls the poll thread is about to make, and it decides nothing: the poll thread still
 * chooses every call, applies every answer in its own order and owns all job state. When the poll thread comes to
 * a job, it asks for the answer to the exact call it would make ({@link #holds}, {@link #await}); an answer fetched
 * ahead for a different call (the job's state moved on meanwhile) or answered too long ago is thrown away and the
 * call is made again. So the records, offsets and transaction boundaries are those of one call at a time; only the
 * waiting overlaps.
 *
 * <p>All methods but {@link #close()} are called by the poll thread only.
 */
final class CallPipeline implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CallPipeline.class);

    /** An answer fetched ahead is used only this soon after it arrived; older ones are made again. */
    static final long MAX_AGE_MS = 10_000;
    /** An answer not arrived yet (any other reading of the monotonic clock may be a time, 0 and negative ones too). */
    private static final long NOT_YET = Long.MIN_VALUE;
    /** How often a wait for an answer looks whether the task is stopping. */
    private static final long WAIT_SLICE_MS = 50;

    private final Function<ApiCall, ApiOutcome> caller;
    private final int depth;
    private final ThreadPoolExecutor executor;
    private final Time time;
    private final TaskStats stats;
    private final Map<String, Ahead> byJob = new HashMap<>();
    private volatile boolean closed;
    /** Told of every answer thrown away (it still spent a call of the quota), from whichever thread has it. */
    private volatile Discarded discarded = (call, outcome, startedAtMs) -> { };

    /** Who hears of the answers thrown away: the rate budget, which must count them like any other answer. */
    @FunctionalInterface
    interface Discarded {
        void answered(ApiCall call, ApiOutcome outcome, long startedAtMs);
    }

    /**
     * @param caller makes one call; must be safe to use from several threads
     * @param threads how many calls may be under way at once, at least 1
     * @param depth how many jobs may hold calls made (or waiting to be made) ahead, at least {@code threads - 1}
     */
    CallPipeline(Function<ApiCall, ApiOutcome> caller, int threads, int depth, String threadName, Time time,
            TaskStats stats) {
        if (threads < 1 || depth < threads - 1) {
            throw new IllegalArgumentException("need 1 <= threads <= depth + 1, was threads=" + threads + ", depth=" + depth);
        }
        this.caller = caller;
        this.depth = depth;
        this.time = time;
        this.stats = stats;
        {
            AtomicInteger n = new AtomicInteger();
            this.executor = new ThreadPoolExecutor(threads, threads, 0L, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                    r -> {
                        Thread t = new Thread(r, threadName + "-" + n.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
        }
    }

    /** Tells {@code listener} of every answer fetched and then thrown away; safe to call before the first call. */
    void onDiscarded(Discarded listener) {
        this.discarded = listener;
    }

    /** Whether another job's calls may be started ahead now. */
    boolean hasRoom() {
        return !closed && byJob.size() < depth;
    }

    /** Whether calls for this job were made ahead and not yet taken. */
    boolean holds(String job) {
        return byJob.containsKey(job);
    }

    /** Whether the next call held for this job has been answered. */
    boolean answered(String job) {
        Ahead ahead = byJob.get(job);
        return ahead != null && ahead.nextAnswered();
    }

    /**
     * When the calls held for this job were started, which is when they took their budget tokens; now when none are
     * held. A throttle of a call started before the rate was last cut was sent at the old rate.
     */
    long startedAtMs(String job) {
        Ahead ahead = byJob.get(job);
        return ahead == null ? time.hiResClockMs() : ahead.startedAtMs;
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
        submit(job, calls);
    }

    /** Makes this call, which the poll thread needs now: it may exceed the depth of calls made ahead by one. */
    void startNow(String job, ApiCall call) {
        if (closed || byJob.containsKey(job)) {
            throw new IllegalStateException("cannot start " + call + " for job " + job);
        }
        submit(job, List.of(call));
    }

    private void submit(String job, List<ApiCall> calls) {
        Ahead ahead = new Ahead(calls, time.hiResClockMs());
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
     * Whether this exact call is under way or answered for the job, recently enough to use. Anything else held for
     * the job (another call, or an answer too old) is thrown away, and false tells the caller to make the call.
     */
    boolean holds(String job, ApiCall call) {
        Ahead ahead = byJob.get(job);
        if (ahead == null) {
            return false;
        }
        if (!call.equals(ahead.next()) || ahead.answeredLongAgo(time.hiResClockMs())) {
            discard(job, ahead, call);
            return false;
        }
        return true;
    }

    /**
     * The answer to this call, which {@link #holds} said is under way, waiting for it until {@code untilMs} at most
     * (less when {@code stopping} turns true); null when it has not come by then: the call goes on, and a later wait
     * takes its answer.
     */
    ApiOutcome await(String job, ApiCall call, long untilMs, BooleanSupplier stopping) throws InterruptedException {
        Ahead ahead = byJob.get(job);
        if (ahead == null || !call.equals(ahead.next())) {
            throw new IllegalStateException("no call " + call + " under way for job " + job);
        }
        while (!ahead.nextAnswered()) {
            long left = untilMs - time.hiResClockMs();
            if (left <= 0 || stopping.getAsBoolean()) {
                return null;
            }
            ahead.awaitNext(Math.min(left, WAIT_SLICE_MS));
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

    /** The answer to this call if it is under way or answered (waiting for it as long as it takes), else null. */
    ApiOutcome take(String job, ApiCall call) throws InterruptedException {
        return holds(job, call) ? await(job, call, Long.MAX_VALUE, () -> false) : null;
    }

    private void discard(String job, Ahead ahead, ApiCall wanted) {
        ahead.cancelled = true;
        ahead.reportDiscarded();
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
            // calls under way are interrupted; the SDK gives up on an interrupted call promptly
            if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
                log.warn("API calls under way did not finish within 2 s of stopping");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The calls made ahead for one job and their answers, in order. */
    private final class Ahead implements Runnable {

        private final List<ApiCall> calls;
        private final List<CompletableFuture<ApiOutcome>> answers;
        /** When each answer arrived, in ms of the task's monotonic clock; NOT_YET before. */
        private final long[] answeredAtMs;
        private final long startedAtMs;
        private volatile boolean cancelled;
        /** Which answers were reported as thrown away (at most once each, by either thread). */
        private final java.util.concurrent.atomic.AtomicIntegerArray reported;
        /** The next call the poll thread has not taken; poll thread only. */
        private int taken;

        Ahead(List<ApiCall> calls, long startedAtMs) {
            this.calls = List.copyOf(calls);
            this.answers = new ArrayList<>(calls.size());
            for (int i = 0; i < calls.size(); i++) {
                answers.add(new CompletableFuture<>());
            }
            this.answeredAtMs = new long[calls.size()];
            java.util.Arrays.fill(answeredAtMs, NOT_YET);
            this.reported = new java.util.concurrent.atomic.AtomicIntegerArray(calls.size());
            this.startedAtMs = startedAtMs;
        }

        @Override
        public void run() {
            int i = 0;
            try {
                for (; i < calls.size() && !cancelled && !closed; i++) {
                    ApiOutcome outcome = caller.apply(calls.get(i));
                    answeredAtMs[i] = time.hiResClockMs();
                    answers.get(i).complete(outcome);
                    if (cancelled) {
                        // thrown away while it was under way
                        report(i);
                    }
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

        /** Reports the answers that arrived and were not taken; those still under way report when they arrive. */
        void reportDiscarded() {
            for (int i = taken; i < calls.size(); i++) {
                if (answers.get(i).isDone()) {
                    report(i);
                }
            }
        }

        private void report(int i) {
            if (answers.get(i).isCompletedExceptionally()) {
                return;
            }
            ApiOutcome outcome = answers.get(i).getNow(null);
            if (outcome != null && i >= taken && reported.compareAndSet(i, 0, 1)) {
                discarded.answered(calls.get(i), outcome, startedAtMs);
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

        boolean nextAnswered() {
            return answers.get(taken).isDone();
        }

        /** Whether the next answer arrived so long ago that the job's state may have moved on since. */
        boolean answeredLongAgo(long nowMs) {
            return nextAnswered() && answeredAtMs[taken] != NOT_YET && nowMs - answeredAtMs[taken] > MAX_AGE_MS;
        }

        void awaitNext(long ms) throws InterruptedException {
            try {
                answers.get(taken).get(ms, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                // seen by takeNext, or not answered yet
            }
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
