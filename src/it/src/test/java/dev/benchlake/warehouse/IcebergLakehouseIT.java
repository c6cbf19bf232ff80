package dev.benchlake.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.benchlake.emulator.SageMakerEmulator;
import dev.benchlake.quickstart.lake.IcebergLakehouse;
import dev.benchlake.quickstart.stack.Layout;
import dev.benchlake.quickstart.stack.ShippedConfig;
import dev.benchlake.warehouse.TrendOracle.Rules;
import dev.benchlake.warehouse.TrendScenario.Load;
import dev.benchlake.warehouse.TrendScenario.Run;

/**
 * A lakehouse, end to end: {@link TrendScenario}'s three SageMaker sites → three Benchlake source connectors → Avro
 * with a real registry → Kafka → Apache Iceberg's own Kafka Connect sink, loaded from {@code plugin.path} (module
 * src/runtimes/iceberg-sink) and configured by {@code config/benchlake-sink-iceberg.json} as shipped with only its
 * catalog (a JDBC catalog on the embedded PostgreSQL, files in a local folder), addresses and commit interval
 * substituted → Iceberg tables of Parquet files. The same topics also land in PostgreSQL through the shipped Debezium sink.
 * <p>
 * The tables are read back through Iceberg's own API ({@link IcebergGenerics}) and compared, row by row and column
 * type by column type, with what the scenario's inputs and schemas/*.avsc say; then DuckDB answers the regression
 * question over the tables' Parquet files with warehouse/duckdb/regressions.sql, and the answer must be
 * {@link TrendOracle}'s (computed in Java from the scenario) and the PostgreSQL model's, row for row.
 */
class IcebergLakehouseIT {
    /** The shipped topics: benchlake.benchmark-steps and benchlake.jobs, which the shipped Iceberg config routes. */
    private static final String PREFIX = "benchlake";
    private static final String DB = "lake";
    /** The Iceberg JDBC catalog's database, on the same PostgreSQL. */
    private static final String CATALOG_DB = "iceberg_catalog";
    private static final Duration DATA_TIMEOUT = Duration.ofSeconds(180);
    private static final List<Run> RUNS = TrendScenario.SITES.stream().flatMap(s -> TrendScenario.runs(s).stream()).toList();

    @TempDir
    static Path warehouse;
    private static WarehouseStack stack;
    private static IcebergLakehouse lake;
    private static Map<String, String> catalog;
    private static ShippedConfig icebergSink;
    private static final List<SageMakerEmulator> EMULATORS = new ArrayList<>();

