package dev.benchlake.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * warehouse/postgres/01_landing_tables.sql against schemas/*.avsc: one column per field, same name, the SQL type the
 * Avro type maps to, NOT NULL exactly for the non-nullable fields, the key fields as the primary key. A schema edit
 * that is not carried into the DDL fails here, before any sink meets it. Also: every sink config of config/ is wired
 * to Benchlake's converter and a dead-letter topic.
 */
class LandingDdlTest {
    private static final Path ROOT = WarehouseStack.projectDir();
    private static final Pattern COLUMN = Pattern.compile("^\\s+([a-z0-9_]+)\\s+([a-z ]+?)\\s*(NOT NULL)?\\s*,?\\s*$");

    record Column(String type, boolean notNull) {
    }

    private static String table(String ddl, String name) {
        int start = ddl.indexOf("CREATE TABLE IF NOT EXISTS " + name + " (");
        assertThat(start).as("table " + name).isNotNegative();
        return ddl.substring(start, ddl.indexOf(");", start));
    }

    private static Map<String, Column> columns(String table) {
        Map<String, Column> out = new LinkedHashMap<>();
        for (String line : table.split("\n")) {
            Matcher m = COLUMN.matcher(line);
            if (m.matches()) {
                out.put(m.group(1), new Column(m.group(2).trim(), m.group(3) != null));
            }
        }
        return out;
    }

    static String sqlType(Schema field) {
        Schema s = field;
        if (s.getType() == Schema.Type.UNION) {
            s = s.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).findFirst().orElseThrow();
        }
        if (s.getLogicalType() instanceof LogicalTypes.TimestampMillis) {
            return "timestamptz";
        }
        return switch (s.getType()) {
            case STRING -> "text";
            case INT -> "integer";
            case LONG -> "bigint";
            case DOUBLE -> "double precision";
            case BOOLEAN -> "boolean";
            default -> throw new IllegalArgumentException("no landing type for " + s);
        };
    }

    @ParameterizedTest
    @CsvSource({"benchmark_steps, BenchmarkStep.avsc, BenchmarkStepKey.avsc",
                "recommendation_jobs, RecommendationJob.avsc, RecommendationJobKey.avsc"})
    void ddlMatchesTheAvroSchema(String tableName, String valueAvsc, String keyAvsc) throws IOException {
        String ddl = Files.readString(ROOT.resolve("warehouse/postgres/01_landing_tables.sql"));
        String table = table(ddl, tableName);
        Map<String, Column> columns = columns(table);
        Schema value = new Schema.Parser().parse(ROOT.resolve("schemas").resolve(valueAvsc).toFile());
        Schema key = new Schema.Parser().parse(ROOT.resolve("schemas").resolve(keyAvsc).toFile());

        assertThat(columns.keySet()).containsExactlyElementsOf(value.getFields().stream().map(Schema.Field::name).toList());
        for (Schema.Field f : value.getFields()) {
            boolean nullable = f.schema().getType() == Schema.Type.UNION;
            assertThat(columns.get(f.name())).as(tableName + "." + f.name())
                    .isEqualTo(new Column(sqlType(f.schema()), !nullable));
        }
        List<String> keyFields = key.getFields().stream().map(Schema.Field::name).toList();
        assertThat(table).contains("PRIMARY KEY (" + String.join(", ", keyFields) + ")");
    }

    @Test
    void theStepTableHasAllThirtyNineFieldsWithTimestamptzForTheFourTimestamps() throws IOException {
        Map<String, Column> columns = columns(table(
                Files.readString(ROOT.resolve("warehouse/postgres/01_landing_tables.sql")), "benchmark_steps"));
        assertThat(columns).hasSize(39);
        assertThat(columns.entrySet().stream().filter(e -> e.getValue().type().equals("timestamptz")).map(Map.Entry::getKey))
                .containsExactly("observed_at", "invocation_start_time", "invocation_end_time", "job_creation_time");
    }

    @Test
    void everySinkConfigUsesBenchlakesConverterAndADeadLetterTopic() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(ROOT.resolve("config"))) {
            files = s.filter(p -> p.getFileName().toString().startsWith("benchlake-sink-")).sorted().toList();
        }
        assertThat(files).extracting(p -> p.getFileName().toString()).containsExactly(
                "benchlake-sink-bigquery.json", "benchlake-sink-iceberg.json", "benchlake-sink-postgres.json",
                "benchlake-sink-s3-parquet.json", "benchlake-sink-snowflake.json");
        for (Path file : files) {
            Map<String, String> config = WarehouseStack.configFile(file.getFileName().toString());
            assertThat(config).as(file.toString())
                    .containsEntry("key.converter", "dev.benchlake.avro.AvroConverter")
                    .containsEntry("value.converter", "dev.benchlake.avro.AvroConverter")
                    .containsEntry("key.converter.schema.registry.url", "http://schema-registry:8081")
                    .containsEntry("value.converter.schema.registry.url", "http://schema-registry:8081")
                    .containsEntry("topics", "benchlake.benchmark-steps,benchlake.jobs")
                    .containsEntry("errors.tolerance", "all")
                    // a registry outage is retried (the converter throws RetriableException), never dead-lettered
                    .containsEntry("errors.retry.timeout", "-1")
                    .containsEntry("errors.deadletterqueue.context.headers.enable", "true");
            assertThat(config.get("errors.deadletterqueue.topic.name")).as(file.toString()).startsWith("benchlake.sink-dlq.");
        }
    }

    @Test
    void everySinkThatUpsertsKeysItsRowsByTheWholeRecordKeyAccountAndRegionIncluded() throws IOException {
        List<String> stepKey = keyFields("BenchmarkStepKey.avsc");
        List<String> jobKey = keyFields("RecommendationJobKey.avsc");
        assertThat(stepKey).startsWith("aws_account_id", "aws_region");
        assertThat(jobKey).startsWith("aws_account_id", "aws_region");
        // Debezium: record_key with no field list takes every field of the key (one list would not fit both topics)
        for (Map<String, String> postgres : List.of(WarehouseStack.configFile("benchlake-sink-postgres.json"),
                dockerPostgresSink())) {
            assertThat(postgres).containsEntry("primary.key.mode", "record_key").doesNotContainKey("primary.key.fields");
        }
        Map<String, String> iceberg = WarehouseStack.configFile("benchlake-sink-iceberg.json");
        assertThat(iceberg.get("iceberg.table.benchlake.benchmark_steps.id-columns")).isEqualTo(String.join(",", stepKey));
        assertThat(iceberg.get("iceberg.table.benchlake.recommendation_jobs.id-columns")).isEqualTo(String.join(",", jobKey));
        // BigQuery merges on the whole key struct
        assertThat(WarehouseStack.configFile("benchlake-sink-bigquery.json")).containsEntry("upsertEnabled", "true")
                .containsEntry("kafkaKeyFieldName", "kafka_key");
    }

    private static List<String> keyFields(String avsc) throws IOException {
        return new Schema.Parser().parse(ROOT.resolve("schemas").resolve(avsc).toFile()).getFields().stream()
                .map(Schema.Field::name).toList();
    }

    private static Map<String, String> dockerPostgresSink() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        WarehouseStack.JSON.readTree(ROOT.resolve("src/docker/connect/benchlake-sink-postgres.json").toFile()).fields()
                .forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }
}
