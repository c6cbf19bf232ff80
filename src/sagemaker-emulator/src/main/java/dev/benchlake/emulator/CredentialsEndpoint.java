package dev.benchlake.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/**
 * {@code GET /credentials}: the ECS container-credentials document ({@code AccessKeyId}, {@code SecretAccessKey},
 * {@code Token}, {@code Expiration}, {@code RoleArn}), or HTTP 500 during a {@code credentialsUnavailable} window.
 * Each fetch issues a new generation of keys from the {@link KeyRing} (the scenario's {@link Scenario#credentials()}
 * rotated), valid for {@code credentialsTtlSeconds}: the service refuses it after its {@code Expiration}. The SDK's
 * {@code ContainerCredentialsProvider} reads it when
 * {@code aws.containerCredentialsFullUri} (or {@code AWS_CONTAINER_CREDENTIALS_FULL_URI}) names it.
 */
final class CredentialsEndpoint implements HttpHandler {
    static final String PATH = "/credentials";

    private final Scenario scenario;
    private final EmulatorClock clock;
    private final Counters counters;
    private final KeyRing keyRing;

    CredentialsEndpoint(Scenario scenario, EmulatorClock clock, Counters counters, KeyRing keyRing) {
        this.scenario = scenario;
        this.clock = clock;
        this.counters = counters;
        this.keyRing = keyRing;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            in.readAllBytes();
        }
        ObjectNode body = Json.object();
        int status;
        if (!"GET".equals(ex.getRequestMethod()) || !PATH.equals(ex.getRequestURI().getPath())) {
            status = 404;
            body.put("code", "NotFound").put("message", "GET " + PATH + " only");
        } else if (!scenario.faults().credentialsAvailableAt(clock.nowMillis())) {
            status = 500;
            body.put("code", "InternalServerError").put("message", "Credentials are temporarily unavailable");
            counters.recordCredentials(false);
        } else {
            status = 200;
            // the SDK compares Expiration with the wall clock, not with scenario time
            KeyRing.Issued issued = keyRing.issue(Duration.ofSeconds(scenario.faults().credentialsTtlSeconds()));
            Scenario.Credentials keys = issued.keys();
            body.put("RoleArn", "arn:aws:iam::" + scenario.accountId() + ":role/benchlake");
            body.put("AccessKeyId", keys.accessKeyId());
            body.put("SecretAccessKey", keys.secretAccessKey());
            if (keys.token() != null) {
                body.put("Token", keys.token());
            }
            body.put("Expiration", issued.expiration().toString());
            counters.recordCredentials(true);
        }
        byte[] bytes = Json.bytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
