package dev.benchlake.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Issue 22: ids held through outages, and statuses read as they mean. */
class RegistryOutageTest {
    private FakeSchemaRegistry registry;

    @BeforeEach
    void start() throws IOException {
        registry = new FakeSchemaRegistry();
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    private Map<String, Object> configs(Object... kv) {
        return registry.converterConfigs(kv);
    }

    private AvroConverter converter(Object... kv) {
        AvroConverter c = new AvroConverter();
        c.configure(configs(kv), false);
        return c;
    }

    @Test
    void aHeldIdConvertsWithoutWaitingThroughAnOutageLongerThanTheCacheTtl() {
        // on today's main every record after the TTL went to the registry first, and failed after the retry window
        // ids due for confirmation every millisecond; a registry call would retry for a minute before giving up
        AvroConverter writer = converter(AvroConverterConfig.CACHE_TTL_MS, 1L, AvroConverterConfig.RETRY_TIMEOUT_MS, 60_000L);
        AvroConverter reader = converter();
        Schema schema = TestSchemas.benchmarkStepConnect();
        byte[] first = writer.fromConnectData("held", schema, TestSchemas.benchmarkStep(schema, 0));
        reader.toConnectData("held", first);
        int id = registry.latestId("held-value");

        registry.failNext(Integer.MAX_VALUE, 503);
        byte[][] during = new byte[200][];
        // every record of the outage converts at once: none waits for the registry's answer
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (int i = 0; i < during.length; i++) {
                during[i] = writer.fromConnectData("held", schema, TestSchemas.benchmarkStep(schema, i + 1));
            }
        });
        for (int i = 0; i < during.length; i++) {
            assertThat(java.nio.ByteBuffer.wrap(during[i], 1, 4).getInt()).isEqualTo(id);
            assertThat(((Struct) reader.toConnectData("held", during[i]).value()).getString("step_id"))
                    .isEqualTo("job-42/step-" + (i + 1));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (registry.count("POST", "/subjects/held-value/versions") < 2 && System.nanoTime() < deadline) {
            Thread.yield();
        }
        assertThat(registry.count("POST", "/subjects/held-value/versions")).as("the held id is confirmed in the background")
                .isGreaterThan(1);
        registry.failNext(0, 503);
        writer.close();
        reader.close();
    }

    @Test
    void aHeldIdConvertsWhileTheRegistryRefusesConnections() {
        AvroConverter writer = converter(AvroConverterConfig.CACHE_TTL_MS, 1L);
        Schema schema = TestSchemas.benchmarkStepConnect();
        writer.fromConnectData("gone", schema, TestSchemas.benchmarkStep(schema, 0));
        int id = registry.latestId("gone-value");
        registry.close();
        for (int i = 1; i <= 50; i++) {
            byte[] bytes = writer.fromConnectData("gone", schema, TestSchemas.benchmarkStep(schema, i));
            assertThat(java.nio.ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);
        }
        // a schema never seen cannot be written: retried, never dropped
        Schema other = org.apache.kafka.connect.data.SchemaBuilder.struct().name("t.Other")
                .field("x", Schema.INT32_SCHEMA).build();
        assertThatThrownBy(() -> writer.fromConnectData("gone", other, new Struct(other).put("x", 1)))
                .isInstanceOf(RetriableException.class).hasMessageContaining("subject 'gone-value'");
        writer.close();
    }

    @Test
    void anIdRegisteredAheadIsWrittenWithByANewClientWithoutARegistryCallAndConfirmedWhenItExpires() {
        // a task's pre-registration (Preregistration), then its converter: during an outage, the first record needs
        // no registry call (none inside an exactly-once transaction)
        org.apache.avro.Schema avro = TestSchemas.benchmarkStepAvro();
        Preregistration ahead = new Preregistration(configs(), false);
        assertThat(ahead.attempt("ahead", avro)).isTrue();
        ahead.close();
        int id = registry.latestId("ahead-value");
        assertThat(registry.count("POST", "/subjects/ahead-value/versions")).isEqualTo(1);

        registry.failNext(Integer.MAX_VALUE, 503);
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong();
        SchemaRegistryClient client = new SchemaRegistryClient(new AvroConverterConfig(
                configs(AvroConverterConfig.CACHE_TTL_MS, 1_000L)), clock::get);
        long before = registry.requests().size();
        assertThat(client.register("ahead-value", avro)).isEqualTo(id);
        assertThat(registry.requests()).as("no registry call").hasSize((int) before);

        registry.failNext(0, 503);
        registry.wipe();
        clock.addAndGet(Duration.ofSeconds(2).toNanos());
        int confirmed = client.register("ahead-value", avro);
        assertThat(registry.count("POST", "/subjects/ahead-value/versions")).as("confirmed once expired").isEqualTo(2);
        assertThat(confirmed).as("the restored registry's id from then on").isEqualTo(registry.latestId("ahead-value"))
                .isNotEqualTo(id);
        client.close();
        // another converter set (other registry URLs) holds nothing of this one's
        Preregistration elsewhere = new Preregistration(Map.of(AvroConverterConfig.SCHEMA_REGISTRY_URL, "http://127.0.0.1:1",
                AvroConverterConfig.RETRY_TIMEOUT_MS, 100L), false);
        assertThat(elsewhere.attempt("ahead", avro)).as("unreachable: try again later").isFalse();
        elsewhere.close();
    }

