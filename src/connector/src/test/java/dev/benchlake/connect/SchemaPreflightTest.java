package dev.benchlake.connect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.benchlake.config.BenchlakeSourceConfig;

/** Issue 22: validate()'s schema check runs for Benchlake's converter only. */
class SchemaPreflightTest {

    private static Map<String, String> props(String registryUrl, String valueConverter) {
        Map<String, String> props = new HashMap<>();
        props.put("aws.region", "us-east-1");
        props.put("job.names", "resnet-nightly-1");
        props.put("value.converter", valueConverter);
        props.put("value.converter.schema.registry.url", registryUrl);
        props.put("value.converter.schema.registry.retry.timeout.ms", "100");
        return props;
    }

    @Test
    void anotherValueConverterIsNotCheckedAgainstItsRegistry() throws Exception {
        try (CountingRegistry registry = new CountingRegistry()) {
            for (String other : new String[] {"io.confluent.connect.avro.AvroConverter",
                    "io.apicurio.registry.utils.converter.AvroConverter", "org.apache.kafka.connect.json.JsonConverter"}) {
                Map<String, String> props = props(registry.url(), other);
                assertThat(SchemaPreflight.check(props, new BenchlakeSourceConfig(props))).as(other).isEmpty();
            }
            assertThat(registry.requests()).as("no request to another converter's registry").isZero();

            Map<String, String> props = props(registry.url(), "dev.benchlake.avro.AvroConverter");
            SchemaPreflight.check(props, new BenchlakeSourceConfig(props));
            assertThat(registry.requests()).as("Benchlake's converter: both value subjects checked").isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void benchlakesConverterIsRecognisedByItsClassName() {
        assertThat(SchemaPreflight.isBenchlake(Map.of("value.converter", "dev.benchlake.avro.AvroConverter"),
                "value.converter.")).isTrue();
        assertThat(SchemaPreflight.isBenchlake(Map.of("key.converter", "io.confluent.connect.avro.AvroConverter"),
                "key.converter.")).isFalse();
        assertThat(SchemaPreflight.isBenchlake(Map.of(), "key.converter.")).isFalse();
    }
}
