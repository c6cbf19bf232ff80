package dev.benchlake.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.kafka.common.utils.MockTime;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import dev.benchlake.api.FakeRecommenderApi;
import dev.benchlake.api.StepObservation;
import dev.benchlake.config.BenchlakeSourceConfig;
import dev.benchlake.metrics.TaskStats;
import dev.benchlake.record.TestSteps;

/**
 * A graceful stop commits the open transaction: under connector-defined boundaries Connect commits a task's last
 * transaction at a stop only when the task asked for it, and aborts it otherwise (the records of a pass mid-way would
 * be read again after the restart, but an aborted transaction is work thrown away, and what a stop should not do).
 */
class StopCommitTest {

    private static final int STEPS = 40;
    private static final int PAGE_SIZE = 2;

    private final MockTime time = new MockTime(0, 1_000_000, 0);

    @Test
    void aStopMidPassAsksForTheOpenTransactionToBeCommitted() {
        FakeRecommenderApi fake = new FakeRecommenderApi();
        List<StepObservation> steps = new ArrayList<>();
        for (int k = 0; k < STEPS; k++) {
            steps.add(TestSteps.completed("long", "ml.c5." + (k + 1) + "xlarge", "ep-" + k));
        }
        fake.put(TestSteps.job("long", "COMPLETED"), steps);
        DelegatingApi slow = new DelegatingApi(fake) {
            @Override
            public StepPage listSteps(String jobName, String statusFilter, int maxResults, String nextToken) {
                time.sleep(200);
                return super.listSteps(jobName, statusFilter, maxResults, nextToken);
            }
        };
        Map<String, String> props = new HashMap<>();
        props.put("aws.region", "us-east-1");
        props.put("job.names", "long");
        props.put("page.size", Integer.toString(PAGE_SIZE));
        props.put("terminal.grace.period.ms", "0");
        props.put("api.max.requests.per.second", "1000");
        props.put("api.max.concurrent.requests", "1");
        // a bound far beyond the test: no commit for the transaction's age
        props.put(BenchlakeSourceConfig.PRODUCER_TRANSACTION_TIMEOUT, "3600000");
        RecordingTransactions transactions = new RecordingTransactions(time::milliseconds);
        SourceEngine engine = new SourceEngine(EngineDeps.of(slow, new BenchlakeSourceConfig(props), time,
                new Random(1), new NoOffsets(), transactions, new TaskStats()));
        engine.start(List.of("long"));
        // one poll: about a second of 200 ms pages, a few of the pass's 20
        List<SourceRecord> batch = engine.poll();
        assertThat(batch).as("records of the pass's first pages").isNotEmpty().hasSizeLessThan(STEPS);
        assertThat(transactions.commits()).as("mid-pass, nothing asked for yet").isEmpty();

        engine.stop();
        // (an abort request fails the test: RecordingTransactions throws)
        assertThat(transactions.commits()).as("the stop asks for the open transaction to be committed, and aborts nothing")
                .extracting(RecordingTransactions.Commit::record).containsExactly((SourceRecord) null);
    }
}
