package dev.benchlake.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.benchlake.emulator.ManualClock;
import dev.benchlake.emulator.Outcome;
import dev.benchlake.emulator.SageMakerEmulator;
import dev.benchlake.emulator.Scenario;
import dev.benchlake.emulator.ScenarioJob;
import dev.benchlake.emulator.ScenarioStep;

/** Answers the SDK was not built for: new enum values, unknown fields, missing fields, extreme numbers, garbage. */
class UnexpectedAnswersIT extends ConnectorTestSupport {

    private static ScenarioJob job(String name, String jobPatch, String... steps) {
        ScenarioJob.Builder b = ScenarioJob.builder(name).at(0, jobPatch);
        for (String step : steps) {
            b.step(ScenarioStep.builder().at(0, step).build());
        }
        return b.build();
    }

    @Test
    void unknownValuesExtraFieldsAndExtremeNumbersAreEmittedAsSentAndAnUnparseablePageIsIsolated() {
        name = "unexpected";
        Scenario scenario = Scenario.builder()
                .job(job("future-values-001",
                        "{\"JobType\":\"Hyperscale\",\"Status\":\"ARCHIVED\",\"ShinyNewField\":{\"x\":1}}",
                        "{\"StepType\":\"LOAD_TEST\",\"Status\":\"PAUSED\",\"Unknown\":[1,2,3],\"InferenceBenchmark\":{"
                                + "\"EndpointConfiguration\":{\"EndpointName\":\"ep-future\",\"VariantName\":\"v\","
                                + "\"InstanceType\":\"ml.z9.superlarge\",\"InitialInstanceCount\":2147483647,\"Extra\":true},"
                                + "\"ModelConfiguration\":{},\"Metrics\":{\"CostPerHour\":3.4028235E38,"
                                + "\"CostPerInference\":1.4E-45,\"MaxInvocations\":2147483647,\"ModelLatency\":-2147483648,"
                                + "\"CpuUtilization\":0.0,\"SomethingNew\":5}}}"))
                .job(job("bare-minimum-002", "{\"Status\":\"IN_PROGRESS\",\"JobType\":\"Advanced\"}",
                        "{\"StepType\":\"BENCHMARK\",\"Status\":\"IN_PROGRESS\",\"InferenceBenchmark\":{"
                                + "\"EndpointConfiguration\":{\"EndpointName\":\"ep-bare\",\"VariantName\":\"v\"},"
                                + "\"ModelConfiguration\":{}}}"))
                .job(job("garbled-003", "{\"Status\":\"IN_PROGRESS\"}",
                        "{\"StepType\":\"BENCHMARK\",\"Status\":\"COMPLETED\",\"InferenceBenchmark\":{"
                                + "\"EndpointConfiguration\":{\"EndpointName\":\"ep-garbled\",\"VariantName\":\"v\"},"
                                + "\"ModelConfiguration\":{},\"Metrics\":{\"MaxInvocations\":\"NaN\"}}}"))
                .build();
        SageMakerEmulator emulator = emulator(scenario, new ManualClock().set(Duration.ofSeconds(10)));
        TopicReader steps = reader(name + ".steps");
        harness.startConnector(name, ConnectHarness.connectorConfig(emulator, name,
                "future-values-001", "bare-minimum-002", "garbled-003"));

        List<TopicReader.Rec> records = steps.awaitCount(2);
        Map<String, TopicReader.Rec> byJob = records.stream()
                .collect(Collectors.toMap(r -> r.text("job_name"), Function.identity()));
        TopicReader.Rec future = byJob.get("future-values-001");
        assertThat(future.text("status")).isEqualTo("PAUSED");
        assertThat(future.value().get("is_terminal").asBoolean()).isFalse();
        assertThat(future.text("step_type")).isEqualTo("LOAD_TEST");
        assertThat(future.text("instance_type")).isEqualTo("ml.z9.superlarge");
        assertThat(future.text("job_type")).isEqualTo("Hyperscale");
        assertThat(future.text("job_status")).isEqualTo("ARCHIVED");
        assertThat(future.value().get("initial_instance_count").asInt()).isEqualTo(Integer.MAX_VALUE);
        assertThat(future.value().get("cost_per_hour").asDouble()).isEqualTo(3.4028235E38);
        assertThat(future.value().get("cost_per_inference").asDouble()).isEqualTo(1.4E-45);
        assertThat(future.value().get("max_invocations").asInt()).isEqualTo(Integer.MAX_VALUE);
        assertThat(future.value().get("model_latency_ms").asInt()).isEqualTo(Integer.MIN_VALUE);
        TopicReader.Rec bare = byJob.get("bare-minimum-002");
        assertThat(bare.text("instance_type")).isNull();
        assertThat(bare.value().get("cost_per_hour").isNull()).isTrue();
        assertThat(bare.text("job_type")).as("as the scenario's job document says").isEqualTo("Advanced");

        // the garbled job fails to parse, is retried with backoff, and never stops the others
        int before = steps.drain().size();
        long garbledCalls = emulator.count("ListInferenceRecommendationsJobSteps", "garbled-003");
        org.awaitility.Awaitility.await("the garbled job is retried").atMost(ConnectHarness.TIMEOUT)
                .until(() -> emulator.count("ListInferenceRecommendationsJobSteps", "garbled-003") >= garbledCalls + 2);
        assertThat(steps.drain()).hasSize(before).noneMatch(r -> "garbled-003".equals(r.text("job_name")));
        assertThat(emulator.count("ListInferenceRecommendationsJobSteps", Outcome.OK)).isPositive();
        assertThat(harness.connect().connectorStatus(name).tasks().get(0).state()).isEqualTo("RUNNING");
    }
}
