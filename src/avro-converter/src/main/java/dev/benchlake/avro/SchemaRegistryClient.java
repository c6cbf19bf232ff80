package dev.benchlake.avro;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of the Confluent Schema Registry REST API (v1), for Avro schemas.
 * <ul>
 *   <li>Several base URLs: a request goes to the last URL that worked; on a connection error or an HTTP 5xx the next
 *       is tried; when every URL failed, the round is retried with exponential backoff until
 *       {@code schema.registry.retry.timeout.ms}, then {@link SchemaRegistryException.Unavailable} is thrown.</li>
 *   <li>4xx answers are not retried: they throw {@link SchemaRegistryException} with the status and Confluent
 *       {@code error_code}.</li>
 *   <li>{@link #register}, {@link #getById} and {@link #lookup} results are cached (bounded LRU); {@link #latest} is
 *       not (it changes).</li>
 *   <li>Credentials (URL user info, {@code basic.auth.user.info}) go to the {@code Authorization} header only: they
 *       appear in no message, log line or {@link #toString()}.</li>
 * </ul>
 */
public final class SchemaRegistryClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SchemaRegistryClient.class);

    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    /** A schema as registered under a subject. */
    public record RegisteredSchema(String subject, int version, int id, Schema schema) {
    }

    private record Endpoint(String base, String redacted, String authorization) {
    }

    private record Response(int status, JsonNode body, String url) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Endpoint> endpoints;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final long backoffMs;
    private final long backoffMaxMs;
    private final long retryTimeoutMs;
    private final CompatibilityLevel configuredLevel;
    private volatile int active;

    private final BoundedCache<SubjectSchema, Integer> idsBySchema;
    private final BoundedCache<Integer, Schema> schemasById;
    private final BoundedCache<SubjectSchema, RegisteredSchema> lookups;
    private final AtomicLong requests = new AtomicLong();

    private record SubjectSchema(String subject, Schema schema) {
    }

    public SchemaRegistryClient(Map<String, ?> configs) {
        this(new AvroConverterConfig(configs));
    }

    public SchemaRegistryClient(AvroConverterConfig config) {
        boolean userInfoSource = "USER_INFO".equalsIgnoreCase(config.getString(AvroConverterConfig.BASIC_AUTH_CREDENTIALS_SOURCE));
        Password userInfo = config.getPassword(AvroConverterConfig.BASIC_AUTH_USER_INFO);
        List<Endpoint> eps = new ArrayList<>();
        for (String raw : config.urls()) {
            String url = raw.trim();
            URI uri;
            try {
                uri = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(AvroConverterConfig.SCHEMA_REGISTRY_URL + " has an invalid URL: " + redact(url));
            }
            if (uri.getScheme() == null || uri.getHost() == null
                    || !(uri.getScheme().equalsIgnoreCase("http") || uri.getScheme().equalsIgnoreCase("https"))) {
                throw new ConfigException(AvroConverterConfig.SCHEMA_REGISTRY_URL + " needs http(s)://host[:port][/path] URLs, not "
                        + redact(url));
            }
            String base = redact(url);
            while (base.endsWith("/")) {
                base = base.substring(0, base.length() - 1);
            }
            String auth = null;
            if (userInfoSource) {
                auth = basic(userInfo.value());
            } else if (uri.getRawUserInfo() != null) {
                auth = basic(java.net.URLDecoder.decode(uri.getRawUserInfo(), StandardCharsets.UTF_8));
            }
            eps.add(new Endpoint(base, base, auth));
        }
        this.endpoints = List.copyOf(eps);
        int timeoutMs = config.getInt(AvroConverterConfig.REQUEST_TIMEOUT_MS);
        this.requestTimeout = Duration.ofMillis(timeoutMs);
        this.backoffMs = config.getLong(AvroConverterConfig.RETRY_BACKOFF_MS);
        this.backoffMaxMs = Math.max(backoffMs, config.getLong(AvroConverterConfig.RETRY_BACKOFF_MAX_MS));
        this.retryTimeoutMs = config.getLong(AvroConverterConfig.RETRY_TIMEOUT_MS);
        String level = config.getString(AvroConverterConfig.COMPATIBILITY_LEVEL);
        this.configuredLevel = level == null ? null : CompatibilityLevel.parse(level);
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(timeoutMs))
                .followRedirects(HttpClient.Redirect.NORMAL);
        String trustStore = config.getString(AvroConverterConfig.SSL_TRUSTSTORE_LOCATION);
        if (trustStore != null && !trustStore.isBlank()) {
            builder.sslContext(sslContext(trustStore, config.getPassword(AvroConverterConfig.SSL_TRUSTSTORE_PASSWORD),
                    config.getString(AvroConverterConfig.SSL_TRUSTSTORE_TYPE)));
        }
        this.http = builder.build();
        int capacity = config.maxSchemasPerSubject();
        this.idsBySchema = new BoundedCache<>(capacity);
        this.schemasById = new BoundedCache<>(capacity);
        this.lookups = new BoundedCache<>(capacity);
    }

    private static String basic(String userInfo) {
        return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }

    private static SSLContext sslContext(String location, Password password, String type) {
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            KeyStore ks = KeyStore.getInstance(type == null ? KeyStore.getDefaultType() : type);
            ks.load(in, password == null ? null : password.value().toCharArray());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (Exception e) {
            // the exception text of KeyStore.load never contains the password
            throw new ConfigException(AvroConverterConfig.SSL_TRUSTSTORE_LOCATION + " " + location
                    + " cannot be loaded as a " + type + " trust store: " + e.getMessage());
        }
    }

    /** Removes the user-info part (credentials) from a URL. */
    public static String redact(String url) {
        if (url == null) {
            return null;
        }
        int scheme = url.indexOf("://");
        if (scheme < 0) {
            return url;
        }
        int start = scheme + 3;
        int slash = url.indexOf('/', start);
        int at = url.lastIndexOf('@', slash < 0 ? url.length() : slash);
        return at >= start ? url.substring(0, start) + url.substring(at + 1) : url;
    }

    static List<String> redact(List<String> urls) {
        List<String> out = new ArrayList<>();
        for (String u : urls) {
            out.add(redact(u.trim()));
        }
        return out;
    }

    /** The registry base URLs, without credentials. */
    public List<String> urls() {
        List<String> out = new ArrayList<>();
        for (Endpoint e : endpoints) {
            out.add(e.redacted());
        }
        return out;
    }

    /** The URL requests currently go to (the last one that answered), without credentials. */
    public String activeUrl() {
        return endpoints.get(active).redacted();
    }

    /** HTTP requests sent so far (for tests and metrics). */
    public long requestCount() {
        return requests.get();
    }

    /** The compatibility level set with {@code schema.compatibility.level}, if any. */
    public Optional<CompatibilityLevel> configuredCompatibilityLevel() {
        return Optional.ofNullable(configuredLevel);
    }

    // ------------------------------------------------------------------------------------------------------------
    // API
    // ------------------------------------------------------------------------------------------------------------

    /** {@code POST /subjects/{subject}/versions}: registers (or finds) the schema, returns its id. Cached. */
    public int register(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = idsBySchema.get(key);
        if (cached != null) {
            return cached;
        }
        Response r = call("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema), true);
        expectOk(r, "register a schema under subject '" + subject + "'");
        int id = r.body().path("id").asInt(-1);
        if (id < 0) {
            throw new SchemaRegistryException("Registry at " + r.url() + " answered the registration under subject '"
                    + subject + "' without an id: " + r.body(), r.status(), -1, r.url(), null);
        }
        idsBySchema.put(key, id);
        schemasById.computeIfAbsent(id, k -> schema);
        return id;
    }

    /** {@code GET /schemas/ids/{id}}. Cached. Throws {@link SchemaRegistryException} with status 404 for unknown ids. */
    public Schema getById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        Response r = call("GET", "/schemas/ids/" + id, null, true);
        expectOk(r, "fetch schema id " + id);
        Schema schema = parse(r.body().path("schema").asText(null), "schema id " + id, r.url());
        schemasById.put(id, schema);
        return schema;
    }

    /** {@code GET /subjects/{subject}/versions/latest}; empty when the subject does not exist. Not cached. */
    public Optional<RegisteredSchema> latest(String subject) {
        return version(subject, "latest");
    }

    /** {@code GET /subjects/{subject}/versions/{version}}; empty when the subject or version does not exist. */
    public Optional<RegisteredSchema> version(String subject, String version) {
        Response r = call("GET", "/subjects/" + encode(subject) + "/versions/" + version, null, true);
        if (r.status() == 404) {
            return Optional.empty();
        }
        expectOk(r, "fetch version " + version + " of subject '" + subject + "'");
        return Optional.of(registered(subject, r));
    }

    /** {@code GET /subjects/{subject}/versions}; empty list when the subject does not exist. Order as the registry gives. */
    public List<Integer> versions(String subject) {
        Response r = call("GET", "/subjects/" + encode(subject) + "/versions", null, true);
        if (r.status() == 404) {
            return List.of();
        }
        expectOk(r, "list the versions of subject '" + subject + "'");
        List<Integer> out = new ArrayList<>();
        r.body().forEach(n -> out.add(n.asInt()));
        return out;
    }

    /** {@code GET /subjects}. */
    public List<String> subjects() {
        Response r = call("GET", "/subjects", null, true);
        expectOk(r, "list subjects");
        List<String> out = new ArrayList<>();
        r.body().forEach(n -> out.add(n.asText()));
        return out;
    }

    /**
     * {@code POST /subjects/{subject}}: the registration of exactly this schema under the subject; empty when the
     * subject does not exist or does not hold the schema. Cached when found.
     */
    public Optional<RegisteredSchema> lookup(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        RegisteredSchema cached = lookups.get(key);
        if (cached != null) {
            return Optional.of(cached);
        }
        Response r = call("POST", "/subjects/" + encode(subject), schemaBody(schema), true);
        if (r.status() == 404) {
            return Optional.empty();
        }
        expectOk(r, "look up a schema under subject '" + subject + "'");
        RegisteredSchema found = registered(subject, r);
        lookups.put(key, found);
        idsBySchema.put(key, found.id());
        return Optional.of(found);
    }

    /**
     * {@code POST /compatibility/subjects/{subject}/versions/latest}: the registry's verdict; empty when the registry
     * cannot answer (5xx, unknown endpoint, no registry reachable). Not retried: the endpoint is optional.
     */
    public Optional<Boolean> testCompatibility(String subject, Schema schema) {
        Response r;
        try {
            r = call("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest", schemaBody(schema), false);
        } catch (SchemaRegistryException.Unavailable e) {
            return Optional.empty();
        }
        if (r.status() / 100 != 2 || !r.body().has("is_compatible")) {
            if (r.status() == 404 && r.body().path("error_code").asInt() == SchemaRegistryException.SUBJECT_NOT_FOUND) {
                return Optional.of(true);
            }
            log.debug("Registry at {} cannot answer compatibility questions (HTTP {}); checking locally", r.url(), r.status());
            return Optional.empty();
        }
        return Optional.of(r.body().path("is_compatible").asBoolean());
    }

    /**
     * The compatibility level: {@code schema.compatibility.level} if configured, else the registry's for the
     * subject ({@code GET /config/{subject}}, then {@code GET /config}); empty when none of these says.
     */
    public Optional<CompatibilityLevel> compatibilityLevel(String subject) {
        if (configuredLevel != null) {
            return Optional.of(configuredLevel);
        }
        for (String path : new String[] {"/config/" + encode(subject), "/config"}) {
            try {
                Response r = call("GET", path, null, false);
                if (r.status() / 100 == 2) {
                    String level = r.body().path("compatibilityLevel").asText(r.body().path("compatibility").asText(null));
                    if (level != null) {
                        return Optional.of(CompatibilityLevel.parse(level));
                    }
                }
            } catch (SchemaRegistryException | ConfigException e) {
                log.debug("No compatibility level from {}: {}", path, e.getMessage());
            }
        }
        return Optional.empty();
    }

    /**
     * Checks {@code schema} against the subject: asks the registry, and when it cannot answer (or says no), checks
     * locally with Avro's {@link org.apache.avro.SchemaCompatibility} at {@link #compatibilityLevel} (BACKWARD when
     * unknown) against the latest version (all versions for transitive levels). Empty list: compatible (or the
     * subject does not exist).
     */
    public List<String> incompatibilities(String subject, Schema schema) {
        Optional<RegisteredSchema> latest = latest(subject);
        if (latest.isEmpty() || latest.get().schema().equals(schema)) {
            return List.of();
        }
        Optional<Boolean> verdict = testCompatibility(subject, schema);
        if (verdict.isPresent() && verdict.get()) {
            return List.of();
        }
        CompatibilityLevel level = compatibilityLevel(subject).orElse(CompatibilityLevel.BACKWARD);
        List<String> problems = localIncompatibilities(subject, schema, latest.get(), level);
        if (problems.isEmpty() && verdict.isPresent()) {
            return List.of("the registry reports the schema as incompatible with its latest version " + latest.get().version()
                    + " (a local " + level + " check found no reason; the registry's level may be stricter)");
        }
        return problems;
    }

    /** Local check against the latest version (or every version for transitive levels). */
    List<String> localIncompatibilities(String subject, Schema schema, RegisteredSchema latest, CompatibilityLevel level) {
        if (level == CompatibilityLevel.NONE) {
            return List.of();
        }
        List<RegisteredSchema> against = new ArrayList<>();
        against.add(latest);
        if (level.name().endsWith("_TRANSITIVE")) {
            for (int v : versions(subject)) {
                if (v != latest.version()) {
                    version(subject, Integer.toString(v)).ifPresent(against::add);
                }
            }
        }
        List<String> out = new ArrayList<>();
        for (RegisteredSchema existing : against) {
            out.addAll(CompatibilityChecker.incompatibilities(schema, existing.schema(), level,
                    "version " + existing.version()));
        }
        return out;
    }

    @Override
    public void close() {
        idsBySchema.clear();
        schemasById.clear();
        lookups.clear();
    }

    @Override
    public String toString() {
        return "SchemaRegistryClient" + urls();
    }

    // ------------------------------------------------------------------------------------------------------------
    // HTTP
    // ------------------------------------------------------------------------------------------------------------

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String schemaBody(Schema schema) {
        ObjectNode body = JSON.createObjectNode();
        body.put("schema", schema.toString());
        return body.toString();
    }

    private static Schema parse(String text, String what, String url) {
        if (text == null) {
            throw new SchemaRegistryException("Registry at " + url + " returned no schema text for " + what, 200, -1, url, null);
        }
        try {
            return new Schema.Parser().parse(text);
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException("Registry at " + url + " returned an unparseable Avro schema for " + what
                    + ": " + e.getMessage(), 200, -1, url, e);
        }
    }

    private static RegisteredSchema registered(String subject, Response r) {
        JsonNode b = r.body();
        Schema schema = parse(b.path("schema").asText(null), "subject '" + subject + "'", r.url());
        return new RegisteredSchema(b.path("subject").asText(subject), b.path("version").asInt(-1),
                b.path("id").asInt(-1), schema);
    }

    private static void expectOk(Response r, String what) {
        if (r.status() / 100 == 2) {
            return;
        }
        JsonNode b = r.body();
        int code = b.path("error_code").asInt(-1);
        String message = b.path("message").asText(b.path("responseMessage").asText(""));
        throw new SchemaRegistryException("Schema registry at " + r.url() + " refused to " + what + ": HTTP " + r.status()
                + (code > 0 ? " (error " + code + ")" : "") + (message.isEmpty() ? "" : ": " + message),
                r.status(), code, r.url(), null);
    }

    /**
     * Sends one request, failing over across URLs on connection errors and 5xx. With {@code retry}, rounds are
     * repeated with exponential backoff until the retry budget is spent. Returns any answer below 500.
     */
    private Response call(String method, String path, String body, boolean retry) {
        long start = System.nanoTime();
        long deadline = start + Duration.ofMillis(retryTimeoutMs).toNanos();
        long backoff = backoffMs;
        int attempts = 0;
        String lastFailure = null;
        int lastStatus = -1;
        String lastUrl = endpoints.get(active).redacted();
        Throwable lastCause = null;
        while (true) {
            int first = active;
            for (int i = 0; i < endpoints.size(); i++) {
                int index = (first + i) % endpoints.size();
                Endpoint ep = endpoints.get(index);
                attempts++;
                lastUrl = ep.redacted();
                try {
                    Response r = send(ep, method, path, body);
                    if (r.status() < 500) {
                        if (index != active) {
                            log.info("Schema registry requests now go to {}", ep.redacted());
                            active = index;
                        }
                        return r;
                    }
                    lastStatus = r.status();
                    lastCause = null;
                    lastFailure = "HTTP " + r.status() + " from " + ep.redacted()
                            + describeError(r.body());
                    if (!retry) {
                        // optional endpoints (compatibility, config): a 5xx is an answer
                        return r;
                    }
                } catch (IOException e) {
                    lastStatus = -1;
                    lastCause = e;
                    lastFailure = e.getClass().getSimpleName() + " from " + ep.redacted()
                            + (e.getMessage() == null ? "" : ": " + e.getMessage());
                }
                log.debug("Schema registry {} {} failed: {}", method, path, lastFailure);
            }
            long now = System.nanoTime();
            if (!retry || now + Duration.ofMillis(backoff).toNanos() > deadline) {
                long elapsedMs = Duration.ofNanos(now - start).toMillis();
                throw new SchemaRegistryException.Unavailable("Schema registry unavailable: " + method + " " + path
                        + " failed on " + urls() + " after " + attempts + " attempt(s) in " + elapsedMs + " ms; last: "
                        + lastFailure, lastStatus, lastUrl, lastCause);
            }
            log.warn("Schema registry unavailable ({}); retrying in {} ms", lastFailure, backoff);
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException.Unavailable("Interrupted while waiting to retry " + method + " " + path
                        + " on " + urls(), lastStatus, lastUrl, e);
            }
            backoff = Math.min(Math.max(1, backoff * 2), backoffMaxMs);
        }
    }

    private static String describeError(JsonNode body) {
        String msg = body.path("message").asText(body.path("responseMessage").asText(""));
        return msg.isEmpty() ? "" : " (" + msg + ")";
    }

    private Response send(Endpoint ep, String method, String path, String body) throws IOException {
        HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(ep.base() + path))
                .timeout(requestTimeout)
                .header("Accept", CONTENT_TYPE + ", application/json");
        if (ep.authorization() != null) {
            rb.header("Authorization", ep.authorization());
        }
        if (body != null) {
            rb.header("Content-Type", CONTENT_TYPE).method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        } else {
            rb.method(method, HttpRequest.BodyPublishers.noBody());
        }
        requests.incrementAndGet();
        HttpResponse<byte[]> resp;
        try {
            resp = http.send(rb.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        JsonNode json;
        byte[] bytes = resp.body();
        try {
            json = bytes == null || bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
        } catch (IOException e) {
            ObjectNode n = JSON.createObjectNode();
            String text = new String(bytes, StandardCharsets.UTF_8);
            n.put("message", text.length() > 200 ? text.substring(0, 200) + "..." : text);
            json = n;
        }
        return new Response(resp.statusCode(), Objects.requireNonNullElseGet(json, JSON::createObjectNode), ep.redacted());
    }
}