    @BeforeAll
    static void landTheScenarioInTheLakeAndInPostgres() throws Exception {
        stack = WarehouseStack.start("benchlake-iceberg-it", List.of(Layout.icebergPluginPath()));
        stack.createDatabase(DB);
        stack.runSqlFile(DB, "01_landing_tables.sql");
        stack.runSqlFile(DB, "02_models.sql");
        stack.createDatabase(CATALOG_DB);
        catalog = IcebergLakehouse.jdbcCatalog(stack.jdbcUrl(CATALOG_DB), WarehouseStack.DB_USER, "unused", warehouse);
        icebergSink = IcebergLakehouse.sinkConfig(stack.registry.confluentUrl(), stack.connect.bootstrapServers(),
                catalog, 1_000);
        stack.connect.connect().kafka().createTopic(icebergSink.config().get("iceberg.control.topic"), 1);
        EMULATORS.addAll(stack.startTrendSources(PREFIX));
        stack.connect.startConnector("benchlake-sink-postgres", stack.postgresSinkConfig(DB, PREFIX));
        stack.connect.startConnector(icebergSink.name(), icebergSink.config());
        lake = IcebergLakehouse.open(catalog);

        long jobs = TrendScenario.SITES.size() * (long) TrendScenario.jobNames().size();
        try {
            Awaitility.await("every step and closed job committed to Iceberg and landed in PostgreSQL").atMost(DATA_TIMEOUT)
                    .pollInterval(Duration.ofSeconds(1)).ignoreExceptionsInstanceOf(IllegalStateException.class)
                    .untilAsserted(() -> {
                        assertThat(latest(rows(IcebergLakehouse.STEPS), IcebergLakehouseIT::stepKey)).hasSize(RUNS.size());
                        assertThat(latest(rows(IcebergLakehouse.JOBS), IcebergLakehouseIT::jobKey).values())
                                .filteredOn(r -> Boolean.TRUE.equals(r.get("closed"))).hasSize((int) jobs);
                        assertThat(stack.scalar(DB, "SELECT count(*) FROM benchmark_steps")).isEqualTo((long) RUNS.size());
                        assertThat(stack.scalar(DB, "SELECT count(*) FROM recommendation_jobs WHERE closed")).isEqualTo(jobs);
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "\nPostgreSQL: " + stack.scalar(DB, "SELECT count(*) FROM benchmark_steps")
                    + " steps; Iceberg snapshots: " + snapshots() + "\n" + stack.connect.statusReport(), e);
        }
    }

    @AfterAll
    static void stop() {
        if (lake != null) {
            lake.close();
        }
        EMULATORS.forEach(SageMakerEmulator::close);
        if (stack != null) {
            stack.close();
        }
    }

    // ---- the sink ----

    @Test
    void theSinkIsIcebergsOwnFromPluginPathConfiguredByTheShippedFileWithOnlyTheCatalogAndAddressesSubstituted()
            throws SQLException {
        // not on this JVM's classpath: the worker can only have loaded it from plugin.path
        assertThatThrownBy(() -> Class.forName("org.apache.iceberg.connect.IcebergSinkConnector"))
                .isInstanceOf(ClassNotFoundException.class);
        assertThat(icebergSink.name()).isEqualTo("benchlake-sink-iceberg");
        assertThat(icebergSink.substitutedKeys()).containsExactlyInAnyOrder(
                "key.converter.schema.registry.url", "value.converter.schema.registry.url",
                "errors.deadletterqueue.topic.replication.factor",
                // the catalog: the shipped REST catalog on S3 out, a JDBC catalog on PostgreSQL and a local folder in
                "iceberg.catalog.type", "iceberg.catalog.uri", "iceberg.catalog.warehouse", "iceberg.catalog.io-impl",
                "iceberg.catalog.client.region", "iceberg.catalog.jdbc.user", "iceberg.catalog.jdbc.password",
                "iceberg.kafka.bootstrap.servers", "iceberg.control.commit.interval-ms");
        assertThat(icebergSink.config()).containsEntry("iceberg.catalog.type", "jdbc")
                .containsEntry("iceberg.catalog.uri", stack.jdbcUrl(CATALOG_DB))
                .containsEntry("iceberg.catalog.warehouse", warehouse.toUri().toString())
                .doesNotContainKeys("iceberg.catalog.io-impl", "iceberg.catalog.client.region");
        // the catalog is Iceberg's two tables in PostgreSQL, pointing at the metadata files of the two tables
        assertThat(stack.query(CATALOG_DB, "SELECT table_namespace || '.' || table_name AS t, metadata_location "
                + "FROM iceberg_tables ORDER BY 1")).extracting(r -> r.get("t") + " " + r.get("metadata_location"))
                .satisfiesExactly(
                        r -> assertThat(r).startsWith("benchlake.benchmark_steps file:")
                                .contains(warehouse + "/benchlake/benchmark_steps/metadata/").endsWith(".metadata.json"),
                        r -> assertThat(r).startsWith("benchlake.recommendation_jobs file:")
                                .contains(warehouse + "/benchlake/recommendation_jobs/metadata/").endsWith(".metadata.json"));
    }

    // ---- the tables, through Iceberg's API ----

    @Test
    void everyColumnHasTheIcebergTypeOfItsAvroFieldAndTheTablesArePartitionedAsShipped() {
        Table steps = lake.table(IcebergLakehouse.STEPS).orElseThrow();
        Table jobs = lake.table(IcebergLakehouse.JOBS).orElseThrow();
        assertThat(columns(steps)).containsExactlyEntriesOf(expectedColumns("BenchmarkStep.avsc"));
        assertThat(columns(jobs)).containsExactlyEntriesOf(expectedColumns("RecommendationJob.avsc"));
        // "partition-by": "day(observed_at)" for the steps, nothing for the jobs
        assertThat(steps.spec().fields()).singleElement().satisfies(f -> {
            assertThat(f.transform().toString()).isEqualTo("day");
            assertThat(steps.schema().findColumnName(f.sourceId())).isEqualTo("observed_at");
        });
        assertThat(jobs.spec().fields()).extracting(PartitionField::name).isEmpty();
    }

    @Test
    void everyStepRowIsTheScenariosStepWithEveryValue() throws IOException {
        List<Map<String, Object>> rows = rows(IcebergLakehouse.STEPS);
        // one row per step: each step was read once, in its terminal state
        assertThat(rows).hasSize(RUNS.size());
        Map<String, Run> byKey = RUNS.stream().collect(Collectors.toMap(IcebergLakehouseIT::runKey, r -> r));
        assertThat(byKey).hasSize(RUNS.size());
        Set<String> generated = Set.of("step_id", "content_hash", "observed_at");
        for (Map<String, Object> row : rows) {
            Run run = byKey.get(rowKey(row));
            assertThat(run).as("a scenario step for " + rowKey(row)).isNotNull();
            Map<String, Object> actual = new LinkedHashMap<>(row);
            generated.forEach(actual::remove);
            assertThat(actual).as(rowKey(row)).containsExactlyEntriesOf(expectedStep(run));
            assertThat((String) row.get("content_hash")).matches("[0-9a-f]{32,64}");
            assertThat((String) row.get("step_id")).isNotBlank();
            assertThat(row.get("observed_at")).isInstanceOf(Instant.class);
        }
        assertThat(rows).extracting(IcebergLakehouseIT::rowKey).doesNotHaveDuplicates();
    }

    @Test
    void everyJobRowIsTheScenariosJobAndTheLatestOfEachIsClosed() throws IOException {
        List<Map<String, Object>> rows = rows(IcebergLakehouse.JOBS);
        Map<String, Map<String, Object>> latest = latest(rows, IcebergLakehouseIT::jobKey);
        Map<String, List<Run>> jobsOf = RUNS.stream().collect(Collectors.groupingBy(
                r -> r.site().label() + "/" + r.jobName()));
        assertThat(latest.keySet()).containsExactlyInAnyOrderElementsOf(jobsOf.keySet());
        for (Map<String, Object> row : rows) {
            List<Run> steps = jobsOf.get(jobKey(row));
            Map<String, Object> expected = expectedJob(steps);
            Map<String, Object> actual = new LinkedHashMap<>(row);
            List.of("content_hash", "observed_at").forEach(actual::remove);
            if (row == latest.get(jobKey(row))) {
                assertThat(actual).as(jobKey(row)).containsExactlyEntriesOf(expected);
            } else {
                // an earlier observation of the job: everything the API said is the same, it was not closed yet
                expected.keySet().removeAll(Set.of("closed", "close_reason", "steps_emitted"));
                assertThat(actual).as(jobKey(row)).containsAllEntriesOf(expected).containsEntry("closed", false);
            }
        }
    }

    // ---- the regression question, in DuckDB ----

    @Test
    void duckDbReadsTheCommittedParquetFilesOfTheCurrentSnapshot() throws SQLException {
        List<Path> files = lake.dataFiles(IcebergLakehouse.STEPS);
        assertThat(files).isNotEmpty().allSatisfy(f -> {
            assertThat(f.toString()).endsWith(".parquet").startsWith(warehouse.toString());
            assertThat(f).isRegularFile();
        });
        assertThat(lake.query("SELECT count(*) AS n FROM benchmark_steps")).singleElement()
                .satisfies(r -> assertThat(r.get("n")).isEqualTo((long) RUNS.size()));
        assertThat(lake.query("SELECT count(*) AS n FROM completed_benchmarks")).singleElement()
                .satisfies(r -> assertThat(r.get("n")).isEqualTo(RUNS.stream().filter(Run::completed).count()));
    }

    @Test
    void duckDbGivesTheRegressionsOfTheOracleAndOfThePostgresModel() throws SQLException {
        List<String> expected = TrendOracle.regressions(RUNS, Rules.DEFAULTS).stream()
                .map(TrendOracle.Regression::row).toList();
        assertThat(expected).hasSizeGreaterThanOrEqualTo(5);
        List<String> duck = regressionRows(lake.query("SELECT * FROM benchmark_regressions()"));
        List<String> postgres = regressionRows(stack.query(DB, "SELECT * FROM benchmark_regressions()"));

        assertThat(duck).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(postgres).containsExactlyInAnyOrderElementsOf(duck);
        // "fraud-detector version 7 is 25 % slower than versions 1-6 on ml.g5.xlarge", in both regions of 111111111111
        assertThat(lake.query("SELECT aws_region, model_package_version, baseline_min_version, baseline_max_version "
                + "FROM benchmark_regressions() WHERE model = 'fraud-detector' AND metric = 'model_latency_ms' "
                + "ORDER BY aws_region")).extracting(r -> r.get("aws_region") + " v" + r.get("model_package_version")
                + " vs v" + r.get("baseline_min_version") + "-" + r.get("baseline_max_version"))
                .containsExactly("eu-west-1 v7 vs v1-6", "us-east-1 v7 vs v1-6");
    }

    @Test
    void everyRunsCheckAndOtherRulesGiveTheOraclesAnswersToo() throws SQLException {
        assertThat(lake.query("SELECT count(*) AS n, count(*) FILTER (WHERE regressed) AS regressed "
                + "FROM benchmark_regression_checks()")).singleElement().satisfies(r -> {
                    List<TrendOracle.Check> checks = TrendOracle.checks(RUNS, Rules.DEFAULTS);
                    assertThat(r.get("n")).isEqualTo((long) checks.size());
                    assertThat(r.get("regressed")).isEqualTo(checks.stream().filter(TrendOracle.Check::regressed).count());
                });
        // a stricter threshold and no noise or resolution rules: another answer, still the oracle's
        Rules strict = new Rules(0.3, 0, 0);
        List<String> expected = TrendOracle.regressions(RUNS, strict).stream().map(TrendOracle.Regression::row).toList();
        assertThat(expected).isNotEqualTo(TrendOracle.regressions(RUNS, Rules.DEFAULTS).stream()
                .map(TrendOracle.Regression::row).toList());
        assertThat(regressionRows(lake.query("SELECT * FROM benchmark_regressions(threshold := 0.3, noise_mads := 0, "
                + "min_latency_change_ms := 0)"))).containsExactlyInAnyOrderElementsOf(expected);
    }

    // ---- expected values, from the scenario ----

    private static Map<String, Object> expectedStep(Run run) {
        TrendScenario.Config c = run.config();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("job_name", run.jobName());
        m.put("job_arn", jobArn(run));
        m.put("aws_region", run.site().region());
        m.put("aws_account_id", run.site().account());
        m.put("step_type", "BENCHMARK");
        m.put("status", run.status());
        m.put("is_terminal", true);
        m.put("failure_reason", run.completed() ? null : TrendScenario.FAILED_BEFORE_ENDPOINT);
        m.put("endpoint_name", run.endpointName());
        m.put("variant_name", run.completed() ? "AllTraffic" : null);
        m.put("instance_type", c.instanceType());
        m.put("initial_instance_count", c.instanceCount());
        m.put("serverless_memory_size_mb", c.memoryMb());
        m.put("serverless_max_concurrency", c.maxConcurrency());
        m.put("serverless_provisioned_concurrency", null);
        m.put("inference_specification_name", c.inferenceSpecification());
        m.put("compilation_job_name", run.compilationJobName());
        m.put("environment_parameters", c.environment().isEmpty() ? null : c.environmentJson());
        m.put("cost_per_hour", run.costPerHour() == null ? null : run.costPerHour().doubleValue());
        m.put("cost_per_inference", run.costPerInference() == null ? null : run.costPerInference().doubleValue());
        m.put("max_invocations", run.maxInvocations());
        m.put("model_latency_ms", run.latencyMs());
        m.put("cpu_utilization", null);
        m.put("memory_utilization", null);
        m.put("model_setup_time", null);
        m.put("endpoint_max_invocations", null);
        m.put("endpoint_model_latency_ms", null);
        m.put("invocation_start_time", run.start());
        m.put("invocation_end_time", run.end());
        m.put("benchmark_duration_ms", run.completed() ? Duration.between(run.start(), run.end()).toMillis() : null);
        m.put("job_type", run.jobType());
        m.put("job_status", "COMPLETED");
        m.put("job_creation_time", run.jobCreated());
        m.put("model_name", run.version() == null ? run.model() : null);
        m.put("model_package_version_arn", run.packageArn());
        m.put("identical_steps", 1);
        m.put("benchlake_topic", PREFIX + ".benchmark-steps");
        return m;
    }

    private static Map<String, Object> expectedJob(List<Run> steps) {
        Run run = steps.get(0);
        Instant created = run.jobCreated();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("job_name", run.jobName());
        m.put("job_arn", jobArn(run));
        m.put("aws_region", run.site().region());
        m.put("aws_account_id", run.site().account());
        m.put("job_type", run.jobType());
        m.put("status", "COMPLETED");
        m.put("job_description", "Nightly benchmark of " + run.model());
        m.put("failure_reason", null);
        m.put("creation_time", created);
        m.put("completion_time", created.plusSeconds(3_600));
        m.put("last_modified_time", created);
        m.put("model_name", run.version() == null ? run.model() : null);
        m.put("model_package_version_arn", run.packageArn());
        m.put("job_duration_seconds", run.load() == Load.NONE ? null : 7_200);
        m.put("traffic_pattern", run.load() == Load.NONE ? null : "{\"TrafficType\":\"PHASES\",\"Phases\":[{"
                + "\"InitialNumberOfUsers\":" + run.load().users + ",\"SpawnRate\":" + run.load().spawnRate
                + ",\"DurationInSeconds\":300}]}");
        m.put("endpoint_configurations", null);
        m.put("closed", true);
        m.put("close_reason", "COMPLETE");
        m.put("steps_emitted", steps.size());
        m.put("read_error", null);
        m.put("stopping_conditions", null);
        m.put("benchlake_topic", PREFIX + ".jobs");
        return m;
    }

    private static String jobArn(Run run) {
        return "arn:aws:sagemaker:" + run.site().region() + ":" + run.site().account() + ":inference-recommendations-job/"
                + run.jobName();
    }

    /**
     * The Iceberg column types schemas/*.avsc maps to, as Iceberg's sink converts Kafka Connect's (what Benchlake's
     * converter gives for each Avro type): string, int, long, double, boolean, and timestamp-millis as an instant
     * (timestamptz); optional exactly for the nullable fields. Then the routing field the shipped transform adds.
     */
    private static Map<String, String> expectedColumns(String avsc) {
        Schema value;
        try {
            value = new Schema.Parser().parse(Layout.file("schemas").resolve(avsc).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Schema.Field f : value.getFields()) {
            Schema s = f.schema();
            boolean nullable = s.getType() == Schema.Type.UNION;
            if (nullable) {
                s = s.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).findFirst().orElseThrow();
            }
            Type type = s.getLogicalType() instanceof LogicalTypes.TimestampMillis ? Types.TimestampType.withZone()
                    : switch (s.getType()) {
                        case STRING -> Types.StringType.get();
                        case INT -> Types.IntegerType.get();
                        case LONG -> Types.LongType.get();
                        case DOUBLE -> Types.DoubleType.get();
                        case BOOLEAN -> Types.BooleanType.get();
                        default -> throw new IllegalArgumentException("no Iceberg type for " + s);
                    };
            out.put(f.name(), (nullable ? "optional " : "required ") + type);
        }
        out.put("benchlake_topic", "optional " + Types.StringType.get());
        return out;
    }

    private static Map<String, String> columns(Table table) {
        Map<String, String> out = new LinkedHashMap<>();
        table.schema().columns().forEach(f -> out.put(f.name(), (f.isOptional() ? "optional " : "required ") + f.type()));
        return out;
    }

    // ---- reading ----

    /** Each table's snapshots (its commits so far), or why it has none: for a failure message. */
    private static String snapshots() {
        return List.of(IcebergLakehouse.STEPS, IcebergLakehouse.JOBS).stream().map(id -> id + " " + lake.table(id).map(t -> {
            t.refresh();
            return StreamSupport.stream(t.snapshots().spliterator(), false).count() + " snapshot(s)";
        }).orElse("not created")).collect(Collectors.joining(", "));
    }

    /** Every row of the table's current snapshot through Iceberg's generic reader; instants as {@link Instant}. */
    private static List<Map<String, Object>> rows(TableIdentifier id) throws IOException {
        Table table = lake.table(id).orElseThrow(() -> new IllegalStateException(id + " does not exist yet"));
        table.refresh();
        List<Map<String, Object>> out = new ArrayList<>();
        try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
            for (Record r : records) {
                Map<String, Object> row = new LinkedHashMap<>();
                table.schema().columns().forEach(f -> {
                    Object v = r.getField(f.name());
                    row.put(f.name(), v instanceof OffsetDateTime t ? t.toInstant() : v);
                });
                out.add(row);
            }
        }
        return out;
    }

