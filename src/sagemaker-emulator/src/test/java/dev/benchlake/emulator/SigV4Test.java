package dev.benchlake.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.Headers;

import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;

/** With declared keys the emulator checks SigV4 signatures for real: a wrong secret, a changed body or a skewed clock fail. */
class SigV4Test {
    private static final String KEY = "ASIABENCHLAKESIGV401";
    private static final String SECRET = "sigv4-secret";
    private static final String TOKEN = "sigv4-session";

    private static SageMakerEmulator emulator() {
        return SageMakerEmulator.start(Scenario.builder().jobs(Fixtures.benchmarkJobs("sig", 1, 1).build())
                .credentials(KEY, SECRET, TOKEN).build(), new ManualClock());
    }

    private static SageMakerClient client(SageMakerEmulator emulator, String secret) {
        return SdkClients.builder(emulator)
                .credentialsProvider(StaticCredentialsProvider.create(AwsSessionCredentials.create(KEY, secret, TOKEN)))
                .overrideConfiguration(o -> o.retryPolicy(RetryPolicy.none())).build();
    }

    @Test
    void theRightSecretIsAcceptedAndAWrongOneRefusedAsAwsDoes() {
        try (SageMakerEmulator emulator = emulator(); SageMakerClient good = client(emulator, SECRET);
                SageMakerClient bad = client(emulator, "not-the-secret")) {
            assertThat(good.describeInferenceRecommendationsJob(b -> b.jobName("sig-00000")).jobName()).isEqualTo("sig-00000");
            assertThatThrownBy(() -> bad.describeInferenceRecommendationsJob(b -> b.jobName("sig-00000")))
                    .isInstanceOfSatisfying(AwsServiceException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
                        assertThat(e.awsErrorDetails().errorMessage()).startsWith("The request signature we calculated does not match");
                    });
        }
    }

    @Test
    void aChangedBodyAndAClockTwentyMinutesOffAreRefused() throws Exception {
        try (SageMakerEmulator emulator = emulator()) {
            String body = "{\"JobName\":\"sig-00000\"}";
            HttpResponse<String> ok = send(emulator, body, body, Instant.now());
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);

            HttpResponse<String> changed = send(emulator, body, "{\"JobName\":\"sig-00001\"}", Instant.now());
            assertThat(changed.statusCode()).isEqualTo(403);
            assertThat(changed.body()).contains("InvalidSignatureException", "does not match");

            HttpResponse<String> skewed = send(emulator, body, body, Instant.now().minus(Duration.ofMinutes(20)));
            assertThat(skewed.statusCode()).isEqualTo(403);
            assertThat(skewed.body()).contains("InvalidSignatureException", "Signature expired");
        }
    }

    /**
     * AWS's published SigV4 test vectors, from the aws-sig-v4-test-suite
     * (https://docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html; the suite's files are kept at
     * github.com/awslabs/aws-c-auth, tests/aws-sig-v4-test-suite/get-vanilla and post-vanilla): example credentials
     * AKIDEXAMPLE / wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, 20150830T123600Z, us-east-1, service "service", host
     * example.amazonaws.com, no body. The verifier accepts each published signature and refuses it with one digit
     * changed.
     */
    @Test
    void awsPublishedTestVectorsVerifyAndOneChangedDigitIsRefused() throws ApiException {
        Scenario.Credentials example = new Scenario.Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null);
        Instant signedAt = Instant.parse("2015-08-30T12:36:00Z");
        Map<String, String> vectors = Map.of(
                "GET", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", // get-vanilla
                "POST", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"); // post-vanilla
        for (Map.Entry<String, String> v : vectors.entrySet()) {
            SigV4Verifier.verify(v.getKey(), URI.create("/"), vectorHeaders(v.getValue()), new byte[0], example, "us-east-1",
                    "service", signedAt);
            String changed = (v.getValue().charAt(0) == '5' ? "6" : "5") + v.getValue().substring(1);
            assertThatThrownBy(() -> SigV4Verifier.verify(v.getKey(), URI.create("/"), vectorHeaders(changed), new byte[0],
                    example, "us-east-1", "service", signedAt))
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.code()).isEqualTo("InvalidSignatureException");
                        assertThat(e.getMessage()).startsWith("The request signature we calculated does not match");
                    });
        }
    }

    /**
     * AWS refuses a request more than 5 minutes from its X-Amz-Date (IAM User Guide, "AWS Signature Version 4 for API
     * requests": "a request must reach AWS within five minutes of the time stamp in the request"), with the message
     * "Signature expired: ... (... - 5 min.)".
     */
    @Test
    void theClockSkewLimitIsAwsFiveMinutes() throws ApiException {
        Scenario.Credentials example = new Scenario.Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null);
        Instant signedAt = Instant.parse("2015-08-30T12:36:00Z");
        String signature = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
        for (Duration within : List.of(Duration.ofMinutes(5), Duration.ofMinutes(-5))) {
            SigV4Verifier.verify("GET", URI.create("/"), vectorHeaders(signature), new byte[0], example, "us-east-1", "service",
                    signedAt.plus(within));
        }
        assertThatThrownBy(() -> SigV4Verifier.verify("GET", URI.create("/"), vectorHeaders(signature), new byte[0], example,
                "us-east-1", "service", signedAt.plus(Duration.ofMinutes(5).plusSeconds(1))))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo("InvalidSignatureException");
                    assertThat(e.getMessage()).isEqualTo("Signature expired: 20150830T123600Z is now earlier than "
                            + "20150830T123601Z (20150830T124101Z - 5 min.)");
                });
    }

    private static Headers vectorHeaders(String signature) {
        Headers h = new Headers();
        h.add("Host", "example.amazonaws.com");
        h.add("X-Amz-Date", "20150830T123600Z");
        h.add("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                + "SignedHeaders=host;x-amz-date, Signature=" + signature);
        return h;
    }

    /** Signs {@code signedBody} at {@code at} with the SDK's signer, and sends {@code sentBody}. */
    private static HttpResponse<String> send(SageMakerEmulator emulator, String signedBody, String sentBody, Instant at)
            throws Exception {
        URI uri = emulator.endpoint().resolve("/");
        Map<String, String> headers = Map.of("Content-Type", "application/x-amz-json-1.1",
                "X-Amz-Target", "SageMaker.DescribeInferenceRecommendationsJob", "Host", uri.getHost() + ":" + uri.getPort());
        SdkHttpRequest.Builder unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(uri);
        headers.forEach(unsigned::putHeader);
        SdkHttpRequest signed = AwsV4HttpSigner.create().sign(r -> r.identity(AwsSessionCredentialsIdentity.create(KEY,
                        SECRET, TOKEN)).request(unsigned.build())
                .payload(ContentStreamProvider.fromUtf8String(signedBody))
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "sagemaker")
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(at, ZoneOffset.UTC))).request();
        HttpRequest.Builder http = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(sentBody,
                StandardCharsets.UTF_8));
        signed.headers().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Host")) {
                values.forEach(v -> http.header(name, v));
            }
        });
        return HttpClient.newHttpClient().send(http.build(), HttpResponse.BodyHandlers.ofString());
    }
}
