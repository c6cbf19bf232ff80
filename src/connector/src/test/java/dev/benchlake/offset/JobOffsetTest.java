package dev.benchlake.offset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.json.JsonConverterConfig;
import org.junit.jupiter.api.Test;

class JobOffsetTest {

    private static final String ID1 = "0123456789abcdef0123456789abcdef";
    private static final String ID2 = "fedcba9876543210fedcba9876543210";
    private static final String H1 = "aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbb";
    private static final String H2 = "ccccccccccccccccdddddddddddddddd";

    private static final JobOffset OFFSET = JobOffset.START
            .withStep(ID1, H1).withStep(ID2, H2)
            .withNextToken("token-abc", 1_767_225_600_123L)
            .withJobHash("jh")
            .withClosed(false);

    /** As Connect's offset store is configured: schemaless. */
    private static final JsonConverter JSON = new JsonConverter();

    static {
        JSON.configure(Map.of(JsonConverterConfig.SCHEMAS_ENABLE_CONFIG, "false"), false);
    }

    @Test
    void roundTripsThroughItsMapForm() {
        assertThat(JobOffset.fromMap(OFFSET.toMap())).isEqualTo(OFFSET);
        assertThat(JobOffset.fromMap(OFFSET.withClosed(true).toMap()).closed()).isTrue();
        assertThat(JobOffset.fromMap(null)).isEqualTo(JobOffset.START);
    }

    @Test
    void roundTripsThroughTheJsonConnectStoresOffsetsIn() {
        // Connect's offset store serialises offsets with a schemaless JsonConverter: small numbers come back as Integer
        JobOffset small = OFFSET.withNextToken("t", 5L);
        byte[] bytes = JSON.fromConnectData("offsets", null, small.toMap());
        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("{\"v\":2,\"next_token\":\"t\",\"token_issued_at\":5,"
                + "\"job_hash\":\"jh\",\"closed\":false,\"emitted\":2,\"s01\":\"I0Vniauqqqqq\",\"sfe\":\"3LqYdlTMzMzM\"}");
        assertThat(JobOffset.fromMap(jsonRoundTrip(small.toMap()))).isEqualTo(small);
        assertThat(JobOffset.fromMap(jsonRoundTrip(JobOffset.START.toMap()))).isEqualTo(JobOffset.START);
    }

    @Test
    void holdsOnlyPrimitiveValuesAsConnectRequires() {
        assertThat(OFFSET.toMap().values()).allSatisfy(v ->
                assertThat(v == null || v instanceof String || v instanceof Number || v instanceof Boolean).isTrue());
        // ID1 is bucket 01, then 23456789ab, hash aaaaaaaa; ID2 is bucket fe: Base64url of those 9 bytes
        assertThat(OFFSET.toMap()).containsExactly(Map.entry("v", 2), Map.entry("next_token", "token-abc"),
                Map.entry("token_issued_at", 1_767_225_600_123L), Map.entry("job_hash", "jh"), Map.entry("closed", false),
                Map.entry("emitted", 2), Map.entry("s01", "I0Vniauqqqqq"), Map.entry("sfe", "3LqYdlTMzMzM"));
    }

    @Test
    void readsTheFormatBeforeVersionTwo() {
        // as the previous release wrote it: 16 hex digits of id and hash, no format marker
        Map<String, Object> v1 = new HashMap<>();
        v1.put("next_token", "token-abc");
        v1.put("token_issued_at", 1_767_225_600_123L);
        v1.put("steps", "0123456789abcdef=aaaaaaaaaaaaaaaa,fedcba9876543210=cccccccccccccccc");
        v1.put("job_hash", "jh");
        v1.put("closed", false);
        JobOffset read = JobOffset.fromMap(v1);
        assertThat(read).isEqualTo(OFFSET);
        assertThat(read.alreadyEmitted(ID2, H2)).isTrue();
        assertThat(read.alreadyEmitted(ID2, H1)).isFalse();
        assertThat(read.toMap()).containsEntry("v", 2).containsKeys("s01", "sfe").doesNotContainKey("steps");

        v1.put("closed", true);
        JobOffset closed = JobOffset.fromMap(v1);
        assertThat(closed.stepsEmitted()).isEqualTo(2);
        assertThat(closed.alreadyEmitted(ID1, H1)).isFalse();
        v1.put("steps", "");
        assertThat(JobOffset.fromMap(v1).stepsEmitted()).isZero();
    }

