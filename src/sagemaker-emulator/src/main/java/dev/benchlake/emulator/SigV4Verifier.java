package dev.benchlake.emulator;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.Headers;

import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * Checks a request's SigV4 signature as AWS does: the AWS SDK's own signer computes the signature the declared secret
 * gives for the request as received (the headers it names, its body, its X-Amz-Date), and a wrong secret, a changed
 * request or a clock more than 15 minutes off is refused with AWS's error and message.
 */
final class SigV4Verifier {
    /** How far X-Amz-Date may be from the server's clock (AWS's limit). */
    static final Duration MAX_SKEW = Duration.ofMinutes(15);
    private static final Pattern AUTH = Pattern.compile(
            "^AWS4-HMAC-SHA256\\s+Credential=([^/,\\s]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request,\\s*"
                    + "SignedHeaders=([^,\\s]+),\\s*Signature=([0-9a-f]{64})$");
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private SigV4Verifier() {
    }

    static void verify(String method, URI uri, Headers headers, byte[] body, Scenario.Credentials keys, String region,
            Instant now) throws ApiException {
        Matcher m = AUTH.matcher(headers.getFirst("Authorization").trim());
        if (!m.matches()) {
            throw new ApiException(403, "IncompleteSignatureException", "Authorization header requires 'Credential', "
                    + "'Signature' and 'SignedHeaders' parameters", Outcome.ACCESS_DENIED);
        }
        Instant signedAt = amzDate(headers.getFirst("X-Amz-Date"));
        if (Duration.between(signedAt, now).abs().compareTo(MAX_SKEW) > 0) {
            throw new ApiException(403, "InvalidSignatureException", "Signature expired: " + AMZ_DATE.format(signedAt)
                    + " is now earlier than " + AMZ_DATE.format(now.minus(MAX_SKEW)) + " (" + AMZ_DATE.format(now)
                    + " - 15 min.)", Outcome.ACCESS_DENIED);
        }
        SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method))
                .uri(URI.create("http://" + headers.getFirst("Host") + uri.getRawPath()));
        for (String name : m.group(5).split(";")) {
            List<String> values = headers.get(name);
            if (values == null) {
                throw new ApiException(403, "InvalidSignatureException", "The request signature we calculated does not "
                        + "match the signature you provided: signed header '" + name + "' is missing", Outcome.ACCESS_DENIED);
            }
            request.putHeader(name, values);
        }
        String token = headers.getFirst("X-Amz-Security-Token");
        AwsCredentialsIdentity identity = token == null
                ? AwsCredentialsIdentity.create(keys.accessKeyId(), keys.secretAccessKey())
                : AwsSessionCredentialsIdentity.create(keys.accessKeyId(), keys.secretAccessKey(), token);
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r.identity(identity).request(request.build())
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "sagemaker")
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(signedAt, ZoneOffset.UTC)));
        String expected = signed.request().firstMatchingHeader("Authorization").orElse("");
        if (!expected.endsWith("Signature=" + m.group(6))) {
            throw new ApiException(403, "InvalidSignatureException", "The request signature we calculated does not match "
                    + "the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service "
                    + "documentation for details.", Outcome.ACCESS_DENIED);
        }
    }

    private static Instant amzDate(String value) throws ApiException {
        try {
            return Instant.from(AMZ_DATE.parse(value));
        } catch (DateTimeParseException | NullPointerException e) {
            throw new ApiException(400, "IncompleteSignatureException", "X-Amz-Date must be in the form yyyyMMdd'T'HHmmss'Z'",
                    Outcome.ACCESS_DENIED);
        }
    }
}
