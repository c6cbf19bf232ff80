package dev.benchlake.quickstart.stack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real Confluent-API schema registry: Hortonworks (Cloudera) Schema Registry 0.9.1 with in-memory storage, run as its
 * own JVM ({@link ChildJvm}; its Jetty 9 / Jersey stack must not share a classpath with Kafka) from the jars the build
 * copies into {@link Layout#schemaRegistryLib()}.
 * <pre>{@code
 * try (SchemaRegistryProcess registry = SchemaRegistryProcess.startNew()) {
 *     String url = registry.confluentUrl();   // http://127.0.0.1:<port>/api/v1/confluent
 *     ...
 *     registry.kill();                        // outage (SIGKILL)
 *     registry.start();                       // back on the same port, empty (in-memory storage)
 * }
 * }</pre>
 * Known behaviour: ids are not contiguous; the same schema under two subjects gets two ids; version lists are
 * unordered; {@code /compatibility} and {@code /config} answer 500.
 */
public final class SchemaRegistryProcess implements AutoCloseable {
    public static final String MAIN_CLASS = "com.hortonworks.registries.webservice.RegistryApplication";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    /**
     * HTTPS instead of HTTP: Dropwizard's https connector with the server's key store and, with
     * {@code needClientAuth}, a trust store of the client certificates it accepts. {@code probe} is the client TLS
     * context the readiness check uses.
     */
    public record Tls(Path keyStore, String keyStorePassword, Path trustStore, String trustStorePassword,
            boolean needClientAuth, javax.net.ssl.SSLContext probe) {
    }

    private final int port;
    private final ChildJvm jvm;
    private final Tls tls;
    private final HttpClient http;

    /** Allocates ports and writes the configuration; {@link #start()} starts the process. */
    public SchemaRegistryProcess() throws IOException {
        this(null);
    }

    /** As {@link #SchemaRegistryProcess()}, serving HTTPS when {@code tls} is given. */
    public SchemaRegistryProcess(Tls tls) throws IOException {
        this.tls = tls;
        HttpClient.Builder probe = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
        if (tls != null) {
            probe.sslContext(tls.probe());
        }
        this.http = probe.build();
        Path workDir = Files.createTempDirectory(Layout.work("registry-work"), "registry-");
        Path jars = Files.createDirectories(workDir.resolve("jars"));
        this.port = freePort();
        Path config = workDir.resolve("registry.yaml");
        Files.writeString(config, yaml(port, freePort(), jars, tls), StandardCharsets.UTF_8);
        this.jvm = ChildJvm.of("schema-registry-" + port, Layout.classpath(Layout.schemaRegistryLib()),
                List.of("-Xmx256m"), MAIN_CLASS, List.of("server", config.toString()), workDir,
                Layout.work("registry-logs").resolve("registry-" + port + ".log"));
    }

    /** Creates and starts a registry, waiting until it answers. */
    public static SchemaRegistryProcess startNew() throws IOException {
        return startNew(null);
    }

    /** Creates and starts a registry serving HTTPS with {@code tls} (HTTP when null), waiting until it answers. */
    public static SchemaRegistryProcess startNew(Tls tls) throws IOException {
        SchemaRegistryProcess p = new SchemaRegistryProcess(tls);
        try {
            p.start();
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
        return p;
    }

    /** Starts the JVM (again, after {@link #stop()} or {@link #kill()}) and waits until the API answers (≤ 60 s). */
    public synchronized void start() {
        if (jvm.isAlive()) {
            return;
        }
        jvm.start().awaitReady("the schema registry answering on port " + port, START_TIMEOUT, this::answers);
    }

    private boolean answers() throws IOException, InterruptedException {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(confluentUrl() + "/subjects"))
                .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
        return r.statusCode() == 200;
    }

    /** Base URL of the Confluent-compatible API. */
    public String confluentUrl() {
        return (tls == null ? "http" : "https") + "://127.0.0.1:" + port + "/api/v1/confluent";
    }

    public int port() {
        return port;
    }

    public Path logFile() {
        return jvm.logFile();
    }

    public boolean isRunning() {
        return jvm.isAlive();
    }

    /** Graceful stop (SIGTERM), forced after 10 s. */
    public void stop() {
        jvm.stop(Duration.ofSeconds(10));
    }

    /** Abrupt outage (SIGKILL); returns once the process is gone. */
    public void kill() {
        jvm.kill();
    }

    @Override
    public void close() {
        jvm.close();
    }

    /** The last lines of the child's output, for failure messages. */
    public String logTail() {
        return jvm.logTail(40);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    private static String connector(int port, Tls tls) {
        if (tls == null) {
            return """
                    - type: http
                      bindHost: 127.0.0.1
                      port: %d
                """.formatted(port);
        }
        return """
                    - type: https
                      bindHost: 127.0.0.1
                      port: %d
                      keyStorePath: "%s"
                      keyStorePassword: "%s"
                      keyStoreType: PKCS12
                      trustStorePath: "%s"
                      trustStorePassword: "%s"
                      trustStoreType: PKCS12
                      needClientAuth: %s
                      validateCerts: false
                      validatePeers: false
                """.formatted(port, tls.keyStore(), tls.keyStorePassword(), tls.trustStore(), tls.trustStorePassword(),
                tls.needClientAuth());
    }

    private static String yaml(int port, int adminPort, Path jars, Tls tls) {
        return """
                modules:
                  - name: schema-registry
                    className: com.hortonworks.registries.schemaregistry.webservice.SchemaRegistryModule
                    config:
                      schemaProviders:
                        - providerClass: "com.hortonworks.registries.schemaregistry.avro.AvroSchemaProvider"
                          defaultSerializerClass: "com.hortonworks.registries.schemaregistry.serdes.avro.AvroSnapshotSerializer"
                          defaultDeserializerClass: "com.hortonworks.registries.schemaregistry.serdes.avro.AvroSnapshotDeserializer"
                      schemaCacheSize: 10000
                      schemaCacheExpiryInterval: 3600
                servletFilters:
                 - className: "com.hortonworks.registries.schemaregistry.webservice.RewriteUriFilter"
                   params:
                     forwardPaths: "/api/v1/confluent,/subjects/*,/schemas/ids/*"
                     redirectPaths: "/ui/,/"
                fileStorageConfiguration:
                  className: "com.hortonworks.registries.common.util.LocalFileSystemStorage"
                  properties:
                    directory: "%s"
                storageProviderConfiguration:
                 providerClass: "com.hortonworks.registries.storage.impl.memory.InMemoryStorageManager"
                enableCors: false
                server:
                  applicationConnectors:
                %s  adminConnectors:
                    - type: http
                      bindHost: 127.0.0.1
                      port: %d
                logging:
                  level: INFO
                swagger:
                  resourcePackage: com.hortonworks.registries.schemaregistry.webservice
                """.formatted(jars, connector(port, tls), adminPort);
    }
}
