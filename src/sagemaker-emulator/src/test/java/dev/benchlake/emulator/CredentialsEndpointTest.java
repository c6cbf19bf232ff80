package dev.benchlake.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.SageMakerException;

/**
 * The emulator's ECS container-credentials endpoint, read by the SDK's own {@link ContainerCredentialsProvider}
 * (pointed at it with the system property {@code aws.containerCredentialsFullUri}), and its unavailable windows.
 */
class CredentialsEndpointTest {
    private static final String FULL_URI = "aws.containerCredentialsFullUri";
    private static final String SCENARIO = """
            {"credentials": {"AccessKeyId": "ASIAQEMULATED0000001", "SecretAccessKey": "c2VjcmV0LWtleS1mb3ItdGhlLWVtdWxhdG9y",
                             "Token": "IQoJb3JpZ2luX2VjEJ//emulated-session-token"},
             "faults": {"credentialsUnavailable": [[10, 20]]},
             "jobs": [{"name": "secured", "versions": [{"at": 0, "job": {"Status": "COMPLETED"}}]}]}
            """;

    private final ManualClock clock = EmulatorClock.manual();
    private SageMakerEmulator emulator;
    private String previous;

    @BeforeEach
    void start() {
        emulator = SageMakerEmulator.start(Scenario.fromJsonString(SCENARIO), clock);
        previous = System.getProperty(FULL_URI);
        System.setProperty(FULL_URI, emulator.credentialsEndpoint().toString());
    }

    @AfterEach
    void stop() {
        if (previous == null) {
            System.clearProperty(FULL_URI);
        } else {
            System.setProperty(FULL_URI, previous);
        }
        emulator.close();
    }

    private static AwsCredentials resolve() {
        try (ContainerCredentialsProvider provider = ContainerCredentialsProvider.builder().build()) {
            return provider.resolveCredentials();
        }
    }

    @Test
    void theSdkResolvesTheServedKeysAndTheyPassTheSigV4Check() {
        assertThat(emulator.credentialsEndpoint().toString()).isEqualTo(emulator.endpoint() + "/credentials");
        AwsCredentials credentials = resolve();
        assertThat(credentials).isInstanceOfSatisfying(AwsSessionCredentials.class, c -> {
            // session keys rotate: the first generation the endpoint issued
            assertThat(c.accessKeyId()).isEqualTo("ASIAQEMULATED00R0001");
            assertThat(c.secretAccessKey()).isEqualTo("c2VjcmV0LWtleS1mb3ItdGhlLWVtdWxhdG9y/rotated/1");
            assertThat(c.sessionToken()).isEqualTo("IQoJb3JpZ2luX2VjEJ//emulated-session-token/rotated/1");
        });
        assertThat(emulator.counters().credentialsServed()).isEqualTo(1);

        // the SDK client signs with them, through the provider chain of a connector: accepted
        try (SageMakerClient sm = SdkClients.builder(emulator).credentialsProvider(ContainerCredentialsProvider.builder().build()).build()) {
            assertThat(sm.describeInferenceRecommendationsJob(b -> b.jobName("secured")).jobName()).isEqualTo("secured");
        }
        // other keys, or the right key without its session token: refused as AWS does
        for (AwsCredentials wrong : List.of(AwsBasicCredentials.create("AKIDEXAMPLE", "secret"),
                AwsBasicCredentials.create("ASIAQEMULATED0000001", "c2VjcmV0LWtleS1mb3ItdGhlLWVtdWxhdG9y"))) {
            try (SageMakerClient sm = SdkClients.builder(emulator).credentialsProvider(StaticCredentialsProvider.create(wrong))
                    .overrideConfiguration(o -> o.retryStrategy(software.amazon.awssdk.awscore.retry.AwsRetryStrategy.doNotRetry()))
                    .build()) {
                assertThatThrownBy(() -> sm.describeInferenceRecommendationsJob(b -> b.jobName("secured")))
                        .isInstanceOfSatisfying(SageMakerException.class, e -> {
                            assertThat(e.statusCode()).isEqualTo(400);
                            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException");
                            assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("The security token included in the request is invalid.");
                        });
            }
        }
    }

    @Test
    void duringAnUnavailableWindowTheProviderFails() {
        clock.set(Duration.ofSeconds(10));
        assertThatThrownBy(CredentialsEndpointTest::resolve).isInstanceOf(SdkClientException.class);
        // the SDK retries a 5xx of the container endpoint 5 times, without pause
        assertThat(emulator.counters().credentialsFailed()).isEqualTo(6);
        assertThat(emulator.counters().credentialsServed()).isZero();
        clock.set(Duration.ofMillis(19_999));
        assertThatThrownBy(CredentialsEndpointTest::resolve).isInstanceOf(SdkClientException.class);
        clock.set(Duration.ofSeconds(20));
        assertThat(resolve().accessKeyId()).isEqualTo("ASIAQEMULATED00R0001");
        // credential requests are not SageMaker requests
        assertThat(emulator.totalRequests()).isZero();

        // and from Java, at runtime
        emulator.faults().credentialsUnavailable(TimeWindow.seconds(30, 40));
        clock.set(Duration.ofSeconds(35));
        assertThatThrownBy(CredentialsEndpointTest::resolve).isInstanceOf(SdkClientException.class);
        emulator.faults().clear();
        assertThat(resolve().accessKeyId()).isEqualTo("ASIAQEMULATED00R0002");
    }

