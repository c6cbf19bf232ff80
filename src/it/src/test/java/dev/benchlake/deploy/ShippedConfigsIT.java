package dev.benchlake.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.benchlake.emulator.ManualClock;
import dev.benchlake.emulator.SageMakerEmulator;
import dev.benchlake.emulator.Scenario;
import dev.benchlake.it.ConnectHarness;
import dev.benchlake.quickstart.stack.Layout;
import dev.benchlake.quickstart.stack.SchemaRegistryProcess;
import dev.benchlake.quickstart.stack.ShippedConfig;

/**
 * config/benchlake-source.json and config/benchlake-sink-postgres.json deployed as a user deploys them, with only the
 * placeholders of {@link ShippedConfig} substituted (the registry's, PostgreSQL's and SageMaker's addresses, the
 * credentials): on a Connect worker of a three-broker Kafka cluster (the files ask for replication factor 3), with the
 * Debezium JDBC sink from plugin.path, a real schema registry, PostgreSQL with the landing tables of
 * warehouse/postgres/ owned by the file's user {@code benchlake}, and the emulator serving scenarios/three-jobs.json.
 * The jobs read are the file's own {@code job.names}. Every row that lands is checked against the scenario.
 */
class ShippedConfigsIT {
    private static final String SCENARIO = "scenarios/three-jobs.json";
    private static final String DB_PASSWORD = "benchlake-it-password";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static EmbeddedPostgres postgres;
    private static SchemaRegistryProcess registry;
    private static ConnectHarness connect;
    private static SageMakerEmulator emulator;

