package dev.benchlake.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.awaitility.Awaitility;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.benchlake.avro.AvroConverter;
import dev.benchlake.avro.AvroSchemas;
import dev.benchlake.emulator.ManualClock;
import dev.benchlake.emulator.SageMakerEmulator;
import dev.benchlake.emulator.Scenario;

/**
 * Emulator → Benchlake source connector → AvroConverter (real registry) → Kafka → Debezium JDBC sink (loaded from
 * its plugin archive through plugin.path) → PostgreSQL → the SQL models of warehouse/postgres/.
 */
class WarehousePipelineIT {
    private static final long EPOCH_MS = 1_767_225_600_000L;
    private static final Duration DATA_TIMEOUT = Duration.ofSeconds(90);
    private static final String RESNET = "resnet50-nightly-001";
    private static final String BERT = "bert-base-ondemand-002";
    private static final String XGB = "xgboost-serverless-003";

    private static WarehouseStack stack;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<String> connectors = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        stack = WarehouseStack.start("benchlake-warehouse-it");
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (String name : connectors) {
            stack.connect.connect().deleteConnector(name);
        }
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    private SageMakerEmulator emulator(Scenario scenario, ManualClock clock) {
        SageMakerEmulator emulator = SageMakerEmulator.start(scenario, clock);
        closeables.add(emulator);
        return emulator;
    }

    private void startConnector(String name, Map<String, String> config) {
        connectors.add(name);
        stack.connect.startConnector(name, config);
    }

    private static void await(String what, ThrowingRunnable assertion) {
        Awaitility.await(what).atMost(DATA_TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(250))
                .untilAsserted(assertion);
    }

    private static long epochMillis(Object timestamp) {
        return ((Timestamp) timestamp).getTime();
    }

    private Map<String, Map<String, Object>> stepsByEndpoint(String db) throws SQLException {
        return stack.query(db, "SELECT * FROM benchmark_steps").stream()
                .collect(Collectors.toMap(r -> (String) r.get("endpoint_name"), Function.identity()));
    }

    private static final Map<String, String> LANDING_TYPES = landingTypes();

    private static Map<String, String> landingTypes() {
        Map<String, String> t = new LinkedHashMap<>();
        for (String c : List.of("step_id", "job_name", "job_arn", "aws_region", "aws_account_id", "step_type", "status",
                "failure_reason", "content_hash", "endpoint_name", "variant_name", "instance_type",
                "inference_specification_name", "compilation_job_name", "environment_parameters", "job_type",
                "job_status", "model_name", "model_package_version_arn")) {
            t.put(c, "text");
        }
        t.put("is_terminal", "boolean");
        for (String c : List.of("observed_at", "invocation_start_time", "invocation_end_time", "job_creation_time")) {
            t.put(c, "timestamp with time zone");
        }
        for (String c : List.of("initial_instance_count", "serverless_memory_size_mb", "serverless_max_concurrency",
                "serverless_provisioned_concurrency", "max_invocations", "model_latency_ms", "model_setup_time",
                "endpoint_max_invocations", "endpoint_model_latency_ms", "identical_steps")) {
            t.put(c, "integer");
        }
        for (String c : List.of("cost_per_hour", "cost_per_inference", "cpu_utilization", "memory_utilization")) {
            t.put(c, "double precision");
        }
        t.put("benchmark_duration_ms", "bigint");
        return t;
    }

    /** recommendation_jobs as information_schema names its types, pinned from RecommendationJob.avsc by hand. */
    private static final Map<String, String> JOB_LANDING_TYPES = jobLandingTypes();

    private static Map<String, String> jobLandingTypes() {
        Map<String, String> t = new LinkedHashMap<>();
        for (String c : List.of("job_name", "job_arn", "aws_region", "aws_account_id", "job_type", "status",
                "job_description", "failure_reason", "model_name", "model_package_version_arn", "traffic_pattern",
                "endpoint_configurations", "close_reason", "content_hash", "read_error", "stopping_conditions")) {
            t.put(c, "text");
        }
        for (String c : List.of("creation_time", "completion_time", "last_modified_time", "observed_at")) {
            t.put(c, "timestamp with time zone");
        }
        t.put("job_duration_seconds", "integer");
        t.put("steps_emitted", "integer");
        t.put("closed", "boolean");
        return t;
    }

