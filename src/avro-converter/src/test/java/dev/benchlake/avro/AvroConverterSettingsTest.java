package dev.benchlake.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

/** Every setting is honoured or refused by name; strategies by full class name; ids re-resolved after a TTL or failover. */
class AvroConverterSettingsTest {

    /** A custom strategy, loaded by its class name. */
    public static final class PrefixStrategy implements SubjectNamer {
        @Override
        public String subject(String topic, boolean isKey, org.apache.avro.Schema schema) {
            return "acme." + topic + (isKey ? ".k" : ".v");
        }
    }

    private static Map<String, Object> base(String url) {
        Map<String, Object> m = new HashMap<>();
        m.put(AvroConverterConfig.SCHEMA_REGISTRY_URL, url);
        m.put(AvroConverterConfig.RETRY_TIMEOUT_MS, 0L);
        return m;
    }

    @Test
    void everyRefusedConfluentKeyIsRefusedByNameInValidateAndAtConfigure() {
        for (String key : Refused.KEYS.keySet()) {
            Map<String, Object> m = base("http://127.0.0.1:1");
            m.put(key, "x");
            assertThatThrownBy(() -> new AvroConverter().configure(m, false)).as(key)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith(key + " is not supported by the Benchlake Avro converter (");
            Map<String, String> props = new HashMap<>();
            m.forEach((k, v) -> props.put(k, String.valueOf(v)));
            List<ConfigValue> validated = new AvroConverter().config().validate(props);
            assertThat(validated.stream().filter(v -> v.name().equals(key)).findFirst().orElseThrow().errorMessages())
                    .as(key).singleElement().asString().startsWith(key + " is not supported");
        }
        assertThat(Refused.KEYS).containsKeys("schema.registry.ssl.keystore.certificate.chain", "retries.wait.ms",
                "bearer.auth.custom.provider.class", "use.schema.id", "normalize.schemas");
    }

    @Test
    void anUnknownRegistryOrAuthKeyIsRefusedByName() {
        for (String key : List.of("schema.registry.ssl.keystore.locaton", "bearer.auth.issuer.endpoint", "basic.auth.user")) {
            Map<String, Object> m = base("http://127.0.0.1:1");
            m.put(key, "x");
            assertThatThrownBy(() -> new AvroConverter().configure(m, false)).as(key)
                    .hasMessage(key + " is not a setting of the Benchlake Avro converter (it would be ignored, so it is "
                            + "refused); see the converter's configuration reference");
        }
        Map<String, Object> m = base("http://127.0.0.1:1");
        m.put("schemas.enable", "false");
        m.put("converter.type", "value");
        assertThat(new AvroConverterConfig(m).unknownKeys()).containsExactly("schemas.enable");
    }

    @Test
    void bearerSettingsAreCheckedTogether() {
        Map<String, Object> m = base("https://sr.example.com");
        m.put(AvroConverterConfig.BEARER_AUTH_CREDENTIALS_SOURCE, "SASL_OAUTHBEARER_INHERIT");
        assertThatThrownBy(() -> new AvroConverterConfig(m)).hasMessageContaining(
                "bearer.auth.credentials.source=SASL_OAUTHBEARER_INHERIT is not supported");
        m.put(AvroConverterConfig.BEARER_AUTH_CREDENTIALS_SOURCE, "OAUTHBEARER");
        m.put(AvroConverterConfig.BEARER_AUTH_ISSUER_ENDPOINT_URL, "http://idp.example.com/token");
        m.put(AvroConverterConfig.BEARER_AUTH_CLIENT_ID, "benchlake");
        assertThatThrownBy(() -> new AvroConverterConfig(m)).hasMessage(
                "bearer.auth.credentials.source=OAUTHBEARER needs bearer.auth.client.secret");
        m.put(AvroConverterConfig.BEARER_AUTH_CLIENT_SECRET, "cl1ent-secret");
        assertThatThrownBy(() -> new AvroConverterConfig(m)).hasMessage(
                "bearer.auth.issuer.endpoint.url http://idp.example.com/token is http:// to a host that is not loopback: "
                        + "the OAuth client secret would cross the network in clear text. Use https, or set "
                        + "schema.registry.allow.insecure.credentials=true to accept that.");
        m.put(AvroConverterConfig.BEARER_AUTH_ISSUER_ENDPOINT_URL, "https://idp.example.com/token");
        assertThat(new AvroConverterConfig(m).bearerSource()).isEqualTo("OAUTHBEARER");
        m.put(AvroConverterConfig.SCHEMA_REGISTRY_URL, "https://u:p@sr.example.com");
        assertThatThrownBy(() -> new AvroConverterConfig(m)).hasMessage(
                "bearer.auth.credentials.source=OAUTHBEARER and basic auth (user info in schema.registry.url) are both "
                        + "configured: use one");
    }

