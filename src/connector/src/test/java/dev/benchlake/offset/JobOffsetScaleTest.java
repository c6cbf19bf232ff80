package dev.benchlake.offset;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.json.JsonConverterConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Offsets of jobs with many steps: what they weigh as Connect writes them, and what building them costs. */
class JobOffsetScaleTest {

    private static final JsonConverter JSON = new JsonConverter();
    /** A NextToken as long as the largest SageMaker has been seen to hand out. */
    private static final String TOKEN = "T".repeat(2048);
    private static final long ISSUED = 1_767_225_600_123L;
    /** Bytes of a bucket entry besides its steps: {@code ,"s3a":""}. */
    private static final int BUCKET_KEY_BYTES = ",\"s00\":\"\"".length();

    static {
        JSON.configure(Map.of(JsonConverterConfig.SCHEMAS_ENABLE_CONFIG, "false"), false);
    }

    /** 32 hex digits, as step ids and content hashes are (the first 128 bits of SHA-256). */
    private static String[] hex32(int n, long seed) {
        Random random = new Random(seed);
        String[] out = new String[n];
        byte[] bytes = new byte[16];
        for (int i = 0; i < n; i++) {
            random.nextBytes(bytes);
            out[i] = HexFormat.of().formatHex(bytes);
        }
        return out;
    }

    private static JobOffset withSteps(String[] ids, String[] hashes) {
        JobOffset offset = JobOffset.START.withNextToken(TOKEN, ISSUED).withJobHash("0123456789abcdef0123456789abcdef");
        for (int i = 0; i < ids.length; i++) {
            offset = offset.withStep(ids[i], hashes[i]);
        }
        return offset;
    }

    private static byte[] json(JobOffset offset) {
        return JSON.fromConnectData("offsets", null, offset.toMap());
    }

    @Test
    void recognisesEveryOneOfThirtyThousandStepsAfterARoundTrip() {
        String[] ids = hex32(30_000, 1);
        String[] hashes = hex32(30_000, 2);
        String[] otherHashes = hex32(30_000, 3);
        JobOffset offset = withSteps(ids, hashes);
        @SuppressWarnings("unchecked")
        JobOffset read = JobOffset.fromMap((Map<String, Object>) JSON.toConnectData("offsets", json(offset)).value());
        assertThat(read).isEqualTo(offset);
        assertThat(read.stepsEmitted()).isEqualTo(30_000);
        for (int i = 0; i < ids.length; i++) {
            assertThat(read.alreadyEmitted(ids[i], hashes[i])).as("step %d", i).isTrue();
            assertThat(read.alreadyEmitted(ids[i], otherHashes[i])).as("step %d changed", i).isFalse();
        }
        assertThat(read.alreadyEmitted(hex32(1, 4)[0], hashes[0])).as("a step never seen").isFalse();
    }

    @Test
    void thirtyThousandStepsFitInUnderHalfAMebibyte() {
        String[] ids = hex32(30_000, 1);
        JobOffset offset = withSteps(ids, hex32(30_000, 2));
        Set<String> buckets = new HashSet<>();
        for (String id : ids) {
            buckets.add(id.substring(0, 2));
        }
        int withoutSteps = ("{\"v\":2,\"next_token\":\"" + TOKEN + "\",\"token_issued_at\":" + ISSUED
                + ",\"job_hash\":\"0123456789abcdef0123456789abcdef\",\"closed\":false,\"emitted\":30000}").length();
        int expected = withoutSteps + 30_000 * 12 + buckets.size() * BUCKET_KEY_BYTES;

        assertThat(buckets).hasSize(256);
        assertThat(json(offset)).hasSize(expected);
        assertThat(expected).isEqualTo(364_484).isLessThan(512 * 1024);
        assertThat(offset.encodedSizeBytes()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} steps")
    @ValueSource(ints = {0, 1, 1_000, 30_000})
    void encodedSizeBoundsTheJsonConnectWritesWithinFivePercent(int steps) {
        JobOffset offset = withSteps(hex32(steps, 1), hex32(steps, 2));
        for (JobOffset o : new JobOffset[] {offset, offset.withClosed(true), offset.withNextToken(null, 0L).withJobHash(null)}) {
            int actual = json(o).length;
            assertThat(o.encodedSizeBytes()).as(o.toString()).isGreaterThanOrEqualTo(actual)
                    .isLessThanOrEqualTo((int) (actual * 1.05));
        }
    }

    @Test
    void encodedSizeStillBoundsTokensThatNeedEscapingOrAreNotAscii() {
        JobOffset offset = JobOffset.START.withStep("0123456789abcdef0123456789abcdef", "aaaaaaaabbbbbbbb")
                .withNextToken("q\"uo\\te\n\u0001 é € 🙂 " + TOKEN, -1L).withJobHash("tab\there");
        int actual = json(offset).length;
        assertThat(new String(json(offset), StandardCharsets.UTF_8)).contains("\\u0001");
        assertThat(offset.encodedSizeBytes()).isGreaterThanOrEqualTo(actual).isLessThanOrEqualTo((int) (actual * 1.05));
    }

    @Test
    void addingThirtyThousandStepsWithAMapAfterEachTakesWellUnderFiveSeconds() {
        String[] ids = hex32(30_000, 1);
        String[] hashes = hex32(30_000, 2);
        int[] perBucket = new int[256];
        long expectedChars = 0;
        long readChars = 0;
        long start = System.nanoTime();
        JobOffset offset = JobOffset.START.withNextToken(TOKEN, ISSUED);
        Map<String, Object> map = offset.toMap();
        for (int i = 0; i < ids.length; i++) {
            offset = offset.withStep(ids[i], hashes[i]);
            map = offset.toMap();
            // read the entry of the bucket just changed: it is the one that must be encoded anew
            String bucket = ids[i].substring(0, 2);
            readChars += ((String) map.get("s" + bucket)).length();
            expectedChars += 12L * ++perBucket[Integer.parseInt(bucket, 16)];
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        // an offset that copies and sorts every step on each change takes minutes here; this one, milliseconds
        assertThat(took).isLessThan(Duration.ofSeconds(5));
        assertThat(readChars).isEqualTo(expectedChars);
        assertThat(map).hasSize(6 + 256).containsEntry("emitted", 30_000);
    }
}
