package dev.benchlake.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.TransactionContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.benchlake.api.FakeRecommenderApi;
import dev.benchlake.api.JobObservation;
import dev.benchlake.api.RecommenderApi;
import dev.benchlake.api.StepObservation;
import dev.benchlake.config.BenchlakeSourceConfig;
import dev.benchlake.metrics.TaskStats;
import dev.benchlake.record.TestSteps;

/**
 * The task loop over an in-memory API: with calls made ahead on other threads, the records, their order, the
 * offsets they carry and the transaction boundaries are exactly those of one call at a time.
 */
class SourceEngineTest {

    private static final int JOBS = 30;
    private static final int PAGE_SIZE = 3;

    private final List<SourceEngine> engines = new ArrayList<>();

    @AfterEach
    void stop() {
        engines.forEach(SourceEngine::stop);
    }

    /** Job i has (i % 7) + 1 completed steps, so some passes take one page and some three. */
    private static FakeRecommenderApi jobs() {
        FakeRecommenderApi api = new FakeRecommenderApi();
        for (int i = 0; i < JOBS; i++) {
            String name = String.format("job-%02d", i);
            List<StepObservation> steps = new ArrayList<>();
            for (int k = 0; k <= i % 7; k++) {
                steps.add(TestSteps.completed(name, "ml.c5." + (k + 1) + "xlarge", "ep-" + k));
            }
            api.put(TestSteps.job(name, "COMPLETED"), steps);
        }
        return api;
    }

    private static int minimumCalls() {
        int calls = 0;
        for (int i = 0; i < JOBS; i++) {
            int steps = i % 7 + 1;
            calls += 1 + (steps + PAGE_SIZE - 1) / PAGE_SIZE;
        }
        return calls;
    }

    /** What a run handed to Connect: the records in order, and the record each transaction commit named. */
    private record Run(List<SourceRecord> records, List<SourceRecord> commits, TaskStats stats) {
    }

    private Run readAll(RecommenderApi api, int concurrency) {
        Map<String, String> props = new HashMap<>();
        props.put("aws.region", "us-east-1");
        props.put("job.names", String.join(",", jobs().jobs.keySet()));
        props.put("page.size", Integer.toString(PAGE_SIZE));
        props.put("poll.interval.ms", "600000");
        props.put("terminal.grace.period.ms", "0");
        props.put("api.max.requests.per.second", "1000");
        props.put("api.max.concurrent.requests", Integer.toString(concurrency));
        BenchlakeSourceConfig config = new BenchlakeSourceConfig(props);
        TaskStats stats = new TaskStats();
        List<SourceRecord> commits = new ArrayList<>();
        SourceEngine engine = new SourceEngine(EngineDeps.of(api, config, Time.SYSTEM, new Random(1), new NoOffsets(),
                new RecordingTransactions(commits), stats));
        engines.add(engine);
        engine.start(config.jobNames());
        List<SourceRecord> records = new ArrayList<>();
        for (int polls = 0; stats.jobsClosed.get() < JOBS; polls++) {
            assertThat(polls).as("polls to close every job").isLessThan(200);
            List<SourceRecord> batch = engine.poll();
            if (batch != null) {
                records.addAll(batch);
            }
        }
        return new Run(records, commits, stats);
    }

    /** A record and its offset, without the times of observation. */
    private static String describe(SourceRecord r) {
        Struct value = (Struct) r.value();
        String what = r.topic().equals("benchlake.jobs")
                ? value.getString("job_name") + " closed=" + value.getBoolean("closed")
                : value.getString("step_id") + "/" + value.getString("content_hash");
        Map<String, Object> offset = new java.util.TreeMap<>(r.sourceOffset());
        // when a token was issued is wall-clock time, which differs between runs
        offset.computeIfPresent("token_issued_at", (k, v) -> ((Number) v).longValue() > 0 ? "set" : "unset");
        return r.topic() + " " + r.sourcePartition() + " " + what + " " + offset;
    }