    @Test
    void subjectNameStrategiesAreMatchedByTheirFullClassName() {
        assertThat(SubjectNameStrategy.resolve("io.confluent.kafka.serializers.subject.TopicRecordNameStrategy",
                getClass().getClassLoader())).isEqualTo(SubjectNameStrategy.TOPIC_RECORD);
        assertThat(SubjectNameStrategy.resolve("RecordNameStrategy", getClass().getClassLoader()))
                .isEqualTo(SubjectNameStrategy.RECORD);
        assertThatThrownBy(() -> SubjectNameStrategy.resolve("com.acme.TopicNameStrategy", getClass().getClassLoader()))
                .hasMessageStartingWith("subject name strategy class 'com.acme.TopicNameStrategy' cannot be loaded");
        assertThatThrownBy(() -> SubjectNameStrategy.resolve("io.confluent.kafka.serializers.subject.Custom",
                getClass().getClassLoader())).hasMessageStartingWith("unknown subject name strategy "
                + "'io.confluent.kafka.serializers.subject.Custom'");
        assertThatThrownBy(() -> SubjectNameStrategy.resolve("java.lang.String", getClass().getClassLoader()))
                .hasMessage("subject name strategy class 'java.lang.String' does not implement dev.benchlake.avro.SubjectNamer "
                        + "(Confluent's SubjectNameStrategy interface is not supported)");
        Map<String, Object> m = base("http://127.0.0.1:1");
        m.put(AvroConverterConfig.VALUE_SUBJECT_NAME_STRATEGY, "com.acme.TopicNameStrategy");
        assertThatThrownBy(() -> new AvroConverterConfig(m)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("value.subject.name.strategy").hasMessageContaining("com.acme.TopicNameStrategy");
    }

    @Test
    void aCustomStrategyIsLoadedByClassName() throws Exception {
        try (FakeSchemaRegistry registry = new FakeSchemaRegistry(); AvroConverter converter = new AvroConverter()) {
            Map<String, Object> m = base(registry.url());
            m.put(AvroConverterConfig.VALUE_SUBJECT_NAME_STRATEGY, PrefixStrategy.class.getName());
            converter.configure(m, false);
            org.apache.kafka.connect.data.Schema schema = TestSchemas.benchmarkStepConnect();
            converter.fromConnectData("steps", schema, TestSchemas.benchmarkStep(schema, 1));
            assertThat(registry.count("POST", "/subjects/acme.steps.v/versions")).isEqualTo(1);
        }
    }

    // ------------------------------------------------------------------------------------------------------ 6

    private static int idOf(byte[] framed) {
        return ByteBuffer.wrap(framed, 1, 4).getInt();
    }

    @Test
    void aFailoverToARegistryThatIsNotReplicatedIsNoticedAndIdsResolvedThere() throws Exception {
        try (FakeSchemaRegistry primary = new FakeSchemaRegistry(); FakeSchemaRegistry standby = new FakeSchemaRegistry()) {
            standby.wipe(); // ids far from the primary's
            AtomicLong now = new AtomicLong();
            Map<String, Object> m = base(primary.url() + "," + standby.url());
            m.put(AvroConverterConfig.CACHE_TTL_MS, 60_000L);
            AvroConverter converter = new AvroConverter(new SchemaRegistryClient(new AvroConverterConfig(m), now::get));
            converter.configure(m, false);
            org.apache.kafka.connect.data.Schema schema = TestSchemas.benchmarkStepConnect();
            Struct value = TestSchemas.benchmarkStep(schema, 1);

            byte[] first = converter.fromConnectData("steps", schema, value);
            assertThat(idOf(first)).isEqualTo(primary.latestId("steps-value"));
            converter.fromConnectData("steps", schema, value);
            assertThat(primary.requests()).as("cached within the TTL").hasSize(1);

            primary.close();
            now.addAndGet(TimeUnit.SECONDS.toNanos(60));
            // the id held is written on at once; its confirmation, in the background, finds the standby
            assertThat(idOf(converter.fromConnectData("steps", schema, value))).isEqualTo(idOf(first));
            awaitRefreshes(converter);
            byte[] afterFailover = converter.fromConnectData("steps", schema, value);
            assertThat(idOf(afterFailover)).isEqualTo(standby.latestId("steps-value")).isNotEqualTo(idOf(first));
            assertThat(converter.toConnectData("steps", afterFailover).value()).isEqualTo(value);
            assertThat(converter.client().activeUrl()).isEqualTo(standby.url());
        }
    }

    @Test
    void anIdThatChangesOnTheSameRegistryIsPickedUpAfterTheTtl() throws Exception {
        try (FakeSchemaRegistry registry = new FakeSchemaRegistry()) {
            AtomicLong now = new AtomicLong();
            Map<String, Object> m = base(registry.url());
            m.put(AvroConverterConfig.CACHE_TTL_MS, 1_000L);
            AvroConverter converter = new AvroConverter(new SchemaRegistryClient(new AvroConverterConfig(m), now::get));
            converter.configure(m, false);
            org.apache.kafka.connect.data.Schema schema = TestSchemas.benchmarkStepConnect();
            Struct value = TestSchemas.benchmarkStep(schema, 2);
            int before = idOf(converter.fromConnectData("steps", schema, value));

            registry.wipe(); // restored from an empty backup: the schema gets a new id when registered again
            now.addAndGet(TimeUnit.MILLISECONDS.toNanos(999));
            assertThat(idOf(converter.fromConnectData("steps", schema, value))).as("within the TTL").isEqualTo(before);
            now.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
            assertThat(idOf(converter.fromConnectData("steps", schema, value))).as("held while being confirmed")
                    .isEqualTo(before);
            awaitRefreshes(converter);
            int after = idOf(converter.fromConnectData("steps", schema, value));
            assertThat(after).isEqualTo(registry.latestId("steps-value")).isNotEqualTo(before);
            assertThat(registry.count("POST", "/subjects/steps-value/versions")).isEqualTo(2);
        }
    }

    /** Waits (at most 10 s) until the converter's background confirmations have finished. */
    static void awaitRefreshes(AvroConverter converter) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (converter.refreshesRunning() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(converter.refreshesRunning()).as("background confirmations finished").isZero();
    }
}
