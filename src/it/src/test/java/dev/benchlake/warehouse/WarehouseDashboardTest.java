package dev.benchlake.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.benchlake.warehouse.TrendScenario.Run;

/**
 * The standing dashboard (config/grafana/benchlake-warehouse.json) and its alert rule
 * (config/grafana/provisioning/alerting/benchlake-regressions.yml): every panel's, annotation's, variable's and the
 * rule's SQL, with Grafana's macros expanded as Grafana expands them, run against the warehouse of
 * {@link TrendScenario} (landed by {@link ScenarioLanding}) with two change points in benchmark_changes: the churn
 * serverless MaxConcurrency-10 variant 40 % slower from night 12 in 111111111111/us-east-1 (confirmed by night 14)
 * and bert-fp16 30 % slower from night 13 in 222222222222 (two runs after it: only suspected). The session's time
 * zone is Asia/Kolkata and benchmark_changes has the sink's timestamp (without time zone) columns, so times must go
 * through benchmark_utc to come out right. Expected rows come from the scenario's inputs.
 */
class WarehouseDashboardTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FROM = "2026-02-01T00:00:00Z";
    private static final String TO = "2026-02-16T00:00:00Z";
    private static final String CHURN = "xgboost-churn | Default | serverless-2048MB-max10 | not compiled"
            + " | 111111111111/us-east-1";
    private static final String FP16 = "bert-base | Default | ml.g4dn.xlarge x1 | spec bert-fp16 | not compiled"
            + " | 222222222222/us-east-1";

    private static EmbeddedPostgres pg;
    private static Connection db;
    private static JsonNode dashboard;
    private static JsonNode rules;

    @BeforeAll
    static void warehouse() throws Exception {
        dashboard = JSON.readTree(WarehouseStack.projectDir().resolve("config/grafana/benchlake-warehouse.json").toFile());
        rules = new ObjectMapper(new YAMLFactory()).readTree(WarehouseStack.projectDir()
                .resolve("config/grafana/provisioning/alerting/benchlake-regressions.yml").toFile());
        pg = EmbeddedPostgres.builder().setServerConfig("timezone", "Asia/Kolkata").start();
        db = pg.getPostgresDatabase().getConnection();
        try (Statement s = db.createStatement()) {
            s.execute(Files.readString(WarehouseStack.projectDir().resolve("warehouse/postgres/01_landing_tables.sql")));
            s.execute(Files.readString(WarehouseStack.projectDir().resolve("warehouse/postgres/02_models.sql")));
            // as the JDBC sink creates it from schemas/BenchmarkChange.avsc (timestamp-millis: timestamp, no zone)
            s.execute("CREATE TABLE benchmark_changes (series_id text NOT NULL, metric text NOT NULL,"
                    + " first_step_id text NOT NULL, series_label text NOT NULL, aws_account_id text, aws_region text NOT NULL,"
                    + " direction text NOT NULL, first_job_name text NOT NULL, first_run_at timestamp NOT NULL,"
                    + " model_package_version integer, before_value double precision NOT NULL,"
                    + " after_value double precision NOT NULL, relative_change double precision NOT NULL,"
                    + " relative_change_low double precision NOT NULL, relative_change_high double precision NOT NULL,"
                    + " significance double precision NOT NULL, runs_after integer NOT NULL, confirmed_by_job_name text,"
                    + " PRIMARY KEY (series_id, metric, first_step_id))");
        }
        ScenarioLanding.land(db);
        change(CHURN, "churn", 1, 0, 12, "churn-d14");
        change(FP16, "bert", 1, 2, 13, null);
    }

    @AfterAll
    static void stop() throws Exception {
        if (db != null) {
            db.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    /** The readable label of a run's series, written out from the scenario's inputs. */
    static String label(Run r) {
        TrendScenario.Config c = r.config();
        List<String> parts = new ArrayList<>();
        parts.add(r.model());
        if (r.jobType() != null) {
            parts.add(r.jobType());
        }
        parts.add(c.label() + (c.serverless() ? "" : " x" + c.instanceCount()));
        if (c.inferenceSpecification() != null) {
            parts.add("spec " + c.inferenceSpecification());
        }
        parts.add(c.compiled() ? "compiled" : "not compiled");
        if (!c.environment().isEmpty()) {
            parts.add("env " + c.environmentJson());
        }
        if (r.load() != TrendScenario.Load.NONE) {
            parts.add("load " + ScenarioLanding.trafficPattern(r.load())); // the job timeout is no input of a series
        }
        parts.add(r.site().label());
        return String.join(" | ", parts);
    }

    private static List<Run> runsOf(String family, int cfg, int site) {
        return TrendScenario.allRuns().stream().filter(r -> r.completed() && r.family().equals(family)
                && r.variant().cfg() == cfg && r.site().index() == site).toList();
    }

    private static double median(List<Integer> values) {
        List<Integer> v = values.stream().sorted().toList();
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2.0;
    }

    /** A latency change of a series at a night: before and after the medians of the runs either side. */
    private static void change(String label, String family, int cfg, int site, int night, String confirmedBy)
            throws Exception {
        List<Run> runs = runsOf(family, cfg, site);
        double before = median(runs.stream().filter(r -> r.night() < night).map(Run::latencyMs).toList());
        double after = median(runs.stream().filter(r -> r.night() >= night).map(Run::latencyMs).toList());
        Run first = runs.stream().filter(r -> r.night() == night).findFirst().orElseThrow();
        try (PreparedStatement ps = db.prepareStatement("INSERT INTO benchmark_changes SELECT series_id, "
                + "'model_latency_ms', ?, series_label, aws_account_id, aws_region, 'regression', ?,"
                + " ?::timestamptz AT TIME ZONE 'UTC', NULL, ?, ?, ?, ?, ?, 0.001, ?, ? FROM benchmark_series"
                + " WHERE series_label = ?")) {
            double rel = after / before - 1;
            ps.setString(1, first.endpointName());
            ps.setString(2, first.jobName());
            ps.setString(3, first.jobCreated().toString());
            ps.setDouble(4, before);
            ps.setDouble(5, after);
            ps.setDouble(6, rel);
            ps.setDouble(7, rel - 0.05);
            ps.setDouble(8, rel + 0.05);
            ps.setInt(9, TrendScenario.NIGHTS - night + 1);
            ps.setString(10, confirmedBy);
            ps.setString(11, label);
            assertThat(ps.executeUpdate()).as(label).isEqualTo(1);
        }
    }

    /** Grafana's expansion of the macros and the series variable (all series, or the ones given). */
    private static String expand(String sql, String from, String to, List<String> seriesIds) {
        String ids = seriesIds.stream().map(id -> "'" + id + "'").collect(Collectors.joining(","));
        String out = sql.replaceAll("\\$__timeFilter\\(((?:[^()]|\\([^()]*\\))+)\\)", "$1 BETWEEN '" + from + "' AND '" + to + "'")
                .replace("$__timeFrom()", "'" + from + "'").replace("$__timeTo()", "'" + to + "'")
                .replace("$series", ids);
        assertThat(out).as("every macro expanded").doesNotContain("$");
        return out;
    }

    private static List<Map<String, Object>> query(String sql) throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    Object v = rs.getObject(i);
                    row.put(md.getColumnLabel(i), v instanceof java.sql.Timestamp t ? t.toInstant() : v);
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static List<String> allSeries() throws Exception {
        return query(dashboard.at("/templating/list/0/query").asText()).stream().map(r -> (String) r.get("__value")).toList();
    }

    private static String panelSql(String title) {
        for (JsonNode p : dashboard.get("panels")) {
            if (p.get("title").asText().equals(title)) {
                return p.at("/targets/0/rawSql").asText();
            }
        }
        throw new AssertionError("no panel " + title);
    }

    @Test
    void everyQueryOfTheDashboardAndTheRuleIsOneThisTestRuns() {
        List<String> titles = new ArrayList<>();
        dashboard.get("panels").forEach(p -> {
            assertThat(p.get("targets")).hasSize(1);
            assertThat(p.at("/datasource/type").asText()).isEqualTo("grafana-postgresql-datasource");
            titles.add(p.get("title").asText());
        });
        assertThat(titles).containsExactly("Model latency (ms)", "Throughput (max invocations per minute)",
                "Cost per 1M inferences (USD)", "Open regressions");
        assertThat(dashboard.at("/annotations/list")).hasSize(2);
        assertThat(dashboard.at("/templating/list")).hasSize(1);
        List<JsonNode> sqlQueries = new ArrayList<>();
        rules.at("/groups/0/rules/0/data").forEach(d -> {
            if (!d.get("datasourceUid").asText().equals("__expr__")) {
                sqlQueries.add(d);
            }
        });
        assertThat(sqlQueries).hasSize(1);
        assertThat(rules.at("/groups/0/rules/0/condition").asText()).isEqualTo("C");
    }

    @Test
    void theSeriesVariableNamesEverySeriesByALabelOfItsOwn() throws Exception {
        List<Map<String, Object>> rows = query(dashboard.at("/templating/list/0/query").asText());
        List<String> expected = TrendScenario.allRuns().stream().filter(Run::completed).map(WarehouseDashboardTest::label)
                .distinct().sorted().toList();
        assertThat(rows.stream().map(r -> (String) r.get("__text")).sorted().toList()).isEqualTo(expected);
        assertThat(rows.stream().map(r -> r.get("__value")).distinct().count()).isEqualTo(expected.size());
    }

    @Test
    void theLatencyThroughputAndCostPanelsDrawEverySeriesPerJob() throws Exception {
        Map<String, List<Run>> byPoint = new TreeMap<>();
        TrendScenario.allRuns().stream().filter(Run::completed)
                .forEach(r -> byPoint.computeIfAbsent(label(r) + " @ " + r.jobCreated(), k -> new ArrayList<>()).add(r));
        List<String> latency = new ArrayList<>();
        List<String> throughput = new ArrayList<>();
        Map<String, Double> cost = new TreeMap<>();
        byPoint.forEach((point, runs) -> {
            latency.add(point + " = " + median(runs.stream().map(Run::latencyMs).toList()));
            throughput.add(point + " = " + runs.stream().mapToInt(Run::maxInvocations).max().orElseThrow());
            List<Double> c = runs.stream().map(r -> r.costPerInference().doubleValue() * 1e6).sorted().toList();
            cost.put(point, c.size() == 1 ? c.get(0) : (c.get(0) + c.get(1)) / 2);
        });
        List<String> series = allSeries();
        assertThat(points("Model latency (ms)", FROM, TO, series)).containsExactlyInAnyOrderElementsOf(latency);
        assertThat(points("Throughput (max invocations per minute)", FROM, TO, series))
                .containsExactlyInAnyOrderElementsOf(throughput.stream().map(s -> s + ".0").toList());
        List<Map<String, Object>> costRows = query(expand(panelSql("Cost per 1M inferences (USD)"), FROM, TO, series));
        assertThat(costRows).hasSize(cost.size()).allSatisfy(r -> assertThat(((Number) r.get("value")).doubleValue())
                .isCloseTo(cost.get(r.get("metric") + " @ " + r.get("time")), within(1e-9)));

        // the time range and the series variable narrow it: nights 1-10 of the churn variant
        String churn = (String) query("SELECT series_id FROM benchmark_series WHERE series_label = '" + CHURN + "'")
                .get(0).get("series_id");
        assertThat(points("Model latency (ms)", FROM, "2026-02-11T00:00:00Z", List.of(churn)))
                .containsExactlyElementsOf(latency.stream().filter(p -> p.startsWith(CHURN + " @ "))
                        .filter(p -> p.compareTo(CHURN + " @ 2026-02-11") < 0).toList()).hasSize(10);
    }

    private static List<String> points(String title, String from, String to, List<String> series) throws Exception {
        return query(expand(panelSql(title), from, to, series)).stream()
                .map(r -> r.get("metric") + " @ " + r.get("time") + " = " + ((Number) r.get("value")).doubleValue()).toList();
    }

    @Test
    void changePointsAreAnnotationsAtTheirFirstRunSaidConfirmedOrSuspected() throws Exception {
        String sql = dashboard.at("/annotations/list/1/target/rawSql").asText();
        List<Map<String, Object>> rows = query(expand(sql, FROM, TO, allSeries()));
        List<Run> churn = runsOf("churn", 1, 0);
        double churnChange = median(churn.stream().filter(r -> r.night() >= 12).map(Run::latencyMs).toList())
                / median(churn.stream().filter(r -> r.night() < 12).map(Run::latencyMs).toList()) - 1;
        List<Run> fp16 = runsOf("bert", 1, 2);
        double fp16Change = median(fp16.stream().filter(r -> r.night() >= 13).map(Run::latencyMs).toList())
                / median(fp16.stream().filter(r -> r.night() < 13).map(Run::latencyMs).toList()) - 1;
        assertThat(rows).extracting(r -> r.get("time") + " " + r.get("text") + " [" + r.get("tags") + "]").containsExactly(
                "2026-02-12T02:00:00Z " + CHURN + ": model_latency_ms regression " + pct(churnChange) + " % ["
                        + pct(churnChange - 0.05) + ", " + pct(churnChange + 0.05)
                        + "] from churn-d12, confirmed by churn-d14 [model_latency_ms,regression]",
                "2026-02-13T02:00:00Z " + FP16 + ": model_latency_ms regression " + pct(fp16Change) + " % ["
                        + pct(fp16Change - 0.05) + ", " + pct(fp16Change + 0.05)
                        + "] from bert-d13, suspected [model_latency_ms,regression]");
        assertThat(query(expand(sql, FROM, "2026-02-12T01:59:59Z", allSeries()))).isEmpty();
    }

    private static String pct(double x) {
        return String.format(java.util.Locale.ROOT, "%+.1f", 100 * x);
    }

    @Test
    void theOpenRegressionsAndTheAlertAreTheConfirmedRegressionsOnly() throws Exception {
        List<Run> churn = runsOf("churn", 1, 0);
        double change = median(churn.stream().filter(r -> r.night() >= 12).map(Run::latencyMs).toList())
                / median(churn.stream().filter(r -> r.night() < 12).map(Run::latencyMs).toList()) - 1;
        List<Map<String, Object>> open = query(expand(panelSql("Open regressions"), FROM, TO, allSeries()));
        assertThat(open).singleElement().satisfies(r -> {
            assertThat(r.get("series")).isEqualTo(CHURN);
            assertThat(r.get("metric")).isEqualTo("model_latency_ms");
            assertThat(r.get("first job")).isEqualTo("churn-d12");
            assertThat(r.get("since")).isEqualTo(Instant.parse("2026-02-12T02:00:00Z"));
            assertThat((Double) r.get("change")).isCloseTo(change, within(1e-12));
            assertThat(r.get("confirmed by")).isEqualTo("churn-d14");
        });
        String ruleSql = rules.at("/groups/0/rules/0/data/0/model/rawSql").asText();
        assertThat(query(expand(ruleSql, FROM, TO, List.of()))).singleElement().satisfies(r -> {
            assertThat(r.get("series_label")).isEqualTo(CHURN);
            assertThat(r.get("confirmed_by_job_name")).isEqualTo("churn-d14");
            assertThat((Double) r.get("value")).isCloseTo(change, within(1e-12)).isGreaterThan(0);
        });

        // a later confirmed improvement of the same series and metric closes it, for the panel and the rule
        try (Statement s = db.createStatement()) {
            s.execute("INSERT INTO benchmark_changes SELECT series_id, metric, 'later', series_label, aws_account_id,"
                    + " aws_region, 'improvement', 'churn-d15', first_run_at + interval '3 days', NULL, after_value,"
                    + " before_value, before_value / after_value - 1, -0.3, -0.2, 0.001, 3, 'churn-d17'"
                    + " FROM benchmark_changes WHERE series_label = '" + CHURN + "'");
            assertThat(query(expand(panelSql("Open regressions"), FROM, TO, allSeries()))).isEmpty();
            assertThat(query(expand(ruleSql, FROM, TO, List.of()))).isEmpty();
            s.execute("DELETE FROM benchmark_changes WHERE first_step_id = 'later'");
        }
    }
}