    @Test
    void theClientFallsBackToTheIdItHeldWhenItCannotConfirmIt() {
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong();
        SchemaRegistryClient client = new SchemaRegistryClient(new AvroConverterConfig(
                configs(AvroConverterConfig.CACHE_TTL_MS, 1_000L)), clock::get);
        org.apache.avro.Schema avro = TestSchemas.benchmarkStepAvro();
        int id = client.register("c-value", avro);
        registry.failNext(Integer.MAX_VALUE, 500);
        clock.addAndGet(Duration.ofHours(1).toNanos());
        assertThat(client.register("c-value", avro)).isEqualTo(id);
        assertThat(registry.count("POST", "/subjects/c-value/versions")).as("it did ask").isGreaterThan(1);
        registry.failNext(0, 500);
        client.close();
    }

    @Test
    void status429And408AreRetriedHonouringRetryAfter() {
        SchemaRegistryClient client = new SchemaRegistryClient(configs(AvroConverterConfig.RETRY_TIMEOUT_MS, 10_000L));
        org.apache.avro.Schema avro = TestSchemas.benchmarkStepAvro();
        registry.failNext(2, 429, "1");
        long start = System.nanoTime();
        int id = client.register("rate-value", avro);
        long elapsedMs = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertThat(id).isEqualTo(registry.latestId("rate-value"));
        // two answers asked for a second each; the backoff alone was 10 ms then 20 ms
        assertThat(elapsedMs).isGreaterThanOrEqualTo(2_000);
        assertThat(registry.count("POST", "/subjects/rate-value/versions")).isEqualTo(3);

        registry.failNext(1, 408);
        assertThat(client.latest("rate-value")).map(SchemaRegistryClient.RegisteredSchema::id).contains(id);
        assertThat(registry.count("GET", "/subjects/rate-value/versions/latest")).isEqualTo(2);
        client.close();
    }

    @Test
    void aRetryAfterBeyondTheRetryWindowGivesUpRetriablyAtOnce() {
        AvroConverter c = converter(AvroConverterConfig.RETRY_TIMEOUT_MS, 5_000L);
        registry.failNext(Integer.MAX_VALUE, 429, "120");
        Schema schema = TestSchemas.benchmarkStepConnect();
        assertThatThrownBy(() -> c.fromConnectData("slow", schema, TestSchemas.benchmarkStep(schema, 1)))
                .isInstanceOf(RetriableException.class).hasMessageContaining("HTTP 429")
                .hasMessageContaining("Retry-After 120000 ms");
        assertThat(registry.count("POST", "/subjects/slow-value/versions")).isEqualTo(1);
        registry.failNext(0, 429);
        c.close();
    }

    @Test
    void answersThatMeanTheRequestIsWrongNameTheSubjectAndTheFix() {
        Schema schema = TestSchemas.benchmarkStepConnect();
        AvroConverter c = converter();
        registry.failNext(1, 422);
        assertThatThrownBy(() -> c.fromConnectData("bad", schema, TestSchemas.benchmarkStep(schema, 1)))
                .isInstanceOf(DataException.class).hasMessageContaining("subject 'bad-value'")
                .hasMessageContaining("HTTP 422").hasMessageContaining("fix the schema");
        registry.failNext(1, 403);
        assertThatThrownBy(() -> c.fromConnectData("bad", schema, TestSchemas.benchmarkStep(schema, 1)))
                .isInstanceOf(DataException.class).hasMessageContaining("subject 'bad-value'")
                .hasMessageContaining("HTTP 403").hasMessageContaining("grant them read and write on the subject");
        assertThat(registry.count("POST", "/subjects/bad-value/versions")).as("neither retried").isEqualTo(2);
        c.close();
    }

    @Test
    void retryAfterIsReadAsSecondsOrAnHttpDate() {
        long now = 1_700_000_000_000L;
        assertThat(RegistryStatus.retryAfterMs("3", now)).isEqualTo(3_000);
        assertThat(RegistryStatus.retryAfterMs(" 0 ", now)).isZero();
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                ZonedDateTime.ofInstant(java.time.Instant.ofEpochMilli(now + 7_000), ZoneOffset.UTC));
        assertThat(RegistryStatus.retryAfterMs(date, now)).isEqualTo(7_000);
        assertThat(RegistryStatus.retryAfterMs("99999999999999999999", now)).isEqualTo(600_000);
        assertThat(RegistryStatus.retryAfterMs("soon", now)).isEqualTo(-1);
        assertThat(RegistryStatus.retryAfterMs(null, now)).isEqualTo(-1);
        assertThat(RegistryStatus.retriable(408)).isTrue();
        assertThat(RegistryStatus.retriable(429)).isTrue();
        assertThat(RegistryStatus.retriable(502)).isTrue();
        assertThat(RegistryStatus.retriable(404)).isFalse();
        assertThat(RegistryStatus.retriable(409)).isFalse();
    }
}
