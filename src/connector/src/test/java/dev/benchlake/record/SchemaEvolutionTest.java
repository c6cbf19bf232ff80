package dev.benchlake.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.benchlake.avro.AvroSchemas;

/**
 * Every released schema version stays readable: the current .avsc is BACKWARD compatible with each version of its
 * current major version. A major version (schemas/history/majors.properties) is a declared break: only keys may take
 * one, it must really be a break, and CHANGELOG.md must say so.
 */
class SchemaEvolutionTest {
    private static final Path ROOT = Path.of(System.getProperty("benchlake.root", "."));
    private static final Path SCHEMAS = ROOT.resolve("schemas");
    private static final List<String> VALUES = List.of("BenchmarkStep", "RecommendationJob");
    private static final List<String> KEYS = List.of("BenchmarkStepKey", "RecommendationJobKey");

    static Stream<Path> releasedVersions() throws IOException {
        try (Stream<Path> files = Files.list(SCHEMAS.resolve("history"))) {
            return files.filter(p -> p.toString().endsWith(".avsc")).sorted().toList().stream();
        }
    }

    private static Schema parse(Path file) throws IOException {
        return new Schema.Parser().parse(file.toFile());
    }

    private static String record(Path released) {
        return released.getFileName().toString().replaceFirst("\\.v\\d+\\.avsc$", "");
    }

    private static int version(Path released) {
        return Integer.parseInt(released.getFileName().toString().replaceFirst("^.*\\.v(\\d+)\\.avsc$", "$1"));
    }

    private static Properties majors() throws IOException {
        Properties majors = new Properties();
        try (Reader in = Files.newBufferedReader(SCHEMAS.resolve("history/majors.properties"))) {
            majors.load(in);
        }
        return majors;
    }

    /** The first history version of the record's current major version (1 when it never broke). */
    private static int currentMajorStartsAt(String record) throws IOException {
        return Integer.parseInt(majors().getProperty(record, "1"));
    }

    @ParameterizedTest
    @MethodSource("releasedVersions")
    void currentSchemaReadsEveryReleasedVersionOfItsMajorVersion(Path released) throws IOException {
        String record = record(released);
        Schema current = parse(SCHEMAS.resolve(record + ".avsc"));
        Schema old = parse(released);
        SchemaCompatibility.SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(current, old);
        if (version(released) >= currentMajorStartsAt(record)) {
            assertThat(result.getType())
                    .as("schemas/%s.avsc must read data written with %s: %s", record, released, result.getDescription())
                    .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        } else {
            // an earlier major version: the break must be real, or it should not have been declared
            assertThat(result.getType())
                    .as("%s is before the major version declared in majors.properties, yet schemas/%s.avsc reads it: "
                            + "no major version is needed", released, record)
                    .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.INCOMPATIBLE);
        }
    }

    @Test
    void everyCurrentSchemaHasAReleasedVersionAndItsCurrentMajorIsInTheHistory() throws IOException {
        List<Path> released = releasedVersions().toList();
        for (String record : Stream.concat(VALUES.stream(), KEYS.stream()).toList()) {
            int major = currentMajorStartsAt(record);
            assertThat(released).as(record).anySatisfy(p -> {
                assertThat(record(p)).isEqualTo(record);
                assertThat(version(p)).isEqualTo(major);
            });
        }
    }

    @Test
    void valueSchemasNeverTakeAMajorVersion() throws IOException {
        // sinks add columns for new value fields; a value field that changes or vanishes breaks every warehouse table
        for (String value : VALUES) {
            assertThat(majors().getProperty(value)).as(value + " in majors.properties").isNull();
        }
        assertThat(majors().stringPropertyNames()).isSubsetOf(KEYS);
    }

    @Test
    void everyMajorVersionIsInTheChangelogWithAMigrationNote() throws IOException {
        String changelog = Files.readString(ROOT.resolve("CHANGELOG.md"));
        for (String record : majors().stringPropertyNames()) {
            assertThat(changelog).contains("`" + record + "` version " + currentMajorStartsAt(record));
        }
        assertThat(changelog).containsIgnoringCase("migration");
    }

    @Test
    void keysVersion2CarryTheAccountAndRegionBeforeTheJobName() throws IOException {
        assertThat(parse(SCHEMAS.resolve("BenchmarkStepKey.avsc")).getFields()).extracting(Schema.Field::name)
                .containsExactly("aws_account_id", "aws_region", "job_name", "step_id");
        assertThat(parse(SCHEMAS.resolve("RecommendationJobKey.avsc")).getFields()).extracting(Schema.Field::name)
                .containsExactly("aws_account_id", "aws_region", "job_name");
        // a primary key column cannot be NULL: every key field is a plain string
        for (Schema key : List.of(RecordSchemas.STEP_KEY_AVRO, RecordSchemas.JOB_KEY_AVRO)) {
            assertThat(key.getFields()).allSatisfy(f -> assertThat(f.schema().getType()).isEqualTo(Schema.Type.STRING));
        }
    }

    @Test
    void packagedSchemasAreTheFilesInSchemasAndRoundTripThroughConnect() throws IOException {
        assertThat(RecordSchemas.STEP_AVRO).isEqualTo(parse(SCHEMAS.resolve("BenchmarkStep.avsc")));
        assertThat(RecordSchemas.JOB_AVRO).isEqualTo(parse(SCHEMAS.resolve("RecommendationJob.avsc")));
        assertThat(RecordSchemas.STEP_KEY_AVRO).isEqualTo(parse(SCHEMAS.resolve("BenchmarkStepKey.avsc")));
        assertThat(RecordSchemas.JOB_KEY_AVRO).isEqualTo(parse(SCHEMAS.resolve("RecommendationJobKey.avsc")));
        assertThat(AvroSchemas.toAvroSchema(RecordSchemas.STEP)).isEqualTo(RecordSchemas.STEP_AVRO);
        assertThat(AvroSchemas.toAvroSchema(RecordSchemas.STEP_KEY)).isEqualTo(RecordSchemas.STEP_KEY_AVRO);
        assertThat(AvroSchemas.toAvroSchema(RecordSchemas.JOB)).isEqualTo(RecordSchemas.JOB_AVRO);
        assertThat(AvroSchemas.toAvroSchema(RecordSchemas.JOB_KEY)).isEqualTo(RecordSchemas.JOB_KEY_AVRO);
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
