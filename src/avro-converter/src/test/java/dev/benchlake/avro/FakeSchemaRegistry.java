package dev.benchlake.avro;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * An in-process Confluent-API schema registry for unit tests (JDK {@code HttpServer} on 127.0.0.1, random port).
 * BACKWARD compatibility on registration (409 / 40901), ids starting at a random-ish offset and not contiguous
 * (like the real ones, so tests cannot rely on them), counters for every request, scripted 5xx failures, optional
 * basic auth, and switchable {@code /compatibility} + {@code /config} support (answering 500 like the Hortonworks
 * registry when off).
 */
final class FakeSchemaRegistry implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Request(String method, String path, String authorization, String body) {
    }

    private record Version(int version, int id, Schema schema) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final Map<String, List<Version>> subjects = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> ids = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger(7 + (int) (System.nanoTime() % 50));
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger failures = new AtomicInteger();
    private volatile int failureStatus = 503;
    private volatile String failureRetryAfter;
    private volatile String requiredAuthorization;
    private volatile java.util.function.Predicate<String> authorizationCheck;
    private volatile boolean compatibilityEndpoints;
    private volatile long registrationMillis;
    private final AtomicInteger registrationsInFlight = new AtomicInteger();
    private final AtomicInteger mostRegistrationsInFlight = new AtomicInteger();
    /** Whether this handler thread counts a registration in flight (ended just before its answer is written). */
    private final ThreadLocal<Boolean> registering = ThreadLocal.withInitial(() -> false);

    FakeSchemaRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** A converter's configs for this registry, retrying fast (10 ms apart, for 300 ms), and {@code kv} on top. */
    java.util.Map<String, Object> converterConfigs(Object... kv) {
        java.util.Map<String, Object> m = new java.util.HashMap<>();
        m.put(AvroConverterConfig.SCHEMA_REGISTRY_URL, url());
        m.put(AvroConverterConfig.RETRY_BACKOFF_MS, 10L);
        m.put(AvroConverterConfig.RETRY_TIMEOUT_MS, 300L);
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    int port() {
        return server.getAddress().getPort();
    }

    List<Request> requests() {
        return Collections.unmodifiableList(requests);
    }

    long count(String method, String pathPrefix) {
        return requests.stream().filter(r -> r.method().equals(method) && r.path().startsWith(pathPrefix)).count();
    }

    /** The next {@code n} requests answer {@code status} (e.g. 503). */
    void failNext(int n, int status) {
        failNext(n, status, null);
    }

    /** The next {@code n} requests answer {@code status} with this {@code Retry-After} header (none when null). */
    void failNext(int n, int status, String retryAfter) {
        failureStatus = status;
        failureRetryAfter = retryAfter;
        failures.set(n);
    }

    void requireBasicAuth(String user, String password) {
        requiredAuthorization = "Basic " + java.util.Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Every request's Authorization header (null when absent) must pass this check (else 401). */
    void checkAuthorization(java.util.function.Predicate<String> check) {
        authorizationCheck = check;
    }

    /** Every request must carry exactly this Authorization header (else 401). */
    void requireAuthorization(String header) {
        requiredAuthorization = header;
    }

    /** Forgets every subject and id, as a registry restored from an older backup or replaced by an empty one. */
    void wipe() {
        synchronized (subjects) {
            subjects.clear();
            ids.clear();
            nextId.addAndGet(1_000);
        }
    }

    /** Answer /compatibility and /config properly (default: 500, as the Hortonworks registry does). */
    void supportCompatibilityEndpoints(boolean on) {
        compatibilityEndpoints = on;
    }

    /** Each registration (POST /subjects/{s}/versions) takes this long: a slow registry, where registrations can overlap. */
    void slowRegistrations(long millis) {
        registrationMillis = millis;
    }

    /** The most registrations this registry was handling at one moment. */
    int mostRegistrationsInFlight() {
        return mostRegistrationsInFlight.get();
    }

    /** The id registered for a subject's latest version (tests compare ids, never assert their values). */
    int latestId(String subject) {
        List<Version> versions = subjects.get(subject);
        return versions.get(versions.size() - 1).id();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ------------------------------------------------------------------------------------------------------------

    private void handle(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = ex.getRequestURI().getRawPath();
        requests.add(new Request(ex.getRequestMethod(), path, ex.getRequestHeaders().getFirst("Authorization"), body));
        try {
            if (failures.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
                if (failureRetryAfter != null) {
                    ex.getResponseHeaders().set("Retry-After", failureRetryAfter);
                }
                send(ex, failureStatus, error(failureStatus * 100 + 1, "injected failure"));
                return;
            }
            String authorization = ex.getRequestHeaders().getFirst("Authorization");
            if (requiredAuthorization != null && !requiredAuthorization.equals(authorization)
                    || authorizationCheck != null && !authorizationCheck.test(authorization)) {
                send(ex, 401, error(40101, "Unauthorized"));
                return;
            }
            boolean registration = "POST".equals(ex.getRequestMethod()) && path.matches("/subjects/[^/]+/versions");
            if (registration) {
                mostRegistrationsInFlight.accumulateAndGet(registrationsInFlight.incrementAndGet(), Math::max);
                registering.set(true);
            }
            try {
                if (registration && registrationMillis > 0) {
                    Thread.sleep(registrationMillis);
                }
                route(ex, ex.getRequestMethod(), path, body);
            } finally {
                endRegistration();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            send(ex, 500, error(50001, "interrupted"));
        } catch (RuntimeException e) {
            send(ex, 500, error(50001, e.toString()));
        }
    }

    private void route(HttpExchange ex, String method, String rawPath, String body) throws IOException {
        String[] parts = rawPath.substring(1).split("/");
        for (int i = 0; i < parts.length; i++) {
            parts[i] = URLDecoder.decode(parts[i], StandardCharsets.UTF_8);
        }
        if (parts[0].equals("compatibility") || parts[0].equals("config")) {
            if (!compatibilityEndpoints) {
                ObjectNode n = JSON.createObjectNode();
                n.put("responseMessage", "An exception with message [HTTP 404 Not Found] was thrown while processing request.");
                send(ex, 500, n);
                return;
            }
            if (parts[0].equals("config")) {
                ObjectNode n = JSON.createObjectNode();
                n.put("compatibilityLevel", "BACKWARD");
                send(ex, 200, n);
                return;
            }
            String subject = parts[2];
            List<Version> versions = subjects.get(subject);
            if (versions == null) {
                send(ex, 404, error(40401, "Subject not found"));
                return;
            }
            Schema schema = parseBody(body);
            ObjectNode n = JSON.createObjectNode();
            n.put("is_compatible", compatible(schema, versions.get(versions.size() - 1).schema()));
            send(ex, 200, n);
            return;
        }
        if (parts[0].equals("schemas") && parts.length == 3 && parts[1].equals("ids") && method.equals("GET")) {
            Schema schema = ids.get(Integer.parseInt(parts[2]));
            if (schema == null) {
                send(ex, 404, error(40403, "Schema not found"));
                return;
            }
            ObjectNode n = JSON.createObjectNode();
            n.put("schema", schema.toString());
            send(ex, 200, n);
            return;
        }
        if (parts[0].equals("subjects")) {
            if (parts.length == 1 && method.equals("GET")) {
                send(ex, 200, JSON.valueToTree(new ArrayList<>(subjects.keySet())));
                return;
            }
            String subject = parts[1];
            if (parts.length == 2 && method.equals("POST")) {
                Schema schema = parseBody(body);
                List<Version> versions = subjects.get(subject);
                if (versions == null) {
                    send(ex, 404, error(40401, "Subject not found"));
                    return;
                }
                for (Version v : versions) {
                    if (v.schema().equals(schema)) {
                        send(ex, 200, version(subject, v));
                        return;
                    }
                }
                send(ex, 404, error(40403, "Schema not found"));
                return;
            }
            if (parts.length == 3 && parts[2].equals("versions") && method.equals("POST")) {
                Schema schema = parseBody(body);
                synchronized (subjects) {
                    List<Version> versions = subjects.computeIfAbsent(subject, k -> new CopyOnWriteArrayList<>());
                    for (Version v : versions) {
                        if (v.schema().equals(schema)) {
                            send(ex, 200, idBody(v.id()));
                            return;
                        }
                    }
                    if (!versions.isEmpty() && !compatible(schema, versions.get(versions.size() - 1).schema())) {
                        send(ex, 409, error(40901, "Schema being registered is incompatible with an earlier schema"));
                        return;
                    }
                    int id = nextId.getAndAdd(3);
                    ids.put(id, schema);
                    versions.add(new Version(versions.size() + 1, id, schema));
                    send(ex, 200, idBody(id));
                    return;
                }
            }
            if (parts.length >= 3 && parts[2].equals("versions") && method.equals("GET")) {
                List<Version> versions = subjects.get(subject);
                if (versions == null || versions.isEmpty()) {
                    send(ex, 404, error(40401, "Subject not found"));
                    return;
                }
                if (parts.length == 3) {
                    List<Integer> numbers = new ArrayList<>();
                    versions.forEach(v -> numbers.add(v.version()));
                    Collections.reverse(numbers); // unordered, like the Hortonworks registry
                    send(ex, 200, JSON.valueToTree(numbers));
                    return;
                }
                Version v = parts[3].equals("latest") ? versions.get(versions.size() - 1)
                        : versions.stream().filter(x -> x.version() == Integer.parseInt(parts[3])).findFirst().orElse(null);
                if (v == null) {
                    send(ex, 404, error(40402, "Version not found"));
                    return;
                }
                send(ex, 200, version(subject, v));
                return;
            }
        }
        send(ex, 404, error(404, "HTTP 404 Not Found"));
    }

    private static boolean compatible(Schema newSchema, Schema old) {
        return SchemaCompatibility.checkReaderWriterCompatibility(newSchema, old).getType()
                == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
    }

    private static Schema parseBody(String body) throws IOException {
        JsonNode n = JSON.readTree(body);
        return new Schema.Parser().parse(n.get("schema").asText());
    }

    private static ObjectNode idBody(int id) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", id);
        return n;
    }

    private static ObjectNode version(String subject, Version v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("subject", subject);
        m.put("version", v.version());
        m.put("id", v.id());
        m.put("schema", v.schema().toString());
        return JSON.valueToTree(m);
    }

    private static ObjectNode error(int code, String message) {
        ObjectNode n = JSON.createObjectNode();
        n.put("error_code", code);
        n.put("message", message);
        return n;
    }

    private void endRegistration() {
        if (registering.get()) {
            registering.set(false);
            registrationsInFlight.decrementAndGet();
        }
    }

    private void send(HttpExchange ex, int status, JsonNode body) throws IOException {
        endRegistration();
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", SchemaRegistryClient.CONTENT_TYPE);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
