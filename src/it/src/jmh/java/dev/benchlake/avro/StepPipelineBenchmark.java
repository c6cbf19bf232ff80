package dev.benchlake.avro;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import dev.benchlake.api.JobObservation;
import dev.benchlake.api.StepObservation;
import dev.benchlake.record.NanHandling;
import dev.benchlake.record.RecordContext;
import dev.benchlake.record.RecordSchemas;
import dev.benchlake.record.StepIdentity;
import dev.benchlake.record.StepRecords;

/**
 * What the connector does per step, from the API's answer to the bytes Kafka gets: identity and content hash,
 * flattening a step of a described job into the BenchmarkStep Struct, and conversion, with Benchlake's Avro converter
 * against Kafka's JsonConverter (payload only) on the same data. The registry is an in-process fake with a warm cache.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StepPipelineBenchmark {

    private static final String TOPIC = "benchlake.benchmark-steps";
    private static final RecordContext CONTEXT = new RecordContext("us-east-1", "123456789012", NanHandling.NULL);

    private FakeSchemaRegistry registry;
    private AvroConverter avro;
    private JsonConverter json;
    private StepObservation step;
    private JobObservation job;

    @Setup
    public void setup() throws IOException {
        registry = new FakeSchemaRegistry();
        avro = new AvroConverter();
        avro.configure(Map.of(AvroConverterConfig.SCHEMA_REGISTRY_URL, registry.url()), false);
        json = new JsonConverter();
        json.configure(Map.of("schemas.enable", "false"), false);
        Instant start = Instant.parse("2026-01-05T02:00:00.123Z");
        step = new StepObservation("resnet50-nightly-001", "BENCHMARK", "COMPLETED", null,
                new StepObservation.Endpoint("sm-epc-resnet50-001-c5", "AllTraffic", "ml.c5.xlarge", 1, null, null, null),
                new StepObservation.Model("resnet50-spec", null, List.of(
                        new StepObservation.EnvironmentParameter("OMP_NUM_THREADS", "string", "2"),
                        new StepObservation.EnvironmentParameter("BATCH_SIZE", "string", "8"))),
                new StepObservation.Metrics(0.1f, 0.000123f, 1350, 42, 71.25f, 33.5f, null),
                new StepObservation.EndpointMetrics(1400, 45), start, start.plusSeconds(600));
        job = new JobObservation("resnet50-nightly-001",
                "arn:aws:sagemaker:us-east-1:123456789012:inference-recommendations-job/resnet50-nightly-001", "Default",
                "COMPLETED", null, null, start.minusSeconds(600), start.plusSeconds(900), start.plusSeconds(900), "resnet50", null,
                null);
        avro.fromConnectData(TOPIC, RecordSchemas.STEP, flatten()); // registers the schema: the cache is warm
    }

    @TearDown
    public void tearDown() {
        registry.close();
    }

    private Struct flatten() {
        String id = StepIdentity.stepId(step);
        return StepRecords.stepValue(step, id, job, CONTEXT, Instant.EPOCH);
    }

    /** Identity, content hash and Struct: the connector's own work per step, before any converter. */
    @Benchmark
    public Struct flattenOnly() {
        return flatten();
    }

    @Benchmark
    public byte[] flattenAndAvro() {
        return avro.fromConnectData(TOPIC, RecordSchemas.STEP, flatten());
    }

    @Benchmark
    public byte[] flattenAndJson() {
        return json.fromConnectData(TOPIC, RecordSchemas.STEP, flatten());
    }
}
