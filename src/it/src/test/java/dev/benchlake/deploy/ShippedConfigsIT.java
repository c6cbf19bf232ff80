package dev.benchlake.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * placeholders of {@link ShippedConfig} substituted (the registry's, PostgreSQL's and SageMaker's addresses, the AWS
 * credentials, the secrets folder): on an exactly-once Connect worker of a three-broker Kafka cluster (the files ask for
 * replication factor 3) configured with config/connect-worker-secrets.properties, with the Debezium JDBC sink from
 * plugin.path, a real schema registry, PostgreSQL with the landing tables of warehouse/postgres/ owned by the file's
 * user {@code benchlake}, whose password only the secrets file holds, and the emulator serving
 * scenarios/three-jobs.json. The jobs read are those the file's discovery filter finds. Every row that lands is checked
 * against the scenario. Then every other shipped connector config passes the cluster's validate endpoint.
 */
class ShippedConfigsIT {
    static final String SCENARIO = "scenarios/three-jobs.json";
    private static final String DB_PASSWORD = "benchlake-it-password";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static EmbeddedPostgres postgres;
    private static SchemaRegistryProcess registry;
    private static ConnectHarness connect;
    private static SageMakerEmulator emulator;
    private static Path secrets;

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
        // the secrets files of docs/security.md, in a folder of their own instead of /opt/kafka/secrets
        secrets = Files.createTempDirectory("benchlake-secrets");
        Files.writeString(secrets.resolve("benchlake-postgres.properties"), "password=" + DB_PASSWORD + "\n");
        Files.writeString(secrets.resolve("benchlake.properties"), "external.id=benchlake-it-external-id\n");
        Map<String, String> worker = new HashMap<>(workerSecretsSnippet(secrets));
        worker.put("plugin.path", Layout.pluginPath().toString());
        worker.put("exactly.once.source.support", "enabled");
        worker.put("consumer.isolation.level", "read_committed");
        connect = ConnectHarness.start("benchlake-shipped-configs-it", 1, 3, worker);
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
        if (secrets != null) {
            try (java.util.stream.Stream<Path> files = Files.list(secrets)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(secrets);
        }
    }

    /**
     * config/connect-worker-secrets.properties as shipped, but for its secrets folder: only the allowed paths differ.
     */
    private static Map<String, String> workerSecretsSnippet(Path folder) throws IOException {
        java.util.Properties snippet = new java.util.Properties();
        try (InputStream in = Files.newInputStream(Layout.file("config/connect-worker-secrets.properties"))) {
            snippet.load(in);
        }
        String shippedFolder = ShippedConfig.SECRETS_PLACEHOLDER.substring(0, ShippedConfig.SECRETS_PLACEHOLDER.length() - 1);
        Map<String, String> worker = new TreeMap<>();
        snippet.stringPropertyNames().forEach(k -> worker.put(k, snippet.getProperty(k)
                .replace(shippedFolder, folder.toAbsolutePath().toString())));
        assertThat(worker).containsEntry("config.providers.file.class",
                "org.apache.kafka.common.config.provider.FileConfigProvider");
        assertThat(worker.entrySet().stream().filter(e -> !e.getValue().equals(snippet.getProperty(e.getKey())))
                .map(Map.Entry::getKey)).containsExactlyInAnyOrder("config.providers.file.param.allowed.paths",
                "config.providers.directory.param.allowed.paths");
        return worker;
    }

