package dev.benchlake.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sagemaker.model.SageMakerException;

/** Request counters and the NextToken log. */
class CountersTest {
    private static final String STEPS = InferenceRecommenderApi.LIST_STEPS;
    private static final String DESCRIBE = InferenceRecommenderApi.DESCRIBE;
    private static final String JOBS = InferenceRecommenderApi.LIST_JOBS;

    private SageMakerEmulator emulator;
    private SageMakerClient sm;

    @BeforeEach
    void start() {
        emulator = SageMakerEmulator.start(Scenario.builder()
                .jobs(Fixtures.benchmarkJobs("count", 3, 5).build()).build(), EmulatorClock.manual());
        sm = SdkClients.noRetries(emulator);
    }

    @AfterEach
    void stop() {
        sm.close();
        emulator.close();
    }

    @Test
    void countsPerOperationJobAndOutcome() {
        sm.describeInferenceRecommendationsJob(b -> b.jobName("count-00000"));
        sm.describeInferenceRecommendationsJob(b -> b.jobName("count-00001"));
        sm.describeInferenceRecommendationsJob(b -> b.jobName("count-00001"));
        assertThatThrownBy(() -> sm.describeInferenceRecommendationsJob(b -> b.jobName("missing")))
                .isInstanceOf(ResourceNotFoundException.class);
        sm.listInferenceRecommendationsJobStepsPaginator(b -> b.jobName("count-00002").maxResults(2)).steps().forEach(s -> { });
        emulator.faults().failNext(STEPS, InjectedError.THROTTLING, 1).failNext(null, InjectedError.INTERNAL_FAILURE, 1);
        assertThatThrownBy(() -> sm.listInferenceRecommendationsJobSteps(b -> b.jobName("count-00000")))
                .isInstanceOfSatisfying(SageMakerException.class, e -> assertThat(e.isThrottlingException()).isTrue());
        assertThatThrownBy(() -> sm.listInferenceRecommendationsJobs(b -> b.maxResults(1)))
                .isInstanceOfSatisfying(SageMakerException.class, e -> assertThat(e.statusCode()).isEqualTo(500));
        assertThatThrownBy(() -> sm.listInferenceRecommendationsJobs(b -> b.maxResults(0)))
                .isInstanceOfSatisfying(SageMakerException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException"));
        emulator.faults().deny(DESCRIBE);
        assertThatThrownBy(() -> sm.describeInferenceRecommendationsJob(b -> b.jobName("count-00000")))
                .isInstanceOf(SageMakerException.class);

        assertThat(emulator.count(DESCRIBE)).isEqualTo(5);
        assertThat(emulator.count(DESCRIBE, "count-00000")).isEqualTo(2);
        assertThat(emulator.count(DESCRIBE, "count-00001")).isEqualTo(2);
        assertThat(emulator.count(DESCRIBE, "missing")).isEqualTo(1);
        assertThat(emulator.count(DESCRIBE, Outcome.OK)).isEqualTo(3);
        assertThat(emulator.count(DESCRIBE, Outcome.NOT_FOUND)).isEqualTo(1);
        assertThat(emulator.count(DESCRIBE, Outcome.ACCESS_DENIED)).isEqualTo(1);
        assertThat(emulator.count(STEPS)).isEqualTo(4);
        assertThat(emulator.count(STEPS, "count-00002")).isEqualTo(3);
        assertThat(emulator.count(STEPS, "count-00000")).isEqualTo(1);
        assertThat(emulator.count(STEPS, Outcome.THROTTLED)).isEqualTo(1);
        assertThat(emulator.count(JOBS)).isEqualTo(2);
        assertThat(emulator.count(JOBS, Outcome.SERVER_ERROR)).isEqualTo(1);
        assertThat(emulator.count(JOBS, Outcome.VALIDATION)).isEqualTo(1);
        assertThat(emulator.count(Outcome.OK)).isEqualTo(6);
        assertThat(emulator.totalRequests()).isEqualTo(11);

        List<SageMakerEmulator.StepsRequest> log = emulator.stepsRequests();
        assertThat(log).hasSize(4);
        assertThat(log.get(0).nextTokenReceived()).isNull();
        assertThat(log.get(0).tokenStatus()).isEqualTo(SageMakerEmulator.TokenStatus.NONE);
        assertThat(log.get(0).stepCount()).isEqualTo(2);
        assertThat(log.get(1).nextTokenReceived()).isEqualTo(log.get(0).nextTokenReturned()).isNotNull();
        assertThat(log.get(1).tokenAccepted()).isTrue();
        assertThat(log.get(2).nextTokenReceived()).isEqualTo(log.get(1).nextTokenReturned());
        assertThat(log.get(2).stepCount()).isEqualTo(1);
        assertThat(log.get(2).nextTokenReturned()).isNull();
        assertThat(log.get(3).outcome()).isEqualTo(Outcome.THROTTLED);
        assertThat(log.get(3).jobName()).isEqualTo("count-00000");

        emulator.resetCounters();
        assertThat(emulator.totalRequests()).isZero();
        assertThat(emulator.count(DESCRIBE, "count-00000")).isZero();
        assertThat(emulator.stepsRequests()).isEmpty();
    }

    @Test
    void countsAreExactUnderConcurrency() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                String job = "count-0000" + (t % 3);
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        sm.listInferenceRecommendationsJobSteps(b -> b.jobName(job));
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(emulator.count(STEPS)).isEqualTo(100);
        assertThat(emulator.count(STEPS, Outcome.OK)).isEqualTo(100);
        assertThat(emulator.count(STEPS, "count-00000")).isEqualTo(50);
        assertThat(emulator.count(STEPS, "count-00001")).isEqualTo(25);
        assertThat(emulator.stepsRequests()).hasSize(100).allSatisfy(r -> assertThat(r.stepCount()).isEqualTo(5));
    }
}
