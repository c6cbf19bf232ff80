package dev.benchlake.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.benchlake.api.FakeRecommenderApi;
import dev.benchlake.api.StepObservation;
import dev.benchlake.config.BenchlakeSourceConfig;
import dev.benchlake.metrics.TaskStats;
import dev.benchlake.offset.JobOffset;
import dev.benchlake.record.TestSteps;

/**
 * A pass yields between its pages: a running job due for its poll is read between two pages of a long pass of
 * another job, within about one page of being due, and the long pass still commits its transactions with its cursor.
 */
class YieldingPassTest {

    private static final int PAGES = 40;
    /** Each step page takes this long on the task's clock. */
    private static final long CALL_MS = 500;
    private static final long POLL_INTERVAL_MS = 5_000;
    private static final long TIMEOUT_MS = 6_000;

    private final SimulatedTime time = new SimulatedTime(1_767_225_600_000L);
    private SourceEngine engine;

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.stop();
        }
    }

    /** One step page asked for: of which job, and when (the task's monotonic clock) its answer came. */
    private record Page(String job, long atMs) {
    }

    @Test
    void aRunningJobDueEveryPollIntervalIsReadBetweenThePagesOfAFortyPagePass() {
        FakeRecommenderApi fake = new FakeRecommenderApi();
        List<StepObservation> steps = new ArrayList<>();
        for (int k = 0; k < PAGES; k++) {
            steps.add(TestSteps.completed("long", "ml.c5." + (k + 1) + "xlarge", "ep-" + k));
        }
        fake.put(TestSteps.job("long", "COMPLETED"), steps);
        // "a-running" sorts first: it is read once, and is live (read before, open) before the long pass starts
        fake.put(TestSteps.job("a-running", "IN_PROGRESS"), List.of(TestSteps.running("a-running", "ml.c5.xlarge", "ep-r")));
        List<Page> pages = Collections.synchronizedList(new ArrayList<>());
        DelegatingApi api = new DelegatingApi(fake) {
            @Override
            public StepPage listSteps(String jobName, String statusFilter, int maxResults, String nextToken) {
                time.sleep(CALL_MS);
                StepPage page = super.listSteps(jobName, statusFilter, maxResults, nextToken);
                pages.add(new Page(jobName, time.hiResClockMs()));
                return page;
            }
        };
        Map<String, String> props = new HashMap<>();
        props.put("aws.region", "us-east-1");
        props.put("job.names", "a-running,long");
        props.put("page.size", "1");
        props.put("poll.interval.ms", Long.toString(POLL_INTERVAL_MS));
        props.put("terminal.grace.period.ms", "0");
        props.put("api.max.requests.per.second", "1000");
        props.put("api.max.concurrent.requests", "1");
        props.put(BenchlakeSourceConfig.PRODUCER_TRANSACTION_TIMEOUT, Long.toString(TIMEOUT_MS));
        RecordingTransactions transactions = new RecordingTransactions(time::hiResClockMs);
        engine = new SourceEngine(EngineDeps.of(api, new BenchlakeSourceConfig(props), time, new Random(1),
                new NoOffsets(), transactions, new TaskStats()));
        engine.start(List.of("a-running", "long"));

        List<SourceRecord> records = new ArrayList<>();
        for (int polls = 0; polls < 500 && longSteps(records).size() < PAGES; polls++) {
            List<SourceRecord> batch = engine.poll();
            if (batch != null) {
                records.addAll(batch);
            }
        }
        assertThat(longSteps(records)).as("every step of the long pass, once").hasSize(PAGES)
                .doesNotHaveDuplicates();

        List<Page> longPages = pages.stream().filter(p -> p.job().equals("long")).toList();
        long passStart = longPages.get(0).atMs();
        long passEnd = longPages.get(longPages.size() - 1).atMs();
        // 40 pages of 500 ms: the pass spans 19.5 s, about four poll intervals of the running job
        assertThat(passEnd - passStart).as("the pass's span").isGreaterThanOrEqualTo((PAGES - 1) * CALL_MS);
        List<Long> running = pages.stream().filter(p -> p.job().equals("a-running")).map(Page::atMs).toList();
        List<Long> during = running.stream().filter(t -> t > passStart && t < passEnd).toList();
        assertThat(during).as("the running job's pages read between the long pass's pages")
                .hasSizeGreaterThanOrEqualTo((int) ((passEnd - passStart) / (POLL_INTERVAL_MS + 2 * CALL_MS)));
        // each read of the running job comes within one page of the long pass after it was due: it is due a poll
        // interval after its last read, and its own read (a describe, then a page) takes one call of CALL_MS
        for (int i = 1; i < running.size(); i++) {
            if (running.get(i) < passEnd) {
                assertThat(running.get(i) - running.get(i - 1)).as("between two reads of the running job")
                        .isLessThanOrEqualTo(POLL_INTERVAL_MS + 2 * CALL_MS);
            }
        }
        // the long pass's transactions: its commits mid-pass (by age, 2 s, or at another job's pass end) carry its
        // cursor, and the pass's end is committed with the record that closes the job
        List<SourceRecord> named = transactions.commits().stream().map(RecordingTransactions.Commit::record)
                .filter(c -> c != null && "long".equals(job(c))).toList();
        assertThat(named).as("transactions of the 19.5 s pass under a 2 s bound")
                .hasSizeGreaterThanOrEqualTo((int) ((passEnd - passStart) / (TIMEOUT_MS / 3 + CALL_MS)));
        assertThat(named.subList(0, named.size() - 1)).allSatisfy(c ->
                assertThat(JobOffset.fromMap(c.sourceOffset()).nextToken()).as("the cursor").isNotNull());
        assertThat(JobOffset.fromMap(named.get(named.size() - 1).sourceOffset()).closed()).as("the pass's end").isTrue();
    }

    private static List<String> longSteps(List<SourceRecord> records) {
        List<String> ids = new ArrayList<>();
        records.stream().filter(r -> r.valueSchema().field("step_id") != null && "long".equals(job(r)))
                .forEach(r -> ids.add(((Struct) r.value()).getString("step_id")));
        return ids;
    }

    private static String job(SourceRecord r) {
        return ((Struct) r.value()).getString("job_name");
    }
}
