package dev.benchlake.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import javax.management.ObjectName;

import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffsets;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import dev.benchlake.emulator.Fixtures;
import dev.benchlake.emulator.ManualClock;
import dev.benchlake.emulator.SageMakerEmulator;
import dev.benchlake.emulator.Scenario;
import dev.benchlake.emulator.ScenarioJob;
import dev.benchlake.emulator.ScenarioStep;
import dev.benchlake.offset.JobPartition;

/** Discovery, sharding across tasks, offset resets and task metrics on the in-process Connect cluster. */
class ScaleOutIT extends ConnectorTestSupport {

    private static final String DESCRIBE = "DescribeInferenceRecommendationsJob";
    private static final String LIST_STEPS = "ListInferenceRecommendationsJobSteps";

    private static Map<String, String> discoveryConfig(SageMakerEmulator emulator, String prefix) {
        Map<String, String> props = ConnectHarness.connectorConfig(emulator, prefix);
        props.remove("job.names");
        props.put("discovery.enabled", "true");
        props.put("discovery.interval.ms", "1000");
        props.put("discovery.overlap.ms", "60000");
        return props;
    }

    /** Waits until the connector has listed the job's steps this many more times. */
    private static void awaitPassesOver(SageMakerEmulator emulator, String job, int passes) {
        long target = emulator.count(LIST_STEPS, job) + passes;
        Awaitility.await(passes + " more passes over " + job).atMost(ConnectHarness.TIMEOUT)
                .until(() -> emulator.count(LIST_STEPS, job) >= target);
    }

    private static Map<String, Long> versionsPerStepContent(List<TopicReader.Rec> records) {
        return records.stream().collect(Collectors.groupingBy(
                r -> r.text("step_id") + "/" + r.text("content_hash"), Collectors.counting()));
    }

    @Test
    void discoveryPicksUpAJobCreatedWhileTheConnectorRunsWithinTwoIntervals(TestInfo info) throws Exception {
        name = "discovery";
        ManualClock clock = new ManualClock().set(Duration.ofSeconds(2_000));
        SageMakerEmulator emulator = emulator(Scenario.fromResource("scenarios/three-jobs.json"), clock);
        TopicReader steps = reader(name + ".steps");
        harness.startConnector(name, discoveryConfig(emulator, name));
        steps.awaitCount(9);

        long listingsBefore = emulator.count("ListInferenceRecommendationsJobs");
        emulator.addJob(ScenarioJob.builder("created-later-004")
                .at(2_000, "{\"JobType\":\"Default\",\"Status\":\"IN_PROGRESS\",\"InputConfig\":{\"ModelName\":\"resnet50\"}}")
                .step(ScenarioStep.builder().at(2_000, "{\"StepType\":\"BENCHMARK\",\"Status\":\"IN_PROGRESS\","
                        + "\"InferenceBenchmark\":{\"EndpointConfiguration\":{\"EndpointName\":\"ep-new\","
                        + "\"VariantName\":\"AllTraffic\",\"InstanceType\":\"ml.c6i.large\"},\"ModelConfiguration\":{}}}").build())
                .build());
        // counted in listings, not in wall-clock time: the listing under way when the job was added may miss it, the
        // next one finds it; one more may start while this test sees the first page request
        long[] listingsUntilRead = new long[1];
        Awaitility.await("the new job's first page requested").atMost(ConnectHarness.TIMEOUT).pollInterval(Duration.ofMillis(10))
                .until(() -> {
                    listingsUntilRead[0] = emulator.count("ListInferenceRecommendationsJobs") - listingsBefore;
                    return emulator.count(LIST_STEPS, "created-later-004") > 0;
                });
        assertThat(listingsUntilRead[0]).as("discovery listings from the job's creation to its first read (within two "
                + "discovery intervals)").isBetween(1L, 3L);
        List<TopicReader.Rec> all = steps.awaitUntil("a step of the new job",
                recs -> recs.stream().anyMatch(r -> "created-later-004".equals(r.text("job_name"))));
        TopicReader.Rec first = all.stream().filter(r -> "created-later-004".equals(r.text("job_name"))).findFirst().orElseThrow();
        assertThat(first.text("model_name")).isEqualTo("resnet50");
        assertThat(all).hasSize(10);
        awaitPassesOver(emulator, "created-later-004", 3);
        assertThat(emulator.count(DESCRIBE, "created-later-004"))
                .as("with discovery, a job is described once; listings keep its summary fresh").isEqualTo(1);

        ObjectName metrics = new ObjectName("dev.benchlake:type=source-task-metrics,connector=" + ObjectName.quote(name) + ",task=0");
        Awaitility.await("task metrics").atMost(ConnectHarness.TIMEOUT).untilAsserted(() -> {
            var server = ManagementFactory.getPlatformMBeanServer();
            assertThat((Long) server.getAttribute(metrics, "StepRecords")).isEqualTo(10L);
            assertThat((Long) server.getAttribute(metrics, "JobsClosed")).isEqualTo(3L);
            assertThat((Integer) server.getAttribute(metrics, "JobsKnown")).isEqualTo(4);
            assertThat((Integer) server.getAttribute(metrics, "JobsActive")).isEqualTo(1);
            assertThat((Long) server.getAttribute(metrics, "DiscoveryPages")).isGreaterThanOrEqualTo(2L);
            assertThat((Long) server.getAttribute(metrics, "ApiCalls"))
                    .isEqualTo(emulator.totalRequests());
            assertThat((Long) server.getAttribute(metrics, "DescribeCalls"))
                    .isEqualTo(emulator.count(DESCRIBE));
            assertThat((Long) server.getAttribute(metrics, "ListStepsCalls"))
                    .isEqualTo(emulator.count(LIST_STEPS));
            assertThat((Long) server.getAttribute(metrics, "ListJobsCalls"))
                    .isEqualTo(emulator.count("ListInferenceRecommendationsJobs"));
        });
    }

