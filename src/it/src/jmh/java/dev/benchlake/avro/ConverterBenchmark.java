package dev.benchlake.avro;

import java.io.IOException;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.json.JsonConverter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import dev.benchlake.record.RecordSchemas;

/**
 * Cost per record of {@link AvroConverter} against Kafka's {@link JsonConverter} with {@code schemas.enable=false}
 * (payload only), both directions, on the connector's own BenchmarkStep schema ({@link RecordSchemas#STEP}, from
 * {@code schemas/BenchmarkStep.avsc}) with every field set. The registry is an in-process fake whose cache is warm
 * before measuring; the teardown fails the run if measuring made a registry call. Run: see docs/benchmarks.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ConverterBenchmark {
    private static final String TOPIC = "benchlake.benchmark-steps";

    private FakeSchemaRegistry registry;
    private AvroConverter avro;
    private JsonConverter json;
    private Struct step;
    private byte[] avroBytes;
    private byte[] jsonBytes;
    private int requestsAfterWarmup;

    @Setup
    public void setup() throws IOException {
        registry = new FakeSchemaRegistry();
        avro = new AvroConverter();
        avro.configure(Map.of(AvroConverterConfig.SCHEMA_REGISTRY_URL, registry.url()), false);
        json = new JsonConverter();
        json.configure(Map.of("schemas.enable", "false"), false);
        step = fullyPopulatedStep();
        avroBytes = avro.fromConnectData(TOPIC, RecordSchemas.STEP, step);
        jsonBytes = json.fromConnectData(TOPIC, RecordSchemas.STEP, step);
        // also warms the id cache; a benchmark of a conversion that loses data would be worthless
        if (!step.equals(avro.toConnectData(TOPIC, avroBytes).value())) {
            throw new IllegalStateException("the Avro round trip does not give the record back");
        }
        requestsAfterWarmup = registry.requests().size();
        System.out.printf("%nrecord size: avro %d B, json (payload only) %d B%n", avroBytes.length, jsonBytes.length);
    }

    @TearDown
    public void tearDown() {
        int calls = registry.requests().size() - requestsAfterWarmup;
        registry.close();
        if (calls != 0) {
            throw new IllegalStateException(calls + " registry call(s) while measuring: the cache is not warm");
        }
    }

    /** A completed step of a described job with every field set, each as long as in real records. */
    static Struct fullyPopulatedStep() {
        Date start = new Date(1_767_578_400_123L);
        Struct s = new Struct(RecordSchemas.STEP)
                .put("step_id", "9f2c4e71a0b8d3f65c1e2a7b9d0f4c83")
                .put("job_name", "resnet50-nightly-001")
                .put("job_arn", "arn:aws:sagemaker:us-east-1:123456789012:inference-recommendations-job/resnet50-nightly-001")
                .put("aws_region", "us-east-1")
                .put("aws_account_id", "123456789012")
                .put("step_type", "BENCHMARK")
                .put("status", "COMPLETED")
                .put("is_terminal", true)
                .put("failure_reason", "Endpoint sm-epc-resnet50-001-c5 reached its latency threshold")
                .put("content_hash", "51b0e6a3c9d27f48e0a1b6c3d5f7e9a2")
                .put("observed_at", new Date(1_767_579_300_456L))
                .put("endpoint_name", "sm-epc-resnet50-001-c5")
                .put("variant_name", "AllTraffic")
                .put("instance_type", "ml.c5.xlarge")
                .put("initial_instance_count", 1)
                .put("serverless_memory_size_mb", 2048)
                .put("serverless_max_concurrency", 5)
                .put("serverless_provisioned_concurrency", 1)
                .put("inference_specification_name", "resnet50-spec")
                .put("compilation_job_name", "resnet50-neo-c5")
                .put("environment_parameters", "{\"BATCH_SIZE\":\"8\",\"OMP_NUM_THREADS\":\"2\"}")
                .put("cost_per_hour", 0.2039999961853027)
                .put("cost_per_inference", 0.0001230000052601099)
                .put("max_invocations", 1350)
                .put("model_latency_ms", 42)
                .put("cpu_utilization", 71.25)
                .put("memory_utilization", 33.5)
                .put("model_setup_time", 12)
                .put("endpoint_max_invocations", 1400)
                .put("endpoint_model_latency_ms", 45)
                .put("invocation_start_time", start)
                .put("invocation_end_time", new Date(start.getTime() + 600_000L))
                .put("benchmark_duration_ms", 600_000L)
                .put("job_type", "Default")
                .put("job_status", "COMPLETED")
                .put("job_creation_time", new Date(1_767_577_800_789L))
                .put("model_name", "resnet50")
                .put("model_package_version_arn", "arn:aws:sagemaker:us-east-1:123456789012:model-package/resnet50/3")
                .put("identical_steps", 1);
        for (Field f : RecordSchemas.STEP.fields()) {
            if (s.get(f) == null) {
                // a field added to the .avsc after this was written: a plain value keeps the record full
                s.put(f, plainValue(f));
            }
        }
        return s;
    }

    private static Object plainValue(Field f) {
        Schema schema = f.schema();
        if (Timestamp.LOGICAL_NAME.equals(schema.name())) {
            return new Date(1_767_579_300_456L);
        }
        return switch (schema.type()) {
            case STRING -> "value of " + f.name();
            case INT32 -> 1;
            case INT64 -> 1L;
            case FLOAT64 -> 1.5;
            case BOOLEAN -> true;
            default -> throw new IllegalStateException("give field " + f.name() + " (" + schema.type() + ") a value");
        };
    }

    @Benchmark
    public byte[] avroFromConnectData() {
        return avro.fromConnectData(TOPIC, RecordSchemas.STEP, step);
    }

    @Benchmark
    public SchemaAndValue avroToConnectData() {
        return avro.toConnectData(TOPIC, avroBytes);
    }

    /** Payload only: reads back as an untyped Map, not a Struct, so this is the cheapest JSON there is. */
    @Benchmark
    public byte[] jsonFromConnectData() {
        return json.fromConnectData(TOPIC, RecordSchemas.STEP, step);
    }

    @Benchmark
    public SchemaAndValue jsonToConnectData() {
        return json.toConnectData(TOPIC, jsonBytes);
    }
}
