package dev.benchlake.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.retry.RetryUtils;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.InferenceRecommendationsJob;
import software.amazon.awssdk.services.sagemaker.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sagemaker.model.SageMakerException;

/** Per-job IAM denials (policies scoped to job ARNs) and not-found windows (eventual consistency). */
class JobAccessTest {
    private static final String STEPS = InferenceRecommenderApi.LIST_STEPS;
    private static final String DESCRIBE = InferenceRecommenderApi.DESCRIBE;
    private static final String JOBS = InferenceRecommenderApi.LIST_JOBS;
    private static final String SCENARIO = """
            {"accountId": "210987654321", "region": "us-east-1",
             "jobs": [
               {"name": "Denied-Job", "versions": [{"at": 0, "job": {"Status": "COMPLETED"}}],
                "steps": [{"versions": [{"at": 0, "step": {"Status": "COMPLETED"}}]}],
                "denied": {"operations": ["DescribeInferenceRecommendationsJob", "ListInferenceRecommendationsJobSteps"],
                           "from": 10, "until": 20}},
               {"name": "steps-denied", "versions": [{"at": 0, "job": {"Status": "COMPLETED"}}],
                "denied": [{"operations": ["ListInferenceRecommendationsJobSteps"]}]},
               {"name": "flaky", "versions": [{"at": 0, "job": {"Status": "COMPLETED"}}],
                "steps": [{"versions": [{"at": 0, "step": {"Status": "COMPLETED"}}]}],
                "notFound": [[5, 10], [30, 31.5]]}
             ]}
            """;

    private final ManualClock clock = EmulatorClock.manual();
    private SageMakerEmulator emulator;
    private SageMakerClient sm;

    @AfterEach
    void stop() {
        sm.close();
        emulator.close();
    }

    private void start(Scenario scenario) {
        emulator = SageMakerEmulator.start(scenario, clock);
        sm = SdkClients.noRetries(emulator);
    }

    private static String denial(String operation, String jobArn) {
        return "User: arn:aws:sts::" + jobArn.split(":")[4] + ":assumed-role/benchlake/benchlake is not authorized to perform: sagemaker:" + operation
                + " on resource: " + jobArn + " because no identity-based policy allows the sagemaker:" + operation + " action";
    }

