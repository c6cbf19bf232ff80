package dev.benchlake.engine;

import java.util.List;

import dev.benchlake.api.ApiOperation;
import dev.benchlake.pass.ApiCall;
import dev.benchlake.pass.JobReader;
import dev.benchlake.pass.JobState;
import dev.benchlake.retry.ApiBudgets;

/**
 * Starts the opening calls of the next due jobs on the {@link CallPipeline} while the poll thread waits for the call
 * it needs, so that the calls of different jobs overlap. It only ever starts calls the poll thread is about to make,
 * in the order it will make them, and only with tokens the budget grants now.
 *
 * <p>Called by the poll thread only.
 */
final class Lookahead {

    /** The most jobs whose opening calls are made ahead; bounds the answers held (each at most a page of steps). */
    static final int MAX_JOBS = 64;
    /**
     * Calls made ahead hold at most this many seconds of the step pages' current rate: an answer is used only while
     * fresh ({@link CallPipeline#MAX_AGE_MS}), and one that waited longer would be made again, a call wasted. At a
     * few calls a second (an account's quota, a task's share of it) the threads alone would hold far more.
     */
    static final double AHEAD_SECONDS = 2.0;

    private final CallPipeline pipeline;
    private final ApiBudgets budgets;
    private final JobReader reader;
    private final DueQueue queue;

    Lookahead(CallPipeline pipeline, ApiBudgets budgets, JobReader reader, DueQueue queue) {
        this.pipeline = pipeline;
        this.budgets = budgets;
        this.reader = reader;
        this.queue = queue;
    }

    /**
     * How many due jobs may have their opening calls made ahead: about a second of the task's rate budget at two
     * calls a job, so answers wait about a second at most before they are used; at least one per thread.
     */
    static int depth(int threads, double requestsPerSecond) {
        if (threads == 0) {
            return 0;
        }
        return (int) Math.max(threads, Math.min(MAX_JOBS, requestsPerSecond / 2));
    }

    /**
     * Starts the opening calls of the due jobs at the head of the queue, as many as the pipeline has room for and
     * the rate budget allows now. Never waits.
     */
    void callAhead(long now) {
        int limit = (int) Math.max(1, budgets.rateOfOneShare(ApiOperation.LIST_STEPS) * AHEAD_SECONDS);
        if (!pipeline.hasRoom() || pipeline.size() >= limit) {
            return;
        }
        // in the order the jobs will be read: the jobs whose calls are under way already, then the next ones
        for (JobState s : queue.due(now, pipeline.size() + limit)) {
            if (!pipeline.hasRoom() || pipeline.size() >= limit) {
                return;
            }
            if (pipeline.holds(s.name())) {
                continue;
            }
            List<ApiCall> calls = reader.openingCalls(s);
            int granted = 0;
            while (granted < calls.size() && budgets.tryAcquire(operation(calls.get(granted)), now) == 0) {
                granted++;
            }
            if (granted == 0) {
                return;
            }
            pipeline.start(s.name(), calls.subList(0, granted));
        }
    }

    /** The rate budget a call takes its token from. */
    static ApiOperation operation(ApiCall call) {
        return call.kind() == ApiCall.Kind.DESCRIBE ? ApiOperation.DESCRIBE : ApiOperation.LIST_STEPS;
    }
}
