package dev.benchlake.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.data.Struct;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.benchlake.api.StepObservation;
import dev.benchlake.avro.AvroConverter;
import dev.benchlake.emulator.SageMakerEmulator;
import dev.benchlake.record.NanHandling;
import dev.benchlake.record.RecordContext;
import dev.benchlake.record.RecordSchemas;
import dev.benchlake.record.StepIdentity;
import dev.benchlake.record.StepRecords;
import dev.benchlake.warehouse.TrendOracle.Rules;
import dev.benchlake.warehouse.TrendScenario.Run;
import dev.benchlake.warehouse.TrendScenario.Site;

/**
 * {@link TrendScenario} through the real pipeline: three SageMaker emulators (two accounts, two regions, the same job
 * names) → three Benchlake source connectors → Avro with a real registry → Kafka → the Debezium JDBC sink →
 * PostgreSQL → the SQL models. Every expected answer comes from {@link TrendOracle}, computed from the scenario's
 * inputs, and is compared exactly. Each test is one way the version-1 keys and models went wrong.
 */
class TrendScenarioIT {
    private static final String DB = "trends";
    private static final String PREFIX = "trends";
    private static final Duration DATA_TIMEOUT = Duration.ofSeconds(120);
    private static final List<Run> RUNS = TrendScenario.allRuns();

    private static WarehouseStack stack;
    private static final List<SageMakerEmulator> EMULATORS = new ArrayList<>();

