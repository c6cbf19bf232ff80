package dev.benchlake.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.InferenceRecommendationsJob;
import software.amazon.awssdk.services.sagemaker.model.InferenceRecommendationsJobStep;
import software.amazon.awssdk.services.sagemaker.model.RecommendationJobStatus;

/** 10,000 jobs of 8 steps: modest memory, and the whole listing is served. */
class LargeScenarioTest {

    @Test
    void tenThousandJobsOfEightSteps() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long before = usedAfterGc(memory);
        Fixtures.BenchmarkJobs spec = Fixtures.benchmarkJobs("bulk", 10_000, 8)
                .createdEvery(Duration.ofSeconds(6)).stepStagger(Duration.ofSeconds(30)).stepDuration(Duration.ofSeconds(120))
                .instanceTypes("ml.c5.xlarge", "ml.m5.large", "ml.g4dn.xlarge", "ml.inf1.xlarge", "ml.c6i.2xlarge",
                        "ml.r5.large", "ml.g5.xlarge", Fixtures.SERVERLESS)
                .failEvery(13);
        Scenario scenario = Scenario.builder().jobs(spec.build()).build();
        long retained = usedAfterGc(memory) - before;
        java.lang.ref.Reference.reachabilityFence(scenario);
        // 80,000 steps cannot take less than a byte each: a bound that the measurement itself can fail
        assertThat(retained).as("heap retained by the scenario").isBetween(80_000L, 128L * 1024 * 1024);

        ManualClock clock = EmulatorClock.manual();
        clock.set(Duration.ofMillis(spec.jobCompletedAtMillis(9_999)));
        try (SageMakerEmulator emulator = SageMakerEmulator.start(scenario, clock);
             SageMakerClient sm = SdkClients.noRetries(emulator)) {
            Set<String> names = new HashSet<>();
            for (InferenceRecommendationsJob j : sm.listInferenceRecommendationsJobsPaginator(b -> b.maxResults(100))
                    .inferenceRecommendationsJobs()) {
                assertThat(j.status()).isEqualTo(RecommendationJobStatus.COMPLETED);
                names.add(j.jobName());
            }
            assertThat(names).hasSize(10_000);
            assertThat(emulator.count(InferenceRecommenderApi.LIST_JOBS)).isEqualTo(100);

            List<InferenceRecommendationsJobStep> steps =
                    sm.listInferenceRecommendationsJobSteps(b -> b.jobName("bulk-09999").maxResults(100)).steps();
            assertThat(steps).hasSize(8);
            assertThat(steps.get(7).inferenceBenchmark().endpointConfiguration().serverlessConfig().memorySizeInMB()).isEqualTo(2048);
            assertThat(steps.get(7).inferenceBenchmark().endpointConfiguration().endpointName()).isEqualTo("sm-epc-bulk-09999-7");
            assertThat(steps).extracting(InferenceRecommendationsJobStep::status).containsOnly(RecommendationJobStatus.COMPLETED);
            // failEvery(13) counts steps from 1 over all jobs: step 13 overall is job 1's fifth step
            List<InferenceRecommendationsJobStep> job1 =
                    sm.listInferenceRecommendationsJobSteps(b -> b.jobName("bulk-00001").maxResults(100)).steps();
            assertThat(job1).extracting(InferenceRecommendationsJobStep::status).containsExactly(
                    RecommendationJobStatus.COMPLETED, RecommendationJobStatus.COMPLETED, RecommendationJobStatus.COMPLETED,
                    RecommendationJobStatus.COMPLETED, RecommendationJobStatus.FAILED, RecommendationJobStatus.COMPLETED,
                    RecommendationJobStatus.COMPLETED, RecommendationJobStatus.COMPLETED);
            assertThat(job1.get(4).inferenceBenchmark().failureReason()).isNotBlank();
            assertThat(job1.get(4).inferenceBenchmark().metrics()).isNull();
            assertThat(sm.describeInferenceRecommendationsJob(b -> b.jobName("bulk-05000")).completionTime())
                    .isEqualTo(scenario.epoch().plusMillis(spec.jobCompletedAtMillis(5_000)));

            // mid-way: later jobs do not exist yet, the latest are still running
            clock.set(Duration.ofSeconds(30_000));
            assertThat(sm.listInferenceRecommendationsJobs(b -> b.statusEquals(RecommendationJobStatus.IN_PROGRESS)
                    .maxResults(100)).inferenceRecommendationsJobs()).extracting(InferenceRecommendationsJob::jobName)
                    .first().isEqualTo("bulk-05000");
        }
    }

    /** Used heap after full collections, repeated until it stops shrinking (a single System.gc() is a hint). */
    private static long usedAfterGc(MemoryMXBean memory) {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            long now = memory.getHeapMemoryUsage().getUsed();
            if (now >= used) {
                return now;
            }
            used = now;
        }
        return used;
    }
}