    private static String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + database;
    }

    private static Connection benchlakeDb() throws SQLException {
        return DriverManager.getConnection(jdbcUrl("benchlake"), "benchlake", DB_PASSWORD);
    }

    @Test
    void theShippedSourceAndPostgresSinkLandEveryStepOfTheDiscoveredJobs() throws Exception {
        ShippedConfig source = ShippedConfig.load("benchlake-source.json")
                .schemaRegistry(registry.confluentUrl())
                .sagemakerEndpoint(emulator.endpoint())
                // the keys the emulator knows: it checks the signature of every call the shipped config makes
                .staticAwsCredentials(Scenario.Credentials.DEFAULT.accessKeyId(), Scenario.Credentials.DEFAULT.secretAccessKey());
        ShippedConfig sink = ShippedConfig.load("benchlake-sink-postgres.json")
                .schemaRegistry(registry.confluentUrl())
                .postgres("127.0.0.1", postgres.getPort(), "benchlake")
                .secretsDirectory(secrets);

        // only addresses, AWS credentials and the secrets folder differ from the files
        assertThat(source.substitutedKeys()).containsExactlyInAnyOrder("key.converter.schema.registry.url",
                "value.converter.schema.registry.url", "aws.endpoint.override", "aws.credentials.provider",
                "aws.access.key.id", "aws.secret.access.key");
        assertThat(sink.substitutedKeys()).containsExactlyInAnyOrder("key.converter.schema.registry.url",
                "value.converter.schema.registry.url", "connection.url", "connection.password");
        // the password stays a reference: the worker's FileConfigProvider reads it from the secrets file
        String reference = "${file:" + secrets.toAbsolutePath() + "/benchlake-postgres.properties:password}";
        assertThat(sink.config()).containsEntry("connection.password", reference)
                .containsEntry("connection.username", sink.shipped().get("connection.username"));
        // the file discovers jobs, exactly once, one transaction per job pass, as its documentation says
        assertThat(source.config()).containsEntry("discovery.enabled", "true").containsEntry("exactly.once.support", "required")
                .containsEntry("transaction.boundary", "connector").doesNotContainKey("job.names");
        // the premise: the two files agree on what is on the wire
        for (String key : List.of("key.converter", "value.converter", "key.converter.schema.registry.url",
                "value.converter.schema.registry.url")) {
            assertThat(sink.config().get(key)).as(key).isEqualTo(source.config().get(key));
        }

        connect.startConnector(sink.name(), sink.config());
        connect.startConnector(source.name(), source.config());

        // the scenario's jobs whose names hold the file's filter (all were created after the file's date)
        String contains = source.config().get("discovery.name.contains");
        assertThat(java.time.Instant.parse(source.config().get("discovery.created.after")))
                .isBefore(java.time.Instant.parse("2025-12-31T00:00:00Z"));
        List<String> jobNames = new ArrayList<>();
        scenario().get("jobs").forEach(j -> {
            if (j.get("name").asText().contains(contains)) {
                jobNames.add(j.get("name").asText());
            }
        });
        Map<String, ObjectNode> expected = expectedSteps(jobNames);
        assertThat(jobNames).as("the nightly jobs of the scenario").containsExactly("resnet50-nightly-001");
        assertThat(expected).as("resnet50-nightly-001 has 3 steps").hasSize(3);

        Awaitility.await("3 steps and 1 job in PostgreSQL").atMost(Duration.ofSeconds(120))
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                    assertThat(scalar("SELECT count(*) FROM benchmark_steps")).isEqualTo(3L);
                    assertThat(scalar("SELECT count(*) FROM recommendation_jobs")).isEqualTo(1L);
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
        assertThat(cheapest).hasSize(1);
        assertThat(query("SELECT model, configuration, hourly_cost FROM cheapest_configuration(50, 20, NULL, 1, 1) ORDER BY model"))
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
        // the REST API shows the reference, never the password
        HttpResponse<String> shown = HTTP.send(HttpRequest.newBuilder(URI.create(
                connect.connect().endpointForResource("connectors/" + sink.name() + "/config"))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(JSON.readTree(shown.body()).get("connection.password").asText()).isEqualTo(reference);
        assertThat(shown.body()).doesNotContain(DB_PASSWORD);
    }

    /**
     * Every other shipped connector config passes the cluster's own validation ({@code PUT
     * /connector-plugins/.../config/validate}: the connector's validate(), converters included), with only named
     * placeholders substituted: the other source configs (the second account and region, the standalone properties,
     * the Strimzi KafkaConnector's, docker-compose's) and the PostgreSQL sinks (config/ and docker-compose's). Where the
     * file's AWS can be reached here (the emulator standing for it), validate() asks it; where it cannot (an
     * assume-role, a profile of the worker, compose's emulator host) the config is validated air-gapped as shipped.
     */
    @Test
    void everyShippedConfigPassesTheClustersValidation() throws Exception {
        Map<ShippedConfig, Set<String>> configs = new LinkedHashMap<>();
        Set<String> aws = Set.of("aws.endpoint.override", "aws.credentials.provider", "aws.access.key.id",
                "aws.secret.access.key");
        configs.put(ShippedConfig.load("benchlake-source.json").sagemakerEndpoint(emulator.endpoint())
                .staticAwsCredentials("AKIDBENCHLAKETEST", "benchlake-test-secret"), aws);
        configs.put(ShippedConfig.load("benchlake-source-assume-role.json").secretsDirectory(secrets)
                .withoutAwsAccessCheck(), Set.of("aws.assume.role.external.id", "aws.validate.access"));
        java.util.Properties standalone = new java.util.Properties();
        try (InputStream in = Files.newInputStream(Layout.file("config/benchlake-source.properties"))) {
            standalone.load(in);
        }
        Map<String, String> properties = new LinkedHashMap<>();
        standalone.stringPropertyNames().forEach(k -> properties.put(k, standalone.getProperty(k)));
        configs.put(ShippedConfig.of("config/benchlake-source.properties", properties.get("name"), properties)
                .withoutAwsAccessCheck(), Set.of("aws.validate.access"));
        JsonNode connector = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                .readTree(Layout.file("config/strimzi/kafka-connector.yaml").toFile());
        Map<String, String> strimzi = new LinkedHashMap<>();
        connector.get("spec").get("config").properties().forEach(e -> strimzi.put(e.getKey(), e.getValue().asText()));
        strimzi.put("connector.class", connector.get("spec").get("class").asText());
        strimzi.put("tasks.max", connector.get("spec").get("tasksMax").asText());
        configs.put(ShippedConfig.of("config/strimzi/kafka-connector.yaml", connector.get("metadata").get("name").asText(),
                strimzi).sagemakerEndpoint(emulator.endpoint())
                .staticAwsCredentials("AKIDBENCHLAKETEST", "benchlake-test-secret"), aws);
        // compose's source as shipped: its http://emulator:9090 is allowed (aws.endpoint.allow.insecure), not reached
        configs.put(compose("benchlake-source.json").withoutAwsAccessCheck(), Set.of("aws.validate.access"));
        // and with compose's emulator at the address it has here: its own static keys, asked by validate()
        configs.put(compose("benchlake-source.json").sagemakerEndpoint(emulator.endpoint()),
                Set.of("aws.endpoint.override"));
        configs.put(ShippedConfig.load("benchlake-sink-postgres.json").postgres("127.0.0.1", postgres.getPort(), "benchlake")
                .secretsDirectory(secrets), Set.of("connection.url", "connection.password"));
        configs.put(compose("benchlake-sink-postgres.json").postgres("127.0.0.1", postgres.getPort(), "benchlake")
                .postgresCredentials("benchlake", DB_PASSWORD), Set.of("connection.url", "connection.password"));

        for (Map.Entry<ShippedConfig, Set<String>> e : configs.entrySet()) {
            ShippedConfig shipped = e.getKey();
            // validate() asks the registry whether the topics' subjects take the records' schemas: it must be there
            shipped.schemaRegistry(registry.confluentUrl());
            Set<String> expected = new java.util.TreeSet<>(e.getValue());
            expected.addAll(ShippedConfig.REGISTRY_KEYS);
            assertThat(shipped.substitutedKeys()).as(shipped.toString()).isEqualTo(expected);
            Map<String, String> config = new HashMap<>(shipped.config());
            config.put("name", shipped.name());
            long listings = emulator.count("ListInferenceRecommendationsJobs");
            org.apache.kafka.connect.runtime.rest.entities.ConfigInfos result = connect.connect()
                    .validateConnectorConfig(config.get("connector.class"), config);
            List<String> errors = result.configs().stream().filter(v -> !v.configValue().errors().isEmpty())
                    .map(v -> v.configValue().name() + ": " + v.configValue().errors()).toList();
            assertThat(errors).as(shipped.toString()).isEmpty();
            assertThat(result.errorCount()).as(shipped.toString()).isZero();
            if (config.get("connector.class").startsWith("dev.benchlake") && !config.containsKey("aws.validate.access")) {
                // every shipped source discovers: validate() listed the jobs once (it asked AWS, here the emulator)
                assertThat(emulator.count("ListInferenceRecommendationsJobs") - listings).as(shipped.toString()).isEqualTo(1);
            }
        }
    }

    /** A connector config of src/docker/connect/ (the Connect REST API's PUT form: the config object alone). */
    private static ShippedConfig compose(String file) throws IOException {
        JsonNode root = JSON.readTree(Layout.file("src/docker/connect/" + file).toFile());
        Map<String, String> config = new LinkedHashMap<>();
        root.properties().forEach(e -> config.put(e.getKey(), e.getValue().asText()));
        return ShippedConfig.of("src/docker/connect/" + file, file.replace(".json", ""), config);
    }

    /**
     * The scenario's steps of the given jobs at their last version, by endpoint name: each step's versions merged in
     * order (later fields win), as the emulator serves them, with the job's name added.
     */
    static Map<String, ObjectNode> expectedSteps(List<String> jobNames) throws IOException {
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
    static List<String> expectedJobs(List<String> jobNames) throws IOException {
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

    static JsonNode scenario() throws IOException {
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