    @BeforeAll
    static void start() throws Exception {
        // a server time zone other than UTC: the sink's connection.url pins the session to UTC
        postgres = EmbeddedPostgres.builder().setServerConfig("timezone", "Asia/Kolkata").start();
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("CREATE ROLE benchlake LOGIN PASSWORD '" + DB_PASSWORD + "'");
            s.execute("CREATE DATABASE benchlake OWNER benchlake");
        }
        for (String file : List.of("01_landing_tables.sql", "02_models.sql")) {
            try (Connection c = benchlakeDb(); Statement s = c.createStatement()) {
                s.execute(Files.readString(Layout.file("warehouse/postgres").resolve(file)));
            }
        }
        registry = SchemaRegistryProcess.startNew();
        connect = ConnectHarness.start("benchlake-shipped-configs-it", 1, 3,
                Map.of("plugin.path", Layout.pluginPath().toString()));
        // every step of the scenario has reached its last version
        emulator = SageMakerEmulator.start(Scenario.fromResource(SCENARIO), new ManualClock().set(Duration.ofSeconds(2_000)));
    }

    @AfterAll
    static void stop() throws IOException {
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

    private static String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + database;
    }

    private static Connection benchlakeDb() throws SQLException {
        return DriverManager.getConnection(jdbcUrl("benchlake"), "benchlake", DB_PASSWORD);
    }

    @Test
    void theShippedSourceAndPostgresSinkLandEveryStepOfTheConfiguredJobs() throws Exception {
        ShippedConfig source = ShippedConfig.load("benchlake-source.json")
                .schemaRegistry(registry.confluentUrl())
                .sagemakerEndpoint(emulator.endpoint())
                // the keys the emulator knows: it checks the signature of every call the shipped config makes
                .staticAwsCredentials(Scenario.Credentials.DEFAULT.accessKeyId(), Scenario.Credentials.DEFAULT.secretAccessKey());
        ShippedConfig sink = ShippedConfig.load("benchlake-sink-postgres.json")
                .schemaRegistry(registry.confluentUrl())
                .postgres("127.0.0.1", postgres.getPort(), "benchlake")
                .postgresCredentials("benchlake", DB_PASSWORD);

        // only addresses and credentials differ from the files
        assertThat(source.substitutedKeys()).containsExactlyInAnyOrder("key.converter.schema.registry.url",
                "value.converter.schema.registry.url", "aws.endpoint.override", "aws.credentials.provider",
                "aws.access.key.id", "aws.secret.access.key");
        assertThat(sink.substitutedKeys()).containsExactlyInAnyOrder("key.converter.schema.registry.url",
                "value.converter.schema.registry.url", "connection.url", "connection.password");
        // the premise: the two files agree on what is on the wire
        for (String key : List.of("key.converter", "value.converter", "key.converter.schema.registry.url",
                "value.converter.schema.registry.url")) {
            assertThat(sink.config().get(key)).as(key).isEqualTo(source.config().get(key));
        }

        connect.startConnector(sink.name(), sink.config());
        connect.startConnector(source.name(), source.config());

        List<String> jobNames = List.of(source.config().get("job.names").split(","));
        Map<String, ObjectNode> expected = expectedSteps(jobNames);
        assertThat(expected).as("the file's jobs are the scenario's resnet50 (3 steps) and bert-base (4 steps)").hasSize(7);

        Awaitility.await("7 steps and 2 jobs in PostgreSQL").atMost(Duration.ofSeconds(120))
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                    assertThat(scalar("SELECT count(*) FROM benchmark_steps")).isEqualTo(7L);
                    assertThat(scalar("SELECT count(*) FROM recommendation_jobs")).isEqualTo(2L);
                });

        Map<String, Map<String, Object>> rows = new TreeMap<>();
        for (Map<String, Object> row : query("SELECT * FROM benchmark_steps")) {
            rows.put((String) row.get("endpoint_name"), row);
        }
        assertThat(rows.keySet()).isEqualTo(expected.keySet());
        for (Map.Entry<String, ObjectNode> e : expected.entrySet()) {
            JsonNode step = e.getValue();
            JsonNode benchmark = step.get("InferenceBenchmark");
            JsonNode metrics = benchmark.get("Metrics");
            Map<String, Object> row = rows.get(e.getKey());
            assertThat(row).as(e.getKey())
                    .containsEntry("job_name", step.get("job_name").asText())
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
        assertThat(query("SELECT job_name, status, model_name, model_package_version_arn FROM recommendation_jobs"))
                .extracting(r -> r.get("job_name") + "|" + r.get("status") + "|" + r.get("model_name") + "|"
                        + r.get("model_package_version_arn"))
                .containsExactlyInAnyOrderElementsOf(expectedJobs(jobNames));
        // the SQL models answer over what landed: per model, the cheapest configuration that holds 50 ms at 20
        // requests/s, ceil(20 * 60 / MaxInvocations per minute) instances at CostPerHour each (one run per series)
        Map<String, String> cheapest = new TreeMap<>();
        Map<String, Double> cheapestCost = new HashMap<>();
        for (ObjectNode step : expected.values()) {
            JsonNode metrics = step.get("InferenceBenchmark").get("Metrics");
            if (metrics.get("ModelLatency").asInt() > 50) {
                continue;
            }
            String model = step.get("model").asText();
            double cost = Math.ceil(20 * 60.0 / metrics.get("MaxInvocations").asInt()) * metrics.get("CostPerHour").asDouble();
            if (!cheapestCost.containsKey(model) || cost < cheapestCost.get(model)) {
                cheapestCost.put(model, cost);
                cheapest.put(model, model + "/" + step.get("InferenceBenchmark").get("EndpointConfiguration")
                        .get("InstanceType").asText() + "/" + cost);
            }
        }
        assertThat(cheapest).hasSize(2);
        assertThat(query("SELECT model, configuration, hourly_cost FROM cheapest_configuration(50, 20) ORDER BY model"))
                .extracting(r -> r.get("model") + "/" + r.get("configuration") + "/"
                        + ((java.math.BigDecimal) r.get("hourly_cost")).doubleValue())
                .containsExactlyElementsOf(cheapest.values());

        // topics as the source file creates them, subjects as both files name them, nothing dead-lettered
        try (Admin admin = connect.connect().kafka().createAdminClient()) {
            Map<String, TopicDescription> topics = admin.describeTopics(
                    List.of("benchlake.benchmark-steps", "benchlake.jobs")).allTopicNames().get();
            for (TopicDescription t : topics.values()) {
                assertThat(t.partitions()).as(t.name()).hasSize(6)
                        .allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
            }
        }
        assertThat(subjects()).contains("benchlake.benchmark-steps-key", "benchlake.benchmark-steps-value",
                "benchlake.jobs-key", "benchlake.jobs-value");
        assertThat(connect.connect().kafka().consumeAll(5_000, sink.config().get("errors.deadletterqueue.topic.name")))
                .isEmpty();
        assertThat(connect.connect().connectorStatus(sink.name()).tasks()).allSatisfy(t -> assertThat(t.state()).isEqualTo("RUNNING"));
        assertThat(connect.connect().connectorStatus(source.name()).tasks()).hasSize(2)
                .allSatisfy(t -> assertThat(t.state()).isEqualTo("RUNNING"));
    }

    /**
     * The other shipped source configs (the cross-account assume-role one, the standalone properties, the Strimzi
     * KafkaConnector's) pass the worker's own validation as shipped, converters included: {@code PUT
     * /connector-plugins/.../config/validate} runs the connector's validate() and configures the converters.
     */
    @Test
    void theOtherShippedSourceConfigsPassTheWorkersValidationAsShipped() throws Exception {
        List<ShippedConfig> configs = new ArrayList<>();
        configs.add(ShippedConfig.load("benchlake-source-assume-role.json"));
        java.util.Properties standalone = new java.util.Properties();
        try (InputStream in = Files.newInputStream(Layout.file("config/benchlake-source.properties"))) {
            standalone.load(in);
        }
        Map<String, String> properties = new LinkedHashMap<>();
        standalone.stringPropertyNames().forEach(k -> properties.put(k, standalone.getProperty(k)));
        configs.add(ShippedConfig.of("config/benchlake-source.properties", properties.get("name"), properties));
        JsonNode connector = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                .readTree(Layout.file("config/strimzi/kafka-connector.yaml").toFile());
        Map<String, String> strimzi = new LinkedHashMap<>();
        connector.get("spec").get("config").properties().forEach(e -> strimzi.put(e.getKey(), e.getValue().asText()));
        strimzi.put("connector.class", connector.get("spec").get("class").asText());
        strimzi.put("tasks.max", connector.get("spec").get("tasksMax").asText());
        configs.add(ShippedConfig.of("config/strimzi/kafka-connector.yaml", connector.get("metadata").get("name").asText(),
                strimzi));

        for (ShippedConfig shipped : configs) {
            // validate() asks the registry whether the topics' subjects take the records' schemas: it must be there
            shipped.schemaRegistry(registry.confluentUrl());
            assertThat(shipped.substitutedKeys()).as(shipped.toString()).isEqualTo(ShippedConfig.REGISTRY_KEYS);
            Map<String, String> config = new HashMap<>(shipped.config());
            config.put("name", shipped.name());
            org.apache.kafka.connect.runtime.rest.entities.ConfigInfos result = connect.connect()
                    .validateConnectorConfig(config.get("connector.class"), config);
            List<String> errors = result.configs().stream().filter(v -> !v.configValue().errors().isEmpty())
                    .map(v -> v.configValue().name() + ": " + v.configValue().errors()).toList();
            assertThat(errors).as(shipped.toString()).isEmpty();
            assertThat(result.errorCount()).as(shipped.toString()).isZero();
        }
    }

    /**
     * The scenario's steps of the given jobs at their last version, by endpoint name: each step's versions merged in
     * order (later fields win), as the emulator serves them, with the job's name added.
     */
    private static Map<String, ObjectNode> expectedSteps(List<String> jobNames) throws IOException {
        JsonNode scenario = scenario();
        Map<String, ObjectNode> steps = new TreeMap<>();
        for (JsonNode job : scenario.get("jobs")) {
            if (!jobNames.contains(job.get("name").asText())) {
                continue;
            }
            for (JsonNode step : job.get("steps")) {
                ObjectNode merged = JSON.createObjectNode();
                step.get("versions").forEach(v -> merge(merged, v.get("step")));
                merged.put("job_name", job.get("name").asText());
                merged.put("model", model(job.get("versions").get(0).get("job")));
                steps.put(merged.get("InferenceBenchmark").get("EndpointConfiguration").get("EndpointName").asText(), merged);
            }
        }
        return steps;
    }

    /** name|status|model name|model package ARN of the given jobs at their last version, as the scenario says. */
    private static List<String> expectedJobs(List<String> jobNames) throws IOException {
        List<String> jobs = new ArrayList<>();
        for (JsonNode job : scenario().get("jobs")) {
            if (jobNames.contains(job.get("name").asText())) {
                ObjectNode merged = JSON.createObjectNode();
                job.get("versions").forEach(v -> merge(merged, v.get("job")));
                JsonNode input = merged.path("InputConfig");
                jobs.add(job.get("name").asText() + "|" + merged.get("Status").asText() + "|"
                        + (merged.hasNonNull("ModelName") ? merged.get("ModelName").asText() : null) + "|"
                        + (input.hasNonNull("ModelPackageVersionArn") ? input.get("ModelPackageVersionArn").asText() : null));
            }
        }
        return jobs;
    }

    private static JsonNode scenario() throws IOException {
        try (InputStream in = Scenario.class.getClassLoader().getResourceAsStream(SCENARIO)) {
            return JSON.readTree(in);
        }
    }

    /** The model a job benchmarks: its model name, or the group of its model package (…:model-package/group/3). */
    private static String model(JsonNode job) {
        if (job.hasNonNull("ModelName")) {
            return job.get("ModelName").asText();
        }
        String arn = job.get("InputConfig").get("ModelPackageVersionArn").asText();
        return arn.substring(arn.indexOf(":model-package/") + ":model-package/".length(), arn.lastIndexOf('/'));
    }

    private static void merge(ObjectNode into, JsonNode patch) {
        for (Map.Entry<String, JsonNode> e : patch.properties()) {
            if (e.getValue().isObject() && into.get(e.getKey()) instanceof ObjectNode child) {
                merge(child, e.getValue());
            } else {
                into.set(e.getKey(), e.getValue().deepCopy());
            }
        }
    }

    private static List<Map<String, Object>> query(String sql) throws SQLException {
        try (Connection c = benchlakeDb(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
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

    private static Object scalar(String sql) throws SQLException {
        return query(sql).get(0).values().iterator().next();
    }

    private static Set<String> subjects() throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(registry.confluentUrl() + "/subjects")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        Map<String, Boolean> seen = new HashMap<>();
        JSON.readTree(r.body()).forEach(n -> seen.put(n.asText(), true));
        return seen.keySet();
    }
}
