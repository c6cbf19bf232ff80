package dev.benchlake.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.apache.kafka.common.utils.MockTime;
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
 * Under connector-defined transaction boundaries, a pass longer than the transaction's bound (a third of the
 * producer's transaction.timeout.ms) becomes several transactions, each committed within the bound, each carrying the
 * pass's cursor in its last record's offset.
 */
class TransactionAgeTest {

    private static final int STEPS = 60;
    private static final int PAGE_SIZE = 2;
    /** Each call takes this long on the task's clock. */
    private static final long CALL_MS = 250;
    private static final long TIMEOUT_MS = 3_000;

    private final MockTime time = new MockTime(0, 1_000_000, 0);
    private SourceEngine engine;

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.stop();
        }
    }

    @Test
    void aPassLongerThanTheTransactionBoundIsCommittedInSeveralTransactionsEachCarryingTheCursor() {
        FakeRecommenderApi fake = new FakeRecommenderApi();
        List<StepObservation> steps = new ArrayList<>();
        for (int k = 0; k < STEPS; k++) {
            steps.add(TestSteps.completed("long", "ml.c5." + (k + 1) + "xlarge", "ep-" + k));
        }
        fake.put(TestSteps.job("long", "COMPLETED"), steps);
        DelegatingApi slow = new DelegatingApi(fake) {
            @Override
            public StepPage listSteps(String jobName, String statusFilter, int maxResults, String nextToken) {
                time.sleep(CALL_MS);
                return super.listSteps(jobName, statusFilter, maxResults, nextToken);
            }
        };
        Map<String, String> props = new HashMap<>();
        props.put("aws.region", "us-east-1");
        props.put("job.names", "long");
        props.put("page.size", Integer.toString(PAGE_SIZE));
        props.put("poll.interval.ms", "600000");
        props.put("terminal.grace.period.ms", "0");
        props.put("api.max.requests.per.second", "1000");
        props.put("api.max.concurrent.requests", "1");
        props.put(BenchlakeSourceConfig.PRODUCER_TRANSACTION_TIMEOUT, Long.toString(TIMEOUT_MS));
        RecordingTransactions transactions = new RecordingTransactions(time::milliseconds);
        engine = new SourceEngine(EngineDeps.of(slow, new BenchlakeSourceConfig(props), time, new Random(1),
                new NoOffsets(), transactions, new TaskStats()));
        engine.start(List.of("long"));

        List<SourceRecord> records = new ArrayList<>();
        Map<SourceRecord, Long> emittedAt = new HashMap<>();
        for (int polls = 0; polls < 200 && records.stream().filter(r -> "long".equals(stepJob(r))).count() < STEPS;
                polls++) {
            List<SourceRecord> batch = engine.poll();
            if (batch != null) {
                batch.forEach(r -> emittedAt.put(r, time.milliseconds()));
                records.addAll(batch);
            }
        }
        List<RecordingTransactions.Commit> commits = transactions.commits();
        Set<String> ids = new HashSet<>();
        records.stream().filter(r -> r.valueSchema().field("step_id") != null)
                .forEach(r -> ids.add(((Struct) r.value()).getString("step_id")));
        assertThat(ids).as("every step once").hasSize(STEPS);

        // the pass takes STEPS / PAGE_SIZE pages at CALL_MS each: 7.5 s, 2.5 times the 3 s timeout
        long bound = TIMEOUT_MS / SourceEngine.TRANSACTION_TIMEOUT_SHARE;
        assertThat(commits).as("a transaction at least every %d ms of a %d ms pass", bound,
                STEPS / PAGE_SIZE * CALL_MS).hasSizeGreaterThanOrEqualTo((int) (STEPS / PAGE_SIZE * CALL_MS / (bound + CALL_MS)));
        long openedAt = -1;
        int committed = 0;
        for (RecordingTransactions.Commit c : commits) {
            assertThat(c.record()).as("each commit names the last record of its transaction").isNotNull();
            int upTo = records.indexOf(c.record());
            openedAt = emittedAt.get(records.get(committed));
            assertThat(c.atMs() - openedAt).as("a transaction's age when committed").isLessThanOrEqualTo(bound + CALL_MS);
            committed = upTo + 1;
        }
        assertThat(committed).as("the last commit covers every record").isEqualTo(records.size());
        // mid-pass commits carry the cursor: the next page's token
        List<RecordingTransactions.Commit> midPass = commits.subList(0, commits.size() - 1);
        assertThat(midPass).allSatisfy(c ->
                assertThat(JobOffset.fromMap(c.record().sourceOffset()).nextToken()).as("cursor").isNotNull());
    }

    private static String stepJob(SourceRecord r) {
        return r.valueSchema().field("step_id") == null ? null : ((Struct) r.value()).getString("job_name");
    }
}
