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

    @Test
    void roundTripsThroughItsMapForm() {
        assertThat(JobOffset.fromMap(OFFSET.toMap())).isEqualTo(OFFSET);
        assertThat(JobOffset.fromMap(OFFSET.withClosed(true).toMap()).closed()).isTrue();
        assertThat(JobOffset.fromMap(null)).isEqualTo(JobOffset.START);
    }

    @Test
    void roundTripsThroughTheJsonConnectStoresOffsetsIn() {
        // Connect's offset store serialises offsets with a schemaless JsonConverter: small numbers come back as Integer
        JsonConverter json = new JsonConverter();
        json.configure(Map.of(JsonConverterConfig.SCHEMAS_ENABLE_CONFIG, "false"), false);
        JobOffset small = OFFSET.withNextToken("t", 5L);
        byte[] bytes = json.fromConnectData("offsets", null, small.toMap());
        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"token_issued_at\":5");
        @SuppressWarnings("unchecked")
        Map<String, Object> back = (Map<String, Object>) json.toConnectData("offsets", bytes).value();
        assertThat(JobOffset.fromMap(back)).isEqualTo(small);
    }

    @Test
    void holdsOnlyPrimitiveValuesAsConnectRequires() {
        assertThat(OFFSET.toMap().values()).allSatisfy(v ->
                assertThat(v == null || v instanceof String || v instanceof Number || v instanceof Boolean).isTrue());
        assertThat(OFFSET.toMap().get("steps")).isEqualTo("0123456789abcdef=aaaaaaaaaaaaaaaa,fedcba9876543210=cccccccccccccccc");
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
    }

    @Test
    void rejectsMalformedOffsetsNamingTheField() {
        Map<String, Object> map = new HashMap<>(OFFSET.toMap());
        map.put("closed", "yes");
        assertThatThrownBy(() -> JobOffset.fromMap(map)).hasMessageContaining("'closed'");
        Map<String, Object> steps = new HashMap<>(OFFSET.toMap());
        steps.put("steps", Map.of("s1", 5));
        assertThatThrownBy(() -> JobOffset.fromMap(steps)).hasMessageContaining("'steps'");
        steps.put("steps", "0123=abcd,nonsense");
        assertThatThrownBy(() -> JobOffset.fromMap(steps)).hasMessageContaining("'steps'").hasMessageContaining("nonsense");
        Map<String, Object> token = new HashMap<>(OFFSET.toMap());
        token.put("next_token", 12);
        assertThatThrownBy(() -> JobOffset.fromMap(token)).hasMessageContaining("'next_token'");
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