    private void assertDenied(Runnable call, String operation, String jobArn) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(SageMakerException.class, e -> {
            assertThat(e).isNotInstanceOf(ResourceNotFoundException.class);
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
            assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(denial(operation, jobArn));
            assertThat(e.isThrottlingException()).isFalse();
            assertThat(RetryUtils.isRetryableException(e)).isFalse();
        });
    }

    private List<String> listed() {
        return sm.listInferenceRecommendationsJobs(b -> b.maxResults(100)).inferenceRecommendationsJobs().stream()
                .map(InferenceRecommendationsJob::jobName).sorted().toList();
    }

    @Test
    void aDenialWindowRefusesDescribeAndListStepsOfThatJobOnly() {
        start(Scenario.fromJsonString(SCENARIO));
        String arn = "arn:aws:sagemaker:us-east-1:210987654321:inference-recommendations-job/denied-job";
        assertThat(sm.describeInferenceRecommendationsJob(b -> b.jobName("Denied-Job")).jobArn()).isEqualTo(arn);
        clock.set(Duration.ofSeconds(10));
        assertDenied(() -> sm.describeInferenceRecommendationsJob(b -> b.jobName("Denied-Job")), DESCRIBE, arn);
        assertDenied(() -> sm.listInferenceRecommendationsJobSteps(b -> b.jobName("Denied-Job")), STEPS, arn);
        // ListInferenceRecommendationsJobs is not resource-scoped: the job is still listed
        assertThat(listed()).containsExactly("Denied-Job", "flaky", "steps-denied");
        // other jobs are readable
        assertThat(sm.listInferenceRecommendationsJobSteps(b -> b.jobName("flaky")).steps()).hasSize(1);
        clock.set(Duration.ofMillis(19_999));
        assertDenied(() -> sm.describeInferenceRecommendationsJob(b -> b.jobName("Denied-Job")), DESCRIBE, arn);
        clock.set(Duration.ofSeconds(20));
        assertThat(sm.listInferenceRecommendationsJobSteps(b -> b.jobName("Denied-Job")).steps()).hasSize(1);

        // denied for one operation, from the start and forever
        String other = "arn:aws:sagemaker:us-east-1:210987654321:inference-recommendations-job/steps-denied";
        assertDenied(() -> sm.listInferenceRecommendationsJobSteps(b -> b.jobName("steps-denied")), STEPS, other);
        assertThat(sm.describeInferenceRecommendationsJob(b -> b.jobName("steps-denied")).jobName()).isEqualTo("steps-denied");

        assertThat(emulator.count(DESCRIBE, Outcome.ACCESS_DENIED)).isEqualTo(2);
        assertThat(emulator.count(STEPS, Outcome.ACCESS_DENIED)).isEqualTo(2);
        assertThat(emulator.count(JOBS, Outcome.OK)).isEqualTo(1);
        assertThat(emulator.count(STEPS, "Denied-Job")).isEqualTo(2);
    }

    @Test
    void iamDecidesBeforeExistenceAndTheArnIsTheJobsOwn() {
        start(Scenario.builder()
                .job(ScenarioJob.builder("later").at(100, "{\"Status\":\"PENDING\"}").denied(DESCRIBE).build())
                .job(ScenarioJob.builder("own-arn")
                        .at(0, "{\"JobArn\":\"arn:aws:sagemaker:us-east-1:123456789012:inference-recommendations-job/custom\"}")
                        .denied(TimeWindow.of(Duration.ofSeconds(1), null)).build())
                .build());
        // not created yet, yet the policy answers first, as IAM does
        assertDenied(() -> sm.describeInferenceRecommendationsJob(b -> b.jobName("later")), DESCRIBE,
                "arn:aws:sagemaker:us-east-1:123456789012:inference-recommendations-job/later");
        assertThatThrownBy(() -> sm.listInferenceRecommendationsJobSteps(b -> b.jobName("later")))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThat(sm.listInferenceRecommendationsJobSteps(b -> b.jobName("own-arn")).steps()).isEmpty();
        clock.set(Duration.ofSeconds(1));
        // no operations given: both resource-scoped operations
        assertThatThrownBy(() -> sm.listInferenceRecommendationsJobSteps(b -> b.jobName("own-arn")))
                .isInstanceOfSatisfying(SageMakerException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                        .contains("on resource: arn:aws:sagemaker:us-east-1:123456789012:inference-recommendations-job/custom because"));
        assertThatThrownBy(() -> ScenarioJob.builder("x").at(0, "{}").denied(JOBS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ListInferenceRecommendationsJobs");
    }

    @Test
    void aNotFoundWindowAnswersLikeAnUnknownJobWhileTheJobIsListed() {
        start(Scenario.fromJsonString(SCENARIO));
        SageMakerException unknown = catchSdk(() -> sm.describeInferenceRecommendationsJob(b -> b.jobName("never-was")));
        clock.set(Duration.ofMillis(4_999));
        assertThat(sm.describeInferenceRecommendationsJob(b -> b.jobName("flaky")).jobName()).isEqualTo("flaky");
        clock.set(Duration.ofSeconds(5));
        SageMakerException describe = catchSdk(() -> sm.describeInferenceRecommendationsJob(b -> b.jobName("flaky")));
        SageMakerException steps = catchSdk(() -> sm.listInferenceRecommendationsJobSteps(b -> b.jobName("flaky")));
        for (SageMakerException e : List.of(describe, steps)) {
            assertThat(e).isInstanceOf(ResourceNotFoundException.class);
            assertThat(e.statusCode()).isEqualTo(400).isEqualTo(unknown.statusCode());
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ResourceNotFound");
            assertThat(e.awsErrorDetails().rawResponse().asUtf8String())
                    .isEqualTo("{\"__type\":\"ResourceNotFound\",\"message\":\"Could not find job with name flaky\"}")
                    .isEqualTo(unknown.awsErrorDetails().rawResponse().asUtf8String().replace("never-was", "flaky"));
        }
        assertThat(listed()).contains("flaky");
        clock.set(Duration.ofSeconds(10));
        assertThat(sm.listInferenceRecommendationsJobSteps(b -> b.jobName("flaky")).steps()).hasSize(1);
        clock.set(Duration.ofMillis(30_500));
        assertThatThrownBy(() -> sm.describeInferenceRecommendationsJob(b -> b.jobName("flaky"))).isInstanceOf(ResourceNotFoundException.class);
        clock.set(Duration.ofMillis(31_500));
        assertThat(sm.describeInferenceRecommendationsJob(b -> b.jobName("flaky")).jobName()).isEqualTo("flaky");
        assertThat(emulator.count(DESCRIBE, Outcome.NOT_FOUND)).isEqualTo(3);
        assertThat(emulator.count(STEPS, Outcome.NOT_FOUND)).isEqualTo(1);
    }

    @Test
    void notFoundWindowsFromJavaAndAtRuntime() {
        start(Scenario.builder()
                .job(ScenarioJob.builder("blinking").at(0, "{\"Status\":\"COMPLETED\"}")
                        .notFound(TimeWindow.of(Duration.ofSeconds(60), Duration.ofSeconds(61))).build())
                .build());
        clock.set(Duration.ofSeconds(60));
        assertThatThrownBy(() -> sm.describeInferenceRecommendationsJob(b -> b.jobName("blinking"))).isInstanceOf(ResourceNotFoundException.class);
        clock.set(Duration.ofSeconds(61));
        assertThat(sm.describeInferenceRecommendationsJob(b -> b.jobName("blinking")).jobName()).isEqualTo("blinking");
        emulator.updateJobFaults("blinking", f -> f.notFound(TimeWindow.seconds(61, 62)));
        assertThatThrownBy(() -> sm.listInferenceRecommendationsJobSteps(b -> b.jobName("blinking"))).isInstanceOf(ResourceNotFoundException.class);
        assertThat(emulator.scenario().job("blinking").faults().notFoundWindows())
                .containsExactly(new TimeWindow(60_000, 61_000), new TimeWindow(61_000, 62_000));
    }

    private static SageMakerException catchSdk(Runnable call) {
        try {
            call.run();
        } catch (SageMakerException e) {
            return e;
        }
        throw new AssertionError("expected a SageMakerException");
    }
}