    @Test
    void withoutDescribesDiscoveredJobsCostOnlyTheirStepPagesAndTheirRecordsLackOnlyTheInputConfiguration() {
        name = "no-describe";
        SageMakerEmulator emulator = emulator(Scenario.fromResource("scenarios/three-jobs.json"),
                new ManualClock().set(Duration.ofSeconds(2_000)));
        TopicReader steps = reader(name + ".steps");
        TopicReader jobs = reader(name + ".jobs");
        Map<String, String> props = discoveryConfig(emulator, name);
        props.put("discovery.describe.jobs", "false");
        harness.startConnector(name, props);

        List<TopicReader.Rec> stepRecords = steps.awaitCount(9);
        List<TopicReader.Rec> closed = jobs.awaitUntil("three closed jobs",
                recs -> recs.stream().filter(r -> r.value().get("closed").asBoolean()).count() == 3);
        assertThat(emulator.count(DESCRIBE)).as("no describe call").isZero();
        // the job fields of the step records come from the listing
        assertThat(stepRecords).allSatisfy(r -> {
            switch (r.text("job_name")) {
                case "resnet50-nightly-001" -> assertThat(r.text("model_name")).isEqualTo("resnet50");
                case "xgboost-serverless-003" -> assertThat(r.text("model_name")).isEqualTo("xgboost-churn");
                default -> assertThat(r.text("model_package_version_arn"))
                        .isEqualTo("arn:aws:sagemaker:us-east-1:123456789012:model-package/bert-base/3");
            }
        });
        assertThat(closed).filteredOn(r -> r.value().get("closed").asBoolean()).hasSize(3).allSatisfy(r -> {
            assertThat(r.value().get("job_type").asText()).isNotBlank();
            assertThat(r.value().get("endpoint_configurations").isNull()).isTrue();
            assertThat(r.value().get("job_duration_seconds").isNull()).isTrue();
        });
    }

