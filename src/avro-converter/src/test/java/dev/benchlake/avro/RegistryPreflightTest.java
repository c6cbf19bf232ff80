package dev.benchlake.avro;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RegistryPreflightTest {
    private FakeSchemaRegistry registry;

    @BeforeEach
    void start() throws IOException {
        registry = new FakeSchemaRegistry();
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    private Map<String, ?> configs() {
        return Map.of(AvroConverterConfig.SCHEMA_REGISTRY_URL, registry.url());
    }

    @Test
    void emptyForANewSubjectOrACompatibleSchema() {
        Schema avsc = TestSchemas.benchmarkStepAvro();
        assertThat(RegistryPreflight.check(configs(), "steps-value", avsc)).isEmpty();
        new SchemaRegistryClient(configs()).register("steps-value", avsc);
        assertThat(RegistryPreflight.check(configs(), "steps-value", avsc)).isEmpty();
        Schema withOptional = new Schema.Parser().parse(TestSchemas.BENCHMARK_STEP_AVSC.replace("\"fields\": [",
                "\"fields\": [{\"name\":\"region\",\"type\":[\"null\",\"string\"],\"default\":null},"));
        assertThat(RegistryPreflight.check(configs(), "steps-value", withOptional)).isEmpty();
    }

    @Test
    void describesAnIncompatibleSchemaInOneParagraph() {
        new SchemaRegistryClient(configs()).register("steps-value", TestSchemas.benchmarkStepAvro());
        Schema changed = new Schema.Parser().parse(TestSchemas.BENCHMARK_STEP_AVSC
                .replace("{\"name\": \"is_terminal\", \"type\": \"boolean\"}", "{\"name\": \"is_terminal\", \"type\": \"string\"}")
                .replace("\"fields\": [", "\"fields\": [{\"name\":\"region\",\"type\":\"string\"},"));

        Optional<String> message = RegistryPreflight.check(configs(), "steps-value", changed);

        assertThat(message).isPresent();
        assertThat(message.get())
                .contains("subject 'steps-value'")
                .contains(registry.url())
                .contains("field 'is_terminal' changed type from boolean (version 1) to string")
                .contains("field 'region' was added without a default value")
                .doesNotContain("\n");
    }

    @Test
    void anUnreachableRegistryIsNoErrorAndAnInvalidConfigurationIs() {
        int port = registry.port();
        registry.close();
        Optional<String> message = RegistryPreflight.check(Map.of(AvroConverterConfig.SCHEMA_REGISTRY_URL,
                "http://127.0.0.1:" + port, AvroConverterConfig.RETRY_TIMEOUT_MS, "200"), "steps-value",
                TestSchemas.benchmarkStepAvro());
        // an outage must not fail a configuration update: a warning in the log only
        assertThat(message).isEmpty();
        assertThat(RegistryPreflight.check(Map.of(), "s", TestSchemas.benchmarkStepAvro()))
                .hasValueSatisfying(m -> assertThat(m).contains("invalid registry configuration"));
    }
}