    /**
     * The information_schema type each field of a {@code schemas/*.avsc} calls for, read from the contract file
     * itself: a hand-pinned table that drifted from the schemas fails here, not only against the DDL the test ran.
     */
    private static Map<String, String> typesFromContract(String avsc) throws java.io.IOException {
        Map<String, String> out = new LinkedHashMap<>();
        org.apache.avro.Schema schema = new org.apache.avro.Schema.Parser()
                .parse(WarehouseStack.projectDir().resolve("schemas").resolve(avsc).toFile());
        for (org.apache.avro.Schema.Field f : schema.getFields()) {
            org.apache.avro.Schema s = f.schema();
            if (s.getType() == org.apache.avro.Schema.Type.UNION) {
                s = s.getTypes().stream().filter(x -> x.getType() != org.apache.avro.Schema.Type.NULL).findFirst().orElseThrow();
            }
            String type = "timestamp-millis".equals(s.getProp("logicalType")) ? "timestamp with time zone"
                    : switch (s.getType()) {
                        case STRING -> "text";
                        case INT -> "integer";
                        case LONG -> "bigint";
                        case DOUBLE -> "double precision";
                        case BOOLEAN -> "boolean";
                        default -> throw new IllegalArgumentException(f.name() + ": no landing type for " + s);
                    };
            out.put(f.name(), type);
        }
        return out;
    }

