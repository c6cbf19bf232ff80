package dev.benchlake.avro;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OAuth 2 client credentials (RFC 6749 section 4.4) against a token endpoint, with the client authenticated by HTTP
 * Basic ({@code client_secret_basic}, id and secret form-encoded first as section 2.3.1 says). The token is kept and
 * renewed before it expires: at {@code expires_in} minus the buffer, but never later than half its lifetime. A token
 * the registry answers 401 to is dropped at once. Thread-safe; the token and the secret appear in no message.
 */
final class OAuthTokenSource {
    private static final Logger log = LoggerFactory.getLogger(OAuthTokenSource.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** When the endpoint gives no expires_in. */
    static final long DEFAULT_LIFETIME_SECONDS = 300;

    private final HttpClient http;
    private final URI endpoint;
    private final String printable;
    private final String clientAuthorization;
    private final String form;
    private final long bufferNanos;
    private final Duration timeout;
    private final int maxBytes;
    private final LongSupplier nanoTime;

    private String token;
    private long renewAt;
    private long expiresAt;
    private long fetched;
    private long lifetimeSeconds;

    OAuthTokenSource(HttpClient http, Urls.Parsed endpoint, String clientId, String clientSecret, String scope,
            long bufferSeconds, Duration timeout, int maxBytes, LongSupplier nanoTime) {
        this.http = http;
        this.endpoint = endpoint.uri();
        this.printable = endpoint.withoutUserInfo();
        String pair = form(clientId) + ":" + form(clientSecret);
        this.clientAuthorization = "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
        this.form = "grant_type=client_credentials" + (scope == null || scope.isBlank() ? "" : "&scope=" + form(scope.trim()));
        this.bufferNanos = TimeUnit.SECONDS.toNanos(bufferSeconds);
        this.timeout = timeout;
        this.maxBytes = maxBytes;
        this.nanoTime = nanoTime;
    }

    private static String form(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** A token valid for a while yet; fetched when there is none or it is due for renewal. */
    synchronized String token() throws IOException {
        long now = nanoTime.getAsLong();
        if (token != null && now - renewAt < 0) {
            return token;
        }
        try {
            fetch(now);
        } catch (IOException e) {
            if (token != null && now - expiresAt < 0) {
                // renewal failed but the token has not expired: use it, try again on the next call
                log.warn("Could not renew the OAuth token from {} ({}); the current one is valid for {} s more", printable,
                        e.getMessage(), TimeUnit.NANOSECONDS.toSeconds(expiresAt - now));
                return token;
            }
            throw e;
        }
        return token;
    }

    /** Drops the token (the registry refused it). */
    synchronized void invalidate() {
        token = null;
    }

    /** The expires_in of the current token, in seconds (tests). */
    synchronized long lifetimeSeconds() {
        return lifetimeSeconds;
    }

    /** How many tokens were fetched (tests). */
    synchronized long fetched() {
        return fetched;
    }

    private void fetch(long now) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(timeout)
                .header("Authorization", clientAuthorization)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8))
                .build();
        HttpResponse<byte[]> response;
        try {
            response = http.sendAsync(request, CappedBody.handler(maxBytes))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching an OAuth token from " + printable, e);
        } catch (TimeoutException e) {
            throw new IOException("no answer from the OAuth token endpoint " + printable + " within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof CappedBody.TooLarge) {
                throw new IOException("the OAuth token endpoint " + printable + " answered with more than " + maxBytes + " bytes");
            }
            throw new IOException("OAuth token endpoint " + printable + " failed: " + cause, cause);
        }
        int status = response.statusCode();
        byte[] body = response.body() == null ? new byte[0] : response.body();
        if (status / 100 == 3) {
            throw new IOException("the OAuth token endpoint " + printable + " answered HTTP " + status + " (a redirect to "
                    + response.headers().firstValue("Location").map(Urls::redact).orElse("nowhere")
                    + "); redirects are not followed, so that the client secret stays with its origin: set "
                    + AvroConverterConfig.BEARER_AUTH_ISSUER_ENDPOINT_URL + " to the token endpoint itself");
        }
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            json = null;
        }
        if (status != 200 || json == null || !json.path("access_token").isTextual()) {
            String detail = json == null ? SafeText.nonJson(body.length)
                    : SafeText.quote(json.path("error").asText("") + (json.has("error_description")
                            ? ": " + json.path("error_description").asText("") : ""));
            throw new IOException("the OAuth token endpoint " + printable + " gave no token: HTTP " + status
                    + (detail.isEmpty() ? "" : " " + detail));
        }
        long lifetime = json.path("expires_in").asLong(DEFAULT_LIFETIME_SECONDS);
        long lifetimeNanos = TimeUnit.SECONDS.toNanos(Math.max(1, lifetime));
        token = json.path("access_token").asText();
        lifetimeSeconds = lifetime;
        expiresAt = now + lifetimeNanos;
        renewAt = now + Math.max(lifetimeNanos - bufferNanos, lifetimeNanos / 2);
        fetched++;
        log.debug("OAuth token from {} valid for {} s, renewed after {} s", printable, lifetime,
                TimeUnit.NANOSECONDS.toSeconds(renewAt - now));
    }
}
