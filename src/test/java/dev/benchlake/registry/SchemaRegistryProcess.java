package dev.benchlake.registry;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.awaitility.core.ConditionTimeoutException;

/**
 * A real Confluent-API schema registry for integration tests: Hortonworks (Cloudera) Schema Registry 0.9.1 with
 * in-memory storage, run as its own JVM (its Jetty 9 / Jersey stack must not share a classpath with Kafka).
 * <p>
 * The registry's classpath is resolved by the build into {@code target/registry-classpath.txt} (see the
 * "registry classpath" block of pom.xml; by hand: {@code mvn -q -f registry/pom.xml dependency:build-classpath
 * -Dmdep.outputFile=$PWD/target/registry-classpath.txt -DincludeScope=runtime}); the system property
 * {@code benchlake.registry.classpath} may name another file.
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
    public static final String CLASSPATH_PROPERTY = "benchlake.registry.classpath";
    public static final String MAIN_CLASS = "com.hortonworks.registries.webservice.RegistryApplication";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path workDir;
    private final Path config;
    private final Path logFile;
    private final int port;
    private final int adminPort;
    private final String classpath;
    private final Thread shutdownHook;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;

    /** Allocates ports and writes the configuration; {@link #start()} starts the process. */
    public SchemaRegistryProcess() throws IOException {
        this.classpath = readClasspath();
        Path target = projectDir().resolve("target");
        Files.createDirectories(target.resolve("registry-work"));
        this.workDir = Files.createTempDirectory(target.resolve("registry-work"), "registry-");
        Path jars = Files.createDirectories(workDir.resolve("jars"));
        this.port = freePort();
        this.adminPort = freePort();
        this.config = workDir.resolve("registry.yaml");
        Files.writeString(config, yaml(port, adminPort, jars), StandardCharsets.UTF_8);
        Path logs = Files.createDirectories(target.resolve("registry-logs"));
        this.logFile = logs.resolve("registry-" + port + ".log");
        this.shutdownHook = new Thread(this::destroyNow, "schema-registry-shutdown-" + port);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Creates and starts a registry, waiting until it answers. */
    public static SchemaRegistryProcess startNew() throws IOException {
        SchemaRegistryProcess p = new SchemaRegistryProcess();
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
        if (isRunning()) {
            return;
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Djava.io.tmpdir=" + workDir, "-cp", classpath, MAIN_CLASS, "server", config.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the schema registry JVM", e);
        }
        Process started = process;
        try {
            await("schema registry on port " + port).atMost(START_TIMEOUT).pollDelay(Duration.ofMillis(200))
                    .pollInterval(Duration.ofMillis(250)).ignoreExceptionsInstanceOf(IOException.class)
                    .until(() -> {
                        if (!started.isAlive()) {
                            throw new IllegalStateException("The schema registry exited with code " + started.exitValue()
                                    + " before answering; log " + logFile + ":\n" + logTail());
                        }
                        return answers();
                    });
        } catch (ConditionTimeoutException e) {
            destroyNow();
            throw new IllegalStateException("The schema registry did not answer within " + START_TIMEOUT.toSeconds()
                    + " s; log " + logFile + ":\n" + logTail(), e);
        }
    }

    private boolean answers() throws IOException, InterruptedException {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(confluentUrl() + "/subjects"))
                .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
        return r.statusCode() == 200;
    }

    /** Base URL of the Confluent-compatible API. */
    public String confluentUrl() {
        return "http://127.0.0.1:" + port + "/api/v1/confluent";
    }

    public int port() {
        return port;
    }

    public Path logFile() {
        return logFile;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Graceful stop (SIGTERM), forced after 10 s. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        process = null;
    }

    /** Abrupt outage (SIGKILL); returns once the process is gone. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    private void destroyNow() {
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
        }
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook runs anyway
        }
    }

    /** The last lines of the child's output, for failure messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    // ------------------------------------------------------------------------------------------------------------

    private static Path projectDir() {
        String basedir = System.getProperty("basedir");
        return Path.of(basedir != null ? basedir : System.getProperty("user.dir")).toAbsolutePath();
    }

    private static String readClasspath() throws IOException {
        String override = System.getProperty(CLASSPATH_PROPERTY);
        Path file = override != null ? Path.of(override) : projectDir().resolve("target/registry-classpath.txt");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("The schema registry classpath file " + file + " does not exist. `mvn verify` "
                    + "writes it (phase pre-integration-test); by hand: mvn -q -f registry/pom.xml "
                    + "dependency:build-classpath -Dmdep.outputFile=$PWD/target/registry-classpath.txt -DincludeScope=runtime");
        }
        String cp = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (cp.isEmpty()) {
            throw new IllegalStateException("The schema registry classpath file " + file + " is empty");
        }
        return cp;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    private static String yaml(int port, int adminPort, Path jars) {
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
                    - type: http
                      bindHost: 127.0.0.1
                      port: %d
                  adminConnectors:
                    - type: http
                      bindHost: 127.0.0.1
                      port: %d
                logging:
                  level: INFO
                swagger:
                  resourcePackage: com.hortonworks.registries.schemaregistry.webservice
                """.formatted(jars, port, adminPort);
    }
}