    @Test
    void threeJobsLandRowByRowWithProperTypesAndUpsertByKey() throws Exception {
        String db = "threejobs";
        String prefix = "threejobs";
        stack.createDatabase(db);
        stack.runSqlFile(db, "01_landing_tables.sql");
        stack.runSqlFile(db, "02_models.sql");
        ManualClock clock = new ManualClock();
        SageMakerEmulator emulator = emulator(Scenario.fromResource("scenarios/three-jobs.json"), clock);

        Map<String, String> sink = stack.postgresSinkConfig(db, prefix);
        Map<String, String> toValidate = new java.util.HashMap<>(sink);
        toValidate.put("name", prefix + "-sink");
        ConfigInfos validation = stack.connect.connect().validateConnectorConfig(
                "io.debezium.connector.jdbc.JdbcSinkConnector", toValidate);
        assertThat(errors(validation)).as("Debezium validate() of config/benchlake-sink-postgres.json").isEmpty();
        startConnector(prefix + "-source", stack.sourceConfig(emulator, prefix, List.of(RESNET, BERT, XGB)));
        startConnector(prefix + "-sink", sink);

        // t=0: bert's c5 step is IN_PROGRESS, its m5 step PENDING; xgboost's two steps IN_PROGRESS
        await("7 steps at t=0", () -> {
            assertThat(stack.scalar(db, "SELECT count(*) FROM benchmark_steps")).isEqualTo(7L);
            assertThat(stack.scalar(db, "SELECT status FROM benchmark_steps WHERE endpoint_name = 'sm-epc-bert-002-c5'"))
                    .isEqualTo("IN_PROGRESS");
        });
        Object firstHash = stack.scalar(db, "SELECT content_hash FROM benchmark_steps WHERE endpoint_name = 'sm-epc-bert-002-c5'");

        clock.set(Duration.ofSeconds(2_000));
        await("9 terminal steps and 3 closed jobs", () -> {
            assertThat(stack.scalar(db, "SELECT count(*) FROM benchmark_steps WHERE is_terminal")).isEqualTo(9L);
            assertThat(stack.scalar(db, "SELECT count(*) FROM recommendation_jobs WHERE closed")).isEqualTo(3L);
        });

        // one row per key (account, region, job name, step id): the later versions updated the rows in place
        assertThat(stack.scalar(db, "SELECT count(*) FROM benchmark_steps")).isEqualTo(9L);
        assertThat(stack.scalar(db, "SELECT count(DISTINCT (aws_account_id, aws_region, job_name, step_id)) FROM benchmark_steps"))
                .isEqualTo(9L);
        assertThat(stack.scalar(db, "SELECT content_hash FROM benchmark_steps WHERE endpoint_name = 'sm-epc-bert-002-c5'"))
                .isNotEqualTo(firstHash);
        await("PostgreSQL counted updates", () -> assertThat((Long) stack.scalar(db,
                "SELECT n_tup_upd + n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'benchmark_steps'"))
                .isGreaterThanOrEqualTo(4L));

        // column types as information_schema reports them; the sink added no column (names line up with the records)
        Map<String, String> types = stack.query(db, "SELECT column_name, data_type FROM information_schema.columns "
                        + "WHERE table_name = 'benchmark_steps'").stream()
                .collect(Collectors.toMap(r -> (String) r.get("column_name"), r -> (String) r.get("data_type")));
        assertThat(types).containsExactlyInAnyOrderEntriesOf(LANDING_TYPES);
        Map<String, String> jobTypes = stack.query(db, "SELECT column_name, data_type FROM information_schema.columns "
                        + "WHERE table_name = 'recommendation_jobs'").stream()
                .collect(Collectors.toMap(r -> (String) r.get("column_name"), r -> (String) r.get("data_type")));
        assertThat(jobTypes).containsExactlyInAnyOrderEntriesOf(JOB_LANDING_TYPES);
        // the pinned tables are the contract's: every field of the .avsc, with the type its (logical) type calls for
        assertThat(LANDING_TYPES).containsExactlyInAnyOrderEntriesOf(typesFromContract("BenchmarkStep.avsc"));
        assertThat(JOB_LANDING_TYPES).containsExactlyInAnyOrderEntriesOf(typesFromContract("RecommendationJob.avsc"));

        Map<String, Map<String, Object>> ep = stepsByEndpoint(db);
        Map<String, Object> c5 = ep.get("sm-epc-resnet50-001-c5");
        assertThat(c5.get("job_name")).isEqualTo(RESNET);
        assertThat(c5.get("aws_region")).isEqualTo("us-east-1");
        assertThat(c5.get("aws_account_id")).isEqualTo("123456789012");
        assertThat(c5.get("job_arn"))
                .isEqualTo("arn:aws:sagemaker:us-east-1:123456789012:inference-recommendations-job/resnet50-nightly-001");
        assertThat(c5.get("step_type")).isEqualTo("BENCHMARK");
        assertThat(c5.get("status")).isEqualTo("COMPLETED");
        assertThat(c5.get("is_terminal")).isEqualTo(true);
        assertThat((String) c5.get("step_id")).hasSize(32);
        assertThat((String) c5.get("content_hash")).hasSize(32);
        assertThat(c5.get("variant_name")).isEqualTo("AllTraffic");
        assertThat(c5.get("instance_type")).isEqualTo("ml.c5.xlarge");
        assertThat(c5.get("initial_instance_count")).isEqualTo(1);
        assertThat(c5.get("cost_per_hour")).isEqualTo(0.1);
        assertThat(c5.get("cost_per_inference")).isEqualTo(0.000123);
        assertThat(c5.get("max_invocations")).isEqualTo(1350);
        assertThat(c5.get("model_latency_ms")).isEqualTo(42);
        assertThat(c5.get("cpu_utilization")).isEqualTo(71.25);
        assertThat(c5.get("memory_utilization")).isEqualTo(33.5);
        assertThat(c5.get("endpoint_max_invocations")).isEqualTo(1400);
        assertThat(c5.get("endpoint_model_latency_ms")).isEqualTo(45);
        assertThat(c5.get("inference_specification_name")).isEqualTo("resnet50-spec");
        assertThat(c5.get("compilation_job_name")).isEqualTo("resnet50-neo-c5");
        assertThat(c5.get("environment_parameters")).isEqualTo("{\"OMP_NUM_THREADS\":\"2\"}");
        assertThat(epochMillis(c5.get("invocation_start_time"))).isEqualTo(EPOCH_MS - 6_000_250);
        assertThat(epochMillis(c5.get("invocation_end_time"))).isEqualTo(EPOCH_MS - 5_400_750);
        assertThat(c5.get("benchmark_duration_ms")).isEqualTo(599_500L);
        assertThat(c5.get("job_type")).isEqualTo("Default");
        assertThat(c5.get("job_status")).isEqualTo("COMPLETED");
        assertThat(epochMillis(c5.get("job_creation_time"))).isEqualTo(EPOCH_MS - 7_200_125);
        assertThat(c5.get("model_name")).isEqualTo("resnet50");
        assertThat(c5.get("failure_reason")).isNull();
        // the instant, whatever the session's time zone: rendered in UTC it is the API's value
        assertThat(stack.scalar(db, "SELECT to_char(invocation_start_time AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') "
                + "FROM benchmark_steps WHERE endpoint_name = 'sm-epc-resnet50-001-c5'")).isEqualTo("2025-12-31 22:19:59.750");

        assertThat(ep.get("sm-epc-resnet50-001-g4dn").get("environment_parameters"))
                .isEqualTo("{\"OMP_NUM_THREADS\":\"4\",\"TS_DEFAULT_WORKERS_PER_MODEL\":\"1\"}");
        assertThat(ep.get("sm-epc-resnet50-001-g4dn").get("cost_per_inference")).isEqualTo(0.0000456);
        assertThat(ep.get("sm-epc-resnet50-001-m5").get("initial_instance_count")).isEqualTo(2);

        Map<String, Object> serverless = ep.get("sm-epc-xgb-003-serverless");
        assertThat(serverless.get("instance_type")).isNull();
        assertThat(serverless.get("serverless_memory_size_mb")).isEqualTo(2048);
        assertThat(serverless.get("serverless_max_concurrency")).isEqualTo(5);
        assertThat(serverless.get("serverless_provisioned_concurrency")).isEqualTo(1);
        assertThat(serverless.get("model_setup_time")).isEqualTo(1800);
        assertThat(serverless.get("cost_per_hour")).isEqualTo(0.0);
        assertThat(serverless.get("cost_per_inference")).isEqualTo(0.0000002);
        assertThat(serverless.get("cpu_utilization")).as("NaN lands as NULL").isNull();
        assertThat(serverless.get("memory_utilization")).isNull();
        assertThat(serverless.get("benchmark_duration_ms")).isEqualTo(229_500L);

        Map<String, Object> failed = ep.get("sm-epc-xgb-003-t2");
        assertThat(failed.get("status")).isEqualTo("FAILED");
        assertThat(failed.get("is_terminal")).isEqualTo(true);
        assertThat((String) failed.get("failure_reason")).contains("ran out of memory");
        assertThat(failed.get("cost_per_hour")).isNull();

        Map<String, Object> bertC5 = ep.get("sm-epc-bert-002-c5");
        assertThat(bertC5.get("status")).isEqualTo("COMPLETED");
        assertThat(bertC5.get("cost_per_hour")).isEqualTo(0.204);
        Map<String, Object> inf1 = ep.get("sm-epc-bert-002-inf1");
        assertThat(inf1.get("compilation_job_name")).isEqualTo("bert-neo-inf1");
        assertThat(inf1.get("job_type")).isEqualTo("Advanced");
        assertThat(inf1.get("cost_per_inference")).isEqualTo(0.0000109);
        assertThat(epochMillis(inf1.get("invocation_end_time"))).isEqualTo(EPOCH_MS + 1_499_250);

        // the job records, one row per job with its latest state
        List<Map<String, Object>> jobs = stack.query(db,
                "SELECT job_name, job_type, status, model_name, closed, close_reason, steps_emitted "
                        + "FROM recommendation_jobs ORDER BY job_name");
        assertThat(jobs).extracting(r -> r.get("job_name") + "|" + r.get("job_type") + "|" + r.get("status") + "|"
                        + r.get("model_name") + "|" + r.get("closed") + "|" + r.get("close_reason") + "|" + r.get("steps_emitted"))
                .containsExactly(
                        BERT + "|Advanced|COMPLETED|null|true|COMPLETE|4",
                        RESNET + "|Default|COMPLETED|resnet50|true|COMPLETE|3",
                        XGB + "|Default|COMPLETED|xgboost-churn|true|COMPLETE|2");

        // the models read the landed data: 8 completed benchmarks, failure rate of ml.t2.medium 1/1
        assertThat(stack.scalar(db, "SELECT count(*) FROM completed_benchmarks")).isEqualTo(8L);
        assertThat(stack.scalar(db, "SELECT count(*) FROM completed_benchmarks WHERE job_closed")).isEqualTo(8L);
        assertThat(stack.scalar(db, "SELECT configuration FROM completed_benchmarks WHERE job_name = '" + XGB + "'"))
                .isEqualTo("serverless-2048MB-max5-prov1");
        assertThat(stack.scalar(db, "SELECT failure_rate FROM failure_rate_by_instance_type "
                + "WHERE instance_type = 'ml.t2.medium'")).isEqualTo(1.0);
        assertThat((Double) stack.scalar(db, "SELECT cost_per_1m_inferences FROM completed_benchmarks "
                + "WHERE endpoint_name = 'sm-epc-resnet50-001-c5'")).isCloseTo(123.0, within(1e-9));
        assertThat(stack.connect.connect().connectorStatus(prefix + "-sink").tasks().get(0).state()).isEqualTo("RUNNING");
    }

