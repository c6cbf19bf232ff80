package dev.benchlake.source;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;

import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.TransactionContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.benchlake.config.BenchlakeSourceConfig;
import dev.benchlake.offset.JobOffset;
import dev.benchlake.offset.JobPartition;

/**
 * The task's loop: a priority queue of jobs by due time, one API call at a time, bounded poll time.
 * A job whose pass is in progress is read to the end of the pass before another job starts, so a pass is one
 * transaction when the connector defines transaction boundaries.
 */
public final class SourceEngine {

    private static final Logger log = LoggerFactory.getLogger(SourceEngine.class);

    /** poll() returns within about this long, so that stop() is prompt. */
    static final long MAX_POLL_MS = 1_000;
    static final int MAX_BATCH = 1_000;

    private final RecommenderApi api;
    private final String region;
    private final String account;
    private final JobReader reader;
    private final Time time;
    private final OffsetStorageReader offsets;
    private final TransactionContext transactions;
    private final TaskStats stats = new TaskStats();
    private final PriorityQueue<JobState> queue =
            new PriorityQueue<>(Comparator.<JobState>comparingLong(s -> s.dueAtMs).thenComparing(JobState::name));
    private final Object wakeUp = new Object();
    private JobState current;
    private volatile boolean stopping;

    public SourceEngine(RecommenderApi api, BenchlakeSourceConfig config, Time time, Random random,
            OffsetStorageReader offsets, TransactionContext transactions) {
        this.api = api;
        this.region = config.region();
        this.account = config.accountId().orElse("");
        this.time = time;
        this.offsets = offsets;
        this.transactions = transactions;
        this.reader = new JobReader(api, ReaderSettings.from(config), time, random, stats);
    }

    /** Loads the stored offsets of these jobs and schedules every job that is not closed. */
    public void start(Collection<String> jobNames) {
        Map<Map<String, Object>, JobPartition> partitions = new HashMap<>();
        for (String job : jobNames) {
            JobPartition p = new JobPartition(region, account, job);
            partitions.put(p.toMap(), p);
        }
        Map<Map<String, Object>, Map<String, Object>> stored = offsets.offsets(partitions.keySet());
        long now = time.milliseconds();
        int closed = 0;
        for (Map.Entry<Map<String, Object>, JobPartition> e : partitions.entrySet()) {
            JobOffset offset = JobOffset.fromMap(stored == null ? null : stored.get(e.getKey()));
            if (offset.closed()) {
                closed++;
                continue;
            }
            JobState s = new JobState(e.getValue(), offset);
            s.dueAtMs = now;
            queue.add(s);
        }
        log.info("{} jobs to read, {} already closed", queue.size(), closed);
    }

    public List<SourceRecord> poll() {
        long deadline = time.milliseconds() + MAX_POLL_MS;
        List<SourceRecord> batch = new ArrayList<>();
        while (!stopping) {
            long now = time.milliseconds();
            JobState job = nextDue(now);
            if (job == null) {
                if (!batch.isEmpty() || now >= deadline) {
                    break;
                }
                long until = queue.isEmpty() ? deadline : Math.min(deadline, queue.peek().dueAtMs);
                waitUntil(until);
                continue;
            }
            JobReader.Result result = reader.step(job);
            batch.addAll(result.records());
            boolean passInProgress = job.passStarted;
            if (result.boundary()) {
                commitTransaction(job, result.records());
            }
            if (job.offset.closed()) {
                current = null;
            } else if (passInProgress && job.dueAtMs <= time.milliseconds()) {
                current = job;
            } else {
                current = null;
                queue.add(job);
            }
            if (batch.size() >= MAX_BATCH || time.milliseconds() >= deadline) {
                break;
            }
        }
        return batch.isEmpty() ? null : batch;
    }

    private JobState nextDue(long now) {
        if (current != null) {
            JobState c = current;
            current = null;
            return c;
        }
        JobState head = queue.peek();
        if (head == null || head.dueAtMs > now) {
            return null;
        }
        return queue.poll();
    }

    private void commitTransaction(JobState job, List<SourceRecord> records) {
        if (transactions == null || !job.uncommittedRecords) {
            return;
        }
        if (records.isEmpty()) {
            transactions.commitTransaction();
        } else {
            transactions.commitTransaction(records.get(records.size() - 1));
        }
        job.uncommittedRecords = false;
    }

    private void waitUntil(long untilMs) {
        long waitMs = untilMs - time.milliseconds();
        if (waitMs <= 0) {
            return;
        }
        synchronized (wakeUp) {
            try {
                time.waitObject(wakeUp, () -> stopping || time.milliseconds() >= untilMs, untilMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopping = true;
            }
        }
    }

    public void stop() {
        stopping = true;
        synchronized (wakeUp) {
            wakeUp.notifyAll();
        }
        log.info("stopping; {}", stats);
        api.close();
    }

    public TaskStats stats() {
        return stats;
    }

    /** Jobs still scheduled (not closed), for tests and metrics. */
    public int openJobs() {
        return queue.size() + (current == null ? 0 : 1);
    }
}
