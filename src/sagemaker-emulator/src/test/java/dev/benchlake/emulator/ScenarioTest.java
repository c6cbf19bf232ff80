package dev.benchlake.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.DescribeInferenceRecommendationsJobResponse;
import software.amazon.awssdk.services.sagemaker.model.RecommendationJobStatus;

/** The scenario model: versions and merging, the JSON form, clocks. */
class ScenarioTest {

    @Test
    void versionsDeepMergeArraysReplaceAndNullRemoves() {
        ScenarioJob job = ScenarioJob.builder("merge")
                .at(0, "{\"Status\":\"IN_PROGRESS\",\"FailureReason\":\"x\",\"InputConfig\":{\"ModelName\":\"m\","
                        + "\"JobDurationInSeconds\":60,\"EndpointConfigurations\":[{\"InstanceType\":\"ml.c5.xlarge\"},"
                        + "{\"InstanceType\":\"ml.m5.large\"}]}}")
                .at(10, "{\"FailureReason\":null,\"InputConfig\":{\"JobDurationInSeconds\":120,"
                        + "\"EndpointConfigurations\":[{\"InstanceType\":\"ml.g5.xlarge\"}]}}")
                .at(5, "{\"Status\":\"STOPPING\"}")
                .build();
        ObjectNode at0 = job.resolve(0);
        assertThat(at0.get("FailureReason").asText()).isEqualTo("x");
        assertThat(at0.at("/InputConfig/EndpointConfigurations")).hasSize(2);
        assertThat(job.resolve(4_999).get("Status").asText()).isEqualTo("IN_PROGRESS");
        assertThat(job.resolve(5_000).get("Status").asText()).isEqualTo("STOPPING");
        ObjectNode at10 = job.resolve(10_000);
        assertThat(at10.has("FailureReason")).isFalse();
        assertThat(at10.get("Status").asText()).isEqualTo("STOPPING");
        assertThat(at10.at("/InputConfig/ModelName").asText()).isEqualTo("m");
        assertThat(at10.at("/InputConfig/JobDurationInSeconds").asInt()).isEqualTo(120);
        assertThat(at10.at("/InputConfig/EndpointConfigurations")).hasSize(1);
        assertThat(job.resolve(-1)).isNull();
        // resolving hands out fresh documents
        at10.put("Status", "changed");
        assertThat(job.resolve(10_000).get("Status").asText()).isEqualTo("STOPPING");
        assertThat(job.summaryAt(10_000).status()).isEqualTo("STOPPING");
        assertThat(job.summaryAt(10_000).statusSince()).isEqualTo(5_000);
        assertThat(job.summaryAt(10_000).modelName()).isEqualTo("m");
        assertThat(job.lastChangeAt(7_000)).isEqualTo(5_000);
    }

    @Test
    void stepStatusTracksItsVersions() {
        ScenarioStep step = ScenarioStep.builder()
                .at(10, "{\"InferenceBenchmark\":{\"EndpointConfiguration\":{\"EndpointName\":\"e\",\"VariantName\":\"v\"}}}")
                .at(20, "{\"Status\":\"IN_PROGRESS\"}")
                .at(30, "{\"Status\":\"COMPLETED\",\"InferenceBenchmark\":{\"Metrics\":{\"CostPerHour\":0.1}}}")
                .build();
        assertThat(step.existsAt(9_999)).isFalse();
        assertThat(step.statusAt(9_999)).isNull();
        assertThat(step.statusAt(10_000)).isEqualTo("PENDING");
        assertThat(step.stepTypeAt(10_000)).isEqualTo("BENCHMARK");
        assertThat(step.statusAt(25_000)).isEqualTo("IN_PROGRESS");
        assertThat(step.statusAt(30_000)).isEqualTo("COMPLETED");
        ObjectNode doc = step.resolve(30_000);
        assertThat(doc.at("/InferenceBenchmark/EndpointConfiguration/EndpointName").asText()).isEqualTo("e");
        assertThat(doc.at("/InferenceBenchmark/Metrics/CostPerHour").decimalValue()).hasToString("0.1");
    }

