package dev.benchlake.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.benchlake.emulator.ManualClock;
import dev.benchlake.emulator.SageMakerEmulator;
import dev.benchlake.emulator.Scenario;
import dev.benchlake.it.ApicurioRegistryProcess;
import dev.benchlake.it.ConnectHarness;
import dev.benchlake.quickstart.stack.Layout;
import dev.benchlake.quickstart.stack.ShippedConfig;

/**
 * A sink reads Benchlake's records with a converter that is not Benchlake's: Apicurio Registry's
 * ({@code io.apicurio.registry.utils.converter.AvroConverter} 2.6, from its own plugin folder, with
 * {@code apicurio.registry.id-handler=io.apicurio.registry.serde.Legacy4ByteIdHandler} and
 * {@code apicurio.registry.use-id=contentId}: Confluent's framing, a
 * 4-byte id), against a second registry implementation, Apicurio Registry, to which Benchlake's converter writes
 * through its Confluent-compatible API. config/benchlake-source.json runs as shipped (the registry's, SageMaker's and
 * the cluster size's placeholders substituted), and config/benchlake-sink-postgres.json runs twice, into two databases:
 * once as shipped (Benchlake's converter, reading Apicurio's Confluent-compatible API) and once with only its
 * {@code key.converter*} and {@code value.converter*} keys replaced by Apicurio's converter (docs/deploy.md, "Sinks
 * without Benchlake"). Both land the scenario's rows, and the same rows.
 */
class SinksWithoutBenchlakeIT {
    private static final String DB_PASSWORD = "benchlake-it-password";
    private static final String APICURIO_DB = "landed_by_apicurio";
    private static final String BENCHLAKE_DB = "landed_by_benchlake";
    private static final String APICURIO_CONVERTER = "io.apicurio.registry.utils.converter.AvroConverter";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static EmbeddedPostgres postgres;
    private static ApicurioRegistryProcess registry;
    private static ConnectHarness connect;
    private static SageMakerEmulator emulator;

