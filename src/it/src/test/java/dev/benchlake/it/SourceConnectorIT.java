package dev.benchlake.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import dev.benchlake.emulator.ManualClock;
import dev.benchlake.emulator.Outcome;
import dev.benchlake.emulator.SageMakerEmulator;
import dev.benchlake.emulator.Scenario;
import dev.benchlake.emulator.ScenarioJob;
import dev.benchlake.emulator.ScenarioStep;

/** The connector on an in-process Kafka Connect cluster, reading the SageMaker emulator through the real AWS SDK. */
class SourceConnectorIT extends ConnectorTestSupport {

    private static final String LIST_STEPS = "ListInferenceRecommendationsJobSteps";
    private static final String DESCRIBE = "DescribeInferenceRecommendationsJob";
    private static final long EPOCH_MS = 1_767_225_600_000L;
    private static final String RESNET = "resnet50-nightly-001";
    private static final String BERT = "bert-base-ondemand-002";
    private static final String XGB = "xgboost-serverless-003";


    private void named(TestInfo info) {
        name = info.getTestMethod().orElseThrow().getName().toLowerCase();
    }

    private static ManualClock clockAt(long seconds) {
        return new ManualClock().set(Duration.ofSeconds(seconds));
    }

    private static Map<String, List<TopicReader.Rec>> byStepId(List<TopicReader.Rec> records) {
        return records.stream().collect(Collectors.groupingBy(r -> r.text("step_id")));
    }

    private static Map<String, TopicReader.Rec> byEndpoint(List<TopicReader.Rec> records) {
        return records.stream().collect(Collectors.toMap(r -> r.text("endpoint_name"), Function.identity(), (a, b) -> b));
    }

    /** Waits until the connector has read the job this many more times: the condition "it had its chance". */
    private static void awaitPasses(SageMakerEmulator emulator, String job, int passes) {
        long target = emulator.count(DESCRIBE, job) + passes;
        Awaitility.await(passes + " more passes over " + job).atMost(ConnectHarness.TIMEOUT)
                .pollInterval(Duration.ofMillis(50)).until(() -> emulator.count(DESCRIBE, job) >= target);
    }

