package dev.benchlake.realaccount;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.benchlake.emulator.Fixtures;
import dev.benchlake.emulator.ManualClock;
import dev.benchlake.emulator.SageMakerEmulator;
import dev.benchlake.emulator.Scenario;
import dev.benchlake.it.ConnectHarness;
import dev.benchlake.it.TopicReader;
import dev.benchlake.offset.JobOffset;

/**
 * A job of 30,000 steps, read end to end under exactly-once with connector-defined transactions at 2 calls/s: the pass
 * (300 pages, about 150 s) outlives the producer's 20 s transaction timeout many times over, so it is committed in
 * transactions bounded in age; the task stays RUNNING, nothing is lost or repeated, the closed offset is bounded.
 */
class LargeJobIT {
    private static final int STEPS = 30_000;
    /** 301 calls at 2 calls/s take 150 s; twice that on a loaded machine. */
    private static final Duration PASS_TIMEOUT = Duration.ofMinutes(5);
    private static ConnectHarness harness;

    @BeforeAll
    static void start() {
        harness = ConnectHarness.start("large-job", 1, Map.of("exactly.once.source.support", "enabled"));
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void thirtyThousandStepsAtTwoCallsASecondArriveExactlyOnceAndTheClosedJobsOffsetKeepsNoHashes() {
        String name = "large";
        try (SageMakerEmulator emulator = SageMakerEmulator.start(Scenario.builder()
                        .jobs(List.of(Fixtures.hugeJob("huge-job-1", STEPS))).build(), new ManualClock().set(Duration.ofSeconds(60)));
                TopicReader steps = new TopicReader(harness.bootstrapServers(), name + ".steps", true)) {
            Map<String, String> props = ConnectHarness.connectorConfig(emulator, name, "huge-job-1");
            props.put("exactly.once.support", "required");
            props.put("transaction.boundary", "connector");
            props.put("page.size", "100");
            props.put("api.max.requests.per.second", "2");
            props.put("producer.override.transaction.timeout.ms", "20000");
            long started = System.nanoTime();
            harness.startConnector(name, props);

            // 301 calls at 2 calls/s: at least 150 s; the task must stay RUNNING throughout
            List<TopicReader.Rec> all = steps.awaitUntil("30,000 steps", PASS_TIMEOUT, recs -> {
                assertThat(harness.statusReport()).as("the task stays RUNNING").doesNotContain("FAILED");
                return recs.size() >= STEPS;
            });
            System.out.printf("LargeJobIT: 30,000 steps at 2 calls/s in %d s%n", (System.nanoTime() - started) / 1_000_000_000);
            Map<String, Integer> perStep = new HashMap<>();
            all.forEach(r -> perStep.merge(r.text("step_id"), 1, Integer::sum));
            assertThat(perStep).as("every step").hasSize(STEPS);
            assertThat(perStep.values()).as("none twice").containsOnly(1);
            assertThat(emulator.count("ListInferenceRecommendationsJobSteps")).as("one page per 100 steps, once "
                    + "(the job finished long before the grace period: no re-read)").isEqualTo((long) STEPS / 100);

            // closed: the offset keeps the count, not the 30,000 hashes
            org.awaitility.Awaitility.await("the job's offset is closed").atMost(ConnectHarness.TIMEOUT).until(() ->
                    offset(name).closed());
            JobOffset offset = offset(name);
            assertThat(offset.stepsEmitted()).isEqualTo(STEPS);
            assertThat(offset.encodedSizeBytes()).isLessThan(300);
        }
    }

    private static JobOffset offset(String connector) {
        ConnectorOffsets offsets = harness.connect().connectorOffsets(connector);
        List<ConnectorOffset> mine = offsets.offsets().stream().filter(o -> "huge-job-1".equals(o.partition().get("job"))).toList();
        return mine.isEmpty() ? JobOffset.START : JobOffset.fromMap(mine.get(0).offset());
    }
}
