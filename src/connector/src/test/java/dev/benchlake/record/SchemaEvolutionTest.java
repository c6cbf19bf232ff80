package dev.benchlake.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.benchlake.avro.AvroSchemas;

/** Every released schema version stays readable: the current .avsc is BACKWARD compatible with each. */
class SchemaEvolutionTest {
    private static final Path SCHEMAS = Path.of(System.getProperty("benchlake.root", "."), "schemas");


    static Stream<Path> releasedVersions() throws IOException {
        try (Stream<Path> files = Files.list(SCHEMAS.resolve("history"))) {
            return files.filter(p -> p.toString().endsWith(".avsc")).sorted().toList().stream();
        }
    }

    private static Schema parse(Path file) throws IOException {
        return new Schema.Parser().parse(file.toFile());
    }

    @ParameterizedTest
    @MethodSource("releasedVersions")
    void currentSchemaReadsEveryReleasedVersion(Path released) throws IOException {
        String record = released.getFileName().toString().replaceFirst("\\.v\\d+\\.avsc$", "");
        Schema current = parse(SCHEMAS.resolve(record + ".avsc"));
        Schema old = parse(released);
        SchemaCompatibility.SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(current, old);
        assertThat(result.getType())
                .as("schemas/%s.avsc must read data written with %s: %s", record, released, result.getDescription())
                .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
    }

    @Test
    void everyCurrentSchemaHasAReleasedVersion() throws IOException {
        List<String> released = releasedVersions().map(p -> p.getFileName().toString()).toList();
        for (String record : List.of("BenchmarkStep", "BenchmarkStepKey", "RecommendationJob", "RecommendationJobKey")) {
            assertThat(released).anySatisfy(f -> assertThat(f).startsWith(record + ".v"));
        }
    }

    @Test
    void packagedSchemasAreTheFilesInSchemasAndRoundTripThroughConnect() throws IOException {
        assertThat(RecordSchemas.STEP_AVRO).isEqualTo(parse(SCHEMAS.resolve("BenchmarkStep.avsc")));
        assertThat(RecordSchemas.JOB_AVRO).isEqualTo(parse(SCHEMAS.resolve("RecommendationJob.avsc")));
        assertThat(AvroSchemas.toAvroSchema(RecordSchemas.STEP)).isEqualTo(RecordSchemas.STEP_AVRO);
        assertThat(AvroSchemas.toAvroSchema(RecordSchemas.STEP_KEY)).isEqualTo(RecordSchemas.STEP_KEY_AVRO);
        assertThat(AvroSchemas.toAvroSchema(RecordSchemas.JOB)).isEqualTo(RecordSchemas.JOB_AVRO);
    }

    @Test
    void everyOptionalFieldIsANullableUnionWithDefaultNull() {
        for (Schema schema : List.of(RecordSchemas.STEP_AVRO, RecordSchemas.JOB_AVRO)) {
            for (Schema.Field f : schema.getFields()) {
                if (f.schema().getType() == Schema.Type.UNION) {
                    assertThat(f.schema().getTypes().get(0).getType()).as(f.name()).isEqualTo(Schema.Type.NULL);
                    assertThat(f.hasDefaultValue()).as(f.name()).isTrue();
                    assertThat(f.defaultVal()).as(f.name()).isEqualTo(org.apache.avro.JsonProperties.NULL_VALUE);
                }
                assertThat(f.doc()).as(f.name() + " has a doc").isNotBlank();
            }
        }
    }
}
