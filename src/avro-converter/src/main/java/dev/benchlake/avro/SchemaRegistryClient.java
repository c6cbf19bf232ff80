package dev.benchlake.avro;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of the Confluent Schema Registry REST API (v1), for Avro schemas.
 * <ul>
 *   <li>Several base URLs: a request goes to the last URL that worked; on a connection error, an HTTP 408, 429 or 5xx
 *       the next is tried; when every URL failed, the round is retried with exponential backoff (and never sooner than
 *       the registry's {@code Retry-After}) until {@code schema.registry.retry.timeout.ms}, then
 *       {@link SchemaRegistryException.Unavailable} is thrown.</li>
 *   <li>Other 4xx answers mean the request is wrong and are not retried: they throw {@link SchemaRegistryException}
 *       with the status, the Confluent {@code error_code}, the subject and what to fix.</li>
 *   <li>{@link #register}, {@link #getById} and {@link #lookup} results are cached (bounded LRU); {@link #latest} is
 *       not (it changes). An id that was registered or looked up is kept when the registry cannot be reached to
 *       confirm it after {@code schema.registry.cache.ttl.ms}: an outage never takes a known id away.</li>
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

    private record Endpoint(String base, String redacted) {
    }

    /** An answer; {@code retryAfterMs} is its {@code Retry-After} in milliseconds, or -1. */
    private record Response(int status, JsonNode body, String url, long retryAfterMs) {
    }

    /** How long one waits at most for a subject's registration lock before the record is retried later. */
    static final long LOCK_WAIT_MS = 10_000L;

    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * One subject's registrations from this JVM go one at a time (locks striped by subject). A registry need not make
     * a subject's first registration atomic: the Hortonworks registry, given two at once, gives one schema two ids and
     * may leave the subject with two master branches, after which it answers every request for it with HTTP 500 for
     * good. A worker's tasks register the same subjects at the same moment when they start. The lock is taken for one
     * round over the URLs at a time (never through the backoff between rounds), interruptibly and for at most
     * {@link #LOCK_WAIT_MS}: a task waiting for it still stops when asked.
     */
    private static final Lock[] REGISTRATIONS = IntStream.range(0, 64).mapToObj(i -> new ReentrantLock()).toArray(Lock[]::new);

    /**
     * The ids registrations ahead ({@link #registerAhead}, a task's {@link Preregistration} outside any transaction)
     * gave in this JVM (in the classloader of this class: a plugin's), by registry URLs and credentials, subject and
     * schema: a client that has not registered a schema itself starts writing with that id without a registry call,
     * and confirms it when it expires, as it does its own.
     */
    private static final BoundedCache<HeldId, Integer> HELD = new BoundedCache<>(10_000);

    private record HeldId(String registry, SubjectSchema schema) {
    }

    private final List<Endpoint> endpoints;
    private final String heldKey;
    private final HttpClient http;
    private final HttpClients.Owned owned;
    private volatile boolean closed;
    private final Duration readTimeout;
    private final long backoffMs;
    private final long backoffMaxMs;
    private final long retryTimeoutMs;
    private final Integer maxRetries;
    private final int maxResponseBytes;
    private final int maxSchemaBytes;
    private final long cacheTtlNanos;
    private final LongSupplier nanoTime;
    private final CompatibilityLevel configuredLevel;
    private final String basicAuthorization;
    private final String staticBearer;
    private final OAuthTokenSource oauth;
    private final Map<String, String> extraHeaders;
    private volatile int active;
    private final AtomicLong generation = new AtomicLong();

    private final BoundedCache<SubjectSchema, Expiring<Integer>> idsBySchema;
    private final BoundedCache<Integer, Schema> schemasById;
    private final BoundedCache<SubjectSchema, Expiring<RegisteredSchema>> lookups;
    private final AtomicLong requests = new AtomicLong();

    private record SubjectSchema(String subject, Schema schema) {
    }

    private record Expiring<T>(T value, long expiresAt) {
    }

    public SchemaRegistryClient(Map<String, ?> configs) {
        this(new AvroConverterConfig(configs));
    }

    public SchemaRegistryClient(AvroConverterConfig config) {
        this(config, System::nanoTime);
    }

    /** With a clock of its own, for tests of expiry (cache TTL, token renewal). */
    SchemaRegistryClient(AvroConverterConfig config, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        List<Endpoint> eps = new ArrayList<>();
        String urlUserInfo = null;
        for (Urls.Parsed url : config.parsedUrls()) {
            String base = url.withoutUserInfo();
            while (base.endsWith("/")) {
                base = base.substring(0, base.length() - 1);
            }
            if (url.userInfo().isPresent() && urlUserInfo == null) {
                urlUserInfo = url.userInfo().get();
            }
            eps.add(new Endpoint(base, base));
        }
        this.endpoints = List.copyOf(eps);
        boolean userInfoSource = "USER_INFO".equalsIgnoreCase(config.getString(AvroConverterConfig.BASIC_AUTH_CREDENTIALS_SOURCE));
        String userInfo = userInfoSource ? config.userInfo().orElseThrow() : urlUserInfo;
        this.basicAuthorization = userInfo == null ? null : basic(userInfo);
        int requestTimeoutMs = config.getInt(AvroConverterConfig.REQUEST_TIMEOUT_MS);
        Integer connectMs = config.getInt(AvroConverterConfig.HTTP_CONNECT_TIMEOUT_MS);
        Integer readMs = config.getInt(AvroConverterConfig.HTTP_READ_TIMEOUT_MS);
        this.readTimeout = Duration.ofMillis(readMs != null ? readMs : requestTimeoutMs);
        this.backoffMs = config.getLong(AvroConverterConfig.RETRY_BACKOFF_MS);
        this.backoffMaxMs = Math.max(backoffMs, config.getLong(AvroConverterConfig.RETRY_BACKOFF_MAX_MS));
        this.retryTimeoutMs = config.getLong(AvroConverterConfig.RETRY_TIMEOUT_MS);
        this.maxRetries = config.getInt(AvroConverterConfig.MAX_RETRIES);
        this.maxResponseBytes = config.getInt(AvroConverterConfig.MAX_RESPONSE_BYTES);
        this.maxSchemaBytes = config.getInt(AvroConverterConfig.MAX_SCHEMA_BYTES);
        this.cacheTtlNanos = Duration.ofMillis(config.getLong(AvroConverterConfig.CACHE_TTL_MS)).toNanos();
        String level = config.getString(AvroConverterConfig.COMPATIBILITY_LEVEL);
        this.configuredLevel = level == null ? null : CompatibilityLevel.parse(level);
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(connectMs != null ? connectMs : requestTimeoutMs))
                // never: a redirect would take the Authorization header (or the client secret) to wherever it points
                .followRedirects(HttpClient.Redirect.NEVER);
        TlsSettings.apply(config, builder);
        this.owned = HttpClients.ownExecutor(builder);
        String proxyHost = config.getString(AvroConverterConfig.PROXY_HOST);
        if (proxyHost != null && !proxyHost.isBlank()) {
            builder.proxy(ProxySelector.of(new InetSocketAddress(proxyHost.trim(), config.getInt(AvroConverterConfig.PROXY_PORT))));
        }
        this.http = owned.adopt(builder.build());
        String bearer = config.bearerSource();
        this.staticBearer = bearer.equals("STATIC_TOKEN") ? "Bearer " + config.secret(AvroConverterConfig.BEARER_AUTH_TOKEN).orElseThrow() : null;
        if (bearer.equals("OAUTHBEARER")) {
            Urls.Parsed issuer = Urls.parse(config.getString(AvroConverterConfig.BEARER_AUTH_ISSUER_ENDPOINT_URL),
                    AvroConverterConfig.BEARER_AUTH_ISSUER_ENDPOINT_URL);
            this.oauth = new OAuthTokenSource(http, issuer, config.getString(AvroConverterConfig.BEARER_AUTH_CLIENT_ID).trim(),
                    config.secret(AvroConverterConfig.BEARER_AUTH_CLIENT_SECRET).orElseThrow(),
                    config.getString(AvroConverterConfig.BEARER_AUTH_SCOPE),
                    config.getLong(AvroConverterConfig.BEARER_AUTH_EXPIRY_BUFFER_SECONDS), readTimeout, maxResponseBytes, nanoTime);
        } else {
            this.oauth = null;
        }
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        if (!bearer.isEmpty()) {
            Optional.ofNullable(config.getString(AvroConverterConfig.BEARER_AUTH_LOGICAL_CLUSTER)).filter(v -> !v.isBlank())
                    .ifPresent(v -> headers.put("target-sr-cluster", v.trim()));
            Optional.ofNullable(config.getString(AvroConverterConfig.BEARER_AUTH_IDENTITY_POOL_ID)).filter(v -> !v.isBlank())
                    .ifPresent(v -> headers.put("Confluent-Identity-Pool-Id", v.trim()));
        }
        this.extraHeaders = Map.copyOf(headers);
        // the same registry as the same principal: never the secrets themselves, a hash of them
        this.heldKey = String.join(",", eps.stream().map(Endpoint::base).toList()) + "#" + java.util.Objects.hash(
                basicAuthorization, staticBearer, config.getString(AvroConverterConfig.BEARER_AUTH_CLIENT_ID),
                config.getString(AvroConverterConfig.BEARER_AUTH_ISSUER_ENDPOINT_URL), extraHeaders);
        int capacity = config.maxSchemasPerSubject();
        this.idsBySchema = new BoundedCache<>(capacity);
        this.schemasById = new BoundedCache<>(capacity);
        this.lookups = new BoundedCache<>(capacity);
    }

    private static String basic(String userInfo) {
        return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }

    /** Removes the user-info part (credentials) from a URL: {@link Urls#redact}. */
    public static String redact(String url) {
        return Urls.redact(url);
    }

    static List<String> redact(List<String> urls) {
        List<String> out = new ArrayList<>();
        for (String u : urls) {
            out.add(Urls.redact(u.trim()));
        }
        return out;
    }

    /**
     * Changes each time requests move to another registry URL (failover) or the id caches expire entry by entry: a
     * caller that keeps ids of its own (the converter) resolves them again when this differs from what it saw.
     */
    public long generation() {
        return generation.get();
    }

    /** How long a resolved id may be used before it is resolved again. */
    public Duration cacheTtl() {
        return Duration.ofNanos(cacheTtlNanos);
    }

    long nanoTime() {
        return nanoTime.getAsLong();
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

    /** Whether {@link #close()} has ended the HTTP client's threads (tests). */
    boolean httpThreadsEnded() {
        return owned.terminated();
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

    /**
     * {@code POST /subjects/{subject}/versions}: registers (or finds) the schema, returns its id. Cached for
     * {@code schema.registry.cache.ttl.ms}, and until requests fail over to another registry URL.
     */
    public int register(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Expiring<Integer> cached = idsBySchema.get(key);
        if (cached != null && nanoTime.getAsLong() - cached.expiresAt() < 0) {
            return cached.value();
        }
        if (cached == null) {
            Integer held = HELD.get(new HeldId(heldKey, key));
            if (held != null) {
                // registered ahead by a task of this JVM (Preregistration), with the same registry and credentials:
                // written with at once, confirmed with the registry when it expires, like an id of its own
                idsBySchema.put(key, new Expiring<>(held, nanoTime.getAsLong() + cacheTtlNanos));
                return held;
            }
        }
        Lock lock = REGISTRATIONS[Math.floorMod(subject.hashCode(), REGISTRATIONS.length)];
        try {
            return register(subject, schema, key, cached, lock);
        } catch (SchemaRegistryException.Unavailable e) {
            if (cached == null) {
                throw e;
            }
            // the id was this schema's a moment ago: an outage of the registry is no reason to stop writing with it
            log.warn("Subject '{}': the registry cannot confirm schema id {} now ({}); writing with the id held",
                    subject, cached.value(), e.getMessage());
            idsBySchema.put(key, new Expiring<>(cached.value(), nanoTime.getAsLong() + cacheTtlNanos));
            return cached.value();
        }
    }

    /**
     * {@link #register}, and the id held for every client of this JVM with the same registry and credentials: their
     * first record of this schema is written without a registry call.
     */
    int registerAhead(String subject, Schema schema) {
        int id = register(subject, schema);
        HELD.put(new HeldId(heldKey, new SubjectSchema(subject, schema)), id);
        return id;
    }

    private int register(String subject, Schema schema, SubjectSchema key, Expiring<Integer> cached, Lock lock) {
        Response r = call("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema), true, lock);
        expectOk(r, "register a schema under subject '" + subject + "'");
        int id = r.body().path("id").asInt(-1);
        if (id < 0) {
            throw new SchemaRegistryException("Registry at " + r.url() + " answered the registration under subject '"
                    + subject + "' without an id", r.status(), -1, r.url(), null);
        }
        if (cached != null && cached.value() != id) {
            log.warn("Subject '{}': the registry at {} now gives id {} to the schema it had given id {} (restored or "
                    + "replaced registry); writing with id {}", subject, r.url(), id, cached.value(), id);
        }
        idsBySchema.put(key, new Expiring<>(id, nanoTime.getAsLong() + cacheTtlNanos));
        schemasById.computeIfAbsent(id, k -> schema);
        return id;
    }

    /**
     * {@code GET /schemas/ids/{id}}. Cached until a failover (an id names one schema for the life of a registry).
     * Throws {@link SchemaRegistryException} with status 404 for unknown ids.
     */
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
        Expiring<RegisteredSchema> cached = lookups.get(key);
        if (cached != null && nanoTime.getAsLong() - cached.expiresAt() < 0) {
            return Optional.of(cached.value());
        }
        Response r;
        try {
            r = call("POST", "/subjects/" + encode(subject), schemaBody(schema), true);
        } catch (SchemaRegistryException.Unavailable e) {
            if (cached == null) {
                throw e;
            }
            log.warn("Subject '{}': the registry cannot confirm schema id {} now ({}); writing with the id held",
                    subject, cached.value().id(), e.getMessage());
            lookups.put(key, new Expiring<>(cached.value(), nanoTime.getAsLong() + cacheTtlNanos));
            return Optional.of(cached.value());
        }
        if (r.status() == 404) {
            lookups.remove(key);
            idsBySchema.remove(key);
            return Optional.empty();
        }
        expectOk(r, "look up a schema under subject '" + subject + "'");
        RegisteredSchema found = registered(subject, r);
        long expiresAt = nanoTime.getAsLong() + cacheTtlNanos;
        lookups.put(key, new Expiring<>(found, expiresAt));
        idsBySchema.put(key, new Expiring<>(found.id(), expiresAt));
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
        closed = true;
        owned.close();
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

    private Schema parse(String text, String what, String url) {
        if (text == null) {
            throw new SchemaRegistryException("Registry at " + url + " returned no schema text for " + what, 200, -1, url, null);
        }
        if (text.length() > maxSchemaBytes || text.getBytes(StandardCharsets.UTF_8).length > maxSchemaBytes) {
            throw new SchemaRegistryException("Registry at " + url + " returned a schema for " + what + " of more than "
                    + maxSchemaBytes + " bytes (" + AvroConverterConfig.MAX_SCHEMA_BYTES + "); not parsed", 200, -1, url, null);
        }
        try {
            return new Schema.Parser().parse(text);
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException("Registry at " + url + " returned an unparseable Avro schema for " + what
                    + ": " + SafeText.quote(e.getMessage()), 200, -1, url, e);
        } catch (StackOverflowError e) {
            throw new SchemaRegistryException("Registry at " + url + " returned an Avro schema for " + what
                    + " nested too deeply to parse", 200, -1, url, null);
        }
    }

    private RegisteredSchema registered(String subject, Response r) {
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
        throw new SchemaRegistryException("Schema registry at " + r.url() + " refused to " + what + ": HTTP " + r.status()
                + (code > 0 ? " (error " + code + ")" : "") + describeError(b) + RegistryStatus.remedy(r.status(), code),
                r.status(), code, r.url(), null);
    }

    /**
     * Sends one request, failing over across URLs on connection errors and on the statuses that mean "not now" (408,
     * 429, 5xx: {@link RegistryStatus#retriable}). With {@code retry}, rounds are repeated with exponential backoff (never
     * sooner than a {@code Retry-After} asks) until the retry budget ({@code schema.registry.retry.timeout.ms},
     * {@code max.retries}) is spent. Returns any other answer.
     */
    private Response call(String method, String path, String body, boolean retry) {
        return call(method, path, body, retry, null);
    }

    /** As {@link #call(String, String, String, boolean)}, each round over the URLs (not the backoff) under {@code lock}. */
    private Response call(String method, String path, String body, boolean retry, Lock lock) {
        if (closed) {
            throw new IllegalStateException("the schema registry client for " + urls() + " is closed");
        }
        long start = System.nanoTime();
        long deadline = start + Duration.ofMillis(retryTimeoutMs).toNanos();
        long backoff = backoffMs;
        int rounds = 0;
        Failures f = new Failures(endpoints.get(active).redacted());
        while (true) {
            f.retryAfterMs = -1;
            acquire(lock, method, path);
            Response answer;
            try {
                answer = round(method, path, body, retry, f);
            } finally {
                if (lock != null) {
                    lock.unlock();
                }
            }
            if (answer != null) {
                return answer;
            }
            rounds++;
            // a Retry-After is the registry's word on when to come back: never sooner
            long wait = Math.max(backoff, f.retryAfterMs);
            long now = System.nanoTime();
            boolean retriesLeft = maxRetries == null || rounds <= maxRetries;
            if (!retry || !retriesLeft || now + Duration.ofMillis(wait).toNanos() > deadline) {
                long elapsedMs = Duration.ofNanos(now - start).toMillis();
                throw new SchemaRegistryException.Unavailable("Schema registry unavailable: " + method + " " + path
                        + " failed on " + urls() + " after " + f.attempts + " attempt(s) in " + elapsedMs + " ms; last: "
                        + f.lastFailure + (f.retryAfterMs > 0 ? " (Retry-After " + f.retryAfterMs + " ms)" : ""),
                        f.lastStatus, f.lastUrl, f.lastCause);
            }
            log.warn("Schema registry unavailable ({}); retrying in {} ms", f.lastFailure, wait);
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException.Unavailable("Interrupted while waiting to retry " + method + " " + path
                        + " on " + urls(), f.lastStatus, f.lastUrl, e);
            }
            backoff = Math.min(Math.max(1, backoff * 2), backoffMaxMs);
        }
    }

    /** What the failed attempts of one call saw, for its message. */
    private static final class Failures {
        int attempts;
        String lastFailure;
        int lastStatus = -1;
        String lastUrl;
        Throwable lastCause;
        long retryAfterMs = -1;

        Failures(String url) {
            this.lastUrl = url;
        }
    }

    /** One pass over the URLs from the active one: the first final answer, or null when every URL failed. */
    private Response round(String method, String path, String body, boolean retry, Failures f) {
        int first = active;
        for (int i = 0; i < endpoints.size(); i++) {
            int index = (first + i) % endpoints.size();
            Endpoint ep = endpoints.get(index);
            f.attempts++;
            f.lastUrl = ep.redacted();
            try {
                Response r = send(ep, method, path, body);
                if (!RegistryStatus.retriable(r.status())) {
                    if (index != active) {
                        failedOver(ep);
                        active = index;
                    }
                    return r;
                }
                f.lastStatus = r.status();
                f.lastCause = null;
                f.retryAfterMs = Math.max(f.retryAfterMs, r.retryAfterMs());
                f.lastFailure = "HTTP " + r.status() + " from " + ep.redacted() + describeError(r.body());
                if (!retry) {
                    // optional endpoints (compatibility, config): a 5xx is an answer
                    return r;
                }
            } catch (IOException e) {
                f.lastStatus = -1;
                f.lastCause = e;
                f.lastFailure = e.getClass().getSimpleName() + " from " + ep.redacted()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
            log.debug("Schema registry {} {} failed: {}", method, path, f.lastFailure);
        }
        return null;
    }

    /** Takes {@code lock} (if any) interruptibly, waiting at most {@link #LOCK_WAIT_MS}. */
    private void acquire(Lock lock, String method, String path) {
        if (lock == null) {
            return;
        }
        long waitMs = LOCK_WAIT_MS;
        try {
            if (!lock.tryLock(waitMs, TimeUnit.MILLISECONDS)) {
                throw new SchemaRegistryException.Unavailable("Waited " + waitMs + " ms for another registration of the "
                        + "same subject in this worker (" + method + " " + path + "); the record can be retried", -1,
                        activeUrl(), null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException.Unavailable("Interrupted while waiting for another registration of the same "
                    + "subject (" + method + " " + path + ")", -1, activeUrl(), e);
        }
    }

    /**
     * Requests now go to another URL: ids learnt from the previous registry may mean other schemas there (a registry
     * that is not replicated), so every cached id and schema is dropped and resolved again from the new one.
     */
    private void failedOver(Endpoint to) {
        idsBySchema.clear();
        schemasById.clear();
        lookups.clear();
        generation.incrementAndGet();
        log.warn("Schema registry requests now go to {}; cached schema ids are resolved again there", to.redacted());
    }

    /** The Confluent {@code message} of an error body, quoted only as far as it is safe; empty if none. */
    private static String describeError(JsonNode body) {
        if (body.has(NON_JSON)) {
            return " " + SafeText.nonJson(body.path(NON_JSON).asInt());
        }
        String msg = body.path("message").asText(body.path("responseMessage").asText(""));
        return msg.isBlank() ? "" : ": " + SafeText.quote(msg);
    }

    /** Marks a body that was not JSON (its size), so that it is described and never quoted. */
    private static final String NON_JSON = "benchlake.non-json-bytes";

    private String authorization() throws IOException {
        if (basicAuthorization != null) {
            return basicAuthorization;
        }
        if (staticBearer != null) {
            return staticBearer;
        }
        return oauth == null ? null : "Bearer " + oauth.token();
    }

    /** The lifetime (expires_in) of the current OAuth token in seconds (tests). */
    long tokenLifetimeSeconds() {
        return oauth == null ? 0 : oauth.lifetimeSeconds();
    }

    /** OAuth tokens fetched so far (tests). */
    long tokensFetched() {
        return oauth == null ? 0 : oauth.fetched();
    }

    private Response send(Endpoint ep, String method, String path, String body) throws IOException {
        Response r = sendOnce(ep, method, path, body);
        if (r.status() == 401 && oauth != null) {
            // revoked or expired early: one more try with a fresh token
            oauth.invalidate();
            r = sendOnce(ep, method, path, body);
        }
        return r;
    }

    private Response sendOnce(Endpoint ep, String method, String path, String body) throws IOException {
        URI target = URI.create(ep.base() + path);
        HttpRequest.Builder rb = HttpRequest.newBuilder(target)
                .timeout(readTimeout)
                .header("Accept", CONTENT_TYPE + ", application/json");
        String authorization = authorization();
        if (authorization != null) {
            rb.header("Authorization", authorization);
        }
        extraHeaders.forEach(rb::header);
        if (body != null) {
            rb.header("Content-Type", CONTENT_TYPE).method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        } else {
            rb.method(method, HttpRequest.BodyPublishers.noBody());
        }
        requests.incrementAndGet();
        HttpResponse<byte[]> resp;
        java.util.concurrent.CompletableFuture<HttpResponse<byte[]>> future =
                http.sendAsync(rb.build(), CappedBody.handler(maxResponseBytes));
        try {
            // the whole answer, body included, within the read timeout
            resp = future.get(readTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new HttpTimeoutException("no complete answer within " + readTimeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof CappedBody.TooLarge) {
                throw tooLarge(ep, method, path);
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException(String.valueOf(cause), cause);
        }
        if (CappedBody.declaredTooLarge(resp, maxResponseBytes)) {
            throw tooLarge(ep, method, path);
        }
        int status = resp.statusCode();
        if (status / 100 == 3) {
            String location = resp.headers().firstValue("Location").orElse(null);
            String to = location == null ? "(no Location)" : Urls.redact(resolve(target, location));
            throw new SchemaRegistryException("Schema registry at " + ep.redacted() + " answered " + method + " " + path
                    + " with HTTP " + status + ", a redirect to " + to + ". Redirects are not followed, so that "
                    + "credentials never leave the origin they are configured for: set "
                    + AvroConverterConfig.SCHEMA_REGISTRY_URL + " to the registry's own URL", status, -1, ep.redacted(), null);
        }
        JsonNode json;
        byte[] bytes = resp.body();
        try {
            json = bytes == null || bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
        } catch (IOException e) {
            ObjectNode n = JSON.createObjectNode();
            n.put(NON_JSON, bytes.length);
            json = n;
        }
        return new Response(status, Objects.requireNonNullElseGet(json, JSON::createObjectNode), ep.redacted(),
                RegistryStatus.retryAfterMs(resp.headers().firstValue("Retry-After").orElse(null), System.currentTimeMillis()));
    }

    private SchemaRegistryException tooLarge(Endpoint ep, String method, String path) {
        return new SchemaRegistryException("Schema registry at " + ep.redacted() + " answered " + method + " " + path
                + " with more than " + maxResponseBytes + " bytes (" + AvroConverterConfig.MAX_RESPONSE_BYTES
                + "); the answer was not read", 200, -1, ep.redacted(), null);
    }

    private static String resolve(URI base, String location) {
        try {
            return base.resolve(location).toString();
        } catch (IllegalArgumentException e) {
            return location;
        }
    }
}