    @Test
    void thirtyNightsAnswerTheTrendQuestions() throws Exception {
        String db = "nightly";
        String prefix = "nightly";
        stack.createDatabase(db);
        stack.runSqlFile(db, "01_landing_tables.sql");
        stack.runSqlFile(db, "02_models.sql");
        List<NightlyScenario.Run> runs = NightlyScenario.runs();
        SageMakerEmulator emulator = emulator(NightlyScenario.scenario(),
                new ManualClock().set(Duration.ofSeconds(NightlyScenario.allDoneSeconds())));
        startConnector(prefix + "-source", stack.sourceConfig(emulator, prefix, NightlyScenario.jobNames()));
        startConnector(prefix + "-sink", stack.postgresSinkConfig(db, prefix));

        await("240 steps and 60 closed jobs", () -> {
            assertThat(stack.scalar(db, "SELECT count(*) FROM benchmark_steps")).isEqualTo(240L);
            assertThat(stack.scalar(db, "SELECT count(*) FROM recommendation_jobs WHERE closed")).isEqualTo(60L);
        });
        assertThat(runs).hasSize(240);
        assertThat(stack.scalar(db, "SELECT count(*) FROM completed_benchmarks")).isEqualTo(235L);
        assertThat(stack.query(db, "SELECT DISTINCT model, job_type FROM completed_benchmarks ORDER BY 1"))
                .extracting(r -> r.get("model") + "/" + r.get("job_type"))
                .containsExactly("bert-base/Advanced", "resnet50/Default");

        // every completed run landed with the scenario's numbers
        Map<String, NightlyScenario.Run> byEndpoint = runs.stream()
                .collect(Collectors.toMap(NightlyScenario.Run::endpointName, Function.identity()));
        List<Map<String, Object>> landed = stack.query(db, "SELECT * FROM completed_benchmarks");
        assertThat(landed).hasSize(235).allSatisfy(row -> {
            NightlyScenario.Run run = byEndpoint.get((String) row.get("endpoint_name"));
            assertThat(row.get("model")).isEqualTo(run.model());
            assertThat(row.get("model_kind")).isEqualTo("model");
            assertThat(row.get("job_type")).isEqualTo(run.jobType());
            assertThat(row.get("instance_type")).isEqualTo(run.instanceType());
            assertThat(row.get("environment")).isEqualTo(NightlyScenario.ENVIRONMENT);
            assertThat(row.get("run_date")).isEqualTo(java.sql.Date.valueOf(run.runDate()));
            assertThat(epochMillis(row.get("run_at"))).isEqualTo(run.jobCreated().toEpochMilli());
            assertThat(row.get("model_latency_ms")).isEqualTo(run.latencyMs());
            assertThat(row.get("max_invocations")).isEqualTo(run.maxInvocations());
            assertThat(row.get("cost_per_hour")).isEqualTo(run.costPerHour());
            assertThat(row.get("cost_per_inference")).isEqualTo(run.costPerInference());
            assertThat((Double) row.get("cost_per_1m_inferences")).isCloseTo(run.costPerInference() * 1e6, within(1e-9));
        });

        // regression: the latest run against the median of all earlier runs of its series
        String series = NightlyScenario.REGRESSED_MODEL + "/" + NightlyScenario.REGRESSED_TYPE;
        List<Integer> g4dn = runs.stream().filter(r -> (r.model() + "/" + r.instanceType()).equals(series))
                .map(NightlyScenario.Run::latencyMs).toList();
        double baseline = median(g4dn.subList(0, 29));
        double latest = g4dn.get(29);
        assertThat(baseline).isEqualTo(40.0);
        assertThat(latest).as("day 30: round(40 * 1.3) - 1 ms of jitter").isEqualTo(51.0);
        for (double threshold : new double[] {0.1, 0.2, 0.25}) {
            List<Map<String, Object>> flagged = stack.query(db, "SELECT * FROM benchmark_regressions(" + threshold + ")");
            assertThat(flagged).as("threshold " + threshold).hasSize(1);
            Map<String, Object> r = flagged.get(0);
            assertThat(r.get("model")).isEqualTo("resnet50");
            assertThat(r.get("job_type")).isEqualTo("Default");
            assertThat(r.get("configuration")).isEqualTo("ml.g4dn.xlarge");
            assertThat(r.get("aws_account_id")).isEqualTo("123456789012");
            assertThat(r.get("aws_region")).isEqualTo("us-east-1");
            assertThat(stack.scalar(db, "SELECT environment FROM benchmark_series WHERE series_id = '" + r.get("series_id") + "'"))
                    .isEqualTo(NightlyScenario.ENVIRONMENT);
            assertThat(r.get("metric")).isEqualTo("model_latency_ms");
            assertThat(r.get("latest_job_name")).isEqualTo("nightly-resnet50-d30");
            assertThat(r.get("latest_value")).isEqualTo(latest);
            assertThat(r.get("baseline_runs")).isEqualTo(29L);
            assertThat(r.get("baseline_median")).isEqualTo(baseline);
            assertThat((Double) r.get("change")).isCloseTo(latest / baseline - 1, within(1e-12)).isCloseTo(0.275, within(1e-12));
            assertThat(r.get("regressed_since_date")).isEqualTo(java.sql.Date.valueOf("2026-01-25"));
            assertThat(epochMillis(r.get("regressed_since"))).isEqualTo(Instant.parse("2026-01-25T02:00:00Z").toEpochMilli());
            assertThat(r.get("regressed_runs")).isEqualTo(6L);
        }
        assertThat(stack.query(db, "SELECT * FROM benchmark_regressions(0.35)")).as("threshold above the 30 % regression").isEmpty();
        assertThat(stack.query(db, "SELECT * FROM benchmark_regressions_current")).hasSize(1);
        // every run compared with its own past: only days 25..30 of that series are regressed
        assertThat(stack.query(db, "SELECT model, configuration, metric, run_date, change FROM "
                + "benchmark_regression_checks(0.2) WHERE regressed ORDER BY run_date"))
                .extracting(r -> r.get("model") + "|" + r.get("configuration") + "|" + r.get("metric") + "|" + r.get("run_date"))
                .containsExactly(
                        "resnet50|ml.g4dn.xlarge|model_latency_ms|2026-01-25", "resnet50|ml.g4dn.xlarge|model_latency_ms|2026-01-26",
                        "resnet50|ml.g4dn.xlarge|model_latency_ms|2026-01-27", "resnet50|ml.g4dn.xlarge|model_latency_ms|2026-01-28",
                        "resnet50|ml.g4dn.xlarge|model_latency_ms|2026-01-29", "resnet50|ml.g4dn.xlarge|model_latency_ms|2026-01-30");
        assertThat(stack.scalar(db, "SELECT count(*) FROM benchmark_regression_checks(0.2) WHERE baseline_runs = 0"))
                .as("each series' first run has no baseline: 8 series x 3 metrics").isEqualTo(24L);

        // trends per day: the step up on day 25
        Map<String, Object> day24 = stack.query(db, "SELECT * FROM benchmark_trends_daily WHERE model = 'resnet50' "
                + "AND configuration = 'ml.g4dn.xlarge' AND run_date = '2026-01-24'").get(0);
        Map<String, Object> day25 = stack.query(db, "SELECT * FROM benchmark_trends_daily WHERE model = 'resnet50' "
                + "AND configuration = 'ml.g4dn.xlarge' AND run_date = '2026-01-25'").get(0);
        assertThat(day24.get("runs")).isEqualTo(1L);
        assertThat(day24.get("median_latency_ms")).isEqualTo((double) g4dn.get(23));
        assertThat(day25.get("median_latency_ms")).isEqualTo((double) g4dn.get(24));
        assertThat((double) g4dn.get(24) / g4dn.get(23)).isGreaterThan(1.25);
        assertThat(day25.get("max_max_invocations")).isEqualTo(runs.stream()
                .filter(r -> r.day() == 25 && (r.model() + "/" + r.instanceType()).equals(series)).findFirst().orElseThrow().maxInvocations());
        assertThat((Double) day25.get("median_cost_per_1m_inferences")).isCloseTo(2.044, within(1e-9));
        assertThat(stack.scalar(db, "SELECT count(*) FROM benchmark_trends_daily")).isEqualTo(235L);
        assertThat(stack.scalar(db, "SELECT count(DISTINCT job_name) FROM benchmark_trends_by_job")).isEqualTo(60L);

        // capacity-aware price/performance: per model, the cheapest configuration that holds the latency target at
        // 20 requests/s: ceil(traffic / median MaxInvocations) instances at CostPerHour each
        int rps = 20;
        for (int maxLatency : new int[] {100, 50}) {
            List<String> expected = new ArrayList<>();
            for (String model : NightlyScenario.MODELS) {
                String best = null;
                BigDecimal bestCost = null;
                double bestLatency = 0;
                for (String type : NightlyScenario.TYPES) {
                    List<NightlyScenario.Run> done = runs.stream()
                            .filter(r -> r.completed() && r.model().equals(model) && r.instanceType().equals(type)).toList();
                    double latency = median(done.stream().map(NightlyScenario.Run::latencyMs).toList());
                    double invocations = median(done.stream().map(NightlyScenario.Run::maxInvocations).toList());
                    int instances = BigDecimal.valueOf(rps * 60L).divide(BigDecimal.valueOf(invocations), 0, RoundingMode.CEILING)
                            .intValueExact();
                    BigDecimal cost = BigDecimal.valueOf(NightlyScenario.COST_PER_HOUR.get(type)).multiply(BigDecimal.valueOf(instances));
                    if (latency <= maxLatency && (bestCost == null || cost.compareTo(bestCost) < 0
                            || cost.compareTo(bestCost) == 0 && latency < bestLatency)) {
                        best = model + "|" + type + "|" + instances + "|" + cost.stripTrailingZeros().toPlainString() + "|" + latency;
                        bestCost = cost;
                        bestLatency = latency;
                    }
                }
                expected.add(best);
            }
            assertThat(stack.query(db, "SELECT * FROM cheapest_configuration(" + maxLatency + ", " + rps + ", NULL, 1, 1)"))
                    .as(maxLatency + " ms at " + rps + " requests/s")
                    .extracting(r -> r.get("model") + "|" + r.get("configuration") + "|" + r.get("instance_count") + "|"
                            + ((BigDecimal) r.get("hourly_cost")).stripTrailingZeros().toPlainString() + "|"
                            + r.get("median_latency_ms"))
                    .containsExactlyInAnyOrderElementsOf(expected);
        }
        assertThat(stack.query(db, "SELECT model, configuration FROM cheapest_configuration(50, 20, NULL, 1, 1)"))
                .extracting(r -> r.get("model") + "/" + r.get("configuration"))
                .as("bert-base on ml.inf1.xlarge misses 50 ms").containsExactlyInAnyOrder(
                        "resnet50/ml.inf1.xlarge", "bert-base/ml.g4dn.xlarge");

        // failure rate per instance type
        Map<String, Map<String, Object>> failures = stack.query(db, "SELECT * FROM failure_rate_by_instance_type").stream()
                .collect(Collectors.toMap(r -> (String) r.get("instance_type"), Function.identity()));
        assertThat(failures).hasSize(4);
        assertThat(failures.get("ml.inf1.xlarge").get("terminal_steps")).isEqualTo(60L);
        assertThat(failures.get("ml.inf1.xlarge").get("failed_steps")).isEqualTo(4L);
        assertThat((Double) failures.get("ml.inf1.xlarge").get("failure_rate")).isCloseTo(4.0 / 60, within(1e-12));
        assertThat(epochMillis(failures.get("ml.inf1.xlarge").get("last_failure_at"))).isEqualTo(runs.stream()
                .filter(r -> r.day() == 28 && r.model().equals("bert-base") && r.instanceType().equals("ml.inf1.xlarge"))
                .findFirst().orElseThrow().end().toEpochMilli());
        assertThat((Double) failures.get("ml.m5.xlarge").get("failure_rate")).isCloseTo(1.0 / 60, within(1e-12));
        assertThat(failures.get("ml.c5.xlarge").get("failure_rate")).isEqualTo(0.0);
        assertThat(failures.get("ml.g4dn.xlarge").get("failure_rate")).isEqualTo(0.0);
        // docs/queries.md ("Query your benchmarks") runs as written and answers the scenario's questions
        List<String> readmeQueries = WarehouseStack.readmeQueries();
        assertThat(readmeQueries).hasSize(5);
        for (String sql : readmeQueries) {
            // the model-version question has no answer here: no job of this scenario benchmarks a model package
            if (!sql.contains("model_kind = 'model-package'")) {
                assertThat(stack.query(db, sql)).as(sql).isNotEmpty();
            }
        }
        assertThat(stack.query(db, readmeQueries.get(1)))
                .extracting(r -> r.get("model") + "/" + r.get("configuration"))
                .containsExactly("resnet50/ml.g4dn.xlarge");
    }