    @Test
    void aClosedOffsetKeepsTheCountButNoHashes() {
        JobOffset closed = OFFSET.withClosed(true);
        assertThat(closed.stepsEmitted()).isEqualTo(2);
        assertThat(closed.alreadyEmitted(ID1, H1)).isFalse();
        assertThat(closed.stepHashes()).isEmpty();
        assertThat(closed.toMap()).containsOnlyKeys("v", "next_token", "token_issued_at", "job_hash", "closed", "emitted")
                .containsEntry("emitted", 2).containsEntry("closed", true);
        assertThat(JobOffset.fromMap(closed.toMap())).isEqualTo(closed);
        assertThat(JobOffset.fromMap(jsonRoundTrip(closed.toMap())).stepsEmitted()).isEqualTo(2);
    }

    @Test
    void equalStepsInAnyOrderGiveEqualMapsAndBytes() {
        JobOffset other = JobOffset.START.withJobHash("jh").withStep(ID2, H2)
                .withNextToken("token-abc", 1_767_225_600_123L).withStep(ID1, H2).withStep(ID1, H1);
        assertThat(other).isEqualTo(OFFSET).hasSameHashCodeAs(OFFSET);
        assertThat(new String(JSON.fromConnectData("offsets", null, other.toMap()), StandardCharsets.UTF_8))
                .isEqualTo(new String(JSON.fromConnectData("offsets", null, OFFSET.toMap()), StandardCharsets.UTF_8));
    }

    @Test
    void reusesTheEncodingOfBucketsNotTouched() {
        JobOffset more = OFFSET.withStep("0200000000000000ffffffffffffffff", H1);
        assertThat(more.toMap().get("s01")).isSameAs(OFFSET.toMap().get("s01"));
        assertThat(more.toMap()).containsEntry("s02", "AAAAAACqqqqq").containsEntry("emitted", 3);
    }

    @Test
    void partitionKeepsItsBytesThroughTheRestApiRoundTrip() {
        // Connect finds offsets by the partition's serialised bytes. An operator's edit through the REST API is a
        // partition read back from JSON (into a HashMap) and serialised again: it must give the same bytes.
        JsonConverter json = new JsonConverter();
        json.configure(Map.of(JsonConverterConfig.SCHEMAS_ENABLE_CONFIG, "false"), true);
        for (String job : java.util.List.of("resnet-nightly-1", "j", "a-very-long-job-name-0123456789")) {
            JobPartition p = new JobPartition("eu-west-1", "111122223333", job);
            byte[] original = json.fromConnectData("offsets", null, java.util.List.of("connector", p.toMap()));
            Object readBack = json.toConnectData("offsets", original).value();
            byte[] again = json.fromConnectData("offsets", null, readBack);
            assertThat(new String(again, StandardCharsets.UTF_8)).isEqualTo(new String(original, StandardCharsets.UTF_8));
        }
    }

    @Test
    void readsNumbersAsIntegerOrLong() {
        Map<String, Object> map = new HashMap<>(OFFSET.toMap());
        map.put("token_issued_at", 42);
        assertThat(JobOffset.fromMap(map).tokenIssuedAtMs()).isEqualTo(42L);
        map.put("token_issued_at", 1_767_225_600_123L);
        assertThat(JobOffset.fromMap(map).tokenIssuedAtMs()).isEqualTo(1_767_225_600_123L);
    }