    @Test
    void everyStepOfAThreeJobScenarioArrivesFieldByField(TestInfo info) {
        named(info);
        SageMakerEmulator emulator = emulator(Scenario.fromResource("scenarios/three-jobs.json"), clockAt(2_000));
        TopicReader steps = reader(name + ".steps");
        TopicReader jobs = reader(name + ".jobs");
        harness.startConnector(name, ConnectHarness.connectorConfig(emulator, name, RESNET, BERT, XGB));

        List<TopicReader.Rec> records = steps.awaitCount(9);
        List<TopicReader.Rec> jobRecords = jobs.awaitCount(3);
        TopicReader.Rec resnetJob = jobRecords.stream().filter(r -> RESNET.equals(r.text("job_name"))).findFirst().orElseThrow();
        assertThat(resnetJob.text("status")).isEqualTo("COMPLETED");
        assertThat(resnetJob.value().get("job_duration_seconds").asInt()).isEqualTo(7200);
        assertThat(resnetJob.text("traffic_pattern")).isEqualTo(
                "{\"TrafficType\":\"PHASES\",\"Phases\":[{\"InitialNumberOfUsers\":1,\"SpawnRate\":1,\"DurationInSeconds\":120}]}");
        assertThat(resnetJob.text("endpoint_configurations")).isEqualTo(
                "[{\"InstanceType\":\"ml.c5.xlarge\"},{\"InstanceType\":\"ml.g4dn.xlarge\"},{\"InstanceType\":\"ml.m5.large\"}]");
        assertThat(resnetJob.text("model_name")).isEqualTo("resnet50");
        // StoppingConditions as the scenario gives them: every member, one member, none
        List<TopicReader.Rec> everyJob = jobs.awaitUntil("a record of each job", recs -> List.of(RESNET, BERT, XGB)
                .stream().allMatch(n -> recs.stream().anyMatch(r -> n.equals(r.text("job_name")))));
        assertThat(resnetJob.text("stopping_conditions")).isEqualTo("{\"MaxInvocations\":3000,\"ModelLatencyThresholds\":"
                + "[{\"Percentile\":\"P95\",\"ValueInMilliseconds\":100}],\"FlatInvocations\":\"Stop\"}");
        assertThat(everyJob.stream().filter(r -> BERT.equals(r.text("job_name"))).findFirst().orElseThrow()
                .text("stopping_conditions")).isEqualTo("{\"MaxInvocations\":1000}");
        assertThat(everyJob.stream().filter(r -> XGB.equals(r.text("job_name"))).findFirst().orElseThrow()
                .value().get("stopping_conditions").isNull()).isTrue();
        assertThat(records).hasSize(9);
        assertThat(byStepId(records)).hasSize(9);
        assertThat(records).allSatisfy(r -> {
            assertThat(r.key().get("step_id").asText()).isEqualTo(r.text("step_id"));
            assertThat(r.key().get("job_name").asText()).isEqualTo(r.text("job_name"));
            assertThat(r.text("aws_region")).isEqualTo("us-east-1");
            assertThat(r.text("aws_account_id")).isEqualTo("123456789012");
            assertThat(r.text("step_type")).isEqualTo("BENCHMARK");
            assertThat(r.text("content_hash")).hasSize(32);
        });
        Map<String, TopicReader.Rec> ep = byEndpoint(records);

        TopicReader.Rec c5 = ep.get("sm-epc-resnet50-001-c5");
        assertThat(c5.text("job_name")).isEqualTo(RESNET);
        assertThat(c5.text("status")).isEqualTo("COMPLETED");
        assertThat(c5.value().get("is_terminal").asBoolean()).isTrue();
        assertThat(c5.text("variant_name")).isEqualTo("AllTraffic");
        assertThat(c5.text("instance_type")).isEqualTo("ml.c5.xlarge");
        assertThat(c5.value().get("initial_instance_count").asInt()).isEqualTo(1);
        assertThat(c5.value().get("cost_per_hour").asDouble()).isEqualTo(0.1);
        assertThat(c5.value().get("cost_per_inference").asDouble()).isEqualTo(0.000123);
        assertThat(c5.value().get("max_invocations").asInt()).isEqualTo(1350);
        assertThat(c5.value().get("model_latency_ms").asInt()).isEqualTo(42);
        assertThat(c5.value().get("cpu_utilization").asDouble()).isEqualTo(71.25);
        assertThat(c5.value().get("memory_utilization").asDouble()).isEqualTo(33.5);
        assertThat(c5.value().get("endpoint_max_invocations").asInt()).isEqualTo(1400);
        assertThat(c5.value().get("endpoint_model_latency_ms").asInt()).isEqualTo(45);
        assertThat(c5.text("inference_specification_name")).isEqualTo("resnet50-spec");
        assertThat(c5.text("compilation_job_name")).isEqualTo("resnet50-neo-c5");
        assertThat(c5.text("environment_parameters")).isEqualTo("{\"OMP_NUM_THREADS\":\"2\"}");
        assertThat(c5.value().get("invocation_start_time").asLong()).isEqualTo(EPOCH_MS - 6_000_250);
        assertThat(c5.value().get("invocation_end_time").asLong()).isEqualTo(EPOCH_MS - 5_400_750);
        assertThat(c5.value().get("benchmark_duration_ms").asLong()).isEqualTo(599_500);
        assertThat(c5.text("job_arn")).isEqualTo(
                "arn:aws:sagemaker:us-east-1:123456789012:inference-recommendations-job/resnet50-nightly-001");
        assertThat(c5.text("job_type")).isEqualTo("Default");
        assertThat(c5.text("job_status")).isEqualTo("COMPLETED");
        assertThat(c5.value().get("job_creation_time").asLong()).isEqualTo(EPOCH_MS - 7_200_125);
        assertThat(c5.text("model_name")).isEqualTo("resnet50");
        assertThat(c5.text("failure_reason")).isNull();

        assertThat(ep.get("sm-epc-resnet50-001-g4dn").text("environment_parameters"))
                .isEqualTo("{\"OMP_NUM_THREADS\":\"4\",\"TS_DEFAULT_WORKERS_PER_MODEL\":\"1\"}");
        assertThat(ep.get("sm-epc-resnet50-001-g4dn").value().get("cost_per_inference").asDouble()).isEqualTo(0.0000456);
        assertThat(ep.get("sm-epc-resnet50-001-m5").value().get("initial_instance_count").asInt()).isEqualTo(2);

        TopicReader.Rec serverless = ep.get("sm-epc-xgb-003-serverless");
        assertThat(serverless.text("instance_type")).isNull();
        assertThat(serverless.value().get("serverless_memory_size_mb").asInt()).isEqualTo(2048);
        assertThat(serverless.value().get("serverless_max_concurrency").asInt()).isEqualTo(5);
        assertThat(serverless.value().get("serverless_provisioned_concurrency").asInt()).isEqualTo(1);
        assertThat(serverless.value().get("model_setup_time").asInt()).isEqualTo(1800);
        assertThat(serverless.value().get("cost_per_hour").asDouble()).isEqualTo(0.0);
        assertThat(serverless.value().get("cost_per_inference").asDouble()).isEqualTo(0.0000002);
        assertThat(serverless.value().get("cpu_utilization").isNull()).as("NaN becomes null by default").isTrue();
        assertThat(serverless.value().get("memory_utilization").isNull()).isTrue();
        assertThat(serverless.value().get("benchmark_duration_ms").asLong()).isEqualTo(229_500);

        TopicReader.Rec failed = ep.get("sm-epc-xgb-003-t2");
        assertThat(failed.text("status")).isEqualTo("FAILED");
        assertThat(failed.value().get("is_terminal").asBoolean()).isTrue();
        assertThat(failed.text("failure_reason")).contains("ran out of memory");
        assertThat(failed.value().get("cost_per_hour").isNull()).isTrue();

        TopicReader.Rec inf1 = ep.get("sm-epc-bert-002-inf1");
        assertThat(inf1.text("compilation_job_name")).isEqualTo("bert-neo-inf1");
        assertThat(inf1.text("job_type")).isEqualTo("Advanced");
        assertThat(inf1.value().get("cost_per_inference").asDouble()).isEqualTo(0.0000109);
        assertThat(inf1.value().get("invocation_end_time").asLong()).isEqualTo(EPOCH_MS + 1_499_250);
    }

