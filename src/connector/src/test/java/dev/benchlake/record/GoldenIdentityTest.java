package dev.benchlake.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import dev.benchlake.api.JobObservation;
import dev.benchlake.api.StepObservation;
import dev.benchlake.avro.AvroConverter;

/**
 * Golden identities: the {@code step_id}, {@code content_hash} and key bytes of fixed fixture steps, and the Avro
 * bytes of one full record, pinned. Every warehouse row is keyed by them: a change re-keys every row already landed
 * and re-emits every open job's steps. The expected values are not taken from the code under test: each hex literal
 * was computed once by an independent program (Python's {@code hashlib}, shown at the constant) from the definition
 * in the README ("What lands in Kafka") and the class comments of {@link Hashes}, {@link StepIdentity} and
 * {@link ContentHash}; {@link #reference} recomputes the same layout here with {@link MessageDigest}.
 *
 * <p>If one of these fails, the change is a breaking upgrade: either undo it, or version it ({@code step/2},
 * {@code content/3}, a new key schema major) and write the upgrade step in {@value #UPGRADE_NOTES}.
 */
class GoldenIdentityTest {

    private static final String UPGRADE_NOTES = "docs/upgrading.md (and CHANGELOG.md)";
    private static final String BROKEN = "a change here re-keys every landed row and re-emits every open job's steps: "
            + "undo it, or version it and describe the upgrade in " + UPGRADE_NOTES;

    private static final Instant START = Instant.parse("2026-01-05T02:00:00.123Z"); // 1767578400123 ms
    private static final Instant END = Instant.parse("2026-01-05T02:12:30.456Z"); // 1767579150456 ms
    private static final Instant OBSERVED = Instant.parse("2026-01-05T03:00:00.789Z");
    private static final RecordContext CONTEXT = new RecordContext("us-east-1", "999988887777", NanHandling.NULL);
    private static final String ENV = "{\"BATCH_SIZE\":\"8\",\"OMP_NUM_THREADS\":\"4\"}";

    /**
     * Python, once: {@code def h(*parts): d = sha256(); for p in parts: d.update(b'\0') if p is None else
     * (b := str(p).encode(); d.update(b'\1' + struct.pack('>i', len(b)) + b)); return d.hexdigest()[:32]} and
     * {@code h("step/1","golden-job-1","BENCHMARK","ml.c5.xlarge","1",None,None,None,"spec-a",ENV,None,"golden-ep-1")}.
     */
    private static final String STEP_ID = "0f942f6102d4fe19c2a13b2cb8f51673";
    /** Python, once: {@code h("step/1","golden-job-2","BENCHMARK",None,None,None,None,None,"spec-b",None,None,None)}. */
    private static final String STEP_ID_NO_ENDPOINT = "dfbe1b678a3504a4a9d886f913a23c59";
    /**
     * Python, once: {@code h("content/2", name, value, ...)} over the versioned fields in {@code BenchmarkStep.avsc}
     * order, values as Java prints them ({@code 1.23E-4}, {@code true}, timestamps in epoch millis); see
     * {@link #versionedFields}.
     */
    private static final String CONTENT_HASH = "e5d08094fb69519d725a62fe474cc1be";
    /** Avro binary of BenchmarkStepKey (four strings, each a zig-zag varint length and UTF-8), computed in Python. */
    private static final String KEY_AVRO = "183131313132323232333333331275732d656173742d3118676f6c64656e2d6a6f622d3140"
            + "3066393432663631303264346665313963326131336232636238663531363733";
    private static final String GOLDEN_RECORD = "/golden/benchmark-step-value.avro";
    private static final int SCHEMA_ID = 1;

    private static HttpServer registry;

