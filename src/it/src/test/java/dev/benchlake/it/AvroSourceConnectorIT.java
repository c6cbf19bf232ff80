package dev.benchlake.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.benchlake.connect.InferenceRecommenderSourceConnector;
import dev.benchlake.emulator.ManualClock;
import dev.benchlake.emulator.SageMakerEmulator;
import dev.benchlake.emulator.Scenario;
import dev.benchlake.quickstart.stack.Layout;
import dev.benchlake.quickstart.stack.SchemaRegistryProcess;

/**
 * The connector with Benchlake's Avro converter and a real schema registry (its own JVM): every record decodes
 * with the plain Avro library and the schema the registry serves for the id in its header.
 */
class AvroSourceConnectorIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String STEPS = "benchlake.benchmark-steps";
    private static final String JOBS = "benchlake.jobs";

    private static SchemaRegistryProcess registry;
    private static ConnectHarness harness;
    private static SageMakerEmulator emulator;

    @BeforeAll
    static void start() throws IOException {
        registry = SchemaRegistryProcess.startNew();
        harness = ConnectHarness.start("benchlake-avro-it", 1, Map.of());
        emulator = SageMakerEmulator.start(Scenario.fromResource("scenarios/three-jobs.json"),
                new ManualClock().set(Duration.ofSeconds(2_000)));
    }

    @AfterAll
    static void stop() {
        emulator.close();
        harness.close();
        registry.close();
    }

    private static Map<String, String> avroConfig(String topic, String jobsTopic) {
        Map<String, String> props = ConnectHarness.connectorConfig(emulator, "unused",
                "resnet50-nightly-001", "bert-base-ondemand-002", "xgboost-serverless-003");
        props.put("topic", topic);
        props.put("jobs.topic", jobsTopic);
        props.put("key.converter", "dev.benchlake.avro.AvroConverter");
        props.put("value.converter", "dev.benchlake.avro.AvroConverter");
        props.put("key.converter.schema.registry.url", registry.confluentUrl());
        props.put("value.converter.schema.registry.url", registry.confluentUrl());
        props.remove("key.converter.schemas.enable");
        props.remove("value.converter.schemas.enable");
        return props;
    }

    private static JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(registry.confluentUrl() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET " + path + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static Schema schemaById(int id) throws IOException, InterruptedException {
        return new Schema.Parser().parse(get("/schemas/ids/" + id).get("schema").asText());
    }

    private static Schema avsc(String file) throws IOException {
        return new Schema.Parser().parse(Layout.file("schemas").resolve(file).toFile());
    }

    /** Decodes a Confluent-framed value: magic byte 0, 4-byte big-endian schema id, Avro binary. */
    private static GenericRecord decode(byte[] framed) throws IOException, InterruptedException {
        ByteBuffer buffer = ByteBuffer.wrap(framed);
        assertThat(buffer.get()).as("magic byte").isZero();
        Schema writer = schemaById(buffer.getInt());
        GenericDatumReader<GenericRecord> reader = new GenericDatumReader<>(writer);
        return reader.read(null, DecoderFactory.get().binaryDecoder(framed, 5, framed.length - 5, null));
    }

    private static List<ConsumerRecord<byte[], byte[]>> awaitRecords(String topic, int count) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, harness.bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            Awaitility.await(count + " records on " + topic).atMost(ConnectHarness.TIMEOUT).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
                return out.size() >= count;
            });
        }
        return out;
    }

    @Test
    void everyRecordDecodesWithPlainAvroAndTheRegisteredSchemaIsTheAvscFile() throws Exception {
        harness.startConnector("avro", avroConfig(STEPS, JOBS));

        List<ConsumerRecord<byte[], byte[]>> records = awaitRecords(STEPS, 9);
        assertThat(records).hasSize(9);
        Map<String, GenericRecord> byEndpoint = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            GenericRecord key = decode(r.key());
            GenericRecord value = decode(r.value());
            assertThat(key.get("step_id").toString()).isEqualTo(value.get("step_id").toString());
            assertThat(key.get("job_name").toString()).isEqualTo(value.get("job_name").toString());
            byEndpoint.put(value.get("endpoint_name").toString(), value);
        }
        GenericRecord c5 = byEndpoint.get("sm-epc-resnet50-001-c5");
        assertThat(c5.get("cost_per_hour")).isEqualTo(0.1);
        assertThat(c5.get("cost_per_inference")).isEqualTo(0.000123);
        assertThat(c5.get("max_invocations")).isEqualTo(1350);
        assertThat(c5.get("instance_type").toString()).isEqualTo("ml.c5.xlarge");
        assertThat(c5.get("invocation_start_time")).isEqualTo(1_767_225_600_000L - 6_000_250L);
        assertThat(c5.get("is_terminal")).isEqualTo(true);
        assertThat(c5.get("environment_parameters").toString()).isEqualTo("{\"OMP_NUM_THREADS\":\"2\"}");
        assertThat(c5.get("job_type").toString()).isEqualTo("Default");
        GenericRecord serverless = byEndpoint.get("sm-epc-xgb-003-serverless");
        assertThat(serverless.get("instance_type")).isNull();
        assertThat(serverless.get("cpu_utilization")).isNull();
        assertThat(serverless.get("serverless_memory_size_mb")).isEqualTo(2048);
        assertThat(byEndpoint.get("sm-epc-xgb-003-t2").get("status").toString()).isEqualTo("FAILED");

        // per job one record, the one that closes it: the jobs finished long before the grace period
        List<ConsumerRecord<byte[], byte[]>> jobs = awaitRecords(JOBS, 3);
        Map<String, List<GenericRecord>> byJob = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : jobs) {
            GenericRecord job = decode(r.value());
            byJob.computeIfAbsent(job.get("job_name").toString(), k -> new ArrayList<>()).add(job);
        }
        assertThat(byJob).hasSize(3);
        assertThat(byJob.values()).allSatisfy(versions -> {
            assertThat(versions).hasSize(1);
            assertThat(versions.get(0).get("status").toString()).isEqualTo("COMPLETED");
            assertThat(versions.get(0).get("closed")).isEqualTo(true);
            assertThat(versions.get(0).get("close_reason").toString()).isEqualTo("COMPLETE");
        });

        assertThat(schemaOf(get("/subjects/" + STEPS + "-value/versions/latest"))).isEqualTo(avsc("BenchmarkStep.avsc"));
        assertThat(schemaOf(get("/subjects/" + STEPS + "-key/versions/latest"))).isEqualTo(avsc("BenchmarkStepKey.avsc"));
        assertThat(schemaOf(get("/subjects/" + JOBS + "-value/versions/latest"))).isEqualTo(avsc("RecommendationJob.avsc"));
    }

    private static Schema schemaOf(JsonNode version) {
        return new Schema.Parser().parse(version.get("schema").asText());
    }

    @Test
    void deployFailsWhenTheRegisteredSchemaIsIncompatible() throws Exception {
        String topic = "preflight.steps";
        String incompatible = "{\"type\":\"record\",\"name\":\"BenchmarkStep\",\"namespace\":\"dev.benchlake\",\"fields\":["
                + "{\"name\":\"step_id\",\"type\":\"string\"},{\"name\":\"status\",\"type\":\"int\"},"
                + "{\"name\":\"must_have\",\"type\":\"string\"}]}";
        HttpResponse<String> registered = HTTP.send(HttpRequest.newBuilder(
                        URI.create(registry.confluentUrl() + "/subjects/" + topic + "-value/versions"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("schema", incompatible)))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(registered.statusCode()).isEqualTo(200);

        Map<String, String> props = avroConfig(topic, "preflight.jobs");
        props.put("name", "preflight");
        ConfigInfos infos = harness.connect().validateConnectorConfig(
                InferenceRecommenderSourceConnector.class.getSimpleName(), props);
        assertThat(infos.configs().stream().filter(c -> !c.configValue().errors().isEmpty())
                .map(c -> c.configValue().name()).distinct()).containsExactly("value.converter.schema.registry.url");
        String message = infos.configs().stream()
                .filter(c -> c.configValue().name().equals("value.converter.schema.registry.url"))
                .flatMap(c -> c.configValue().errors().stream()).findFirst().orElseThrow();
        assertThat(message).contains("preflight.steps-value").contains("status").contains(registry.confluentUrl());

        Map<String, String> fresh = avroConfig("fresh.steps", "fresh.jobs");
        fresh.put("name", "fresh");
        ConfigInfos compatible = harness.connect().validateConnectorConfig(
                InferenceRecommenderSourceConnector.class.getSimpleName(), fresh);
        assertThat(compatible.errorCount()).as("a new subject has nothing to be incompatible with").isZero();
    }
}
