package dev.benchlake.avro;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
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

/**
 * Cost per record of {@link AvroConverter} against Kafka's {@link JsonConverter} on the same fully populated
 * BenchmarkStep {@link Struct}, both directions. The registry is an in-process fake; its cache is warm before
 * measuring (the teardown checks that measuring made no registry call). Run: see docs/benchmarks.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ConverterBenchmark {
    private static final String TOPIC = "benchmark-steps";

    private FakeSchemaRegistry registry;
    private AvroConverter avro;
    private JsonConverter json;
    private JsonConverter jsonNoSchemas;
    private Schema schema;
    private Struct step;
    private byte[] avroBytes;
    private byte[] jsonBytes;
    private byte[] jsonNoSchemasBytes;
    private int requestsAfterWarmup;

    @Setup
    public void setup() throws IOException {
        registry = new FakeSchemaRegistry();
        avro = new AvroConverter();
        avro.configure(Map.of(AvroConverterConfig.SCHEMA_REGISTRY_URL, registry.url()), false);
        json = new JsonConverter();
        json.configure(Map.of("schemas.enable", "true"), false);
        jsonNoSchemas = new JsonConverter();
        jsonNoSchemas.configure(Map.of("schemas.enable", "false"), false);
        schema = TestSchemas.benchmarkStepConnect();
        step = TestSchemas.benchmarkStep(schema, 1);
        avroBytes = avro.fromConnectData(TOPIC, schema, step);
        avro.toConnectData(TOPIC, avroBytes); // warm the id cache
        jsonBytes = json.fromConnectData(TOPIC, schema, step);
        jsonNoSchemasBytes = jsonNoSchemas.fromConnectData(TOPIC, schema, step);
        requestsAfterWarmup = registry.requests().size();
        System.out.printf("%nrecord size: avro %d B, json+schema %d B, json %d B%n",
                avroBytes.length, jsonBytes.length, jsonNoSchemasBytes.length);
    }

    @TearDown
    public void tearDown() {
        int calls = registry.requests().size() - requestsAfterWarmup;
        registry.close();
        if (calls != 0) {
            throw new IllegalStateException(calls + " registry call(s) while measuring: the cache is not warm");
        }
    }

    @Benchmark
    public byte[] avroFromConnectData() {
        return avro.fromConnectData(TOPIC, schema, step);
    }

    @Benchmark
    public SchemaAndValue avroToConnectData() {
        return avro.toConnectData(TOPIC, avroBytes);
    }

    /** JsonConverter with its default schemas.enable=true: the same information as Avro (typed Struct back). */
    @Benchmark
    public byte[] jsonFromConnectData() {
        return json.fromConnectData(TOPIC, schema, step);
    }

    @Benchmark
    public SchemaAndValue jsonToConnectData() {
        return json.toConnectData(TOPIC, jsonBytes);
    }

    /** schemas.enable=false: payload only (reads back as an untyped Map, not a Struct). */
    @Benchmark
    public byte[] jsonNoSchemasFromConnectData() {
        return jsonNoSchemas.fromConnectData(TOPIC, schema, step);
    }

    @Benchmark
    public SchemaAndValue jsonNoSchemasToConnectData() {
        return jsonNoSchemas.toConnectData(TOPIC, jsonNoSchemasBytes);
    }
}
