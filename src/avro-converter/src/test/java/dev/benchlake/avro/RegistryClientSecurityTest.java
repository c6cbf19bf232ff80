package dev.benchlake.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The registry client as a security reviewer tests it, against real loopback HTTP servers: redirects, credentials
 * in URLs, answer sizes, what of an error body reaches a message, cleartext credentials, proxy, timeouts, retries.
 */
class RegistryClientSecurityTest {
    private static final String PASSWORD = "Ab3/x+Yz";
    private static final Schema SCHEMA = new Schema.Parser().parse(
            "{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"t\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}");

    private final List<HttpServer> servers = new ArrayList<>();
    private final List<FakeSchemaRegistry> registries = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(s -> s.stop(0));
        registries.forEach(FakeSchemaRegistry::close);
    }

    private record Seen(String method, String uri, String authorization) {
    }

    /** A loopback server on its own port, recording every request it gets. */
    private HttpServer server(List<Seen> seen, HttpHandler handler) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/", ex -> {
            seen.add(new Seen(ex.getRequestMethod(), ex.getRequestURI().toString(),
                    ex.getRequestHeaders().getFirst("Authorization")));
            ex.getRequestBody().readAllBytes();
            handler.handle(ex);
        });
        s.start();
        servers.add(s);
        return s;
    }

    private FakeSchemaRegistry registry() throws IOException {
        FakeSchemaRegistry r = new FakeSchemaRegistry();
        registries.add(r);
        return r;
    }

    private static String url(HttpServer s) {
        return "http://127.0.0.1:" + s.getAddress().getPort();
    }

    private static void answer(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private static SchemaRegistryClient client(String url, Object... kv) {
        Map<String, Object> m = new HashMap<>();
        m.put(AvroConverterConfig.SCHEMA_REGISTRY_URL, url);
        m.put(AvroConverterConfig.RETRY_TIMEOUT_MS, 0L);
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return new SchemaRegistryClient(m);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------------------------------------------------- 1

    @Test
    void credentialsNeverFollowARedirectToAnotherOrigin() throws IOException {
        List<Seen> atTarget = new CopyOnWriteArrayList<>();
        HttpServer target = server(atTarget, ex -> answer(ex, 200, "application/json", "{\"id\":1}".getBytes()));
        List<Seen> atRegistry = new CopyOnWriteArrayList<>();
        String location = "http://evil:" + PASSWORD + "@127.0.0.1:" + target.getAddress().getPort() + "/subjects/s/versions";
        HttpServer redirecting = server(atRegistry, ex -> {
            ex.getResponseHeaders().set("Location", location);
            answer(ex, 307, "text/plain", new byte[0]);
        });
        SchemaRegistryClient client = client("http://svc:" + PASSWORD + "@127.0.0.1:" + redirecting.getAddress().getPort());

        assertThatThrownBy(() -> client.register("s", SCHEMA))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("Schema registry at " + url(redirecting) + " answered POST /subjects/s/versions with "
                        + "HTTP 307, a redirect to " + url(target) + "/subjects/s/versions. Redirects are not followed")
                .hasMessageNotContaining(PASSWORD).hasMessageNotContaining("svc:").hasMessageNotContaining("evil");
        assertThat(atRegistry).as("the registry got the request, with its credentials")
                .extracting(Seen::authorization).containsExactly(basic("svc", PASSWORD));
        assertThat(atTarget).as("the other origin got nothing, so no Authorization header either").isEmpty();
    }

    // ---------------------------------------------------------------------------------------------------------- 2

    @Test
    void userInfoIsRedactedAndDecodedAsRfc3986WhateverItHolds() {
        assertThat(Urls.redact("https://svc:Ab3/x+Yz@host:8081/api")).isEqualTo("https://host:8081/api");
        assertThat(Urls.redact("https://svc:p@ss#w?rd@host")).isEqualTo("https://host");
        assertThat(Urls.redact("https://svc:Ab3%2Fx%2BYz@host")).isEqualTo("https://host");
        assertThat(Urls.redact("http://host:8081/a")).isEqualTo("http://host:8081/a");
        assertThat(Urls.redact("not a url")).isEqualTo("not a url");

        assertThat(Urls.parse("https://svc:Ab3/x+Yz@host:8081", "k").userInfo()).contains("svc:Ab3/x+Yz");
        assertThat(Urls.parse("https://svc:Ab3%2Fx%2BYz@host", "k").userInfo()).contains("svc:Ab3/x+Yz");
        assertThat(Urls.parse("https://svc:a+b@host", "k").userInfo()).as("+ is not a space").contains("svc:a+b");
        assertThat(Urls.parse("https://svc:%C3%A9t%C3%A9@host", "k").userInfo()).contains("svc:été");
        assertThatThrownBy(() -> Urls.parse("https://svc:100%@host", "schema.registry.url"))
                .hasMessage("schema.registry.url: the user info of https://host has a '%' at position 7 that is not "
                        + "followed by two hex digits (encode '%' as %25)");
        assertThatThrownBy(() -> Urls.parse("ftp://svc:" + PASSWORD + "@host", "schema.registry.url"))
                .hasMessage("schema.registry.url needs http(s)://host[:port][/path] URLs, not ftp://host");
    }

    @Test
    void aPasswordWithReservedCharactersAuthenticatesEncodedOrNotAndNeverShows() throws IOException {
        FakeSchemaRegistry registry = registry();
        registry.requireBasicAuth("svc", PASSWORD);
        String plain = "http://svc:" + PASSWORD + "@127.0.0.1:" + registry.port();
        String encoded = "http://svc:Ab3%2Fx%2BYz@127.0.0.1:" + registry.port();

        int id = client(plain).register("s-value", SCHEMA);
        assertThat(client(encoded).register("s-value", SCHEMA)).isEqualTo(id);
        assertThat(registry.requests()).extracting(FakeSchemaRegistry.Request::authorization)
                .containsOnly(basic("svc", PASSWORD));

        SchemaRegistryClient wrong = client("http://svc:Ab3/x+Yz-not@127.0.0.1:" + registry.port());
        assertThatThrownBy(() -> wrong.register("s-value", SCHEMA))
                .hasMessage("Schema registry at " + registry.url() + " refused to register a schema under subject "
                        + "'s-value': HTTP 401 (error 40101): \"Unauthorized\". The registry did not accept the credentials: "
                        + "check basic.auth.user.info (or the user info of schema.registry.url) or the bearer.auth.* settings");
        assertThat(wrong.toString()).isEqualTo("SchemaRegistryClient[" + registry.url() + "]");
    }

    // ---------------------------------------------------------------------------------------------------------- 3

    @Test
    void anAnswerLargerThanTheCapIsNotReadWhetherItsLengthIsDeclaredOrNot() throws IOException {
        int cap = 64 * 1024;
        byte[] big = ("{\"schema\":\"" + "x".repeat(cap) + "\"}").getBytes(StandardCharsets.UTF_8);
        List<Seen> seen = new CopyOnWriteArrayList<>();
        HttpServer declared = server(seen, ex -> answer(ex, 200, "application/json", big));
        HttpServer chunked = server(seen, ex -> {
            ex.sendResponseHeaders(200, 0); // chunked: no Content-Length
            try (OutputStream out = ex.getResponseBody()) {
                for (int i = 0; i < big.length; i += 1000) {
                    out.write(big, i, Math.min(1000, big.length - i));
                }
            }
        });
        for (HttpServer s : List.of(declared, chunked)) {
            SchemaRegistryClient client = client(url(s), AvroConverterConfig.MAX_RESPONSE_BYTES, cap);
            assertThatThrownBy(() -> client.getById(3))
                    .isInstanceOf(SchemaRegistryException.class)
                    .hasMessage("Schema registry at " + url(s) + " answered GET /schemas/ids/3 with more than " + cap
                            + " bytes (schema.registry.max.response.bytes); the answer was not read");
        }
    }

    @Test
    void aSchemaLargerThanItsCapIsNotParsed() throws IOException {
        String avsc = SCHEMA.toString();
        byte[] body = ("{\"schema\":" + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(avsc) + "}")
                .getBytes(StandardCharsets.UTF_8);
        HttpServer s = server(new CopyOnWriteArrayList<>(), ex -> answer(ex, 200, "application/json", body));
        int cap = avsc.length() - 1;
        assertThatThrownBy(() -> client(url(s), AvroConverterConfig.MAX_SCHEMA_BYTES, cap).getById(5))
                .hasMessage("Registry at " + url(s) + " returned a schema for schema id 5 of more than " + cap
                        + " bytes (schema.registry.max.schema.bytes); not parsed");
        assertThat(client(url(s), AvroConverterConfig.MAX_SCHEMA_BYTES, avsc.length()).getById(5)).isEqualTo(SCHEMA);
    }

    @Test
    void errorBodiesAreQuotedOnlyAsAShortCleanJsonMessage() throws IOException {
        String html = "<html><body>Proxy error. Request headers: Authorization: " + basic("svc", PASSWORD) + "</body></html>";
        HttpServer htmlServer = server(new CopyOnWriteArrayList<>(),
                ex -> answer(ex, 403, "text/html", html.getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> client(url(htmlServer)).getById(1))
                .hasMessage("Schema registry at " + url(htmlServer) + " refused to fetch schema id 1: HTTP 403 (a body of "
                        + html.length() + " byte(s) that is not JSON; not shown). The credentials are valid but may not do "
                        + "this: grant them read and write on the subject in the registry's access control");

        String message = "line one\n\u001b[31mred\u001b[0m\u202e" + "y".repeat(400);
        String json = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
                .put("error_code", 40403).put("message", message).toString();
        HttpServer jsonServer = server(new CopyOnWriteArrayList<>(),
                ex -> answer(ex, 404, "application/json", json.getBytes(StandardCharsets.UTF_8)));
        String expectedQuote = ("line one [31mred [0m " + "y".repeat(400)).substring(0, SafeText.MAX_QUOTED);
        assertThatThrownBy(() -> client(url(jsonServer)).getById(1))
                .hasMessage("Schema registry at " + url(jsonServer) + " refused to fetch schema id 1: HTTP 404 (error 40403): \""
                        + expectedQuote + "...\"");
    }

    // ---------------------------------------------------------------------------------------------------------- 4

    @Test
    void credentialsOverHttpAreRefusedExceptToLoopbackOrWithTheOptIn() {
        assertThatThrownBy(() -> client("http://svc:" + PASSWORD + "@registry.example.com:8081"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("schema.registry.url http://registry.example.com:8081 is http:// to a host that is not "
                        + "loopback: basic-auth credentials would cross the network in clear text. Use https, or set "
                        + "schema.registry.allow.insecure.credentials=true to accept that.");
        assertThatThrownBy(() -> client("http://10.0.0.7:8081", AvroConverterConfig.BEARER_AUTH_CREDENTIALS_SOURCE,
                "STATIC_TOKEN", AvroConverterConfig.BEARER_AUTH_TOKEN, "t0ken"))
                .hasMessageContaining("schema.registry.url http://10.0.0.7:8081 is http:// to a host that is not loopback: "
                        + "a bearer token would cross").hasMessageNotContaining("t0ken");
        assertThat(client("http://svc:" + PASSWORD + "@registry.example.com:8081",
                AvroConverterConfig.ALLOW_INSECURE_CREDENTIALS, true).urls()).containsExactly("http://registry.example.com:8081");
        assertThat(client("http://svc:" + PASSWORD + "@localhost:8081").urls()).containsExactly("http://localhost:8081");
        assertThat(client("http://svc:" + PASSWORD + "@[::1]:8081").urls()).containsExactly("http://[::1]:8081");
        assertThat(client("https://svc:" + PASSWORD + "@registry.example.com").urls()).containsExactly("https://registry.example.com");
        assertThat(client("http://registry.example.com:8081").urls()).as("no credentials, nothing to protect")
                .containsExactly("http://registry.example.com:8081");
        assertThat(Urls.isLoopback("127.8.0.1")).isTrue();
        // names are decided by the addresses they resolve to: RegistryClientEdgesTest.loopbackIsDecidedByAddressNotByName
    }

    // ---------------------------------------------------------------------------------------------------------- 5

    @Test
    void requestsGoThroughTheConfiguredProxy() throws IOException {
        List<Seen> atProxy = new CopyOnWriteArrayList<>();
        HttpServer proxy = server(atProxy, ex -> answer(ex, 200, "application/json", "{\"id\":42}".getBytes()));
        int id = client("http://registry.invalid:8081", AvroConverterConfig.PROXY_HOST, "127.0.0.1",
                AvroConverterConfig.PROXY_PORT, proxy.getAddress().getPort()).register("s-value", SCHEMA);
        assertThat(id).isEqualTo(42);
        assertThat(atProxy).extracting(Seen::method, Seen::uri)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("POST", "http://registry.invalid:8081/subjects/s-value/versions"));
    }

    @Test
    void theReadTimeoutBoundsAWholeAnswer() throws IOException {
        CountDownLatch release = new CountDownLatch(1);
        HttpServer stalled = server(new CopyOnWriteArrayList<>(), ex -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(ex, 200, "application/json", "{}".getBytes());
        });
        try {
            assertThatThrownBy(() -> client(url(stalled), AvroConverterConfig.HTTP_READ_TIMEOUT_MS, 300).getById(1))
                    .isInstanceOf(SchemaRegistryException.Unavailable.class)
                    .hasMessageContaining("HttpTimeoutException from " + url(stalled) + ": no complete answer within 300 ms")
                    .hasCauseInstanceOf(HttpTimeoutException.class);
        } finally {
            release.countDown();
        }
    }

    @Test
    void maxRetriesBoundsTheRoundsOverTheUrls() throws IOException {
        FakeSchemaRegistry registry = registry();
        registry.failNext(100, 503);
        SchemaRegistryClient client = client(registry.url(), AvroConverterConfig.RETRY_TIMEOUT_MS, 600_000L,
                AvroConverterConfig.RETRY_BACKOFF_MS, 1L, AvroConverterConfig.MAX_RETRIES, 2);
        assertThatThrownBy(() -> client.register("s-value", SCHEMA))
                .isInstanceOf(SchemaRegistryException.Unavailable.class)
                .hasMessageContaining("after 3 attempt(s)");
        assertThat(registry.requests()).hasSize(3);
    }

    @Test
    void aStaticBearerTokenIsSentAndNeverShown() throws IOException {
        FakeSchemaRegistry registry = registry();
        registry.requireAuthorization("Bearer static-t0ken-9");
        SchemaRegistryClient client = client(registry.url(), AvroConverterConfig.BEARER_AUTH_CREDENTIALS_SOURCE, "STATIC_TOKEN",
                AvroConverterConfig.BEARER_AUTH_TOKEN, "static-t0ken-9", AvroConverterConfig.BEARER_AUTH_LOGICAL_CLUSTER, "lsrc-1");
        int id = client.register("s-value", SCHEMA);
        assertThat(client.getById(id)).isEqualTo(SCHEMA);
        assertThat(registry.requests()).hasSize(1).extracting(FakeSchemaRegistry.Request::authorization)
                .containsExactly("Bearer static-t0ken-9");
    }

    @Test
    void theDeprecatedUserInfoNameStillAuthenticates() throws IOException {
        FakeSchemaRegistry registry = registry();
        registry.requireBasicAuth("svc", PASSWORD);
        SchemaRegistryClient client = client(registry.url(), AvroConverterConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
                AvroConverterConfig.BASIC_AUTH_USER_INFO_DEPRECATED, "svc:" + PASSWORD);
        client.register("s-value", SCHEMA);
        assertThat(registry.requests()).extracting(FakeSchemaRegistry.Request::authorization).containsExactly(basic("svc", PASSWORD));
        assertThatThrownBy(() -> client(registry.url(), AvroConverterConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
                AvroConverterConfig.BASIC_AUTH_USER_INFO_DEPRECATED, "svc:" + PASSWORD,
                AvroConverterConfig.BASIC_AUTH_USER_INFO, "svc:other"))
                .hasMessage("basic.auth.user.info and its deprecated name schema.registry.basic.auth.user.info are both "
                        + "set, to different values: keep basic.auth.user.info");
    }
}
