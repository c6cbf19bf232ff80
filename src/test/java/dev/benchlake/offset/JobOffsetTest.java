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

    private static final JobOffset OFFSET = JobOffset.START
            .withStep("s1", "h1").withStep("s2", "h2")
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
    void readsNumbersAsIntegerOrLong() {
        Map<String, Object> map = new HashMap<>(OFFSET.toMap());
        map.put("token_issued_at", 42);
        assertThat(JobOffset.fromMap(map).tokenIssuedAtMs()).isEqualTo(42L);
        map.put("token_issued_at", 1_767_225_600_123L);
        assertThat(JobOffset.fromMap(map).tokenIssuedAtMs()).isEqualTo(1_767_225_600_123L);
    }

    @Test
    void tellsWhichStepContentWasEmitted() {
        assertThat(OFFSET.alreadyEmitted("s1", "h1")).isTrue();
        assertThat(OFFSET.alreadyEmitted("s1", "h-new")).isFalse();
        assertThat(OFFSET.alreadyEmitted("s3", "h1")).isFalse();
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