    @BeforeAll
    static void landTheScenario() throws Exception {
        stack = WarehouseStack.start("benchlake-trend-it");
        stack.createDatabase(DB);
        stack.runSqlFile(DB, "01_landing_tables.sql");
        stack.runSqlFile(DB, "02_models.sql");
        EMULATORS.addAll(stack.startTrendSources(PREFIX));
        stack.connect.startConnector(PREFIX + "-sink", stack.postgresSinkConfig(DB, PREFIX));
        produceLegacyRows();

        long jobs = TrendScenario.SITES.size() * (long) TrendScenario.jobNames().size();
        Awaitility.await("every step and closed job landed").atMost(DATA_TIMEOUT).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    assertThat(stack.scalar(DB, "SELECT count(*) FROM benchmark_steps")).isEqualTo((long) RUNS.size());
                    assertThat(stack.scalar(DB, "SELECT count(*) FROM recommendation_jobs WHERE closed")).isEqualTo(jobs);
                });
    }

    /** The legacy rows: step records with no job type, produced with Benchlake's own record and key code. */
    private static void produceLegacyRows() throws Exception {
        String topic = PREFIX + ".benchmark-steps";
        AvroConverter keys = new AvroConverter();
        keys.configure(Map.of("schema.registry.url", stack.registry.confluentUrl()), true);
        AvroConverter values = new AvroConverter();
        values.configure(Map.of("schema.registry.url", stack.registry.confluentUrl()), false);
        RecordContext context = new RecordContext(TrendScenario.LEGACY.region(), TrendScenario.LEGACY.account(),
                NanHandling.NULL);
        try (KafkaProducer<byte[], byte[]> producer = stack.connect.connect().kafka().createProducer(Map.of())) {
            for (Run run : TrendScenario.runs(TrendScenario.LEGACY)) {
                StepObservation step = new StepObservation(run.jobName(), "BENCHMARK", "COMPLETED", null,
                        new StepObservation.Endpoint(run.endpointName(), "AllTraffic", run.config().instanceType(), 1,
                                null, null, null),
                        new StepObservation.Model(null, null, List.of()),
                        new StepObservation.Metrics(run.costPerHour().floatValue(), run.costPerInference().floatValue(),
                                run.maxInvocations(), run.latencyMs(), null, null, null),
                        null, run.start(), run.end());
                Struct value = StepRecords.stepValue(step, StepIdentity.stepId(step), null, context, run.end())
                        .put("model_name", run.model())
                        .put("job_creation_time", java.util.Date.from(run.jobCreated()));
                producer.send(new ProducerRecord<>(topic, keys.fromConnectData(topic, RecordSchemas.STEP_KEY,
                        StepRecords.stepKey(value)), values.fromConnectData(topic, RecordSchemas.STEP, value))).get();
            }
        }
    }

    @AfterAll
    static void stop() {
        EMULATORS.forEach(SageMakerEmulator::close);
        if (stack != null) {
            stack.close();
        }
    }

    // ---- keys ----

    @Test
    void rowsOfTwoAccountsAndTwoRegionsWithTheSameJobNamesNeverOverwriteEachOther() throws Exception {
        assertThat(stack.scalar(DB, "SELECT count(*) FROM benchmark_steps")).isEqualTo((long) RUNS.size());
        Map<String, Long> stepsBySite = RUNS.stream().collect(Collectors.groupingBy(r -> r.site().label(), Collectors.counting()));
        assertThat(countBySite("benchmark_steps")).isEqualTo(stepsBySite);
        Map<String, Long> jobsBySite = new HashMap<>();
        TrendScenario.SITES.forEach(s -> jobsBySite.put(s.label(), (long) TrendScenario.jobNames().size()));
        assertThat(countBySite("recommendation_jobs")).isEqualTo(jobsBySite);

        // every completed benchmark has its own site's numbers, found by the whole key
        Map<String, Run> byKey = RUNS.stream().filter(Run::completed).collect(Collectors.toMap(
                r -> r.site().label() + "/" + r.jobName() + "/" + r.endpointName(), r -> r));
        List<Map<String, Object>> landed = stack.query(DB, "SELECT * FROM benchmark_steps WHERE status = 'COMPLETED'");
        assertThat(landed).hasSize(byKey.size()).allSatisfy(row -> {
            Run run = byKey.get(row.get("aws_account_id") + "/" + row.get("aws_region") + "/" + row.get("job_name") + "/"
                    + row.get("endpoint_name"));
            assertThat(run).as("a scenario run for " + row.get("job_name")).isNotNull();
            assertThat(row.get("model_latency_ms")).isEqualTo(run.latencyMs());
            assertThat(row.get("max_invocations")).isEqualTo(run.maxInvocations());
            assertThat(row.get("cost_per_hour")).isEqualTo(run.costPerHour() == null ? null : run.costPerHour().doubleValue());
            assertThat(row.get("cost_per_inference")).isEqualTo(run.costPerInference().doubleValue());
        });
        // benchmarks that failed before their endpoint existed have the same step id in every site: still 3 rows
        assertThat(stack.query(DB, "SELECT aws_account_id || '/' || aws_region AS site, step_id FROM benchmark_steps "
                + "WHERE endpoint_name IS NULL ORDER BY 1"))
                .extracting(r -> r.get("site")).containsExactly("111111111111/eu-west-1", "111111111111/us-east-1",
                        "222222222222/us-east-1");
        assertThat(stack.scalar(DB, "SELECT count(DISTINCT step_id) FROM benchmark_steps WHERE endpoint_name IS NULL"))
                .isEqualTo(1L);
        // each step is joined with its own site's job: the package ARN names the step's account and region
        assertThat(stack.query(DB, "SELECT DISTINCT aws_account_id, aws_region, model_package_version_arn "
                + "FROM completed_benchmarks WHERE model = 'fraud-detector'"))
                .allSatisfy(r -> assertThat((String) r.get("model_package_version_arn"))
                        .startsWith("arn:aws:sagemaker:" + r.get("aws_region") + ":" + r.get("aws_account_id") + ":"));
    }

    private static Map<String, Long> countBySite(String table) throws SQLException {
        return stack.query(DB, "SELECT aws_account_id || '/' || aws_region AS site, count(*) AS n FROM " + table
                + " GROUP BY 1").stream().collect(Collectors.toMap(r -> (String) r.get("site"), r -> (Long) r.get("n")));
    }

    // ---- series ----

    @Test
    void aSeriesIsDefinedByEveryBenchmarkInputSoVariantsAreNeverComparedWithEachOther() throws Exception {
        // serverless concurrency, inference specification and compilation variants are compared only with themselves
        assertThat(regressionsSeen("latest_job_name LIKE 'churn-%' OR latest_job_name LIKE 'bert-d%'"))
                .containsExactlyInAnyOrderElementsOf(expectedSeen(r -> r.family().equals("churn") || r.family().equals("bert")));
        List<String> expected = new ArrayList<>();
        TrendOracle.series(RUNS).forEach((key, runs) -> expected.add(String.join("|", key.account(), key.region(),
                key.modelKind(), key.model(), String.valueOf(key.jobType()), key.configuration(),
                String.valueOf(key.config().inferenceSpecification()), String.valueOf(key.config().compiled()),
                key.config().environmentJson(), String.valueOf(key.load().users),
                // the scenario's jobs have no stopping conditions; the job timeout is no longer part of a series
                "null", String.valueOf(runs.size()))));
        assertThat(stack.query(DB, "SELECT *, traffic_pattern::jsonb #>> '{Phases,0,InitialNumberOfUsers}' AS users "
                + "FROM benchmark_series"))
                .extracting(r -> String.join("|", (String) r.get("aws_account_id"), (String) r.get("aws_region"),
                        (String) r.get("model_kind"), (String) r.get("model"), String.valueOf(r.get("job_type")),
                        (String) r.get("configuration"), String.valueOf(r.get("inference_specification_name")),
                        String.valueOf(r.get("compiled")), (String) r.get("environment"), String.valueOf(r.get("users")),
                        String.valueOf(r.get("stopping_conditions")), String.valueOf(r.get("runs"))))
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(regressions("latest_job_name LIKE 'churn-%' OR latest_job_name LIKE 'bert-d%'"))
                .containsExactlyInAnyOrderElementsOf(expectedRegressions(Rules.DEFAULTS,
                        r -> r.family().equals("churn") || r.family().equals("bert")));
    }

    @Test
    void runsOfOneJobThatShareASeriesComeInTheDocumentedOrder() throws Exception {
        // the Advanced job benchmarks OMP_NUM_THREADS=2 twice a night; on night 14 the second run is slow. Its light
        // and heavy nights are series of their own.
        assertThat(regressionsSeen("latest_job_name LIKE 'bert-adv-%'"))
                .containsExactlyInAnyOrderElementsOf(expectedSeen(r -> r.family().equals("bert-adv")));
        assertThat(regressions("latest_job_name LIKE 'bert-adv-%'"))
                .containsExactlyInAnyOrderElementsOf(expectedRegressions(Rules.DEFAULTS, r -> r.family().equals("bert-adv")));
        List<Map<String, Object>> twins = stack.query(DB, "SELECT c.run_order, c.value, c.baseline_runs, c.regressed "
                + "FROM benchmark_regression_checks() c JOIN completed_benchmarks b USING (series_id, step_id) "
                + "WHERE c.metric = 'model_latency_ms' AND b.job_name = 'bert-adv-d14' AND b.aws_region = 'us-east-1' "
                + "AND b.aws_account_id = '111111111111' AND b.environment = '{\"OMP_NUM_THREADS\":\"2\"}' ORDER BY c.run_order");
        Run first = run(TrendScenario.SITES.get(0), "bert-adv-d14", 1);
        Run second = run(TrendScenario.SITES.get(0), "bert-adv-d14", 3);
        assertThat(twins).extracting(r -> r.get("run_order") + "|" + r.get("value") + "|" + r.get("baseline_runs") + "|"
                + r.get("regressed")).containsExactly(
                "13|" + (double) first.latencyMs() + "|12|false",
                "14|" + (double) second.latencyMs() + "|13|true");
    }

    // ---- model versions ----

    @Test
    void aModelPackageVersionThatRegressesIsOneRowAgainstTheVersionsBeforeIt() throws Exception {
        assertThat(regressionsSeen("latest_job_name LIKE 'fraud-%'"))
                .containsExactlyInAnyOrderElementsOf(expectedSeen(r -> r.family().equals("fraud")));
        assertThat(regressions("latest_job_name LIKE 'fraud-%'"))
                .containsExactlyInAnyOrderElementsOf(expectedRegressions(Rules.DEFAULTS, r -> r.family().equals("fraud")));
        // "version 7 is 25 % slower than versions 1-6 on ml.g5.xlarge", in account 111111111111's two regions
        Run v7 = run(TrendScenario.SITES.get(0), "fraud-d14", 0);
        double baseline = TrendOracle.median(RUNS.stream().filter(r -> r.site().equals(v7.site())
                && r.family().equals("fraud") && r.variant().cfg() == 0 && r.night() < 14)
                .map(r -> (double) r.latencyMs()).toList());
        assertThat(stack.query(DB, "SELECT aws_region, configuration, model_package_version, baseline_min_version, "
                + "baseline_max_version, latest_value, baseline_median, change FROM benchmark_regressions() "
                + "WHERE model = 'fraud-detector' AND metric = 'model_latency_ms' ORDER BY aws_region"))
                .extracting(r -> r.get("aws_region") + "|" + r.get("configuration") + "|v" + r.get("model_package_version")
                        + " vs v" + r.get("baseline_min_version") + "-" + r.get("baseline_max_version"))
                .containsExactly("eu-west-1|ml.g5.xlarge|v7 vs v1-6", "us-east-1|ml.g5.xlarge|v7 vs v1-6");
        assertThat(stack.query(DB, "SELECT change FROM benchmark_regressions() WHERE model = 'fraud-detector' "
                + "AND aws_region = 'us-east-1'")).singleElement()
                .satisfies(r -> assertThat(r.get("change")).isEqualTo(v7.latencyMs() / baseline - 1));
        // one series per instance type, whatever the version
        assertThat(stack.scalar(DB, "SELECT count(*) FROM benchmark_series WHERE model = 'fraud-detector'")).isEqualTo(6L);
    }

    // ---- NULLs ----

    @Test
    void seriesWithNullInputsAreComparedNullSafely() throws Exception {
        // no job type (the legacy rows), no instance type (serverless), no compilation job, no specification
        assertThat(regressionsSeen("latest_job_name LIKE 'legacy-%'"))
                .containsExactlyElementsOf(expectedSeen(r -> r.family().equals("legacy")));
        assertThat(regressions("latest_job_name LIKE 'legacy-%'"))
                .containsExactlyElementsOf(expectedRegressions(Rules.DEFAULTS, r -> r.family().equals("legacy")));
        assertThat(stack.query(DB, "SELECT job_type, configuration, latest_value FROM benchmark_regressions() "
                + "WHERE model IN ('legacy-ranker', 'xgboost-churn')"))
                .extracting(r -> r.get("job_type") + "|" + r.get("configuration"))
                .containsExactlyInAnyOrder("null|ml.m5.xlarge", "Default|serverless-2048MB-max10");
        assertThat(stack.scalar(DB, "SELECT count(*) FROM completed_benchmarks WHERE job_type IS NULL")).isEqualTo(14L);
    }

    // ---- noise ----

    @Test
    void wholeMillisecondJitterOnAFastModelIsNotARegression() throws Exception {
        assertThat(regressionsSeen("latest_job_name LIKE 'tiny-%'")).isEmpty();
        // what the noise rules filter out: the last night's 5 ms is +25 % over a median of 4 ms
        assertThat(stack.query(DB, "SELECT value, baseline_median, baseline_mad, change, regressed "
                + "FROM benchmark_regression_checks() WHERE model = 'tiny-tabular' AND metric = 'model_latency_ms' "
                + "AND job_name = 'tiny-d14'")).hasSize(3).allSatisfy(r -> {
                    assertThat(r.get("value")).isEqualTo(5.0);
                    assertThat(r.get("baseline_median")).isEqualTo(4.0);
                    assertThat(r.get("change")).isEqualTo(0.25);
                    assertThat(r.get("regressed")).isEqualTo(false);
                });
        // both rules are parameters: with the spread and the floor off, the threshold alone reports it
        Rules thresholdOnly = new Rules(0.2, 0, 0);
        assertThat(regressions("benchmark_regressions(noise_mads => 0, min_latency_change_ms => 0)",
                "latest_job_name LIKE 'tiny-%'"))
                .hasSize(3).containsExactlyInAnyOrderElementsOf(
                        expectedRegressions(thresholdOnly, r -> r.family().equals("tiny")));
    }

    @Test
    void theRegressionsInForceAreExactlyTheInjectedOnes() throws Exception {
        assertThat(regressionsSeen("true")).containsExactlyInAnyOrderElementsOf(expectedSeen(r -> true));
        List<String> expected = expectedRegressions(Rules.DEFAULTS, r -> true);
        assertThat(regressions("true")).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(expected).as("3 in 111111111111/us-east-1, 2 in its eu-west-1, 2 in 222222222222, 1 legacy").hasSize(8);
        assertThat(stack.scalar(DB, "SELECT count(*) FROM benchmark_regressions_current")).isEqualTo((long) expected.size());
    }

    @Test
    void theReadmeQueriesAnswerForEveryAccountAndRegion() throws Exception {
        List<String> queries = WarehouseStack.readmeQueries();
        for (String sql : queries) {
            assertThat(stack.query(DB, sql)).as(sql).isNotEmpty();
        }
        // the model-version question: fraud-detector's versions in each site, version 7 slower on ml.g5.xlarge
        String versions = queries.stream().filter(q -> q.contains("model_kind = 'model-package'")).findFirst().orElseThrow();
        assertThat(stack.query(DB, "SELECT aws_region, model_package_version, median_latency_ms FROM (" + versions + ") v "
                + "WHERE configuration = 'ml.g5.xlarge'")).hasSize(3 * 7);
    }

    // ---- price/performance ----

    @Test
    void theCheapestConfigurationMeetsTheLatencyTargetAndServesTheTrafficPerModelAndRegion() throws Exception {
        for (int[] ask : new int[][] {{150, 5}, {150, 20}, {150, 40}, {60, 50}, {60, 100}, {40, 2}}) {
            List<String> expected = TrendOracle.cheapest(RUNS, ask[0], ask[1]).stream().map(TrendOracle.Cheapest::row).toList();
            assertThat(stack.query(DB, "SELECT * FROM cheapest_configuration(max_latency_ms => " + ask[0]
                    + ", requests_per_second => " + ask[1] + ", headroom => 1, min_runs => 1)"))
                    .as("%d ms at %d requests/s", ask[0], ask[1])
                    .extracting(TrendScenarioIT::cheapestRow).containsExactlyInAnyOrderElementsOf(expected);
        }
        // at 5 requests/s, bert-base is cheapest on one compiled ml.c5.xlarge, not on ml.g4dn.xlarge, the lowest
        // CostPerInference (an endpoint saturated at MaxInvocations)
        assertThat(cheapest(150, 5, "111111111111", "us-east-1", "bert-base"))
                .isEqualTo("ml.c5.xlarge compiled|instances|1|0.17");
        // as the traffic grows, two of them still beat one ml.g4dn.xlarge; four do not
        assertThat(cheapest(150, 20, "111111111111", "us-east-1", "bert-base"))
                .isEqualTo("ml.c5.xlarge compiled|instances|2|0.34");
        assertThat(cheapest(150, 40, "111111111111", "us-east-1", "bert-base"))
                .isEqualTo("ml.g4dn.xlarge|instances|1|0.526");
        assertThat(stack.scalar(DB, "SELECT configuration FROM completed_benchmarks WHERE model = 'bert-base' "
                + "AND aws_account_id = '111111111111' AND aws_region = 'us-east-1' ORDER BY cost_per_inference LIMIT 1"))
                .isEqualTo("ml.g4dn.xlarge");
        // serverless priced per request where the data allows, and said so where it does not
        assertThat(cheapest(150, 5, "111111111111", "eu-west-1", "xgboost-churn")).startsWith("serverless-2048MB-max");
        assertThat(stack.query(DB, "SELECT configuration, meets_traffic, note FROM capacity_plan(60, 50, NULL, 1, 1) "
                + "WHERE model = 'xgboost-churn' AND aws_region = 'eu-west-1' AND basis = 'serverless' ORDER BY 1"))
                .extracting(r -> r.get("configuration") + "|" + r.get("meets_traffic") + "|" + r.get("note"))
                .containsExactly(
                        "serverless-2048MB-max10|false|serverless: the traffic is above the MaxInvocations benchmarked at this MaxConcurrency",
                        "serverless-2048MB-max5|false|serverless: the traffic is above the MaxInvocations benchmarked at this MaxConcurrency");
        // the model package's newest version is what is priced
        assertThat(stack.query(DB, "SELECT DISTINCT model_package_version, runs FROM capacity_plan(150, 5, NULL, 1, 1) "
                + "WHERE model = 'fraud-detector'")).extracting(r -> r.get("model_package_version") + "|" + r.get("runs"))
                .containsExactly("7|1");
    }

    private static String cheapest(int latency, int rps, String account, String region, String model) throws SQLException {
        Map<String, Object> r = stack.query(DB, "SELECT * FROM cheapest_configuration(" + latency + ", " + rps + ", NULL, 1, 1) "
                + "WHERE aws_account_id = '" + account + "' AND aws_region = '" + region + "' AND model = '" + model + "'")
                .get(0);
        return r.get("configuration") + (Boolean.TRUE.equals(r.get("compiled")) ? " compiled" : "") + "|" + r.get("basis")
                + "|" + r.get("instance_count") + "|"
                + ((BigDecimal) r.get("hourly_cost")).stripTrailingZeros().toPlainString();
    }

    private static String cheapestRow(Map<String, Object> r) {
        BigDecimal hourly = (BigDecimal) r.get("hourly_cost");
        return String.join("|", (String) r.get("aws_account_id"), (String) r.get("aws_region"), (String) r.get("model"),
                String.valueOf(r.get("model_package_version")), String.valueOf(r.get("configuration")),
                String.valueOf(r.get("inference_specification_name")), String.valueOf(r.get("compiled")),
                String.valueOf(r.get("environment")), String.valueOf(r.get("basis")), String.valueOf(r.get("instance_count")),
                hourly == null ? "null" : hourly.stripTrailingZeros().toPlainString(),
                String.valueOf(r.get("median_latency_ms")), String.valueOf(r.get("candidates")),
                String.valueOf(r.get("note")));
    }

    // ---- helpers ----

    private static Run run(Site site, String jobName, int cfg) {
        return RUNS.stream().filter(r -> r.site().equals(site) && r.jobName().equals(jobName) && r.completed()
                && r.variant().cfg() == cfg).findFirst().orElseThrow();
    }

    private static List<String> expectedRegressions(Rules rules, Predicate<Run> family) {
        return TrendOracle.regressions(RUNS, rules).stream().filter(r -> family.test(r.latest().run()))
                .map(TrendOracle.Regression::row).toList();
    }

    /**
     * What a user reads off the regressions in force, in columns that version 1 of the models has too (latest job,
     * metric, latest value, baseline median, regressed runs), so that each test says first what the answer was.
     */
    private static List<String> regressionsSeen(String where) throws SQLException {
        return stack.query(DB, "SELECT latest_job_name, metric, latest_value, baseline_median, regressed_runs "
                + "FROM benchmark_regressions() WHERE " + where).stream()
                .map(r -> r.values().stream().map(String::valueOf).collect(Collectors.joining("|"))).toList();
    }

    private static List<String> expectedSeen(Predicate<Run> family) {
        return TrendOracle.regressions(RUNS, Rules.DEFAULTS).stream().filter(r -> family.test(r.latest().run()))
                .map(r -> String.join("|", r.latest().run().jobName(), r.metric().column, String.valueOf(r.latest().value()),
                        String.valueOf(r.latest().baselineMedian()), String.valueOf(r.regressedRuns()))).toList();
    }

    private static List<String> regressions(String where) throws SQLException {
        return regressions("benchmark_regressions()", where);
    }

    /** Rows of a regressions call in {@link TrendOracle.Regression#row()}'s form. */
    private static List<String> regressions(String call, String where) throws SQLException {
        return stack.query(DB, "SELECT aws_account_id, aws_region, model, job_type, configuration, metric, latest_job_name, "
                + "model_package_version, latest_value, baseline_runs, baseline_median, baseline_mad, baseline_min_version, "
                + "baseline_max_version, change, regressed_since, regressed_since_date, regressed_since_version, "
                + "regressed_runs FROM " + call + " WHERE " + where).stream()
                .map(r -> r.values().stream().map(v -> v instanceof Timestamp t ? t.toInstant().toString()
                        : Objects.toString(v)).collect(Collectors.joining("|"))).toList();
    }
}
