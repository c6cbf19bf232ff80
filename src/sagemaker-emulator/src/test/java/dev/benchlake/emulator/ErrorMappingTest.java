package dev.benchlake.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.retry.RetryUtils;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.ListInferenceRecommendationsJobStepsRequest;
import software.amazon.awssdk.services.sagemaker.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sagemaker.model.SageMakerException;

/**
 * Each error the emulator answers, seen through the real SDK: exception class, error code, HTTP status,
 * and whether the SDK's retry logic treats it as throttling / retryable.
 *
 * <p>Note: {@code SdkException.retryable()} is {@code false} for every service exception in SDK 2.40
 * (it is not what the retry strategy consults); the SDK retries on {@code isThrottlingException()}
 * and on HTTP 500/502/503/504. The tests below prove that behaviour with a retrying client and the
 * emulator's request counts.
 */
class ErrorMappingTest {
    private static final String STEPS = InferenceRecommenderApi.LIST_STEPS;
    private static final String DESCRIBE = InferenceRecommenderApi.DESCRIBE;
    private static final String JOBS = InferenceRecommenderApi.LIST_JOBS;
    private static final String JOB = "resnet50-nightly-001";

    private ManualClock clock;
    private SageMakerEmulator emulator;
    private SageMakerClient sm;

    @BeforeEach
    void start() {
        clock = EmulatorClock.manual();
        emulator = SageMakerEmulator.start(Scenario.fromResource("scenarios/three-jobs.json"), clock);
        sm = SdkClients.noRetries(emulator);
    }

    @AfterEach
    void stop() {
        sm.close();
        emulator.close();
    }

    @Test
    void unknownJobIsResourceNotFoundForDescribeAndListSteps() {
        assertThatThrownBy(() -> sm.describeInferenceRecommendationsJob(b -> b.jobName("no-such-job")))
                .isInstanceOfSatisfying(ResourceNotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ResourceNotFound");
                    assertThat(e.awsErrorDetails().errorMessage()).contains("no-such-job");
                    assertThat(e.requestId()).satisfies(id -> UUID.fromString(id));
                    assertThat(e.isThrottlingException()).isFalse();
                    assertThat(RetryUtils.isRetryableException(e)).isFalse();
                });
        assertThatThrownBy(() -> sm.listInferenceRecommendationsJobSteps(b -> b.jobName("no-such-job")))
                .isInstanceOfSatisfying(ResourceNotFoundException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ResourceNotFound"));
        assertThat(emulator.count(DESCRIBE, Outcome.NOT_FOUND)).isEqualTo(1);
        assertThat(emulator.count(STEPS, Outcome.NOT_FOUND)).isEqualTo(1);
    }