    @BeforeAll
    static void start() throws Exception {
        // its JVM starts while PostgreSQL, Kafka and Connect do
        registry = ApicurioRegistryProcess.launch();
        postgres = EmbeddedPostgres.builder().start();
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("CREATE ROLE benchlake LOGIN PASSWORD '" + DB_PASSWORD + "'");
            for (String db : List.of(APICURIO_DB, BENCHLAKE_DB)) {
                s.execute("CREATE DATABASE " + db + " OWNER benchlake");
            }
        }
        for (String db : List.of(APICURIO_DB, BENCHLAKE_DB)) {
            for (String file : List.of("01_landing_tables.sql", "02_models.sql")) {
                try (Connection c = db(db); Statement s = c.createStatement()) {
                    s.execute(Files.readString(Layout.file("warehouse/postgres").resolve(file)));
                }
            }
        }
        Map<String, String> worker = new HashMap<>();
        // Debezium's JDBC sink and Benchlake's plugin, and beside them Apicurio's converter in a folder of its own
        worker.put("plugin.path", Layout.pluginPath() + "," + Layout.apicurioConverterPluginPath());
        // plugin.discovery=service_load (ConnectHarness): the folder holds the manifest Apicurio's jar lacks
        worker.put("exactly.once.source.support", "enabled");
        worker.put("consumer.isolation.level", "read_committed");
        connect = ConnectHarness.start("benchlake-sinks-without-benchlake-it", 1, 1, worker);
        // every step of the scenario has reached its last version
        emulator = SageMakerEmulator.start(Scenario.fromResource(ShippedConfigsIT.SCENARIO),
                new ManualClock().set(Duration.ofSeconds(2_000)));
        registry.awaitReady();
    }

    @AfterAll
    static void stop() throws Exception {
        if (emulator != null) {
            emulator.close();
        }
        if (connect != null) {
            connect.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void apicuriosConverterLandsBenchlakesRecordsAsBenchlakesOwnDoes() throws Exception {
        ShippedConfig source = ShippedConfig.load("benchlake-source.json").schemaRegistry(registry.confluentUrl())
                .sagemakerEndpoint(emulator.endpoint()).staticAwsCredentials("AKIDBENCHLAKETEST", "benchlake-test-secret")
                .replicationFactor(1);
        ShippedConfig ownSink = sink(BENCHLAKE_DB);
        Map<String, String> apicurioSink = withApicuriosConverter(sink(APICURIO_DB).config(), registry.apiUrl());
        // the second sink differs from the shipped one in its converters only (and the addresses and the password)
        Map<String, String> rest = new TreeMap<>(apicurioSink);
        rest.keySet().removeIf(k -> k.startsWith("key.converter") || k.startsWith("value.converter"));
        Map<String, String> shippedRest = new TreeMap<>(ownSink.config());
        shippedRest.keySet().removeIf(k -> k.startsWith("key.converter") || k.startsWith("value.converter"));
        shippedRest.put("connection.url", rest.get("connection.url"));
        assertThat(rest).isEqualTo(shippedRest);
        assertThat(apicurioSink).containsEntry("key.converter", APICURIO_CONVERTER)
                .containsEntry("value.converter", APICURIO_CONVERTER);
        // the premise: Benchlake's plugin cannot be what the second sink reads with
        assertThat(APICURIO_CONVERTER).doesNotStartWith("dev.benchlake");

        // the worker sees Apicurio's converter as a plugin of its own folder
        JsonNode plugins = get(connect.connect().endpointForResource("connector-plugins?connectorsOnly=false"));
        List<String> converters = new ArrayList<>();
        plugins.forEach(p -> converters.add(p.get("class").asText()));
        assertThat(converters).contains(APICURIO_CONVERTER, "dev.benchlake.avro.AvroConverter");

        connect.startConnector(source.name(), source.config());
        connect.startConnector(ownSink.name(), ownSink.config());
        connect.startConnector("benchlake-sink-postgres-apicurio", apicurioSink);

        List<String> jobNames = List.of("resnet50-nightly-001");
        Map<String, ObjectNode> expected = ShippedConfigsIT.expectedSteps(jobNames);
        assertThat(expected).as("resnet50-nightly-001 has 3 steps").hasSize(3);
        for (String db : List.of(APICURIO_DB, BENCHLAKE_DB)) {
            Awaitility.await("3 steps and 1 job in " + db).atMost(Duration.ofSeconds(120))
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(250))
                    .untilAsserted(() -> {
                        assertThat(count(db, "benchmark_steps")).as(connect.statusReport()).isEqualTo(3L);
                        assertThat(count(db, "recommendation_jobs")).as(connect.statusReport()).isEqualTo(1L);
                    });
        }

        // Apicurio's converter landed what the scenario holds
        List<Map<String, Object>> steps = query(APICURIO_DB, "SELECT * FROM benchmark_steps ORDER BY endpoint_name");
        assertThat(steps).extracting(r -> (String) r.get("endpoint_name")).containsExactlyElementsOf(expected.keySet());
        for (Map<String, Object> row : steps) {
            JsonNode step = expected.get((String) row.get("endpoint_name"));
            JsonNode benchmark = step.get("InferenceBenchmark");
            JsonNode metrics = benchmark.get("Metrics");
            assertThat(row).as((String) row.get("endpoint_name"))
                    .containsEntry("job_name", "resnet50-nightly-001")
                    .containsEntry("aws_region", "us-east-1")
                    .containsEntry("aws_account_id", "123456789012")
                    .containsEntry("status", step.get("Status").asText())
                    .containsEntry("is_terminal", true)
                    .containsEntry("instance_type", benchmark.get("EndpointConfiguration").get("InstanceType").asText())
                    .containsEntry("initial_instance_count",
                            benchmark.get("EndpointConfiguration").get("InitialInstanceCount").asInt())
                    .containsEntry("cost_per_hour", metrics.get("CostPerHour").asDouble())
                    .containsEntry("cost_per_inference", metrics.get("CostPerInference").asDouble())
                    .containsEntry("max_invocations", metrics.get("MaxInvocations").asInt())
                    .containsEntry("model_latency_ms", metrics.get("ModelLatency").asInt())
                    .containsEntry("cpu_utilization", metrics.get("CpuUtilization").asDouble())
                    .containsEntry("memory_utilization", metrics.get("MemoryUtilization").asDouble());
        }
        List<Map<String, Object>> jobs = query(APICURIO_DB, "SELECT * FROM recommendation_jobs");
        assertThat(jobs).extracting(r -> r.get("job_name") + "|" + r.get("status") + "|" + r.get("model_name") + "|"
                + r.get("model_package_version_arn")).containsExactlyElementsOf(ShippedConfigsIT.expectedJobs(jobNames));
        // and every column of every row is what Benchlake's own converter landed from the same records
        assertThat(steps).isEqualTo(query(BENCHLAKE_DB, "SELECT * FROM benchmark_steps ORDER BY endpoint_name"));
        assertThat(jobs).isEqualTo(query(BENCHLAKE_DB, "SELECT * FROM recommendation_jobs"));

        // on the wire: Confluent's framing (magic byte 0, the 4-byte id the Confluent-compatible API gave), no
        // Apicurio headers, and the id names the subject's schema in both of the registry's APIs
        for (String topic : List.of("benchlake.benchmark-steps", "benchlake.jobs")) {
            ConsumerRecords<byte[], byte[]> records = connect.connect().kafka().consumeAll(5_000, topic);
            assertThat(records.count()).as(topic).isGreaterThanOrEqualTo(topic.endsWith("jobs") ? 1 : 3);
            Set<Integer> valueIds = new TreeSet<>();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                assertThat(r.headers().toArray()).as(topic + " headers").isEmpty();
                assertThat(r.value()[0]).as(topic + " magic byte").isZero();
                assertThat(r.key()[0]).as(topic + " key magic byte").isZero();
                valueIds.add(ByteBuffer.wrap(r.value(), 1, 4).getInt());
            }
            assertThat(valueIds).as(topic).hasSize(1);
            int id = valueIds.iterator().next();
            JsonNode latest = get(registry.confluentUrl() + "/subjects/" + topic + "-value/versions/latest");
            assertThat(latest.get("id").asInt()).as(topic).isEqualTo(id);
            Schema registered = new Schema.Parser().parse(latest.get("schema").asText());
            Schema byContentId = new Schema.Parser().parse(getText(registry.apiUrl() + "/ids/contentIds/" + id));
            assertThat(byContentId).as(topic).isEqualTo(registered);
        }

        assertThat(connect.connect().kafka().consumeAll(2_000, ownSink.config().get("errors.deadletterqueue.topic.name")))
                .isEmpty();
        for (String name : List.of(ownSink.name(), "benchlake-sink-postgres-apicurio", source.name())) {
            assertThat(connect.connect().connectorStatus(name).tasks()).as(name)
                    .allSatisfy(t -> assertThat(t.state()).isEqualTo("RUNNING"));
        }
    }

    /** config/benchlake-sink-postgres.json as shipped, into {@code database}, the cluster's size substituted. */
    private static ShippedConfig sink(String database) {
        return ShippedConfig.load("benchlake-sink-postgres.json").schemaRegistry(registry.confluentUrl())
                .postgres("127.0.0.1", postgres.getPort(), database).postgresCredentials("benchlake", DB_PASSWORD)
                .replicationFactor(1);
    }

    /**
     * The shipped sink with Apicurio's converter for keys and values instead of Benchlake's, as docs/deploy.md gives
     * it: Confluent's framing (4-byte id, read as Apicurio's content id, which the Confluent-compatible API hands out),
     * no headers.
     */
    static Map<String, String> withApicuriosConverter(Map<String, String> sink, String apicurioApiUrl) {
        Map<String, String> config = new LinkedHashMap<>(sink);
        config.keySet().removeIf(k -> k.startsWith("key.converter") || k.startsWith("value.converter"));
        for (String side : List.of("key", "value")) {
            config.put(side + ".converter", APICURIO_CONVERTER);
            config.put(side + ".converter.apicurio.registry.url", apicurioApiUrl);
            config.put(side + ".converter.apicurio.registry.id-handler", "io.apicurio.registry.serde.Legacy4ByteIdHandler");
            config.put(side + ".converter.apicurio.registry.use-id", "contentId");
            config.put(side + ".converter.apicurio.registry.headers.enabled", "false");
        }
        return config;
    }

    private static String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + database;
    }

    private static Connection db(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), "benchlake", DB_PASSWORD);
    }

    private static long count(String database, String table) throws SQLException {
        return ((Number) query(database, "SELECT count(*) AS n FROM " + table).get(0).get("n")).longValue();
    }

    private static List<Map<String, Object>> query(String database, String sql) throws SQLException {
        try (Connection c = db(database); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<Map<String, Object>> rows = new ArrayList<>();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    private static String getText(String url) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url).isEqualTo(200);
        return r.body();
    }

    private static JsonNode get(String url) throws Exception {
        return JSON.readTree(getText(url));
    }
}