    static StepObservation fullStep() {
        return new StepObservation("golden-job-1", "BENCHMARK", "COMPLETED", null,
                new StepObservation.Endpoint("golden-ep-1", "AllTraffic", "ml.c5.xlarge", 1, null, null, null),
                new StepObservation.Model("spec-a", null,
                        List.of(new StepObservation.EnvironmentParameter("OMP_NUM_THREADS", "String", "4"),
                                new StepObservation.EnvironmentParameter("BATCH_SIZE", "String", "8"))),
                new StepObservation.Metrics(0.1f, 0.000123f, 1500, 37, 61.5f, 33.25f, 0),
                new StepObservation.EndpointMetrics(1480, 41), START, END);
    }

    static JobObservation job() {
        return new JobObservation("golden-job-1",
                "arn:aws:sagemaker:us-east-1:111122223333:inference-recommendations-job/golden-job-1", "Default",
                "COMPLETED", "nightly", null, Instant.parse("2026-01-05T01:59:00Z"), Instant.parse("2026-01-05T02:40:00Z"),
                Instant.parse("2026-01-05T02:40:00Z"), "resnet50", null,
                new JobObservation.InputConfig(7200, "{\"TrafficType\":\"PHASES\"}", "[{\"InstanceType\":\"ml.c5.xlarge\"}]"));
    }

    /** The versioned fields of {@link #fullStep()}'s record, in the schema's order, as the scenario gives them. */
    private static Object[] versionedFields() {
        long start = START.toEpochMilli();
        long end = END.toEpochMilli();
        return new Object[] {"content/2", "step_id", STEP_ID, "job_name", "golden-job-1", "aws_region", "us-east-1",
            "aws_account_id", "111122223333", "step_type", "BENCHMARK", "status", "COMPLETED", "is_terminal", "true",
            "failure_reason", null, "endpoint_name", "golden-ep-1", "variant_name", "AllTraffic",
            "instance_type", "ml.c5.xlarge", "initial_instance_count", "1", "serverless_memory_size_mb", null,
            "serverless_max_concurrency", null, "serverless_provisioned_concurrency", null,
            "inference_specification_name", "spec-a", "compilation_job_name", null, "environment_parameters", ENV,
            "cost_per_hour", "0.1", "cost_per_inference", "1.23E-4", "max_invocations", "1500", "model_latency_ms", "37",
            "cpu_utilization", "61.5", "memory_utilization", "33.25", "model_setup_time", "0",
            "endpoint_max_invocations", "1480", "endpoint_model_latency_ms", "41", "invocation_start_time", start,
            "invocation_end_time", end, "benchmark_duration_ms", end - start, "identical_steps", "1"};
    }