    private static double median(List<Integer> values) {
        List<Integer> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    }

    private static org.apache.kafka.connect.data.Schema connectSchema(String avsc, String from, String to) throws Exception {
        String text = java.nio.file.Files.readString(WarehouseStack.projectDir().resolve("schemas").resolve(avsc));
        if (from != null) {
            assertThat(text).contains(from);
            text = text.replace(from, to);
        }
        return AvroSchemas.toConnectSchema(new org.apache.avro.Schema.Parser().parse(text));
    }

    private static Struct step(org.apache.kafka.connect.data.Schema schema, String stepId, Object latency) {
        Struct value = new Struct(schema)
                .put("step_id", stepId).put("job_name", "careless-edit-001").put("aws_region", "us-east-1")
                .put("aws_account_id", "123456789012")
                .put("step_type", "BENCHMARK").put("status", "COMPLETED").put("is_terminal", true)
                .put("content_hash", "0123456789abcdef0123456789abcdef").put("observed_at", new java.util.Date(EPOCH_MS))
                .put("instance_type", "ml.c5.xlarge").put("cost_per_hour", 0.204).put("model_latency_ms", latency);
        return value;
    }

    private static Struct key(org.apache.kafka.connect.data.Schema schema, String stepId) {
        return new Struct(schema).put("aws_account_id", "123456789012").put("aws_region", "us-east-1")
                .put("job_name", "careless-edit-001").put("step_id", stepId);
    }

