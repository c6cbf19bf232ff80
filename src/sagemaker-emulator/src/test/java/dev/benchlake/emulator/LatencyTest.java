package dev.benchlake.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;

/** Hanging calls: per-operation and per-job latency on real time, and a close() that does not wait for them. */
class LatencyTest {
    private static final String STEPS = InferenceRecommenderApi.LIST_STEPS;
    private static final String DESCRIBE = InferenceRecommenderApi.DESCRIBE;
    private static final String SCENARIO = """
            {"faults": {"latencyByOperation": {"ListInferenceRecommendationsJobSteps": 60000}},
             "jobs": [
               {"name": "fast", "versions": [{"at": 0, "job": {"Status": "COMPLETED"}}]},
               {"name": "slow", "latencyMs": 400, "versions": [{"at": 0, "job": {"Status": "COMPLETED"}}]},
               {"name": "held", "latencyMs": 60000, "versions": [{"at": 0, "job": {"Status": "COMPLETED"}}]}
             ]}
            """;

    private SageMakerEmulator emulator;

    @AfterEach
    void stop() {
        if (emulator != null) {
            emulator.close();
        }
    }

    @Test
    void aSixtySecondCallFailsFastOnAClientWithAnApiCallTimeout() {
        emulator = SageMakerEmulator.start(Scenario.fromJsonString(SCENARIO), EmulatorClock.manual());
        assertThat(emulator.faults().latencyByOperation()).isEqualTo(Map.of(STEPS, 60_000L));
        try (SageMakerClient sm = SdkClients.builder(emulator)
                .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(1))
                        .retryStrategy(software.amazon.awssdk.awscore.retry.AwsRetryStrategy.doNotRetry()))
                .build()) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> sm.listInferenceRecommendationsJobSteps(b -> b.jobName("fast")))
                    .isInstanceOf(ApiCallTimeoutException.class);
            assertThat(elapsedMs(start)).isBetween(900L, 5_000L);
            // the hanging call holds no one else up: another operation is answered while it is still held (within
            // the client's 1 s call timeout, against the held call's 60 s)
            assertThat(sm.describeInferenceRecommendationsJob(b -> b.jobName("fast")).jobName()).isEqualTo("fast");
            assertThat(emulator.count(STEPS)).as("the steps call is still held").isZero();
            // the answered request leaves inFlight just after its answer is sent: wait for that
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (emulator.inFlight() != 1 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(emulator.inFlight()).as("only the hanging call is in flight").isEqualTo(1);
            // a held request is counted only once answered
            assertThat(emulator.count(STEPS)).isZero();
        }
    }

    @Test
    void closeDoesNotWaitForSleepingRequests() throws Exception {
        emulator = SageMakerEmulator.start(Scenario.fromJsonString(SCENARIO), EmulatorClock.manual());
        emulator.faults().latencyMs(DESCRIBE, 60_000);
        SageMakerClient sm = SdkClients.noRetries(emulator);
        CompletableFuture<?> hanging = CompletableFuture.runAsync(() -> sm.describeInferenceRecommendationsJob(b -> b.jobName("fast")));
        HttpClient http = HttpClient.newHttpClient();
        CompletableFuture<HttpResponse<String>> raw = http.sendAsync(HttpRequest.newBuilder(URI.create(emulator.endpoint() + "/"))
                .header("X-Amz-Target", "SageMaker." + STEPS)
                .POST(HttpRequest.BodyPublishers.ofString("{\"JobName\":\"fast\"}")).build(), HttpResponse.BodyHandlers.ofString());
        org.awaitility.Awaitility.await("both requests reach the emulator").atMost(Duration.ofSeconds(10))
                .until(() -> emulator.inFlight() >= 2);
        long start = System.nanoTime();
        emulator.close();
        // the requests sleep 60 s: a close() that waited for either would take that long; half of it is the bound, so
        // no load on the runner can flake it
        assertThat(elapsedMs(start)).as("close() with two sleeping requests, of 60 s each").isLessThan(30_000L);
        assertThat(emulator.inFlight()).isZero();
        // the callers see the connection end, not an answer
        assertThatThrownBy(() -> hanging.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        assertThatThrownBy(() -> raw.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        sm.close();
        emulator = null;
    }

    @Test
    void perJobLatencyDelaysOnlyRequestsNamingThatJob() {
        emulator = SageMakerEmulator.start(Scenario.fromJsonString(SCENARIO), EmulatorClock.manual());
        emulator.faults().latencyMs(STEPS, 0);
        assertThat(emulator.scenario().job("slow").faults().latencyMs()).isEqualTo(400);
        try (SageMakerClient sm = SdkClients.noRetries(emulator)) {
            sm.describeInferenceRecommendationsJob(b -> b.jobName("fast")); // warm up the connection
            long start = System.nanoTime();
            sm.describeInferenceRecommendationsJob(b -> b.jobName("slow"));
            assertThat(elapsedMs(start)).isGreaterThanOrEqualTo(400L);
            start = System.nanoTime();
            sm.listInferenceRecommendationsJobSteps(b -> b.jobName("slow"));
            assertThat(elapsedMs(start)).isGreaterThanOrEqualTo(400L);
            // requests naming other jobs (or none) are answered while a request of a slow job is held: a job
            // held for 60 s, so that this holds on any runner
            CompletableFuture<?> held = CompletableFuture.runAsync(() -> sm.describeInferenceRecommendationsJob(b -> b.jobName("held")));
            org.awaitility.Awaitility.await("the held request reaches the emulator").atMost(Duration.ofSeconds(10))
                    .until(() -> emulator.inFlight() >= 1);
            sm.describeInferenceRecommendationsJob(b -> b.jobName("fast"));
            sm.listInferenceRecommendationsJobs(b -> b.maxResults(10));
            assertThat(held).as("answered while the held job's request waits").isNotDone();
            assertThat(emulator.count(DESCRIBE, "held")).isZero();
            // injected latency is not server time
            assertThat(emulator.counters().serverNanos(DESCRIBE)).isLessThan(TimeUnit.MILLISECONDS.toNanos(400));
        }
        // and from Java
        ScenarioJob j = ScenarioJob.builder("java-slow").at(0, "{}").latencyMs(250).build();
        assertThat(j.faults().latencyMs()).isEqualTo(250);
        assertThatThrownBy(() -> emulator.faults().latencyMs("Describe", 1)).isInstanceOf(IllegalArgumentException.class);
    }

    private static long elapsedMs(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