    @Test
    void callsMadeAheadChangeNeitherTheRecordsNorTheirOffsetsNorTheTransactions() {
        Run alone = readAll(jobs(), 1);
        Run ahead = readAll(jobs(), 4);

        List<String> expected = alone.records().stream().map(SourceEngineTest::describe).toList();
        int steps = 0;
        for (int i = 0; i < JOBS; i++) {
            steps += i % 7 + 1;
        }
        assertThat(alone.stats().stepRecords).hasValue(steps);
        assertThat(expected).hasSize(steps + JOBS);
        assertThat(ahead.records().stream().map(SourceEngineTest::describe).toList()).isEqualTo(expected);
        assertThat(ahead.commits().stream().map(SourceEngineTest::describe).toList())
                .isEqualTo(alone.commits().stream().map(SourceEngineTest::describe).toList());
        for (Run run : List.of(alone, ahead)) {
            assertThat(run.stats().apiCalls).as("the minimum: a describe and the pages of each job").hasValue(minimumCalls());
            assertThat(run.stats().callsDiscarded).hasValue(0);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4})
    void eachPassIsContiguousAndEndsInItsOwnCommit(int concurrency) {
        Run run = readAll(jobs(), concurrency);

        // every job's records form one run, and the commit after it names the job's last record (its jobs record)
        LinkedHashSet<Object> order = new LinkedHashSet<>();
        Object previous = null;
        for (SourceRecord r : run.records()) {
            Object job = r.sourcePartition().get("job");
            if (!job.equals(previous)) {
                assertThat(order.add(job)).as("records of %s are contiguous", job).isTrue();
            }
            previous = job;
        }
        assertThat(order).hasSize(JOBS);
        assertThat(run.commits()).hasSize(JOBS);
        assertThat(run.commits().stream().map(SourceRecord::topic).distinct()).containsExactly("benchlake.jobs");
        List<Object> committed = run.commits().stream().map(r -> (Object) r.sourcePartition().get("job")).toList();
        assertThat(committed).containsExactlyElementsOf(order);
    }

    @Test
    void callsOfDifferentJobsOverlapUpToTheConfiguredNumber() {
        InFlight api = new InFlight(jobs(), 3);
        Run run = readAll(api, 4);

        assertThat(api.gateTimedOut).as("calls waited for 3 to be under way at once and never saw it").hasValue(0);
        assertThat(api.max.get()).isBetween(3, 4);
        assertThat(run.stats().apiCalls).hasValue(minimumCalls());

        InFlight alone = new InFlight(jobs(), Integer.MAX_VALUE);
        readAll(alone, 1);
        assertThat(alone.max).hasValue(1);
    }

    @Test
    void anIdlePollReturnsSoonSoThatConnectCanStopTheTask() {
        // Connect calls SourceTask.stop() only after poll() returns, so an idle poll must not hold the thread long
        readAll(jobs(), 4);
        SourceEngine engine = engines.get(0);
        long start = System.nanoTime();
        assertThat(engine.poll()).as("every job is closed: nothing to emit").isNull();
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(tookMs).isGreaterThanOrEqualTo(SourceEngine.MAX_IDLE_WAIT_MS - 5).isLessThan(SourceEngine.MAX_POLL_MS);
    }

    @Test
    void looksAheadAboutASecondOfTheRateBudget() {
        assertThat(Lookahead.depth(0, 1_000)).as("one call at a time").isZero();
        assertThat(Lookahead.depth(3, 5)).as("at least a job per thread").isEqualTo(3);
        assertThat(Lookahead.depth(3, 40)).as("40 calls a second, 2 a job").isEqualTo(20);
        assertThat(Lookahead.depth(3, 1_000)).isEqualTo(Lookahead.MAX_JOBS);
    }

    /**
     * Counts calls under way. Until {@code gate} calls have been under way at once, each call waits for that
     * (up to 10 s), so a test sees whether calls overlap without depending on timing.
     */
    private static final class InFlight extends DelegatingApi {
        final int gate;
        final AtomicInteger now = new AtomicInteger();
        final AtomicInteger max = new AtomicInteger();
        final AtomicInteger gateTimedOut = new AtomicInteger();
        final CountDownLatch opened = new CountDownLatch(1);

        InFlight(FakeRecommenderApi delegate, int gate) {
            super(delegate);
            this.gate = gate;
            if (gate == Integer.MAX_VALUE) {
                opened.countDown();
            }
        }

        private void enter() {
            int n = now.incrementAndGet();
            max.accumulateAndGet(n, Math::max);
            if (n >= gate) {
                opened.countDown();
            }
            try {
                if (!opened.await(10, TimeUnit.SECONDS)) {
                    gateTimedOut.incrementAndGet();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public JobObservation describeJob(String jobName) {
            enter();
            try {
                return delegate.describeJob(jobName);
            } finally {
                now.decrementAndGet();
            }
        }

        @Override
        public StepPage listSteps(String jobName, String statusFilter, int maxResults, String nextToken) {
            enter();
            try {
                return delegate.listSteps(jobName, statusFilter, maxResults, nextToken);
            } finally {
                now.decrementAndGet();
            }
        }
    }

    private record RecordingTransactions(List<SourceRecord> commits) implements TransactionContext {
        @Override
        public void commitTransaction() {
            commits.add(null);
        }

        @Override
        public void commitTransaction(SourceRecord record) {
            commits.add(record);
        }

        @Override
        public void abortTransaction() {
            throw new AssertionError("no transaction is aborted");
        }

        @Override
        public void abortTransaction(SourceRecord record) {
            throw new AssertionError("no transaction is aborted");
        }
    }
}