    @Test
    void tellsWhichStepContentWasEmitted() {
        assertThat(OFFSET.alreadyEmitted(ID1, H1)).isTrue();
        assertThat(OFFSET.alreadyEmitted(ID1, H2)).isFalse();
        assertThat(OFFSET.alreadyEmitted("1111111111111111aaaaaaaaaaaaaaaa", H1)).isFalse();
        assertThat(OFFSET.stepsEmitted()).isEqualTo(2);
        assertThat(OFFSET.withNextToken(null, 99L).tokenIssuedAtMs()).isZero();
        JobOffset changed = OFFSET.withStep(ID1, H2);
        assertThat(changed.alreadyEmitted(ID1, H2)).isTrue();
        assertThat(changed.alreadyEmitted(ID1, H1)).isFalse();
        assertThat(changed.stepsEmitted()).as("a new version of a step is not a new step").isEqualTo(2);
        assertThat(OFFSET.withStep(ID1, H1)).isSameAs(OFFSET);
        assertThat(OFFSET.stepHashes()).containsExactly(Map.entry("0123456789ab", "aaaaaaaa"),
                Map.entry("fedcba987654", "cccccccc"));
    }

    @Test
    void rejectsMalformedOffsetsNamingTheField() {
        assertThatThrownBy(() -> JobOffset.fromMap(with("closed", "yes"))).hasMessageContaining("'closed'");
        assertThatThrownBy(() -> JobOffset.fromMap(with("next_token", 12))).hasMessageContaining("'next_token'");
        assertThatThrownBy(() -> JobOffset.fromMap(with("v", 3))).hasMessageContaining("'v'");
        assertThatThrownBy(() -> JobOffset.fromMap(with("emitted", 1))).hasMessageContaining("'emitted'");
        assertThatThrownBy(() -> JobOffset.fromMap(with("emitted", "2"))).hasMessageContaining("'emitted'");
        assertThatThrownBy(() -> JobOffset.fromMap(with("s01", 5))).hasMessageContaining("'s01'");
        assertThatThrownBy(() -> JobOffset.fromMap(with("s01", "I0Vniauqqqq"))).hasMessageContaining("'s01'");
        assertThatThrownBy(() -> JobOffset.fromMap(with("s01", "I0Vniauqqq=="))).hasMessageContaining("'s01'");
        assertThatThrownBy(() -> JobOffset.fromMap(with("s01", "I0Vniauqqq+/"))).hasMessageContaining("'s01'");
        // two steps, the larger id first
        assertThatThrownBy(() -> JobOffset.fromMap(with("s01", "I0Vniauqqqqq" + "AAAAAACqqqqq")))
                .hasMessageContaining("'s01'").hasMessageContaining("order");

        Map<String, Object> v1 = new HashMap<>();
        v1.put("steps", Map.of("s1", 5));
        assertThatThrownBy(() -> JobOffset.fromMap(v1)).hasMessageContaining("'steps'");
        v1.put("steps", "0123456789abcdef=aaaaaaaaaaaaaaaa,nonsense");
        assertThatThrownBy(() -> JobOffset.fromMap(v1)).hasMessageContaining("'steps'").hasMessageContaining("nonsense");
        v1.put("steps", "0123=abcd");
        assertThatThrownBy(() -> JobOffset.fromMap(v1)).as("too short to keep 48 bits").hasMessageContaining("'0123=abcd'");

        assertThatThrownBy(() -> OFFSET.withStep("step-1", H1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("step id");
        assertThatThrownBy(() -> OFFSET.alreadyEmitted(ID1, "abc")).hasMessageContaining("content hash");
    }

    private static Map<String, Object> with(String key, Object value) {
        Map<String, Object> map = new HashMap<>(OFFSET.toMap());
        map.put(key, value);
        return map;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> jsonRoundTrip(Map<String, Object> map) {
        return (Map<String, Object>) JSON.toConnectData("offsets", JSON.fromConnectData("offsets", null, map)).value();
    }

    @Test
    void partitionRoundTripsAndChecksItsProtocol() {
        JobPartition p = new JobPartition("us-east-1", "111122223333", "resnet-nightly-1");
        assertThat(p.toMap()).containsEntry("protocol", 1).containsEntry("job", "resnet-nightly-1");
        assertThat(JobPartition.fromMap(p.toMap())).isEqualTo(p);
        Map<String, Object> future = new HashMap<>(p.toMap());
        future.put("protocol", 2L);
        assertThatThrownBy(() -> JobPartition.fromMap(future)).hasMessageContaining("protocol 2");
        Map<String, Object> missing = new HashMap<>(p.toMap());
        missing.remove("job");
        assertThatThrownBy(() -> JobPartition.fromMap(missing)).hasMessageContaining("'job'");
    }
}