    @Test
    void statusChangeGivesOneMoreRecordAndAnUnchangedStepNone(TestInfo info) {
        named(info);
        ManualClock clock = clockAt(0);
        SageMakerEmulator emulator = emulator(Scenario.fromResource("scenarios/three-jobs.json"), clock);
        TopicReader steps = reader(name + ".steps");
        harness.startConnector(name, ConnectHarness.connectorConfig(emulator, name, BERT));

        List<TopicReader.Rec> first = steps.awaitCount(2);
        assertThat(byEndpoint(first).get("sm-epc-bert-002-c5").text("status")).isEqualTo("IN_PROGRESS");
        assertThat(byEndpoint(first).get("sm-epc-bert-002-m5").text("status")).isEqualTo("PENDING");
        awaitPasses(emulator, BERT, 3);
        assertThat(steps.drain()).as("nothing changed, nothing emitted").hasSize(2);

        clock.set(Duration.ofSeconds(300));
        List<TopicReader.Rec> second = steps.awaitCount(4);
        awaitPasses(emulator, BERT, 3);
        List<TopicReader.Rec> all = steps.drain();
        assertThat(all).hasSize(4);
        List<TopicReader.Rec> changes = all.subList(2, 4);
        assertThat(byEndpoint(changes).get("sm-epc-bert-002-c5").text("status")).isEqualTo("COMPLETED");
        assertThat(byEndpoint(changes).get("sm-epc-bert-002-c5").value().get("cost_per_hour").asDouble()).isEqualTo(0.204);
        assertThat(byEndpoint(changes).get("sm-epc-bert-002-m5").text("status")).isEqualTo("IN_PROGRESS");
        assertThat(byStepId(second).values()).allSatisfy(versions -> {
            assertThat(versions).hasSize(2);
            assertThat(versions.get(0).text("content_hash")).isNotEqualTo(versions.get(1).text("content_hash"));
        });
    }

