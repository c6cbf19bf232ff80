package dev.benchlake.sagemaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.benchlake.api.ApiErrorKind;
import dev.benchlake.api.ApiException;
import dev.benchlake.config.BenchlakeSourceConfig;

/**
 * What the SDK client sends for one call of the connector: a throttled call is not sent again by the SDK (the task's
 * rate budget slows down instead, and every extra request would land on the account's quota too), while a 5xx is
 * still tried once more inside the call.
 */
class SdkRetriesTest {

    private static final String THROTTLED = "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}";
    private static final String INTERNAL = "{\"__type\":\"InternalFailure\",\"message\":\"oops\"}";
    private static final String DESCRIBED = "{\"JobName\":\"j1\",\"Status\":\"COMPLETED\",\"JobType\":\"Default\","
            + "\"JobArn\":\"arn:aws:sagemaker:us-east-1:123456789012:inference-recommendations-job/j1\","
            + "\"RoleArn\":\"arn:aws:iam::123456789012:role/r\",\"CreationTime\":1767225600,"
            + "\"LastModifiedTime\":1767225600,\"InputConfig\":{}}";

    private record Answer(int status, String body) {
    }

    private final Deque<Answer> answers = new ArrayDeque<>();
    private final AtomicInteger requests = new AtomicInteger();
    private HttpServer server;
    private SdkRecommenderApi api;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            Answer a;
            synchronized (answers) {
                a = answers.isEmpty() ? new Answer(200, DESCRIBED) : answers.poll();
            }
            byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(a.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        Map<String, String> props = new HashMap<>();
        props.put("aws.region", "us-east-1");
        props.put("aws.credentials.provider", "static");
        props.put("aws.access.key.id", "AKIDTEST");
        props.put("aws.secret.access.key", "secret");
        props.put("aws.endpoint.override", "http://127.0.0.1:" + server.getAddress().getPort());
        api = SdkRecommenderApi.create(new BenchlakeSourceConfig(props));
    }

    @AfterEach
    void stop() {
        api.close();
        server.stop(0);
    }

    private void answer(int status, String body, int times) {
        synchronized (answers) {
            for (int i = 0; i < times; i++) {
                answers.add(new Answer(status, body));
            }
        }
    }

    @Test
    void theAnswersDateHeaderIsAwssClock() {
        assertThat(api.serverDate()).as("before any answer").isNull();
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        api.describeJob("j1");
        Instant after = Instant.now();
        // the server stamps each answer with its Date (RFC 1123, to the second), as AWS does
        assertThat(api.serverDate()).as("the answer's Date").isBetween(before, after);
    }

    @Test
    void aThrottledCallIsSentOnceAndLeftToTheRateBudget() {
        answer(400, THROTTLED, 5);

        assertThatThrownBy(() -> api.describeJob("j1")).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.kind()).isEqualTo(ApiErrorKind.THROTTLED));
        assertThat(requests).as("HTTP requests for one throttled call").hasValue(1);
    }

    @Test
    void aServerErrorIsStillTriedOnceMoreInsideTheCall() {
        answer(500, INTERNAL, 1);

        assertThat(api.describeJob("j1").status()).isEqualTo("COMPLETED");
        assertThat(requests).as("the failed request and its retry").hasValue(2);
    }

    @Test
    void aServerErrorIsTriedAtMostTwice() {
        answer(500, INTERNAL, 5);

        assertThatThrownBy(() -> api.describeJob("j1")).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.kind()).isEqualTo(ApiErrorKind.TRANSIENT));
        assertThat(requests).hasValue(SageMakerClientFactory.SDK_MAX_ATTEMPTS);
    }
}
