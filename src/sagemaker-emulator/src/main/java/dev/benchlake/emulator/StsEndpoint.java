package dev.benchlake.emulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A small STS (query protocol: form-encoded requests without {@code X-Amz-Target}, XML answers) beside the SageMaker
 * API on the emulator's endpoint: {@code AssumeRole} and
 * {@code AssumeRoleWithWebIdentity} grant the scenario's {@link Scenario#credentials()} for an hour, or answer HTTP 403
 * {@code AccessDenied} naming the role while {@link CredentialFaults#denyAssumeRole} is on, as STS does when the
 * caller may not assume the role or the role's trust policy does not trust it. Point the SDK's STS client at
 * {@link SageMakerEmulator#stsEndpoint()} (the system property {@code aws.endpointUrlSts}, say). Signatures are not
 * checked.
 */
final class StsEndpoint implements HttpHandler {
    /** A POST with a form body and no {@code X-Amz-Target}: an STS (query protocol) request. */
    static boolean isSts(HttpExchange ex) {
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        return "POST".equals(ex.getRequestMethod()) && ex.getRequestHeaders().getFirst("X-Amz-Target") == null
                && type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded");
    }
    private static final String NS = "https://sts.amazonaws.com/doc/2011-06-15/";

    private final Scenario scenario;
    private final CredentialFaults faults;

    StsEndpoint(Scenario scenario, CredentialFaults faults) {
        this.scenario = scenario;
        this.faults = faults;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        String body;
        try (InputStream in = ex.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, String> form = form(body);
        String action = form.getOrDefault("Action", "");
        String role = form.getOrDefault("RoleArn", "");
        String requestId = UUID.randomUUID().toString();
        int status;
        String xml;
        if (!"POST".equals(ex.getRequestMethod())
                || !(action.equals("AssumeRole") || action.equals("AssumeRoleWithWebIdentity"))) {
            status = 400;
            xml = error("InvalidAction", "Could not find operation " + escape(action) + " for version 2011-06-15", requestId);
        } else if (faults.assumeRoleDenied()) {
            faults.recordSts(true);
            status = 403;
            String verb = action.equals("AssumeRole") ? "sts:AssumeRole" : "sts:AssumeRoleWithWebIdentity";
            xml = error("AccessDenied", "User: " + scenario.callerArn() + " is not authorized to perform: " + verb
                    + " on resource: " + escape(role), requestId);
        } else {
            faults.recordSts(false);
            status = 200;
            Scenario.Credentials keys = scenario.credentials() != null ? scenario.credentials() : Scenario.Credentials.DEFAULT;
            String session = escape(form.getOrDefault("RoleSessionName", "benchlake"));
            String roleName = role.substring(role.lastIndexOf('/') + 1);
            Instant expiration = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
            xml = "<" + action + "Response xmlns=\"" + NS + "\"><" + action + "Result><Credentials>"
                    + "<AccessKeyId>" + escape(keys.accessKeyId()) + "</AccessKeyId>"
                    + "<SecretAccessKey>" + escape(keys.secretAccessKey()) + "</SecretAccessKey>"
                    + (keys.token() == null ? "" : "<SessionToken>" + escape(keys.token()) + "</SessionToken>")
                    + "<Expiration>" + expiration + "</Expiration></Credentials>"
                    + "<AssumedRoleUser><Arn>arn:aws:sts::" + scenario.accountId() + ":assumed-role/" + escape(roleName)
                    + "/" + session + "</Arn><AssumedRoleId>AROAEMULATOR:" + session + "</AssumedRoleId></AssumedRoleUser>"
                    + "</" + action + "Result><ResponseMetadata><RequestId>" + requestId + "</RequestId></ResponseMetadata></"
                    + action + "Response>";
        }
        byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/xml");
        ex.getResponseHeaders().set("x-amzn-RequestId", requestId);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String error(String code, String message, String requestId) {
        return "<ErrorResponse xmlns=\"" + NS + "\"><Error><Type>Sender</Type><Code>" + code + "</Code><Message>" + message
                + "</Message></Error><RequestId>" + requestId + "</RequestId></ErrorResponse>";
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
