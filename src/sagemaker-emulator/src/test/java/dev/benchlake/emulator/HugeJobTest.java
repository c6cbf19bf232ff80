package dev.benchlake.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.InferenceRecommendationsJobStep;
import software.amazon.awssdk.services.sagemaker.model.ListInferenceRecommendationsJobStepsResponse;
import software.amazon.awssdk.services.sagemaker.model.RecommendationJobStatus;

/** Jobs of tens of thousands of generated steps: stored in almost nothing, listed quickly. */
class HugeJobTest {
    private static final String STEPS = InferenceRecommenderApi.LIST_STEPS;

    /** What makes a step its own: its inputs (instance type or serverless config, environment). */
    private static String inputs(InferenceRecommendationsJobStep s) {
        return s.inferenceBenchmark().endpointConfiguration().instanceType() + "|"
                + s.inferenceBenchmark().endpointConfiguration().serverlessConfig() + "|"
                + s.inferenceBenchmark().modelConfiguration().environmentParameters();
    }

    @Test
    void thirtyThousandStepsIn300PagesOf100() {
        Scenario scenario = Scenario.builder().job(Fixtures.hugeJob("huge", 30_000)).build();
        try (SageMakerEmulator emulator = SageMakerEmulator.start(scenario, EmulatorClock.manual());
             SageMakerClient sm = SdkClients.noRetries(emulator)) {
            // warm up (JIT) on 20 pages, so that the measure below is the steady state
            sm.listInferenceRecommendationsJobStepsPaginator(b -> b.jobName("huge").maxResults(100)).stream().limit(20).count();
            emulator.resetCounters();
            long start = System.nanoTime();
            Set<String> endpoints = new HashSet<>();
            Set<String> inputs = new HashSet<>();
            int pages = 0;
            for (ListInferenceRecommendationsJobStepsResponse page
                    : sm.listInferenceRecommendationsJobStepsPaginator(b -> b.jobName("huge").maxResults(100))) {
                pages++;
                assertThat(page.steps()).hasSize(100);
                for (InferenceRecommendationsJobStep s : page.steps()) {
                    assertThat(s.status()).isEqualTo(RecommendationJobStatus.COMPLETED);
                    assertThat(s.inferenceBenchmark().metrics().costPerInference()).isPositive();
                    endpoints.add(s.inferenceBenchmark().endpointConfiguration().endpointName());
                    inputs.add(inputs(s));
                }
            }
            long wallMs = (System.nanoTime() - start) / 1_000_000;
            double serverMicrosPerStep = emulator.counters().serverNanos(STEPS) / 1_000.0 / 30_000;
            System.out.printf("30,000 steps in 300 pages: %d ms through the SDK, %.1f us per step in the emulator%n",
                    wallMs, serverMicrosPerStep);
            assertThat(pages).isEqualTo(300);
            assertThat(emulator.count(STEPS)).isEqualTo(300);
            assertThat(emulator.count(STEPS, Outcome.OK)).isEqualTo(300);
            assertThat(endpoints).hasSize(30_000);
            assertThat(inputs).as("distinct inputs").hasSize(30_000);
            assertThat(serverMicrosPerStep).as("server time per step (us)").isLessThan(250.0);
        }
    }

    @Test
    void theGeneratedStepsAreExactlySo() {
        Scenario scenario = Scenario.builder().job(Fixtures.hugeJob("exact", GeneratedSteps.count(20)
                .instanceTypes("ml.c5.xlarge", Fixtures.SERVERLESS))).build();
        try (SageMakerEmulator emulator = SageMakerEmulator.start(scenario, EmulatorClock.manual());
             SageMakerClient sm = SdkClients.noRetries(emulator)) {
            List<InferenceRecommendationsJobStep> steps =
                    sm.listInferenceRecommendationsJobSteps(b -> b.jobName("exact").maxResults(100)).steps();
            assertThat(steps).hasSize(20);
            InferenceRecommendationsJobStep s3 = steps.get(3);
            assertThat(s3.jobName()).isEqualTo("exact");
            assertThat(s3.stepTypeAsString()).isEqualTo("BENCHMARK");
            assertThat(s3.inferenceBenchmark().endpointConfiguration().endpointName()).isEqualTo("sm-epc-exact-3");
            assertThat(s3.inferenceBenchmark().endpointConfiguration().variantName()).isEqualTo("AllTraffic");
            assertThat(s3.inferenceBenchmark().endpointConfiguration().serverlessConfig().memorySizeInMB()).isEqualTo(2048);
            assertThat(s3.inferenceBenchmark().modelConfiguration().environmentParameters())
                    .extracting(p -> p.key() + "=" + p.value()).containsExactly("OMP_NUM_THREADS=2", "MAX_BATCH_SIZE=1");
            assertThat(s3.inferenceBenchmark().invocationStartTime()).isEqualTo(scenario.epoch().minusSeconds(600));
            assertThat(s3.inferenceBenchmark().invocationEndTime()).isEqualTo(scenario.epoch());
            InferenceRecommendationsJobStep s4 = steps.get(4);
            assertThat(s4.inferenceBenchmark().endpointConfiguration().instanceTypeAsString()).isEqualTo("ml.c5.xlarge");
            assertThat(s4.inferenceBenchmark().endpointConfiguration().initialInstanceCount()).isEqualTo(1);
            assertThat(s4.inferenceBenchmark().endpointMetrics().modelLatency()).isPositive();
            assertThat(s4.inferenceBenchmark().metrics()).isEqualTo(steps.get(0).inferenceBenchmark().metrics());
        }
    }