    private AvroConverter converter(boolean isKey, String... extra) {
        Map<String, Object> config = new java.util.HashMap<>();
        config.put("schema.registry.url", stack.registry.confluentUrl());
        for (int i = 0; i < extra.length; i += 2) {
            config.put(extra[i], extra[i + 1]);
        }
        AvroConverter converter = new AvroConverter();
        converter.configure(config, isKey);
        return converter;

    }

    @Test
    void recordsTheSinkCannotWriteGoToTheDeadLetterTopicAndTheRestLands() throws Exception {
        String db = "deadletter";
        String prefix = "deadletter";
        String topic = prefix + ".benchmark-steps";
        String dlq = prefix + ".sink-dlq";
        stack.createDatabase(db);
        stack.runSqlFile(db, "01_landing_tables.sql");
        stack.connect.connect().kafka().createTopic(topic, 1);

        org.apache.kafka.connect.data.Schema keySchema = connectSchema("BenchmarkStepKey.avsc", null, null);
        org.apache.kafka.connect.data.Schema good = connectSchema("BenchmarkStep.avsc", null, null);
        // a careless edit: model_latency_ms becomes a string
        org.apache.kafka.connect.data.Schema edited = connectSchema("BenchmarkStep.avsc",
                "\"name\": \"model_latency_ms\",\n      \"type\": [\n        \"null\",\n        \"int\"\n      ]",
                "\"name\": \"model_latency_ms\",\n      \"type\": [\n        \"null\",\n        \"string\"\n      ]");
        AvroConverter keys = converter(true);
        AvroConverter values = converter(false);
        // a producer that bypasses the topic's subject (and so the registry's compatibility check)
        AvroConverter rogue = converter(false, "value.subject.name.strategy", "RecordNameStrategy");

        List<byte[][]> sent = new ArrayList<>();
        sent.add(new byte[][] {keys.fromConnectData(topic, keySchema, key(keySchema, "good-1")),
                values.fromConnectData(topic, good, step(good, "good-1", 42))});
        // the registry refuses the edit under the topic's own subject: the first line of defence
        assertThatThrownBy(() -> values.fromConnectData(topic, edited, step(edited, "bad-type", "52 ms")))
                .isInstanceOf(DataException.class).hasMessageContaining("409");
        sent.add(new byte[][] {keys.fromConnectData(topic, keySchema, key(keySchema, "bad-type")),
                rogue.fromConnectData(topic, edited, step(edited, "bad-type", "52 ms"))});
        sent.add(new byte[][] {keys.fromConnectData(topic, keySchema, key(keySchema, "not-avro")),
                "{\"step_id\":\"not-avro\",\"model_latency_ms\":42}".getBytes(StandardCharsets.UTF_8)});
        // the same edit with a value that still fits the column: the guard casts it and it lands
        sent.add(new byte[][] {keys.fromConnectData(topic, keySchema, key(keySchema, "castable")),
                rogue.fromConnectData(topic, edited, step(edited, "castable", "52"))});
        sent.add(new byte[][] {keys.fromConnectData(topic, keySchema, key(keySchema, "good-2")),
                values.fromConnectData(topic, good, step(good, "good-2", 43))});
        try (org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> producer =
                     stack.connect.connect().kafka().createProducer(Map.of())) {
            for (byte[][] kv : sent) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, 0, kv[0], kv[1])).get();
            }
        }

        startConnector(prefix + "-sink", stack.postgresSinkConfig(db, prefix));
        await("3 rows landed", () -> assertThat(stack.scalar(db, "SELECT count(*) FROM benchmark_steps")).isEqualTo(3L));
        assertThat(stack.query(db, "SELECT step_id, model_latency_ms FROM benchmark_steps ORDER BY step_id"))
                .extracting(r -> r.get("step_id") + "=" + r.get("model_latency_ms"))
                .containsExactly("castable=52", "good-1=42", "good-2=43");

        ConsumerRecords<byte[], byte[]> dead = stack.connect.connect().kafka()
                .consume(2, DATA_TIMEOUT.toMillis(), dlq);
        List<ConsumerRecord<byte[], byte[]>> deadRecords = new ArrayList<>();
        dead.forEach(deadRecords::add);
        deadRecords.sort(java.util.Comparator.comparingLong(r -> Long.parseLong(header(r, "__connect.errors.offset"))));
        assertThat(deadRecords).hasSize(2);

        ConsumerRecord<byte[], byte[]> typeChanged = deadRecords.get(0);
        assertThat(typeChanged.value()).isEqualTo(sent.get(1)[1]);
        assertThat(typeChanged.key()).isEqualTo(sent.get(1)[0]);
        assertThat(header(typeChanged, "__connect.errors.topic")).isEqualTo(topic);
        assertThat(header(typeChanged, "__connect.errors.partition")).isEqualTo("0");
        assertThat(header(typeChanged, "__connect.errors.offset")).isEqualTo("1");
        assertThat(header(typeChanged, "__connect.errors.stage")).isEqualTo("TRANSFORMATION");
        assertThat(header(typeChanged, "__connect.errors.class.name")).isEqualTo("org.apache.kafka.connect.transforms.Cast$Value");
        assertThat(header(typeChanged, "__connect.errors.exception.class.name")).isEqualTo(DataException.class.getName());
        assertThat(header(typeChanged, "__connect.errors.exception.message")).contains("52 ms");

        ConsumerRecord<byte[], byte[]> notAvro = deadRecords.get(1);
        assertThat(notAvro.value()).isEqualTo(sent.get(2)[1]);
        assertThat(header(notAvro, "__connect.errors.offset")).isEqualTo("2");
        assertThat(header(notAvro, "__connect.errors.stage")).isEqualTo("VALUE_CONVERTER");
        assertThat(header(notAvro, "__connect.errors.class.name")).isEqualTo(AvroConverter.class.getName());
        assertThat(header(notAvro, "__connect.errors.exception.class.name")).isEqualTo(DataException.class.getName());

        assertThat(stack.connect.connect().connectorStatus(prefix + "-sink").tasks().get(0).state()).isEqualTo("RUNNING");
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        org.apache.kafka.common.header.Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    static List<String> errors(ConfigInfos infos) {
        return infos.configs().stream().filter(v -> !v.configValue().errors().isEmpty())
                .map(v -> v.configValue().name() + ": " + v.configValue().errors()).toList();
    }
}