    @BeforeAll
    static void startRegistry() throws IOException {
        // a registry that gives every schema id 1: the framing is then fixed, and the body is the converter's own
        registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        registry.createContext("/", ex -> {
            try (InputStream in = ex.getRequestBody()) {
                in.readAllBytes();
            }
            byte[] body = ("{\"id\":" + SCHEMA_ID + "}").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        registry.start();
    }

    @AfterAll
    static void stopRegistry() {
        registry.stop(0);
    }

    @Test
    void theReferenceLayoutGivesThePinnedValues() {
        assertThat(reference("step/1", "golden-job-1", "BENCHMARK", "ml.c5.xlarge", "1", null, null, null, "spec-a", ENV,
                null, "golden-ep-1")).isEqualTo(STEP_ID);
        assertThat(reference(versionedFields())).isEqualTo(CONTENT_HASH);
    }

    @Test
    void stepIdIsPinned() {
        assertThat(StepIdentity.stepId(fullStep())).as(BROKEN).isEqualTo(STEP_ID);
        StepObservation failedBeforeEndpoint = new StepObservation("golden-job-2", "BENCHMARK", "FAILED",
                "endpoint creation failed", null, new StepObservation.Model("spec-b", null, List.of()), null, null, null,
                null);
        assertThat(StepIdentity.stepId(failedBeforeEndpoint)).as(BROKEN).isEqualTo(STEP_ID_NO_ENDPOINT);
    }

    @Test
    void contentHashIsPinned() {
        Struct value = StepRecords.stepValue(fullStep(), STEP_ID, job(), CONTEXT, OBSERVED);
        assertThat(value.getString("content_hash")).as(BROKEN).isEqualTo(CONTENT_HASH);
        Struct laterObservation = StepRecords.stepValue(fullStep(), STEP_ID, job().withInputConfig(null), CONTEXT,
                OBSERVED.plusSeconds(3600));
        assertThat(laterObservation.getString("content_hash"))
                .as("observed_at and the job's fields make no new version; " + BROKEN).isEqualTo(CONTENT_HASH);
    }

    @Test
    void keyBytesArePinned() {
        Struct key = StepRecords.stepKey(StepRecords.stepValue(fullStep(), STEP_ID, job(), CONTEXT, OBSERVED));
        byte[] framed = converter(true).fromConnectData("golden.steps", key.schema(), key);
        assertThat(HexFormat.of().formatHex(framed, 0, 5)).as("Confluent framing: magic byte 0, schema id")
                .isEqualTo("00" + String.format("%08x", SCHEMA_ID));
        assertThat(HexFormat.of().formatHex(Arrays.copyOfRange(framed, 5, framed.length))).as(BROKEN)
                .isEqualTo(KEY_AVRO);
    }

    @Test
    void aFullRecordEncodesToTheGoldenBytes() throws IOException {
        Struct value = StepRecords.stepValue(fullStep(), STEP_ID, job(), CONTEXT, OBSERVED);
        byte[] framed = converter(false).fromConnectData("golden.steps", value.schema(), value);
        byte[] golden = golden();
        assertThat(HexFormat.of().formatHex(framed)).as("the Avro bytes of one full record (" + GOLDEN_RECORD + "); "
                + BROKEN).isEqualTo(HexFormat.of().formatHex(golden));

        // the golden bytes read, with the published schema alone, as the scenario's values
        GenericRecord read = new GenericDatumReader<GenericRecord>(RecordSchemas.STEP_AVRO)
                .read(null, DecoderFactory.get().binaryDecoder(golden, 5, golden.length - 5, null));
        Map<String, Object> expected = Map.of("step_id", STEP_ID, "content_hash", CONTENT_HASH, "job_name", "golden-job-1",
                "aws_account_id", "111122223333", "observed_at", OBSERVED.toEpochMilli(), "cost_per_inference", 0.000123,
                "environment_parameters", ENV, "benchmark_duration_ms", 750_333L, "job_creation_time",
                Instant.parse("2026-01-05T01:59:00Z").toEpochMilli(), "identical_steps", 1);
        expected.forEach((field, v) -> assertThat(read.get(field) == null ? null : normalise(read.get(field)))
                .as(field).isEqualTo(v));
    }

    private static Object normalise(Object avro) {
        return avro instanceof CharSequence cs ? cs.toString()
                : avro instanceof Instant i ? i.toEpochMilli() : avro;
    }

    private static byte[] golden() throws IOException {
        try (InputStream in = GoldenIdentityTest.class.getResourceAsStream(GOLDEN_RECORD)) {
            assertThat(in).as(GOLDEN_RECORD + " on the test classpath").isNotNull();
            return in.readAllBytes();
        }
    }

    private static AvroConverter converter(boolean isKey) {
        AvroConverter converter = new AvroConverter();
        converter.configure(Map.of("schema.registry.url", "http://127.0.0.1:" + registry.getAddress().getPort()), isKey);
        return converter;
    }

    /**
     * The documented layout, written here apart from {@link Hashes}: SHA-256 over the parts, a null part as byte 0,
     * any other as byte 1, its UTF-8 length as 4 bytes big-endian, its UTF-8 bytes; the first 16 bytes in hex.
     */
    static String reference(Object... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Object part : parts) {
                if (part == null) {
                    sha.update((byte) 0);
                } else {
                    byte[] utf8 = part.toString().getBytes(StandardCharsets.UTF_8);
                    sha.update((byte) 1);
                    sha.update(java.nio.ByteBuffer.allocate(4).putInt(utf8.length).array());
                    sha.update(utf8);
                }
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