    @Test
    void deletedJobIsResourceNotFoundAndLeavesListings() {
        assertThat(sm.describeInferenceRecommendationsJob(b -> b.jobName(JOB)).jobName()).isEqualTo(JOB);
        clock.advance(Duration.ofSeconds(5));
        emulator.deleteJob(JOB);
        assertThatThrownBy(() -> sm.describeInferenceRecommendationsJob(b -> b.jobName(JOB)))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> sm.listInferenceRecommendationsJobSteps(b -> b.jobName(JOB)))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThat(sm.listInferenceRecommendationsJobs(b -> b.maxResults(100)).inferenceRecommendationsJobs())
                .extracting(j -> j.jobName()).containsExactly("xgboost-serverless-003", "bert-base-ondemand-002");
        // the scenario clock decides: before the deletion the job was there
        clock.set(Duration.ofSeconds(4));
        assertThat(sm.describeInferenceRecommendationsJob(b -> b.jobName(JOB)).jobName()).isEqualTo(JOB);
    }

    @Test
    void aJobThatDoesNotExistYetIsResourceNotFound() {
        emulator.addJob(ScenarioJob.builder("later-job").at(120, "{\"Status\":\"PENDING\"}").build());
        assertThatThrownBy(() -> sm.describeInferenceRecommendationsJob(b -> b.jobName("later-job")))
                .isInstanceOf(ResourceNotFoundException.class);
        clock.advance(Duration.ofSeconds(120));
        assertThat(sm.describeInferenceRecommendationsJob(b -> b.jobName("later-job")).creationTime())
                .isEqualTo(emulator.scenario().epoch().plusSeconds(120));
    }

    @Test
    void badParametersAreValidationExceptions() {
        assertValidation(() -> sm.listInferenceRecommendationsJobSteps(b -> b.jobName("-bad")), "jobName",
                "regular expression pattern");
        assertValidation(() -> sm.listInferenceRecommendationsJobSteps(b -> b.jobName("")), "jobName", "length greater than or equal to 1");
        assertValidation(() -> sm.listInferenceRecommendationsJobSteps(b -> b.jobName("a".repeat(65))), "jobName",
                "length less than or equal to 64");
        assertValidation(() -> sm.listInferenceRecommendationsJobSteps(b -> b.jobName(JOB).maxResults(0)), "maxResults",
                "value greater than or equal to 1");
        assertValidation(() -> sm.listInferenceRecommendationsJobSteps(b -> b.jobName(JOB).maxResults(101)), "maxResults",
                "value less than or equal to 100");
        assertValidation(() -> sm.listInferenceRecommendationsJobSteps(b -> b.jobName(JOB).status("RUNNING")), "status",
                "enum value set");
        assertValidation(() -> sm.listInferenceRecommendationsJobSteps(b -> b.jobName(JOB).stepType("LOADTEST")), "stepType",
                "enum value set");
        assertValidation(() -> sm.listInferenceRecommendationsJobSteps(b -> b.jobName(JOB).nextToken("x".repeat(8193))),
                "nextToken", "length less than or equal to 8192");
        assertValidation(() -> sm.listInferenceRecommendationsJobSteps(b -> b.jobName(JOB).nextToken("not-a-token")),
                null, "Invalid NextToken");
        assertValidation(() -> sm.describeInferenceRecommendationsJob(b -> b.jobName("_x")), "jobName", "regular expression");
        assertValidation(() -> sm.listInferenceRecommendationsJobs(b -> b.maxResults(101)), "maxResults", "less than or equal to 100");
        assertValidation(() -> sm.listInferenceRecommendationsJobs(b -> b.sortBy("Size")), "sortBy", "enum value set");
        assertValidation(() -> sm.listInferenceRecommendationsJobs(b -> b.sortOrder("Up")), "sortOrder", "enum value set");
        assertValidation(() -> sm.listInferenceRecommendationsJobs(b -> b.statusEquals("DONE")), "statusEquals", "enum value set");
        assertValidation(() -> sm.listInferenceRecommendationsJobs(b -> b.nameContains("_")), "nameContains", "regular expression");
        assertValidation(() -> sm.listInferenceRecommendationsJobs(b -> b.modelPackageVersionArnEquals("arn:nope")),
                "modelPackageVersionArnEquals", "regular expression");
        assertValidation(() -> sm.listInferenceRecommendationsJobs(b -> b.modelNameEquals("-x")), "modelNameEquals",
                "regular expression");
        // the same JobName-less request, several problems at once
        assertThatThrownBy(() -> sm.listInferenceRecommendationsJobSteps(b -> b.maxResults(0)))
                .isInstanceOfSatisfying(SageMakerException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                        .startsWith("2 validation errors detected: Value null at 'jobName' failed to satisfy constraint: "
                                + "Member must not be null; Value '0' at 'maxResults'"));
        assertThat(emulator.count(Outcome.VALIDATION)).isEqualTo(18);

        // the model's patterns are unanchored at the end (Smithy semantics): only the start of a name is constrained
        assertThatThrownBy(() -> sm.describeInferenceRecommendationsJob(b -> b.jobName("bad_name")))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThat(sm.listInferenceRecommendationsJobs(b -> b.nameContains("has space")).inferenceRecommendationsJobs()).isEmpty();
        assertThat(emulator.count(Outcome.VALIDATION)).isEqualTo(18);
    }

    private void assertValidation(Runnable call, String member, String fragment) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(SageMakerException.class, e -> {
            assertThat(e).isNotInstanceOf(ResourceNotFoundException.class);
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
            assertThat(e.isThrottlingException()).isFalse();
            assertThat(RetryUtils.isRetryableException(e)).isFalse();
            if (member != null) {
                assertThat(e.awsErrorDetails().errorMessage()).startsWith("1 validation error detected: ")
                        .contains("at '" + member + "'");
            }
            assertThat(e.awsErrorDetails().errorMessage()).contains(fragment);
        });
    }

    @Test
    void throttlingIsSeenAsThrottlingAndRetried() {
        emulator.faults().failNext(STEPS, InjectedError.THROTTLING, 1);
        assertThatThrownBy(() -> sm.listInferenceRecommendationsJobSteps(b -> b.jobName(JOB)))
                .isInstanceOfSatisfying(SageMakerException.class, e -> {
                    assertThat(e).isNotInstanceOf(ResourceNotFoundException.class);
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException");
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Rate exceeded");
                    assertThat(e.isThrottlingException()).isTrue();
                    assertThat(RetryUtils.isThrottlingException(e)).isTrue();
                });
        assertThat(emulator.count(STEPS)).isEqualTo(1);
        assertThat(emulator.count(STEPS, Outcome.THROTTLED)).isEqualTo(1);
        assertThat(emulator.count(STEPS, JOB)).isEqualTo(1);

        emulator.resetCounters();
        emulator.faults().failNext(STEPS, InjectedError.THROTTLING, 2);
        try (SageMakerClient retrying = SdkClients.retryingImmediately(emulator, 3)) {
            assertThat(retrying.listInferenceRecommendationsJobSteps(b -> b.jobName(JOB)).steps()).hasSize(3);
        }
        assertThat(emulator.count(STEPS, Outcome.THROTTLED)).isEqualTo(2);
        assertThat(emulator.count(STEPS, Outcome.OK)).isEqualTo(1);
    }

    @Test
    void internalFailureIsA500AndRetried() {
        assertServerError(InjectedError.INTERNAL_FAILURE, 500, "InternalFailure");
    }

    @Test
    void serviceUnavailableIsA503AndRetried() {
        assertServerError(InjectedError.SERVICE_UNAVAILABLE, 503, "ServiceUnavailable");
    }

    private void assertServerError(InjectedError error, int status, String code) {
        emulator.faults().failNext(DESCRIBE, error, 1);
        assertThatThrownBy(() -> sm.describeInferenceRecommendationsJob(b -> b.jobName(JOB)))
                .isInstanceOfSatisfying(SageMakerException.class, e -> {
                    assertThat(e).isNotInstanceOf(ResourceNotFoundException.class);
                    assertThat(e.statusCode()).isEqualTo(status);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
                    assertThat(e.isThrottlingException()).isFalse();
                });
        assertThat(emulator.count(DESCRIBE, Outcome.SERVER_ERROR)).isEqualTo(1);

        emulator.resetCounters();
        emulator.faults().failNext(DESCRIBE, error, 2);
        try (SageMakerClient retrying = SdkClients.retryingImmediately(emulator, 3)) {
            assertThat(retrying.describeInferenceRecommendationsJob(b -> b.jobName(JOB)).jobName()).isEqualTo(JOB);
        }
        assertThat(emulator.count(DESCRIBE)).isEqualTo(3);
        assertThat(emulator.count(DESCRIBE, Outcome.SERVER_ERROR)).isEqualTo(2);

        // and when every attempt fails, the SDK gives up after maxAttempts
        emulator.resetCounters();
        emulator.faults().failNext(DESCRIBE, error, 5);
        try (SageMakerClient retrying = SdkClients.retryingImmediately(emulator, 3)) {
            assertThatThrownBy(() -> retrying.describeInferenceRecommendationsJob(b -> b.jobName(JOB)))
                    .isInstanceOfSatisfying(SageMakerException.class, e -> assertThat(e.statusCode()).isEqualTo(status));
        }
        assertThat(emulator.count(DESCRIBE)).isEqualTo(3);
    }

    @Test
    void deniedOperationIsAccessDeniedAndNotRetried() {
        emulator.faults().deny(JOBS);
        try (SageMakerClient retrying = SdkClients.retryingImmediately(emulator, 3)) {
            assertThatThrownBy(() -> retrying.listInferenceRecommendationsJobs(b -> b.maxResults(5)))
                    .isInstanceOfSatisfying(SageMakerException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
                        assertThat(e.awsErrorDetails().errorMessage()).contains("sagemaker:ListInferenceRecommendationsJobs");
                        assertThat(e.isThrottlingException()).isFalse();
                    });
            // other operations are unaffected
            assertThat(retrying.describeInferenceRecommendationsJob(b -> b.jobName(JOB)).jobName()).isEqualTo(JOB);
        }
        assertThat(emulator.count(JOBS)).isEqualTo(1);
        assertThat(emulator.count(JOBS, Outcome.ACCESS_DENIED)).isEqualTo(1);
        assertThat(emulator.count(Outcome.ACCESS_DENIED)).isEqualTo(1);
    }

    @Test
    void rateFaultsAreDeterministicForASeed() {
        List<Outcome> first = outcomes(11);
        List<Outcome> second = outcomes(11);
        assertThat(first).isEqualTo(second).contains(Outcome.THROTTLED, Outcome.SERVER_ERROR, Outcome.OK);
        assertThat(outcomes(12)).isNotEqualTo(first);
    }

    private List<Outcome> outcomes(long seed) {
        Scenario scenario = Scenario.fromResource("scenarios/three-jobs.json");
        scenario.faults().seed(seed).throttleRate(0.3).serverErrorRate(0.2).serviceUnavailableRate(0.1);
        List<Outcome> outcomes = new ArrayList<>();
        try (SageMakerEmulator e = SageMakerEmulator.start(scenario, clock); SageMakerClient c = SdkClients.noRetries(e)) {
            for (int i = 0; i < 40; i++) {
                try {
                    c.describeInferenceRecommendationsJob(b -> b.jobName(JOB));
                    outcomes.add(Outcome.OK);
                } catch (SageMakerException ex) {
                    outcomes.add(ex.isThrottlingException() ? Outcome.THROTTLED : Outcome.SERVER_ERROR);
                }
            }
            assertThat(e.count(DESCRIBE, Outcome.THROTTLED)).isEqualTo(outcomes.stream().filter(o -> o == Outcome.THROTTLED).count());
        }
        return outcomes;
    }

    @Test
    void faultsCanBeLimitedToOneOperation() {
        emulator.faults().throttleRate(1.0).faultOperations(List.of(STEPS));
        assertThat(sm.describeInferenceRecommendationsJob(b -> b.jobName(JOB)).jobName()).isEqualTo(JOB);
        assertThatThrownBy(() -> sm.listInferenceRecommendationsJobSteps(b -> b.jobName(JOB)))
                .isInstanceOfSatisfying(SageMakerException.class, e -> assertThat(e.isThrottlingException()).isTrue());
        emulator.faults().clear();
        assertThat(sm.listInferenceRecommendationsJobSteps(ListInferenceRecommendationsJobStepsRequest.builder().jobName(JOB).build())
                .steps()).hasSize(3);
    }

    @Test
    void latencyDelaysAnswers() {
        emulator.faults().latencyMs(150).latencyJitterMs(50);
        long start = System.nanoTime();
        sm.describeInferenceRecommendationsJob(b -> b.jobName(JOB));
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(elapsedMs).isGreaterThanOrEqualTo(150);
        emulator.faults().latencyMs(0).latencyJitterMs(0);
    }

    @Test
    void unknownOperationAndWireHeaders() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(emulator.endpoint() + "/"))
                .header("X-Amz-Target", "SageMaker.CreateInferenceRecommendationsJob")
                .header("Content-Type", "application/x-amz-json-1.1")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/x-amz-json-1.1");
        assertThat(UUID.fromString(r.headers().firstValue("x-amzn-RequestId").orElseThrow())).isNotNull();
        JsonNode body = Json.MAPPER.readTree(r.body());
        assertThat(body.get("__type").asText()).isEqualTo("UnknownOperationException");
        assertThat(emulator.count(Outcome.UNKNOWN_OPERATION)).isEqualTo(1);

        // a raw, unsigned request is refused when the scenario requires SigV4
        HttpResponse<String> unsigned = http.send(HttpRequest.newBuilder(URI.create(emulator.endpoint() + "/"))
                .header("X-Amz-Target", "SageMaker.DescribeInferenceRecommendationsJob")
                .header("Content-Type", "application/x-amz-json-1.1")
                .POST(HttpRequest.BodyPublishers.ofString("{\"JobName\":\"" + JOB + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unsigned.statusCode()).isEqualTo(403);
        assertThat(Json.MAPPER.readTree(unsigned.body()).get("__type").asText()).isEqualTo("MissingAuthenticationTokenException");

        // the wire form of a successful answer: timestamps as epoch seconds with a fraction, NaN as a string
        Scenario open = Scenario.builder().requireSigV4(false).job(ScenarioJob.builder("wire")
                .at(0, "{\"Status\":\"IN_PROGRESS\",\"CreationTime\":\"T+0.123\"}")
                .step(ScenarioStep.of("{\"Status\":\"COMPLETED\",\"InferenceBenchmark\":{\"Metrics\":{\"CostPerHour\":0.1,"
                        + "\"CostPerInference\":\"NaN\"},\"InvocationStartTime\":\"2026-01-01T00:00:01.5Z\"}}"))
                .build()).build();
        try (SageMakerEmulator e = SageMakerEmulator.start(open, clock)) {
            HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create(e.endpoint() + "/"))
                    .header("X-Amz-Target", "SageMaker.ListInferenceRecommendationsJobSteps")
                    .header("Content-Type", "application/x-amz-json-1.1")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"JobName\":\"wire\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).isEqualTo("{\"Steps\":[{\"StepType\":\"BENCHMARK\",\"JobName\":\"wire\",\"Status\":\"COMPLETED\","
                    + "\"InferenceBenchmark\":{\"Metrics\":{\"CostPerHour\":0.1,\"CostPerInference\":\"NaN\"},"
                    + "\"InvocationStartTime\":1767225601.500,\"ModelConfiguration\":{}}}]}");
            HttpResponse<String> describe = http.send(HttpRequest.newBuilder(URI.create(e.endpoint() + "/"))
                    .header("X-Amz-Target", "SageMaker.DescribeInferenceRecommendationsJob")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"JobName\":\"wire\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(Json.MAPPER.readTree(describe.body()).get("CreationTime").toString()).isEqualTo("1767225600.123");
            HttpResponse<String> notJson = http.send(HttpRequest.newBuilder(URI.create(e.endpoint() + "/"))
                    .header("X-Amz-Target", "SageMaker.DescribeInferenceRecommendationsJob")
                    .POST(HttpRequest.BodyPublishers.ofString("{JobName")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(notJson.statusCode()).isEqualTo(400);
            assertThat(Json.MAPPER.readTree(notJson.body()).get("__type").asText()).isEqualTo("SerializationException");
        }
    }

    @Test
    void credentialsScopedToAnotherRegionAreRefused() {
        try (SageMakerClient wrongRegion = SageMakerClient.builder().region(Region.EU_WEST_1)
                .endpointOverride(emulator.endpoint())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")))
                .httpClientBuilder(ApacheHttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build()) {
            assertThatThrownBy(() -> wrongRegion.describeInferenceRecommendationsJob(b -> b.jobName(JOB)))
                    .isInstanceOfSatisfying(SageMakerException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
                        assertThat(e.awsErrorDetails().errorMessage()).contains("eu-west-1");
                    });
        }
    }
}