    @Test
    void theFixtureLoadsAsDescribed() {
        Scenario s = Scenario.fromResource("scenarios/three-jobs.json");
        assertThat(s.region()).isEqualTo("us-east-1");
        assertThat(s.accountId()).isEqualTo("123456789012");
        assertThat(s.epoch()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(s.jobs()).extracting(ScenarioJob::name)
                .containsExactlyInAnyOrder("resnet50-nightly-001", "bert-base-ondemand-002", "xgboost-serverless-003");
        assertThat(s.job("resnet50-nightly-001").steps()).hasSize(3);
        assertThat(s.job("bert-base-ondemand-002").steps()).hasSize(4);
        assertThat(s.job("xgboost-serverless-003").steps()).hasSize(2);
        assertThat(s.faults().seed()).isEqualTo(42);
        assertThat(s.faults().tokenTtlSeconds()).isNull();
    }

    @Test
    void faultsAndOptionsComeFromJson(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("s.json");
        Files.writeString(file, """
                {"region": "eu-west-1", "accountId": "210987654321", "epoch": "2026-02-01T12:00:00Z", "requireSigV4": false,
                 "faults": {"seed": 9, "throttleRate": 0.25, "serverErrorRate": 0.1, "serviceUnavailableRate": 0.05,
                            "latencyMs": 3, "latencyJitterMs": 2, "tokenTtlSeconds": 30, "tokenMaxUses": 4,
                            "emptyPageRate": 0.2, "tokenRepeatRate": 0.1, "shuffleSteps": true,
                            "deniedOperations": ["ListInferenceRecommendationsJobs"],
                            "faultOperations": ["ListInferenceRecommendationsJobSteps"]},
                 "jobs": [{"name": "j1", "versions": [{"at": 1.5, "job": {"Status": "PENDING"}}], "deletedAt": 100,
                           "steps": [{"versions": [{"at": 2, "step": {"Status": "IN_PROGRESS"}}]}]}]}
                """);
        Scenario s = Scenario.fromJson(file);
        assertThat(s.region()).isEqualTo("eu-west-1");
        assertThat(s.accountId()).isEqualTo("210987654321");
        assertThat(s.epoch()).isEqualTo(Instant.parse("2026-02-01T12:00:00Z"));
        assertThat(s.requireSigV4()).isFalse();
        Faults f = s.faults();
        assertThat(f.seed()).isEqualTo(9);
        assertThat(f.throttleRate()).isEqualTo(0.25);
        assertThat(f.serverErrorRate()).isEqualTo(0.1);
        assertThat(f.serviceUnavailableRate()).isEqualTo(0.05);
        assertThat(f.latencyMs()).isEqualTo(3);
        assertThat(f.latencyJitterMs()).isEqualTo(2);
        assertThat(f.tokenTtlSeconds()).isEqualTo(30);
        assertThat(f.tokenMaxUses()).isEqualTo(4);
        assertThat(f.emptyPageRate()).isEqualTo(0.2);
        assertThat(f.tokenRepeatRate()).isEqualTo(0.1);
        assertThat(f.shuffleSteps()).isTrue();
        assertThat(f.deniedOperations()).isEqualTo(Set.of("ListInferenceRecommendationsJobs"));
        assertThat(f.faultOperations()).isEqualTo(Set.of("ListInferenceRecommendationsJobSteps"));
        ScenarioJob j = s.job("j1");
        assertThat(j.createdAtMillis()).isEqualTo(1_500);
        assertThat(j.deletedAtMillis()).isEqualTo(100_000);
        assertThat(j.existsAt(1_499)).isFalse();
        assertThat(j.existsAt(99_999)).isTrue();
        assertThat(j.existsAt(100_000)).isFalse();
        assertThat(j.steps().get(0).firstAtMillis()).isEqualTo(2_000);
        assertThat(s.jobArn("J1")).isEqualTo("arn:aws:sagemaker:eu-west-1:210987654321:inference-recommendations-job/j1");
    }

    @Test
    void badScenariosAreRefusedWithAReason() {
        assertThatThrownBy(() -> Scenario.fromJsonString("{\"jobs\":[{\"name\":\"a\",\"versions\":[{\"at\":0,\"job\":{}}]},"
                + "{\"name\":\"a\",\"versions\":[{\"at\":0,\"job\":{}}]}]}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate job name: a");
        assertThatThrownBy(() -> Scenario.fromJsonString("{\"jobs\":[{\"name\":\"-a\",\"versions\":[{\"at\":0,\"job\":{}}]}]}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a valid job name");
        assertThatThrownBy(() -> Scenario.fromJsonString("{\"jobs\":[{\"name\":\"a\"}]}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing 'versions'");
        assertThatThrownBy(() -> Scenario.fromJsonString("{\"jobs\":[{\"name\":\"a\",\"versions\":[{\"at\":\"soon\",\"job\":{}}]}]}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected a number of seconds");
        assertThatThrownBy(() -> Scenario.fromJsonString("{\"faults\":{\"throttleRate\":2}}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a rate is between 0 and 1");
        assertThatThrownBy(() -> Scenario.fromResource("scenarios/none.json"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no such resource");
    }

    @Test
    void clocks() {
        ManualClock manual = EmulatorClock.manual();
        assertThat(manual.now()).isEqualTo(Duration.ZERO);
        manual.advance(Duration.ofMillis(1500)).advanceSeconds(2);
        assertThat(manual.nowMillis()).isEqualTo(3_500);
        manual.set(Duration.ofSeconds(1));
        assertThat(manual.now()).isEqualTo(Duration.ofSeconds(1));
        assertThatThrownBy(() -> manual.advance(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);

        EmulatorClock fast = EmulatorClock.scaled(Duration.ofSeconds(100), 1000.0);
        assertThat(fast.now()).isGreaterThanOrEqualTo(Duration.ofSeconds(100));
        // a thousand times faster than the wall clock: a few real milliseconds are scenario seconds
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> fast.now().compareTo(Duration.ofSeconds(105)) >= 0);
        EmulatorClock real = EmulatorClock.realTime();
        Duration a = real.now();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> real.now().compareTo(a) > 0);
        assertThatThrownBy(() -> EmulatorClock.scaled(Duration.ZERO, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRealTimeEmulatorStartedFromArgumentsServesTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("three-jobs.json");
        try (var in = ScenarioTest.class.getClassLoader().getResourceAsStream("scenarios/three-jobs.json")) {
            Files.copy(in, file);
        }
        try (SageMakerEmulator e = SageMakerEmulator.launch(file.toString(), "0", "--start-at", "1800", "--time-scale", "1");
             SageMakerClient sm = SdkClients.noRetries(e)) {
            assertThat(e.endpoint().getHost()).isEqualTo("127.0.0.1");
            assertThat(e.endpoint().getPort()).isPositive();
            DescribeInferenceRecommendationsJobResponse d = sm.describeInferenceRecommendationsJob(b -> b.jobName("bert-base-ondemand-002"));
            assertThat(d.status()).isEqualTo(RecommendationJobStatus.COMPLETED);
            assertThat(sm.listInferenceRecommendationsJobSteps(b -> b.jobName("bert-base-ondemand-002")).steps()).hasSize(4);
        }
    }

    @Test
    void floatsKeepTheirWrittenDigits() {
        ObjectNode n = Json.parseObject("{\"a\":0.000123,\"b\":0.1,\"c\":1.50,\"d\":\"NaN\",\"e\":12345678901234567890}");
        assertThat(new String(Json.bytes(n), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("{\"a\":0.000123,\"b\":0.1,\"c\":1.50,\"d\":\"NaN\",\"e\":12345678901234567890}");
        assertThat(Json.wireTimestamp(1767225600123L)).hasToString("1767225600.123");
        assertThat(Json.wireTimestamp(1767225600000L)).hasToString("1767225600.000");
        assertThat(List.of(Json.timestampMillis(Json.MAPPER.getNodeFactory().textNode("T-1.5"), 10_000, "x"),
                Json.timestampMillis(Json.MAPPER.getNodeFactory().textNode("T+0.001"), 10_000, "x"),
                Json.timestampMillis(Json.MAPPER.getNodeFactory().numberNode(new java.math.BigDecimal("12.3456")), 0, "x")))
                .containsExactly(8_500L, 10_001L, 12_346L);
    }
}