    @Test
    void generatedStepsFromJsonAppearOverTimeAfterTheExplicitOnes() {
        Scenario scenario = Scenario.fromJsonString("""
                {"jobs": [{"name": "stream", "versions": [{"at": 0, "job": {"Status": "IN_PROGRESS"}}],
                           "steps": [{"versions": [{"at": 0, "step": {"Status": "COMPLETED",
                                       "InferenceBenchmark": {"FailureReason": "explicit"}}}]}],
                           "generatedSteps": {"count": 1000, "instanceTypes": ["ml.m5.large"], "at": 60, "every": 0.5}}]}
                """);
        ManualClock clock = EmulatorClock.manual();
        try (SageMakerEmulator emulator = SageMakerEmulator.start(scenario, clock);
             SageMakerClient sm = SdkClients.noRetries(emulator)) {
            assertThat(sm.listInferenceRecommendationsJobSteps(b -> b.jobName("stream").maxResults(100)).steps()).hasSize(1);
            clock.set(Duration.ofSeconds(70));
            List<InferenceRecommendationsJobStep> steps = new ArrayList<>();
            sm.listInferenceRecommendationsJobStepsPaginator(b -> b.jobName("stream").maxResults(7)).steps().forEach(steps::add);
            // the explicit step, then generated steps 0..20 (at 60, 60.5, ... 70)
            assertThat(steps).hasSize(22);
            assertThat(steps.get(0).inferenceBenchmark().failureReason()).isEqualTo("explicit");
            assertThat(steps.get(21).inferenceBenchmark().endpointConfiguration().endpointName()).isEqualTo("sm-epc-stream-20");
            assertThat(sm.describeInferenceRecommendationsJob(b -> b.jobName("stream")).lastModifiedTime())
                    .isEqualTo(scenario.epoch().plusSeconds(70));
            clock.set(Duration.ofSeconds(1000));
            assertThat(sm.listInferenceRecommendationsJobStepsPaginator(b -> b.jobName("stream").maxResults(100)
                    .status(RecommendationJobStatus.COMPLETED)).steps().stream().count()).isEqualTo(1001);
            // a runtime change materializes the steps and keeps their order
            emulator.addStepNow("stream", "{\"Status\":\"FAILED\"}");
            List<InferenceRecommendationsJobStep> all = new ArrayList<>();
            sm.listInferenceRecommendationsJobStepsPaginator(b -> b.jobName("stream").maxResults(100)).steps().forEach(all::add);
            assertThat(all).hasSize(1002);
            assertThat(all.get(1000).inferenceBenchmark().endpointConfiguration().endpointName()).isEqualTo("sm-epc-stream-999");
            assertThat(all.get(1001).status()).isEqualTo(RecommendationJobStatus.FAILED);
        }
    }

    @Test
    void hugeJobsCostAlmostNoHeap() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long before = memory.getHeapMemoryUsage().getUsed();
        Scenario.Builder b = Scenario.builder();
        for (int i = 0; i < 20; i++) {
            b.job(Fixtures.hugeJob("huge-" + i, 30_000));
        }
        Scenario scenario = b.build();
        System.gc();
        long retained = memory.getHeapMemoryUsage().getUsed() - before;
        System.out.printf("20 jobs x 30,000 steps: about %d KB of heap%n", retained / 1024);
        assertThat(retained).as("heap retained by 600,000 generated steps").isLessThan(16L * 1024 * 1024);
        assertThat(scenario.job("huge-19").steps()).hasSize(30_000);
    }
}
