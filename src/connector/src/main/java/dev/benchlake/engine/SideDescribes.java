package dev.benchlake.engine;

import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.connect.errors.ConnectException;

import dev.benchlake.api.ApiOperation;
import dev.benchlake.pass.ApiCall;
import dev.benchlake.pass.ApiOutcome;
import dev.benchlake.pass.JobReader;
import dev.benchlake.pass.JobState;
import dev.benchlake.retry.ApiBudgets;

/**
 * The describes of listed jobs, wanted only for their input configuration on the jobs topic: made in the describe
 * operation's own budget, on their own threads, beside the passes, so that a describe never delays a step page (a
 * pass does not wait for its job's describe; only the job's record does). Jobs wait here in the order they were
 * listed, a failed describe after its backoff. The poll thread applies the answers between passes, since one may
 * emit a job record.
 *
 * <p>All methods but {@link #close()} are called by the poll thread only.
 */
final class SideDescribes implements AutoCloseable {

    /** How often the poll thread looks for answers while describes are under way and it has nothing else to do. */
    static final long ANSWER_CHECK_MS = 10;

    /** One answered describe and when it took its budget token. */
    record Answer(JobState job, ApiOutcome outcome, long grantedAtMs) {
    }

    private record UnderWay(JobState job, Future<ApiOutcome> answer, long grantedAtMs) {
    }

    private final JobReader reader;
    private final int depth;
    private final ExecutorService threads;
    private final NavigableSet<JobState> waiting =
            new TreeSet<>(Comparator.<JobState>comparingLong(JobState::describeDueAtMs).thenComparing(JobState::name));
    /** Started and not yet applied, answered or not, in the order they were started. */
    private final Map<String, UnderWay> underWay = new LinkedHashMap<>();

    /** @param depth how many describes may be started and not yet applied; as many threads make them */
    SideDescribes(JobReader reader, int depth, String threadName) {
        this.reader = reader;
        this.depth = depth;
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(depth, r -> {
            Thread t = new Thread(r, threadName + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Queues the job's describe; a job already queued or under way is not queued twice. */
    void add(JobState s) {
        if (!underWay.containsKey(s.name())) {
            waiting.add(s);
        }
    }

    /** Starts the due describes, as many as the budget allows now. Never waits. */
    void start(ApiBudgets budgets, long now) {
        while (!waiting.isEmpty() && underWay.size() < depth) {
            JobState s = waiting.first();
            if (!reader.wantsDescribe(s)) {
                // described meanwhile (a pass of a job nobody listed), or closed
                waiting.pollFirst();
                continue;
            }
            if (s.describeDueAtMs() > now || budgets.tryAcquire(ApiOperation.DESCRIBE, now) != 0) {
                return;
            }
            waiting.pollFirst();
            ApiCall call = ApiCall.describe(s.name());
            try {
                underWay.put(s.name(), new UnderWay(s, threads.submit(() -> reader.call(call)), now));
            } catch (RejectedExecutionException e) {
                // stopping
                return;
            }
        }
    }

    /** Takes the first answered describe, in the order they were started; null when none is answered yet. */
    Answer takeAnswered() throws InterruptedException {
        for (Iterator<UnderWay> it = underWay.values().iterator(); it.hasNext(); ) {
            UnderWay u = it.next();
            if (u.answer().isDone()) {
                it.remove();
                try {
                    return new Answer(u.job(), u.answer().get(), u.grantedAtMs());
                } catch (ExecutionException e) {
                    // not an API answer (those come back classified)
                    throw e.getCause() instanceof RuntimeException re ? re : new ConnectException(e.getCause());
                }
            }
        }
        return null;
    }

    /** When the poll thread should look here again: soon while describes are under way, else when one may start. */
    long nextWakeUpMs(ApiBudgets budgets, long now) {
        if (!underWay.isEmpty()) {
            return now + ANSWER_CHECK_MS;
        }
        if (waiting.isEmpty()) {
            return Long.MAX_VALUE;
        }
        return Math.max(waiting.first().describeDueAtMs(), now + budgets.waitMs(ApiOperation.DESCRIBE, now));
    }

    /** Stops making describes; those under way are interrupted. Safe to call from any thread. */
    @Override
    public void close() {
        threads.shutdownNow();
    }
}
