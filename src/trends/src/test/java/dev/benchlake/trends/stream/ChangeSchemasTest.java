package dev.benchlake.trends.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.kafka.connect.data.Schema;
import org.junit.jupiter.api.Test;

/** The changes topic's schemas are the ones schemas/ publishes, with the warehouse contract's columns. */
class ChangeSchemasTest {
    private static final Path ROOT = Path.of(System.getProperty("benchlake.root", "../.."));

    @Test
    void theApplicationWritesTheSchemasPublishedInSchemas() throws IOException {
        for (String name : new String[] {"BenchmarkChange.avsc", "BenchmarkChangeKey.avsc"}) {
            try (InputStream in = ChangeRecord.class.getResourceAsStream(name)) {
                assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
                        .as(name).isEqualTo(Files.readString(ROOT.resolve("schemas").resolve(name)));
            }
        }
    }

    @Test
    void theValueCarriesEveryColumnOfBenchmarkChanges() {
        assertThat(ChangeRecord.VALUE_SCHEMA.fields()).extracting(f -> f.name()).contains("series_id", "series_label",
                "metric", "direction", "first_job_name", "first_run_at", "model_package_version", "before_value",
                "after_value", "relative_change", "relative_change_low", "relative_change_high", "significance",
                "confirmed_by_job_name");
        assertThat(ChangeRecord.VALUE_SCHEMA.field("model_package_version").schema().isOptional()).isTrue();
        assertThat(ChangeRecord.VALUE_SCHEMA.field("first_run_at").schema().name())
                .isEqualTo(org.apache.kafka.connect.data.Timestamp.LOGICAL_NAME);
        assertThat(ChangeRecord.KEY_SCHEMA.fields()).extracting(f -> f.name())
                .containsExactly("series_id", "metric", "first_step_id");
        assertThat(ChangeRecord.KEY_SCHEMA.type()).isEqualTo(Schema.Type.STRUCT);
    }
}
