package dev.benchlake.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.InferenceRecommendationsJobStep;
import software.amazon.awssdk.services.sagemaker.model.ListInferenceRecommendationsJobsRequest;


class DemoScenarioTest {

    @Test
    void fourWeeksOfNightlyJobsForTwoModelsOnFourInstanceTypes() {
        Scenario scenario = DemoScenario.scenario();
        assertThat(scenario.jobCount()).isEqualTo(56).isEqualTo(DemoScenario.JOBS);
        assertThat(scenario.jobs()).allSatisfy(j -> assertThat(j.steps()).hasSize(4));
        assertThat(scenario.job("nightly-resnet50-d01")).isNotNull();
        assertThat(scenario.job("nightly-bert-base-d28")).isNotNull();
        assertThat(scenario.jobs().stream().mapToInt(j -> j.steps().size()).sum()).isEqualTo(DemoScenario.STEPS).isEqualTo(224);
        assertThat(DemoScenario.failedSteps()).isEqualTo(5);
        assertThat(scenario.jobs().stream().map(ScenarioJob::createdAtMillis).distinct()).hasSize(28);
    }

    @Test
    void latencyOfTheRegressedSeriesStepsUpOnDay22Only() {
        List<Integer> g4dn = new ArrayList<>();
        for (int day = 1; day <= DemoScenario.DAYS; day++) {
            g4dn.add(DemoScenario.latencyMs("resnet50", "ml.g4dn.xlarge", day));
        }
        assertThat(g4dn.subList(0, 21)).allSatisfy(ms -> assertThat(ms).isBetween(39, 41));
        assertThat(g4dn.subList(21, 28)).allSatisfy(ms -> assertThat(ms).isBetween(51, 53));
        for (String model : DemoScenario.MODELS) {
            for (String type : DemoScenario.TYPES) {
                if (!(model + type).equals("resnet50ml.g4dn.xlarge")) {
                    int first = DemoScenario.latencyMs(model, type, 1);
                    int last = DemoScenario.latencyMs(model, type, DemoScenario.DAYS);
                    assertThat(Math.abs(last - first)).as(model + " on " + type).isLessThanOrEqualTo(2);
                }
            }
        }
        assertThat(DemoScenario.costPerInference("resnet50", "ml.inf1.xlarge")).isEqualTo(1.031e-6);
    }

    @Test
    void emulatorServerServesTheScenarioThroughItsRelay() throws Exception {
        try (EmulatorServer server = new EmulatorServer(0, InetAddress.getLoopbackAddress());
             SageMakerClient client = SageMakerClient.builder()
                     .endpointOverride(URI.create("http://127.0.0.1:" + server.port()))
                     .region(Region.US_EAST_1)
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
                     .httpClientBuilder(ApacheHttpClient.builder())
                     .build()) {
            List<String> names = new ArrayList<>();
            client.listInferenceRecommendationsJobsPaginator(ListInferenceRecommendationsJobsRequest.builder()
                    .nameContains("resnet50").build()).inferenceRecommendationsJobs().forEach(j -> names.add(j.jobName()));
            assertThat(names).hasSize(28).contains("nightly-resnet50-d22");
            List<InferenceRecommendationsJobStep> steps = client.listInferenceRecommendationsJobSteps(
                    r -> r.jobName("nightly-resnet50-d22")).steps();
            assertThat(steps).hasSize(4);
            assertThat(steps.get(2).inferenceBenchmark().endpointConfiguration().instanceType().toString())
                    .isEqualTo("ml.g4dn.xlarge");
            assertThat(steps.get(2).inferenceBenchmark().metrics().modelLatency())
                    .isEqualTo(DemoScenario.latencyMs("resnet50", "ml.g4dn.xlarge", 22));
        }
    }
}