    /** One running job with many finished steps: a pass takes many pages, so a restart lands mid-pass. */
    private static Scenario longJob(String job, int steps, long tokenTtlSeconds) {
        ScenarioJob.Builder builder = ScenarioJob.builder(job)
                .at(0, "{\"JobType\":\"Advanced\",\"Status\":\"IN_PROGRESS\",\"InputConfig\":{\"ModelName\":\"llama-7b\"}}");
        for (int i = 0; i < steps; i++) {
            builder.step(ScenarioStep.builder().at(0, "{\"StepType\":\"BENCHMARK\",\"Status\":\"COMPLETED\","
                    + "\"InferenceBenchmark\":{\"Metrics\":{\"CostPerHour\":1.5,\"MaxInvocations\":" + (100 + i) + "},"
                    + "\"EndpointConfiguration\":{\"EndpointName\":\"ep-" + i + "\",\"VariantName\":\"AllTraffic\","
                    + "\"InstanceType\":\"ml.g5.xlarge\",\"InitialInstanceCount\":" + (1 + i) + "},"
                    + "\"ModelConfiguration\":{}}}").build());
        }
        Scenario scenario = Scenario.builder().job(builder.build()).build();
        scenario.faults().latencyMs(150).tokenTtlSeconds(tokenTtlSeconds);
        return scenario;
    }

