package dev.benchlake.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import okhttp3.mockwebserver.RecordedRequest;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * OAuth 2 client credentials against a real authorization server (NAV's mock-oauth2-server: Nimbus OAuth SDK, RS256
 * JWTs, a JWKS endpoint). The registry accepts only a bearer JWT whose signature verifies against that server's JWKS,
 * that has not expired and whose audience is the registry's.
 */
class OAuthBearerTest {
    private static final String ISSUER = "benchlake-idp";
    private static final String CLIENT_ID = "benchlake-connect";
    private static final String CLIENT_SECRET = "cl1ent/s3cret+x";
    private static final String AUDIENCE = "schema-registry";
    private static final long LIFETIME_S = 120;
    private static final Schema SCHEMA = new Schema.Parser().parse(
            "{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"t\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}");

    private MockOAuth2Server idp;
    private FakeSchemaRegistry registry;
    private final List<String> tokensSeen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        idp = new MockOAuth2Server();
        idp.start();
        for (int i = 0; i < 3; i++) {
            idp.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER, CLIENT_ID, "JWT", List.of(AUDIENCE), Map.of(), LIFETIME_S));
        }
        String jwks = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(idp.jwksUrl(ISSUER).toString())).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        RSAKey key = JWKSet.parse(jwks).getKeys().get(0).toRSAKey();
        assertThat(idp.takeRequest(5, TimeUnit.SECONDS).getPath()).isEqualTo("/" + ISSUER + "/jwks");
        registry = new FakeSchemaRegistry();
        registry.checkAuthorization(header -> {
            if (header == null || !header.startsWith("Bearer ")) {
                return false;
            }
            try {
                SignedJWT jwt = SignedJWT.parse(header.substring("Bearer ".length()));
                boolean valid = jwt.verify(new RSASSAVerifier(key))
                        && jwt.getJWTClaimsSet().getExpirationTime().after(new Date())
                        && jwt.getJWTClaimsSet().getAudience().contains(AUDIENCE)
                        && jwt.getJWTClaimsSet().getIssuer().equals(idp.issuerUrl(ISSUER).toString());
                if (valid) {
                    tokensSeen.add(jwt.serialize());
                }
                return valid;
            } catch (Exception e) {
                return false;
            }
        });
    }

    @AfterEach
    void stop() {
        registry.close();
        idp.shutdown();
    }

    private Map<String, Object> config() {
        Map<String, Object> m = new HashMap<>();
        m.put(AvroConverterConfig.SCHEMA_REGISTRY_URL, registry.url());
        m.put(AvroConverterConfig.RETRY_TIMEOUT_MS, 0L);
        m.put(AvroConverterConfig.BEARER_AUTH_CREDENTIALS_SOURCE, "OAUTHBEARER");
        m.put(AvroConverterConfig.BEARER_AUTH_ISSUER_ENDPOINT_URL, idp.tokenEndpointUrl(ISSUER).toString());
        m.put(AvroConverterConfig.BEARER_AUTH_CLIENT_ID, CLIENT_ID);
        m.put(AvroConverterConfig.BEARER_AUTH_CLIENT_SECRET, CLIENT_SECRET);
        m.put(AvroConverterConfig.BEARER_AUTH_SCOPE, AUDIENCE);
        m.put(AvroConverterConfig.BEARER_AUTH_EXPIRY_BUFFER_SECONDS, 30L);
        return m;
    }

    @Test
    void aClientCredentialsTokenIsFetchedUsedAndRenewedBeforeItExpires() throws Exception {
        AtomicLong now = new AtomicLong();
        SchemaRegistryClient client = new SchemaRegistryClient(new AvroConverterConfig(config()), now::get);

        int id = client.register("s-value", SCHEMA);
        assertThat(client.latest("s-value").orElseThrow().id()).isEqualTo(id);
        assertThat(client.tokensFetched()).isEqualTo(1);

        RecordedRequest tokenRequest = idp.takeRequest(5, TimeUnit.SECONDS);
        assertThat(tokenRequest.getPath()).isEqualTo("/" + ISSUER + "/token");
        assertThat(tokenRequest.getHeader("Authorization")).isEqualTo("Basic " + Base64.getEncoder().encodeToString(
                (CLIENT_ID + ":" + java.net.URLEncoder.encode(CLIENT_SECRET, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)));
        assertThat(tokenRequest.getBody().readUtf8()).isEqualTo("grant_type=client_credentials&scope=" + AUDIENCE);

        // renewed 30 s (the buffer) before the token's lifetime (expires_in: 120 s, or 119 after rounding) ends
        long lifetime = client.tokenLifetimeSeconds();
        assertThat(lifetime).isBetween(LIFETIME_S - 1, LIFETIME_S);
        now.addAndGet(TimeUnit.SECONDS.toNanos(lifetime - 30) - 1);
        client.latest("s-value");
        assertThat(client.tokensFetched()).as("1 ns before renewal").isEqualTo(1);
        now.addAndGet(1);
        client.latest("s-value");
        assertThat(client.tokensFetched()).as("at renewal").isEqualTo(2);
        assertThat(idp.takeRequest(5, TimeUnit.SECONDS).getPath()).isEqualTo("/" + ISSUER + "/token");

        assertThat(tokensSeen).hasSize(4);
        assertThat(tokensSeen.subList(0, 3)).containsOnly(tokensSeen.get(0));
        assertThat(tokensSeen.get(3)).as("a new token after renewal").isNotEqualTo(tokensSeen.get(0));
    }

    @Test
    void aFailingTokenEndpointIsNamedWithoutTheSecret() {
        Map<String, Object> m = config();
        m.put(AvroConverterConfig.BEARER_AUTH_ISSUER_ENDPOINT_URL, idp.issuerUrl(ISSUER) + "/no-such-endpoint");
        SchemaRegistryClient client = new SchemaRegistryClient(m);
        assertThatThrownBy(() -> client.register("s-value", SCHEMA))
                .isInstanceOf(SchemaRegistryException.Unavailable.class)
                .hasMessageContaining("the OAuth token endpoint " + idp.issuerUrl(ISSUER) + "/no-such-endpoint gave no token: "
                        + "HTTP 405 (a body of 18 byte(s) that is not JSON; not shown)")
                .hasMessageNotContaining(CLIENT_SECRET)
                .hasMessageNotContaining(java.net.URLEncoder.encode(CLIENT_SECRET, StandardCharsets.UTF_8));
        assertThat(registry.requests()).as("no request without a token").isEmpty();
    }
}
