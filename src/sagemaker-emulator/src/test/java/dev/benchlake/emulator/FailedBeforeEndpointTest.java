package dev.benchlake.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.InferenceRecommendationsJobStep;
import software.amazon.awssdk.services.sagemaker.model.RecommendationJobInferenceBenchmark;
import software.amazon.awssdk.services.sagemaker.model.RecommendationJobStatus;

/** Benchmarks that failed before their endpoint existed: ModelConfiguration and FailureReason only. */
class FailedBeforeEndpointTest {
    private static final String MODEL = "{\"EnvironmentParameters\":[{\"Key\":\"OMP_NUM_THREADS\",\"ValueType\":\"string\",\"Value\":\"4\"}],"
            + "\"InferenceSpecificationName\":\"spec-a\",\"CompilationJobName\":\"neo-compile-1\"}";

    @Test
    void servedWithoutEndpointConfigurationOrMetrics() throws Exception {
        Scenario scenario = Scenario.builder().requireSigV4(false)
                .job(ScenarioJob.builder("early-failures").at(0, "{\"Status\":\"IN_PROGRESS\"}")
                        .step(Fixtures.failedBeforeEndpoint(Duration.ofSeconds(10), Duration.ofSeconds(70),
                                "Compilation failed: unsupported operator", MODEL))
                        .step(Fixtures.failedBeforeEndpoint("InsufficientInstanceCapacity: ml.p4d.24xlarge"))
                        .step(ScenarioStep.of("{\"Status\":\"FAILED\",\"InferenceBenchmark\":{\"ModelConfiguration\":"
                                + "{\"InferenceSpecificationName\":\"json-spec\"},\"FailureReason\":\"from JSON\"}}"))
                        .build())
                .build();
        ManualClock clock = EmulatorClock.manual();
        try (SageMakerEmulator emulator = SageMakerEmulator.start(scenario, clock);
             SageMakerClient sm = SdkClients.noRetries(emulator)) {
            List<InferenceRecommendationsJobStep> steps = sm.listInferenceRecommendationsJobSteps(b -> b.jobName("early-failures")).steps();
            assertThat(steps).hasSize(2); // the first appears at 10 s
            assertThat(steps.get(0).status()).isEqualTo(RecommendationJobStatus.FAILED);
            assertThat(steps.get(0).inferenceBenchmark().modelConfiguration().environmentParameters()).isEmpty();

            clock.set(Duration.ofSeconds(10));
            RecommendationJobInferenceBenchmark running =
                    sm.listInferenceRecommendationsJobSteps(b -> b.jobName("early-failures")).steps().get(0).inferenceBenchmark();
            assertThat(running.endpointConfiguration()).isNull();
            assertThat(running.failureReason()).isNull();
            assertThat(running.modelConfiguration().inferenceSpecificationName()).isEqualTo("spec-a");

            clock.set(Duration.ofSeconds(70));
            steps = sm.listInferenceRecommendationsJobSteps(b -> b.jobName("early-failures")).steps();
            assertThat(steps).hasSize(3).allSatisfy(s -> {
                assertThat(s.status()).isEqualTo(RecommendationJobStatus.FAILED);
                assertThat(s.inferenceBenchmark().endpointConfiguration()).isNull();
                assertThat(s.inferenceBenchmark().metrics()).isNull();
                assertThat(s.inferenceBenchmark().endpointMetrics()).isNull();
                assertThat(s.inferenceBenchmark().invocationStartTime()).isNull();
                assertThat(s.inferenceBenchmark().failureReason()).isNotBlank();
                assertThat(s.inferenceBenchmark().modelConfiguration()).isNotNull();
            });
            RecommendationJobInferenceBenchmark first = steps.get(0).inferenceBenchmark();
            assertThat(first.failureReason()).isEqualTo("Compilation failed: unsupported operator");
            assertThat(first.modelConfiguration().compilationJobName()).isEqualTo("neo-compile-1");
            assertThat(first.modelConfiguration().environmentParameters()).singleElement()
                    .satisfies(p -> assertThat(p.key() + "=" + p.value()).isEqualTo("OMP_NUM_THREADS=4"));
            assertThat(steps.get(2).inferenceBenchmark().modelConfiguration().inferenceSpecificationName()).isEqualTo("json-spec");

            // on the wire: exactly these members, nothing filled in but the required ModelConfiguration
            HttpResponse<String> wire = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(emulator.endpoint() + "/"))
                    .header("X-Amz-Target", "SageMaker.ListInferenceRecommendationsJobSteps")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"JobName\":\"early-failures\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(wire.body()).isEqualTo("{\"Steps\":["
                    + "{\"StepType\":\"BENCHMARK\",\"JobName\":\"early-failures\",\"Status\":\"FAILED\",\"InferenceBenchmark\":{\"ModelConfiguration\":"
                    + MODEL + ",\"FailureReason\":\"Compilation failed: unsupported operator\"}},"
                    + "{\"StepType\":\"BENCHMARK\",\"JobName\":\"early-failures\",\"Status\":\"FAILED\",\"InferenceBenchmark\":"
                    + "{\"ModelConfiguration\":{},\"FailureReason\":\"InsufficientInstanceCapacity: ml.p4d.24xlarge\"}},"
                    + "{\"StepType\":\"BENCHMARK\",\"JobName\":\"early-failures\",\"Status\":\"FAILED\",\"InferenceBenchmark\":"
                    + "{\"ModelConfiguration\":{\"InferenceSpecificationName\":\"json-spec\"},\"FailureReason\":\"from JSON\"}}]}");
        }
    }
}