    @Test
    void theDocumentOnTheWire() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> ok = http.send(HttpRequest.newBuilder(emulator.credentialsEndpoint()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode doc = Json.MAPPER.readTree(ok.body());
        assertThat(doc.fieldNames()).toIterable().containsExactly("RoleArn", "AccessKeyId", "SecretAccessKey", "Token", "Expiration");
        assertThat(doc.get("RoleArn").asText()).isEqualTo("arn:aws:iam::123456789012:role/benchlake");
        assertThat(doc.get("Expiration").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        // six hours ahead of the wall clock (the SDK compares it with the wall clock, not with scenario time), rounded
        // up to the second
        assertThat(Instant.parse(doc.get("Expiration").asText()))
                .isBetween(Instant.now().plus(Duration.ofMinutes(359)), Instant.now().plus(Duration.ofMinutes(360)).plusSeconds(1));
        clock.set(Duration.ofSeconds(15));
        HttpResponse<String> down = http.send(HttpRequest.newBuilder(emulator.credentialsEndpoint()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(down.statusCode()).isEqualTo(500);

        // a scenario that declares no keys serves the defaults and accepts any key
        try (SageMakerEmulator open = SageMakerEmulator.start(Scenario.builder().job(Fixtures.hugeJob("any", 1)).build(), clock)) {
            System.setProperty(FULL_URI, open.credentialsEndpoint().toString());
            assertThat(resolve().accessKeyId()).isEqualTo("ASIAEMULATOR000R0001");
            try (SageMakerClient sm = SdkClients.client(open)) {
                assertThat(sm.describeInferenceRecommendationsJob(b -> b.jobName("any")).jobName()).isEqualTo("any");
            }
        }
        // keys declared in Java, without a session token: long-term keys
        Scenario keyed = Scenario.builder().credentials("AKIAJAVADECLARED0001", "java-secret", null)
                .job(Fixtures.hugeJob("keyed", 1)).build();
        try (SageMakerEmulator e = SageMakerEmulator.start(keyed, clock)) {
            System.setProperty(FULL_URI, e.credentialsEndpoint().toString());
            AwsCredentials served = resolve();
            assertThat(served).isNotInstanceOf(AwsSessionCredentials.class);
            assertThat(served.accessKeyId()).isEqualTo("AKIAJAVADECLARED0001");
            try (SageMakerClient sm = SdkClients.builder(e).credentialsProvider(StaticCredentialsProvider.create(served)).build()) {
                assertThat(sm.describeInferenceRecommendationsJob(b -> b.jobName("keyed")).jobName()).isEqualTo("keyed");
            }
            try (SageMakerClient sm = SdkClients.noRetries(e)) {
                assertThatThrownBy(() -> sm.describeInferenceRecommendationsJob(b -> b.jobName("keyed")))
                        .isInstanceOfSatisfying(SageMakerException.class,
                                ex -> assertThat(ex.awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException"));
            }
        }
    }

    @Test
    void everyFetchIssuesNewKeysAndTheServiceRefusesThemOnceTheyExpire() throws Exception {
        emulator.faults().credentialsTtlSeconds(2);
        HttpClient http = HttpClient.newHttpClient();
        JsonNode first = fetch(http);
        JsonNode second = fetch(http);
        assertThat(second.get("AccessKeyId").asText()).as("a new generation on each fetch")
                .isNotEqualTo(first.get("AccessKeyId").asText());
        Instant expiration = Instant.parse(first.get("Expiration").asText());
        AwsSessionCredentials keys = AwsSessionCredentials.create(first.get("AccessKeyId").asText(),
                first.get("SecretAccessKey").asText(), first.get("Token").asText());
        try (SageMakerClient sm = SdkClients.builder(emulator).credentialsProvider(StaticCredentialsProvider.create(keys))
                .overrideConfiguration(o -> o.retryStrategy(software.amazon.awssdk.awscore.retry.AwsRetryStrategy.doNotRetry()))
                .build()) {
            // issued for 2 s: fresh keys are accepted
            assertThat(sm.describeInferenceRecommendationsJob(b -> b.jobName("secured")).jobName()).isEqualTo("secured");
            while (Instant.now().isBefore(expiration)) {
                Thread.sleep(20); // the keys' own Expiration, on the wall clock as AWS reads it
            }
            assertThatThrownBy(() -> sm.describeInferenceRecommendationsJob(b -> b.jobName("secured")))
                    .isInstanceOfSatisfying(SageMakerException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ExpiredTokenException");
                        assertThat(e.awsErrorDetails().errorMessage())
                                .isEqualTo("The security token included in the request is expired");
                    });
        }
        assertThat(emulator.count(Outcome.ACCESS_DENIED)).as("the expired call is counted as refused").isEqualTo(1);
        // the scenario's own keys, used as static keys, do not expire
        try (SageMakerClient sm = SdkClients.builder(emulator).credentialsProvider(StaticCredentialsProvider.create(
                AwsSessionCredentials.create("ASIAQEMULATED0000001", "c2VjcmV0LWtleS1mb3ItdGhlLWVtdWxhdG9y",
                        "IQoJb3JpZ2luX2VjEJ//emulated-session-token"))).build()) {
            assertThat(sm.describeInferenceRecommendationsJob(b -> b.jobName("secured")).jobName()).isEqualTo("secured");
        }
    }

    private JsonNode fetch(HttpClient http) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(emulator.credentialsEndpoint()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return Json.MAPPER.readTree(r.body());
    }
}
