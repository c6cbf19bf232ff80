package dev.benchlake.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.jar.JarFile;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.benchlake.emulator.ManualClock;
import dev.benchlake.emulator.SageMakerEmulator;
import dev.benchlake.emulator.Scenario;
import dev.benchlake.it.ConnectHarness;
import dev.benchlake.it.ConnectWorker;
import dev.benchlake.quickstart.stack.SchemaRegistryProcess;

/**
 * Packaging proven: the plugin archive, unpacked into a fresh {@code plugin.path}, runs on a Kafka Connect worker of
 * its own JVM whose classpath is a plain Connect installation (no Benchlake, Avro or AWS SDK class on it). The
 * connector and {@code dev.benchlake.avro.AvroConverter} can therefore only come from the archive; they read the
 * SageMaker emulator (this JVM) and write Avro through a real schema registry (its own JVM) into Kafka (this JVM).
 */
class PluginIsolationIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String CONNECTOR = "dev.benchlake.connect.InferenceRecommenderSourceConnector";
    private static final String CONVERTER = "dev.benchlake.avro.AvroConverter";
    private static final String NAME = "benchlake-from-archive";
    private static final String STEPS = "archive.benchmark-steps";
    private static final String JOBS = "archive.jobs";
    private static final List<String> JOB_NAMES = List.of("resnet50-nightly-001", "bert-base-ondemand-002", "xgboost-serverless-003");

    @TempDir
    static Path work;
    private static Path pluginDir;
    private static EmbeddedKafkaCluster kafka;
    private static SchemaRegistryProcess registry;
    private static SageMakerEmulator emulator;
    private static ConnectWorker worker;

    @BeforeAll
    static void start() throws IOException {
        Path pluginPath = work.resolve("plugins");
        pluginDir = PluginArchive.unpackInto(pluginPath);
        kafka = new EmbeddedKafkaCluster(1, new Properties());
        kafka.start();
        // the registry JVM starts while the worker JVM does: both take seconds, and the worker needs only Kafka
        CompletableFuture<SchemaRegistryProcess> startingRegistry = CompletableFuture.supplyAsync(() -> {
            try {
                return SchemaRegistryProcess.startNew();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        emulator = SageMakerEmulator.start(Scenario.fromResource("scenarios/three-jobs.json"),
                new ManualClock().set(Duration.ofSeconds(2_000)));
        Map<String, String> props = new HashMap<>();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        props.put("plugin.path", pluginPath.toString());
        // scan the plugin AND read its ServiceLoader manifests, and refuse to start if the two disagree: proves the
        // archive works with every plugin.discovery mode, service_load (the fast one) included
        props.put("plugin.discovery", "hybrid_fail");
        props.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.put("offset.flush.interval.ms", "500");
        RuntimeException failure = null;
        try {
            worker = ConnectWorker.start(ConnectWorker.Mode.STANDALONE, work.resolve("worker"), props);
        } catch (IOException | RuntimeException e) {
            failure = e instanceof RuntimeException re ? re : new UncheckedIOException((IOException) e);
        }
        try {
            registry = startingRegistry.join();
        } catch (CompletionException e) {
            RuntimeException cause = e.getCause() instanceof RuntimeException re ? re : e;
            if (failure == null) {
                failure = cause;
            } else {
                failure.addSuppressed(cause);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {worker, emulator, registry}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    // keep closing the others
                }
            }
        }
        if (kafka != null) {
            kafka.stop();
        }
    }

    /** The premise: the worker cannot find Benchlake, Avro or the AWS SDK anywhere but on its plugin.path. */
    @Test
    void workerClasspathHoldsNoBenchlakeAvroOrAwsSdkClass() throws IOException {
        List<Path> classpath = ConnectWorker.classpath();
        assertThat(classpath).as("a Connect installation").anySatisfy(p -> assertThat(p.getFileName().toString()).startsWith("connect-runtime-"));
        Map<String, String> found = new TreeMap<>();
        for (Path entry : classpath) {
            assertThat(entry.toString()).as("jars only, no class directory").endsWith(".jar");
            try (JarFile jar = new JarFile(entry.toFile())) {
                jar.stream().map(e -> e.getName())
                        .filter(n -> n.startsWith("dev/benchlake/") || n.startsWith("org/apache/avro/")
                                || n.startsWith("software/amazon/awssdk/"))
                        .findFirst().ifPresent(n -> found.put(entry.getFileName().toString(), n));
            }
        }
        assertThat(found).isEmpty();
    }

    @Test
    void workerFindsTheConnectorAndTheConverterInTheUnpackedArchive() throws Exception {
        HttpResponse<String> r = worker.get("/connector-plugins?connectorsOnly=false");
        assertThat(r.statusCode()).isEqualTo(200);
        Map<String, JsonNode> plugins = new HashMap<>();
        JSON.readTree(r.body()).forEach(p -> plugins.put(p.get("class").asText(), p));
        assertThat(plugins).containsKeys(CONNECTOR, CONVERTER);
        assertThat(plugins.get(CONNECTOR).get("type").asText()).isEqualTo("source");
        assertThat(plugins.get(CONNECTOR).get("version").asText()).isEqualTo(PluginArchive.version());
        assertThat(plugins.get(CONVERTER).get("type").asText()).isEqualTo("converter");
        assertThat(plugins.get(CONVERTER).get("version").asText()).isEqualTo(PluginArchive.version());

        // the worker says where it loaded them from: an isolated class loader on the unpacked archive's directory
        // (log lines of Kafka 4.3's PluginScanner and DelegatingClassLoader)
        String log = worker.log();
        assertThat(log).contains("Loading plugin from: " + pluginDir)
                .contains("Registered loader: PluginClassLoader{pluginLocation=file:" + pluginDir + "/}")
                .contains("Added plugin '" + CONNECTOR + "'")
                .contains("Added plugin '" + CONVERTER + "'")
                .doesNotContain("ClassNotFoundException", "NoClassDefFoundError");
    }

    @Test
    void connectorAndConverterFromTheArchiveDeliverEveryStepOfTheThreeJobScenarioAsAvro() throws Exception {
        Map<String, String> config = ConnectHarness.connectorConfig(emulator, "unused", JOB_NAMES.toArray(String[]::new));
        config.put("topic", STEPS);
        config.put("jobs.topic", JOBS);
        config.put("key.converter", CONVERTER);
        config.put("value.converter", CONVERTER);
        config.put("key.converter.schema.registry.url", registry.confluentUrl());
        config.put("value.converter.schema.registry.url", registry.confluentUrl());
        config.remove("key.converter.schemas.enable");
        config.remove("value.converter.schemas.enable");
        HttpResponse<String> created = worker.post("/connectors",
                JSON.writeValueAsString(Map.of("name", NAME, "config", config)));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        awaitRunning();

        List<Decoded> steps = awaitRecords(STEPS, recs -> recs.size() >= 9);
        assertThat(steps).hasSize(9);
        assertThat(steps).allSatisfy(s -> {
            assertThat(s.key().get("step_id").toString()).isEqualTo(s.value().get("step_id").toString());
            assertThat(s.key().get("job_name").toString()).isEqualTo(s.value().get("job_name").toString());
            assertThat(s.value().get("aws_region").toString()).isEqualTo("us-east-1");
            assertThat(s.value().get("aws_account_id").toString()).isEqualTo("123456789012");
            assertThat(s.value().get("step_type").toString()).isEqualTo("BENCHMARK");
        });
        assertThat(steps.stream().map(s -> s.value().get("step_id").toString()).distinct()).hasSize(9);
        Map<String, GenericRecord> byEndpoint = steps.stream().map(Decoded::value)
                .collect(Collectors.toMap(v -> v.get("endpoint_name").toString(), Function.identity()));
        assertThat(byEndpoint.keySet()).containsExactlyInAnyOrder(
                "sm-epc-resnet50-001-c5", "sm-epc-resnet50-001-g4dn", "sm-epc-resnet50-001-m5",
                "sm-epc-bert-002-c5", "sm-epc-bert-002-m5", "sm-epc-bert-002-g4dn", "sm-epc-bert-002-inf1",
                "sm-epc-xgb-003-serverless", "sm-epc-xgb-003-t2");

        GenericRecord c5 = byEndpoint.get("sm-epc-resnet50-001-c5");
        assertThat(c5.get("job_name").toString()).isEqualTo("resnet50-nightly-001");
        assertThat(c5.get("status").toString()).isEqualTo("COMPLETED");
        assertThat(c5.get("instance_type").toString()).isEqualTo("ml.c5.xlarge");
        assertThat(c5.get("cost_per_hour")).isEqualTo(0.1);
        assertThat(c5.get("cost_per_inference")).isEqualTo(0.000123);
        assertThat(c5.get("max_invocations")).isEqualTo(1350);
        assertThat(c5.get("environment_parameters").toString()).isEqualTo("{\"OMP_NUM_THREADS\":\"2\"}");
        assertThat(c5.get("invocation_start_time")).isEqualTo(1_767_225_600_000L - 6_000_250);
        GenericRecord serverless = byEndpoint.get("sm-epc-xgb-003-serverless");
        assertThat(serverless.get("instance_type")).isNull();
        assertThat(serverless.get("serverless_memory_size_mb")).isEqualTo(2048);
        assertThat(serverless.get("cpu_utilization")).as("NaN becomes null").isNull();
        assertThat(byEndpoint.get("sm-epc-xgb-003-t2").get("failure_reason").toString()).contains("ran out of memory");

        List<Decoded> jobs = awaitRecords(JOBS, recs -> recs.stream()
                .filter(j -> Boolean.TRUE.equals(j.value().get("closed"))).count() == 3);
        assertThat(jobs.stream().filter(j -> Boolean.TRUE.equals(j.value().get("closed")))
                .map(j -> j.value().get("job_name").toString())).containsExactlyInAnyOrderElementsOf(JOB_NAMES);

        // the schema the archive's converter registered is the contract, byte for byte in meaning
        Schema registered = new Schema.Parser().parse(latestSchema(STEPS + "-value"));
        Schema contract = new Schema.Parser().parse(Files.readString(PluginArchive.projectDir().resolve("schemas/BenchmarkStep.avsc")));
        assertThat(registered).isEqualTo(contract);
    }

    // ------------------------------------------------------------------------------------------------------------

    /** A record decoded from the Confluent wire format with the writer schema the registry gives for its id. */
    private record Decoded(int keySchemaId, GenericRecord key, int valueSchemaId, GenericRecord value) {
    }

    private static void awaitRunning() {
        Awaitility.await("connector " + NAME + " and its task RUNNING").atMost(TIMEOUT).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    HttpResponse<String> r = worker.get("/connectors/" + NAME + "/status");
                    if (r.statusCode() != 200) {
                        return false;
                    }
                    JsonNode status = JSON.readTree(r.body());
                    List<String> states = new ArrayList<>(List.of(status.get("connector").get("state").asText()));
                    status.get("tasks").forEach(t -> states.add(t.get("state").asText()));
                    if (states.contains("FAILED")) {
                        throw new AssertionError("connector failed: " + r.body() + "\nworker log:\n" + worker.logTail());
                    }
                    return states.size() > 1 && states.stream().allMatch("RUNNING"::equals);
                });
    }

    private static List<Decoded> awaitRecords(String topic, Predicate<List<Decoded>> done) {
        Map<Integer, Schema> schemas = new HashMap<>();
        List<Decoded> seen = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            Awaitility.await("records on " + topic).atMost(TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        assertThat(worker.isAlive()).as("the worker JVM is alive").isTrue();
                        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                            ByteBuffer k = ByteBuffer.wrap(r.key());
                            ByteBuffer v = ByteBuffer.wrap(r.value());
                            int keyId = schemaId(k);
                            int valueId = schemaId(v);
                            seen.add(new Decoded(keyId, decode(k, schemas.computeIfAbsent(keyId, PluginIsolationIT::schemaById)),
                                    valueId, decode(v, schemas.computeIfAbsent(valueId, PluginIsolationIT::schemaById))));
                        }
                        return done.test(seen);
                    });
        }
        return seen;
    }

    /** Confluent wire format: magic byte 0, then the schema id as a 4-byte big-endian int. */
    private static int schemaId(ByteBuffer buf) {
        assertThat(buf.get()).as("magic byte").isEqualTo((byte) 0);
        return buf.getInt();
    }

    private static GenericRecord decode(ByteBuffer buf, Schema schema) {
        try {
            return new GenericDatumReader<GenericRecord>(schema).read(null,
                    DecoderFactory.get().binaryDecoder(buf.array(), buf.position(), buf.remaining(), null));
        } catch (IOException e) {
            throw new AssertionError("not Avro of schema " + schema.getFullName(), e);
        }
    }

    private static Schema schemaById(int id) {
        try {
            return new Schema.Parser().parse(JSON.readTree(registryGet("/schemas/ids/" + id)).get("schema").asText());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String latestSchema(String subject) throws IOException {
        return JSON.readTree(registryGet("/subjects/" + subject + "/versions/latest")).get("schema").asText();
    }

    private static String registryGet(String path) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(registry.confluentUrl() + path))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("GET " + path + ": " + r.body()).isEqualTo(200);
            return r.body();
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
