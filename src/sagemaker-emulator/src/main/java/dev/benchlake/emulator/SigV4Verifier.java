package dev.benchlake.emulator;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.sun.net.httpserver.Headers;

/**
 * Checks a request's SigV4 signature as AWS does, on the server's side: the canonical request is rebuilt from the
 * request as received (its method, path, query, the headers its {@code SignedHeaders} names, the SHA-256 of its body),
 * signed with the key the declared secret derives for the credential scope, and compared with the signature given.
 * A wrong secret, a changed request or a clock more than 5 minutes off is refused with AWS's error and message.
 *
 * <p>Checked against AWS's published signature test vectors ({@code SigV4Test}): the aws-sig-v4-test-suite
 * ({@code get-vanilla}, {@code post-vanilla}), https://docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html
 * and github.com/awslabs/aws-c-auth/tree/main/tests/aws-sig-v4-test-suite; and against the AWS SDK's signer, whose
 * requests every emulator test and integration test sends.
 */
final class SigV4Verifier {
    /**
     * How far X-Amz-Date may be from the server's clock: AWS's limit for most services, "a request must reach AWS
     * within five minutes of the time stamp in the request" (IAM User Guide, "AWS Signature Version 4 for API
     * requests", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_aws-signing.html, read 2026-12-07); AWS
     * answers "Signature expired: ... (... - 5 min.)".
     */
    static final Duration MAX_SKEW = Duration.ofMinutes(5);
    /** The signing name of the service the emulator stands for (the service model's {@code signingName}). */
    static final String SERVICE = "sagemaker";
    private static final Pattern AUTH = Pattern.compile(
            "^AWS4-HMAC-SHA256\\s+Credential=([^/,\\s]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request,\\s*"
                    + "SignedHeaders=([^,\\s]+),\\s*Signature=([0-9a-f]{64})$");
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final HexFormat HEX = HexFormat.of();

    private SigV4Verifier() {
    }

    static void verify(String method, URI uri, Headers headers, byte[] body, Scenario.Credentials keys, String region,
            Instant now) throws ApiException {
        verify(method, uri, headers, body, keys, region, SERVICE, now);
    }

    /** As {@link #verify(String, URI, Headers, byte[], Scenario.Credentials, String, Instant)}, for any service name. */
    static void verify(String method, URI uri, Headers headers, byte[] body, Scenario.Credentials keys, String region,
            String service, Instant now) throws ApiException {
        Matcher m = AUTH.matcher(headers.getFirst("Authorization").trim());
        if (!m.matches()) {
            throw new ApiException(403, "IncompleteSignatureException", "Authorization header requires 'Credential', "
                    + "'Signature' and 'SignedHeaders' parameters", Outcome.ACCESS_DENIED);
        }
        String amzDate = headers.getFirst("X-Amz-Date");
        Instant signedAt = amzDate(amzDate);
        if (Duration.between(signedAt, now).abs().compareTo(MAX_SKEW) > 0) {
            throw new ApiException(403, "InvalidSignatureException", "Signature expired: " + AMZ_DATE.format(signedAt)
                    + " is now earlier than " + AMZ_DATE.format(now.minus(MAX_SKEW)) + " (" + AMZ_DATE.format(now)
                    + " - " + MAX_SKEW.toMinutes() + " min.)", Outcome.ACCESS_DENIED);
        }
        StringBuilder canonical = new StringBuilder(method).append('\n')
                .append(canonicalPath(uri.getRawPath())).append('\n')
                .append(canonicalQuery(uri.getRawQuery())).append('\n');
        String signedHeaders = m.group(5);
        for (String name : signedHeaders.split(";")) {
            List<String> values = headers.get(name);
            if (values == null) {
                throw new ApiException(403, "InvalidSignatureException", "The request signature we calculated does not "
                        + "match the signature you provided: signed header '" + name + "' is missing", Outcome.ACCESS_DENIED);
            }
            List<String> trimmed = new ArrayList<>();
            values.forEach(v -> trimmed.add(v.trim().replaceAll(" +", " ")));
            canonical.append(name.toLowerCase(Locale.ROOT)).append(':').append(String.join(",", trimmed)).append('\n');
        }
        canonical.append('\n').append(signedHeaders).append('\n').append(HEX.formatHex(sha256(body)));
        String scope = m.group(2) + "/" + region + "/" + service + "/aws4_request";
        String stringToSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n"
                + HEX.formatHex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + keys.secretAccessKey()).getBytes(StandardCharsets.UTF_8), m.group(2));
        key = hmac(hmac(hmac(key, region), service), "aws4_request");
        String expected = HEX.formatHex(hmac(key, stringToSign));
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), m.group(6).getBytes(StandardCharsets.US_ASCII))) {
            throw new ApiException(403, "InvalidSignatureException", "The request signature we calculated does not match "
                    + "the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service "
                    + "documentation for details.", Outcome.ACCESS_DENIED);
        }
    }

    /** The path as sent, URI-encoded once more (AWS services other than S3 sign the doubly encoded path). */
    private static String canonicalPath(String rawPath) {
        return rawPath == null || rawPath.isEmpty() ? "/" : encode(rawPath, false);
    }

    private static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        List<String> pairs = new ArrayList<>();
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            pairs.add(encode(decode(k), true) + "=" + encode(decode(v), true));
        }
        pairs.sort(null);
        return String.join("&", pairs);
    }

    /** AWS's URI encoding: every byte but the unreserved characters (and '/', in a path) as %XY. */
    private static String encode(String s, boolean encodeSlash) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '.' || c == '~' || (c == '/' && !encodeSlash)) {
                out.append(c);
            } else {
                out.append('%').append(HEX.withUpperCase().toHexDigits(b));
            }
        }
        return out.toString();
    }

    private static String decode(String s) {
        return java.net.URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has HmacSHA256", e);
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
