package dev.benchlake.connect;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A registry for the connector's tests: registers every schema POSTed to {@code /subjects/{subject}/versions} (one
 * id per subject and body), counts every request, and can be down (HTTP 503 to everything) or refuse one subject
 * (HTTP 409, incompatible). Anything else is answered 404.
 */
final class CountingRegistry implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, Integer> ids = new ConcurrentHashMap<>();
    private final Map<String, Integer> registrations = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger nextId = new AtomicInteger(100);
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    private volatile boolean down;

    CountingRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void down(boolean isDown) {
        this.down = isDown;
    }

    void refuse(String subject) {
        refused.add(subject);
    }

    int requests() {
        return requests.get();
    }

    /** Subject -> registrations answered with an id. */
    Map<String, Integer> registrations() {
        return Map.copyOf(registrations);
    }

    /** The id given to the first schema registered under the subject, or null. */
    Integer idOf(String subject) {
        return ids.entrySet().stream().filter(e -> e.getKey().startsWith(subject + "\n")).map(Map.Entry::getValue)
                .findFirst().orElse(null);
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = exchange.getRequestURI().getPath();
        if (down) {
            answer(exchange, 503, "{\"error_code\":50301,\"message\":\"down for maintenance\"}");
            return;
        }
        if ("POST".equals(exchange.getRequestMethod()) && path.startsWith("/subjects/") && path.endsWith("/versions")) {
            String subject = path.substring("/subjects/".length(), path.length() - "/versions".length());
            if (refused.contains(subject)) {
                answer(exchange, 409, "{\"error_code\":40901,\"message\":\"Schema being registered is incompatible\"}");
                return;
            }
            int id = ids.computeIfAbsent(subject + "\n" + body, k -> nextId.getAndIncrement());
            registrations.merge(subject, 1, Integer::sum);
            answer(exchange, 200, "{\"id\":" + id + "}");
            return;
        }
        answer(exchange, 404, "{\"error_code\":40401,\"message\":\"Subject not found\"}");
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