    /** The latest observation of each key (observed_at, then content hash: as the models' *_latest views). */
    private static Map<String, Map<String, Object>> latest(List<Map<String, Object>> rows,
                                                          Function<Map<String, Object>, String> key) {
        Map<String, Map<String, Object>> out = new HashMap<>();
        for (Map<String, Object> row : rows) {
            out.merge(key.apply(row), row, (a, b) -> {
                int byTime = ((Instant) a.get("observed_at")).compareTo((Instant) b.get("observed_at"));
                return byTime != 0 ? (byTime > 0 ? a : b)
                        : ((String) a.get("content_hash")).compareTo((String) b.get("content_hash")) <= 0 ? a : b;
            });
        }
        return out;
    }

    private static String stepKey(Map<String, Object> row) {
        return row.get("aws_account_id") + "/" + row.get("aws_region") + "/" + row.get("job_name") + "/" + row.get("step_id");
    }

    private static String jobKey(Map<String, Object> row) {
        return row.get("aws_account_id") + "/" + row.get("aws_region") + "/" + row.get("job_name");
    }

    /** A step as the scenario can name it: its site, job and endpoint (null for the one that failed before it). */
    private static String rowKey(Map<String, Object> row) {
        return row.get("aws_account_id") + "/" + row.get("aws_region") + "/" + row.get("job_name") + "/"
                + row.get("endpoint_name");
    }

    private static String runKey(Run run) {
        return run.site().label() + "/" + run.jobName() + "/" + run.endpointName();
    }

    /** Rows of benchmark_regressions() (DuckDB's or PostgreSQL's) in {@link TrendOracle.Regression#row()}'s form. */
    private static List<String> regressionRows(List<Map<String, Object>> rows) {
        List<String> columns = List.of("aws_account_id", "aws_region", "model", "job_type", "configuration", "metric",
                "latest_job_name", "model_package_version", "latest_value", "baseline_runs", "baseline_median",
                "baseline_mad", "baseline_min_version", "baseline_max_version", "change", "regressed_since",
                "regressed_since_date", "regressed_since_version", "regressed_runs");
        return rows.stream().map(r -> columns.stream().map(c -> {
            Object v = r.get(c);
            if (v instanceof OffsetDateTime t) {
                return t.toInstant().toString();
            }
            return v instanceof Timestamp t ? t.toInstant().toString() : Objects.toString(v);
        }).collect(Collectors.joining("|"))).toList();
    }
}