    private void restartMidPass(SageMakerEmulator emulator, TopicReader steps, Runnable whileStopped) {
        steps.awaitCount(6);
        harness.connect().stopConnector(name);
        try {
            harness.connect().assertions().assertConnectorIsStopped(name, "connector did not stop");
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        whileStopped.run();
        harness.connect().resumeConnector(name);
    }

    @Test
    void connectorRestartedMidPassResumesFromTheStoredTokenAndLosesAndDuplicatesNothing(TestInfo info) {
        named(info);
        String job = "llama-sweep-001";
        SageMakerEmulator emulator = emulator(longJob(job, 30, 3_600), clockAt(0));
        TopicReader steps = reader(name + ".steps");
        harness.startConnector(name, ConnectHarness.connectorConfig(emulator, name, job));

        int[] before = new int[1];
        restartMidPass(emulator, steps, () -> before[0] = emulator.stepsRequests().size());
        List<TopicReader.Rec> all = steps.awaitCount(30);
        awaitPasses(emulator, job, 2);
        all = steps.drain();

        assertThat(all).hasSize(30);
        assertThat(byStepId(all)).hasSize(30);
        SageMakerEmulator.StepsRequest firstAfterRestart = emulator.stepsRequests().get(before[0]);
        assertThat(firstAfterRestart.nextTokenReceived()).as("resumed mid-pass with the stored NextToken").isNotNull();
        assertThat(firstAfterRestart.tokenAccepted()).isTrue();
    }

    @Test
    void expiredTokenRestartsThePassWithoutDuplicates(TestInfo info) {
        named(info);
        String job = "llama-sweep-002";
        ManualClock clock = clockAt(0);
        SageMakerEmulator emulator = emulator(longJob(job, 30, 60), clock);
        TopicReader steps = reader(name + ".steps");
        Map<String, String> props = ConnectHarness.connectorConfig(emulator, name, job);
        props.put("pagination.token.max.age.ms", "86400000");
        harness.startConnector(name, props);

        int[] before = new int[1];
        restartMidPass(emulator, steps, () -> {
            before[0] = emulator.stepsRequests().size();
            clock.advance(Duration.ofSeconds(120));
        });
        steps.awaitCount(30);
        awaitPasses(emulator, job, 2);
        List<TopicReader.Rec> all = steps.drain();

        assertThat(all).hasSize(30);
        assertThat(byStepId(all)).hasSize(30);
        List<SageMakerEmulator.StepsRequest> after = emulator.stepsRequests().subList(before[0], emulator.stepsRequests().size());
        assertThat(after.get(0).nextTokenReceived()).isNotNull();
        assertThat(after.get(0).tokenStatus()).isEqualTo(SageMakerEmulator.TokenStatus.REJECTED);
        assertThat(after.get(1).nextTokenReceived()).as("the pass restarts at page 1").isNull();
    }

    @Test
    void closedJobsCostZeroCallsOverFivePollIntervalsAndAcrossRestarts(TestInfo info) {
        named(info);
        Scenario scenario = Scenario.fromResource("scenarios/three-jobs.json");
        String running = "still-running-004";
        scenario.addJob(ScenarioJob.builder(running)
                .at(0, "{\"JobType\":\"Default\",\"Status\":\"IN_PROGRESS\"}")
                .step(ScenarioStep.builder().at(0, "{\"StepType\":\"BENCHMARK\",\"Status\":\"IN_PROGRESS\","
                        + "\"InferenceBenchmark\":{\"EndpointConfiguration\":{\"EndpointName\":\"ep-r\","
                        + "\"VariantName\":\"AllTraffic\",\"InstanceType\":\"ml.c5.large\"},\"ModelConfiguration\":{}}}").build())
                .build());
        SageMakerEmulator emulator = emulator(scenario, clockAt(2_000));
        TopicReader jobs = reader(name + ".jobs");
        harness.startConnector(name, ConnectHarness.connectorConfig(emulator, name, RESNET, BERT, XGB, running));

        List<TopicReader.Rec> jobRecords = jobs.awaitUntil("three closed jobs",
                recs -> recs.stream().filter(r -> r.value().get("closed").asBoolean()).count() == 3);
        assertThat(jobRecords.stream().filter(r -> r.value().get("closed").asBoolean()))
                .extracting(r -> r.text("job_name")).containsExactlyInAnyOrder(RESNET, BERT, XGB);
        assertThat(jobRecords.stream().filter(r -> r.value().get("closed").asBoolean()))
                .allSatisfy(r -> assertThat(r.text("close_reason")).isEqualTo("COMPLETE"));

        emulator.resetCounters();
        awaitPasses(emulator, running, 5);
        for (String closed : List.of(RESNET, BERT, XGB)) {
            assertThat(emulator.count(LIST_STEPS, closed) + emulator.count(DESCRIBE, closed)).as(closed).isZero();
        }

        harness.connect().restartConnectorAndTasks(name, false, false, false);
        awaitPasses(emulator, running, 5);
        for (String closed : List.of(RESNET, BERT, XGB)) {
            assertThat(emulator.count(LIST_STEPS, closed) + emulator.count(DESCRIBE, closed))
                    .as(closed + " after a restart").isZero();
        }
        assertThat(emulator.count(LIST_STEPS, running)).as("the running job kept being read").isGreaterThanOrEqualTo(9);
    }

    @Test
    void withHalfTheCallsThrottledEverythingStillArrivesOnce(TestInfo info) {
        named(info);
        Scenario scenario = Scenario.fromResource("scenarios/three-jobs.json");
        scenario.faults().throttleRate(0.5);
        SageMakerEmulator emulator = emulator(scenario, clockAt(2_000));
        TopicReader steps = reader(name + ".steps");
        TopicReader jobs = reader(name + ".jobs");
        harness.startConnector(name, ConnectHarness.connectorConfig(emulator, name, RESNET, BERT, XGB));

        steps.awaitCount(9);
        jobs.awaitUntil("three closed jobs",
                recs -> recs.stream().filter(r -> r.value().get("closed").asBoolean()).count() == 3);
        assertThat(steps.drain()).hasSize(9);
        assertThat(byStepId(steps.drain())).hasSize(9);
        assertThat(emulator.count(LIST_STEPS, Outcome.THROTTLED) + emulator.count(DESCRIBE, Outcome.THROTTLED))
                .as("throttling happened").isPositive();
        assertThat(harness.connect().connectorStatus(name).tasks().get(0).state()).isEqualTo("RUNNING");
    }

    @Test
    void missingJobIsSkippedAndTheOthersGoOn(TestInfo info) {
        named(info);
        SageMakerEmulator emulator = emulator(Scenario.fromResource("scenarios/three-jobs.json"), clockAt(2_000));
        TopicReader steps = reader(name + ".steps");
        harness.startConnector(name, ConnectHarness.connectorConfig(emulator, name, "no-such-job", XGB));
        List<TopicReader.Rec> records = steps.awaitCount(2);
        assertThat(records).extracting(r -> r.text("job_name")).containsOnly(XGB);
        assertThat(emulator.count(DESCRIBE, Outcome.NOT_FOUND)).isPositive();
        assertThat(harness.connect().connectorStatus(name).tasks().get(0).state()).isEqualTo("RUNNING");
    }
}