    @Test
    void resettingOneJobsOffsetReEmitsThatJobAndNothingElse() throws Exception {
        name = "reset";
        SageMakerEmulator emulator = emulator(Scenario.fromResource("scenarios/three-jobs.json"),
                new ManualClock().set(Duration.ofSeconds(2_000)));
        TopicReader steps = reader(name + ".steps");
        TopicReader jobs = reader(name + ".jobs");
        harness.startConnector(name, ConnectHarness.connectorConfig(emulator, name,
                "resnet50-nightly-001", "bert-base-ondemand-002", "xgboost-serverless-003"));
        steps.awaitCount(9);
        jobs.awaitUntil("three closed jobs", recs -> recs.stream().filter(r -> r.value().get("closed").asBoolean()).count() == 3);

        harness.connect().stopConnector(name);
        harness.connect().assertions().assertConnectorIsStopped(name, "connector did not stop");
        // as an operator would: read the offsets, remove the one of the job to read again
        ConnectorOffsets stored = harness.connect().connectorOffsets(name);
        assertThat(stored.offsets()).hasSize(3);
        Map<String, ?> resnet = stored.offsets().stream()
                .filter(o -> JobPartition.fromMap(o.partition()).job().equals("resnet50-nightly-001"))
                .findFirst().orElseThrow().partition();
        harness.connect().alterConnectorOffsets(name, new ConnectorOffsets(List.of(new ConnectorOffset(resnet, null))));
        assertThat(harness.connect().connectorOffsets(name).offsets()).hasSize(2);
        emulator.resetCounters();
        harness.connect().resumeConnector(name);

        List<TopicReader.Rec> all = steps.awaitCount(12);
        jobs.awaitUntil("resnet closed again",
                recs -> recs.stream().filter(r -> r.value().get("closed").asBoolean()).count() == 4);
        assertThat(all.subList(9, 12)).extracting(r -> r.text("job_name")).containsOnly("resnet50-nightly-001");
        assertThat(all.subList(9, 12)).extracting(r -> r.text("step_id"))
                .containsExactlyInAnyOrderElementsOf(all.subList(0, 9).stream()
                        .filter(r -> r.text("job_name").equals("resnet50-nightly-001")).map(r -> r.text("step_id")).toList());
        for (String closed : List.of("bert-base-ondemand-002", "xgboost-serverless-003")) {
            assertThat(emulator.count(DESCRIBE, closed) + emulator.count(LIST_STEPS, closed)).as(closed).isZero();
        }
    }

    @Test
    void changingTasksMaxMovesJobsWithoutLossOrDuplicates(TestInfo info) throws Exception {
        name = "retask";
        ManualClock clock = new ManualClock();
        Scenario scenario = Scenario.builder()
                .jobs(Fixtures.benchmarkJobs("fleet", 12, 4).stepDuration(Duration.ofSeconds(100)).build())
                .build();
        SageMakerEmulator emulator = emulator(scenario, clock);
        TopicReader steps = reader(name + ".steps");
        TopicReader jobs = reader(name + ".jobs");
        Map<String, String> props = discoveryConfig(emulator, name);
        props.put("tasks.max", "2");
        harness.startConnector(name, props);
        steps.awaitCount(48);
        assertThat(harness.connect().connectorStatus(name).tasks()).hasSize(2);

        props.put("tasks.max", "5");
        harness.connect().configureConnector(name, props);
        harness.connect().assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 5, "five tasks");
        clock.set(Duration.ofSeconds(200));

        List<TopicReader.Rec> all = steps.awaitCount(96);
        jobs.awaitUntil("twelve closed jobs",
                recs -> recs.stream().filter(r -> r.value().get("closed").asBoolean()).count() >= 12);
        all = steps.drain();
        Map<String, Long> versions = versionsPerStepContent(all);
        assertThat(versions).as("every step's two versions, each once").hasSize(96);
        assertThat(versions.values()).containsOnly(1L);
        Map<String, Long> closedPerJob = jobs.drain().stream().filter(r -> r.value().get("closed").asBoolean())
                .collect(Collectors.groupingBy(r -> r.text("job_name"), Collectors.counting()));
        assertThat(closedPerJob).hasSize(12);
        assertThat(closedPerJob.values()).as("no job read to its end by two tasks").containsOnly(1L);
        Map<String, Long> completedPerJob = new HashMap<>();
        all.stream().filter(r -> "COMPLETED".equals(r.text("status")) || "FAILED".equals(r.text("status")))
                .forEach(r -> completedPerJob.merge(r.text("job_name"), 1L, Long::sum));
        assertThat(completedPerJob.values()).containsOnly(4L);
    }
}
