package dev.benchlake.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.benchlake.warehouse.TrendScenario.Run;

/**
 * capacity_plan's headroom and minimum of runs, and compare_versions' effect sizes, on the warehouse of
 * {@link TrendScenario} (landed by {@link ScenarioLanding}). Expected figures are computed here from the scenario's
 * inputs: medians of its MaxInvocations, the headroom's share of them, and Welch's interval on the logs of
 * fraud-detector's runs of versions 5 (nights 9-10) and 6 (nights 11-13), with Student's t from a printed table.
 */
class CapacityAndVersionsTest {
    /** Student's t, 97.5 % quantile, from a statistics table (degrees of freedom 1..8). */
    private static final double[] T975 = {Double.NaN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306};

    private static EmbeddedPostgres pg;
    private static Connection db;

    @BeforeAll
    static void warehouse() throws Exception {
        pg = EmbeddedPostgres.builder().start();
        db = pg.getPostgresDatabase().getConnection();
        try (Statement s = db.createStatement()) {
            s.execute(Files.readString(WarehouseStack.projectDir().resolve("warehouse/postgres/01_landing_tables.sql")));
            s.execute(Files.readString(WarehouseStack.projectDir().resolve("warehouse/postgres/02_models.sql")));
        }
        ScenarioLanding.land(db);
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

    private static List<Map<String, Object>> query(String sql) throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.put(md.getColumnLabel(i), rs.getObject(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static double median(List<Integer> values) {
        List<Integer> v = values.stream().sorted().toList();
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2.0;
    }

    /** bert-base's Default configurations in 111111111111/us-east-1: instances and hourly cost at 5 requests/s. */
    private static List<String> bertPlan(double headroom) {
        List<String> out = new ArrayList<>();
        for (TrendScenario.Variant v : TrendScenario.FAMILIES.get("bert")) {
            List<Run> runs = TrendScenario.runs(TrendScenario.SITES.get(0)).stream()
                    .filter(r -> r.completed() && r.family().equals("bert") && r.variant().cfg() == v.cfg()).toList();
            double invocations = median(runs.stream().map(Run::maxInvocations).toList());
            int instances = (int) Math.max(1, Math.ceil(5 * 60 / (invocations * headroom)));
            BigDecimal cost = runs.get(0).costPerHour().multiply(BigDecimal.valueOf(instances));
            out.add(v.config().label() + (v.config().compiled() ? " compiled" : "") + (v.config().inferenceSpecification() == null
                    ? "" : " " + v.config().inferenceSpecification()) + "|" + instances + "|" + cost.stripTrailingZeros().toPlainString());
        }
        return out;
    }

    private static List<String> bertRows(String call) throws Exception {
        return query("SELECT * FROM " + call + " WHERE model = 'bert-base' AND job_type = 'Default'"
                + " AND aws_account_id = '111111111111' AND aws_region = 'us-east-1'").stream()
                .map(r -> r.get("configuration") + (Boolean.TRUE.equals(r.get("compiled")) ? " compiled" : "")
                        + (r.get("inference_specification_name") == null ? "" : " " + r.get("inference_specification_name"))
                        + "|" + r.get("instance_count") + "|" + ((BigDecimal) r.get("hourly_cost")).stripTrailingZeros().toPlainString())
                .toList();
    }

    @Test
    void capacityIsPlannedAtHalfTheBenchmarkedMaximumByDefault() throws Exception {
        assertThat(bertRows("capacity_plan(150, 5)")).containsExactlyInAnyOrderElementsOf(bertPlan(0.5));
        assertThat(bertRows("capacity_plan(150, 5, headroom => 1)")).containsExactlyInAnyOrderElementsOf(bertPlan(1));
        assertThat(bertPlan(0.5)).isNotEqualTo(bertPlan(1));
        assertThat(query("SELECT DISTINCT planned_max_invocations / median_max_invocations AS share FROM capacity_plan(150, 5)"
                + " WHERE median_max_invocations > 0")).extracting(r -> r.get("share")).containsExactly(0.5);
    }

    @Test
    void aVersionWithFewerRunsThanTheMinimumSaysNotEnoughRunsInsteadOfQuotingOne() throws Exception {
        // fraud-detector's newest version, 7, ran once (night 14) in each site and configuration
        assertThat(query("SELECT * FROM capacity_plan(150, 5) WHERE model = 'fraud-detector'")).hasSize(6).allSatisfy(r -> {
            assertThat(r.get("model_package_version")).isEqualTo(7);
            assertThat(r.get("runs")).isEqualTo(1L);
            assertThat(r.get("instance_count")).isNull();
            assertThat(r.get("hourly_cost")).isNull();
            assertThat(r.get("meets_latency")).isNull();
            assertThat(r.get("note")).isEqualTo("not enough runs: 1 of the 3 needed to plan on");
        });
        assertThat(query("SELECT * FROM cheapest_configuration(150, 5) WHERE model = 'fraud-detector'")).hasSize(3)
                .allSatisfy(r -> {
                    assertThat(r.get("configuration")).isNull();
                    assertThat(r.get("note")).isEqualTo("not enough runs: no configuration has 3 runs of the newest version to plan on");
                });
        assertThat(query("SELECT * FROM cheapest_configuration(150, 5, min_runs => 1) WHERE model = 'fraud-detector'"))
                .hasSize(3).allSatisfy(r -> assertThat(r.get("configuration")).isNotNull());
    }

    @Test
    void versionBAgainstVersionAIsAnEffectSizeWithAConfidenceIntervalPerConfiguration() throws Exception {
        List<Map<String, Object>> rows = query("SELECT * FROM compare_versions('fraud-detector', 5, 6)");
        assertThat(rows).hasSize(3 * 2 * 3);
        List<Run> fraud = TrendScenario.allRuns().stream().filter(r -> r.completed() && r.family().equals("fraud")).toList();
        for (Map<String, Object> row : rows) {
            List<Run> series = fraud.stream().filter(r -> WarehouseDashboardTest.label(r).equals(row.get("series_label"))).toList();
            ToDoubleFunction<Run> metric = switch ((String) row.get("metric")) {
                case "model_latency_ms" -> Run::latencyMs;
                case "max_invocations" -> Run::maxInvocations;
                default -> r -> r.costPerInference().doubleValue() * 1e6;
            };
            double[] a = series.stream().filter(r -> r.version() == 5).mapToDouble(r -> Math.log(metric.applyAsDouble(r))).toArray();
            double[] b = series.stream().filter(r -> r.version() == 6).mapToDouble(r -> Math.log(metric.applyAsDouble(r))).toArray();
            assertThat(a).hasSize(2);
            assertThat(b).hasSize(3);
            double va = variance(a) / a.length;
            double vb = variance(b) / b.length;
            double df = va == 0 && vb == 0 ? a.length + b.length - 2
                    : (va + vb) * (va + vb) / (va * va / (a.length - 1) + vb * vb / (b.length - 1));
            double d = mean(b) - mean(a);
            double half = T975[(int) Math.floor(df + 1e-9)] * Math.sqrt(va + vb);
            String what = row.get("series_label") + " " + row.get("metric");
            assertThat(row.get("runs_a")).as(what).isEqualTo(2L);
            assertThat(row.get("runs_b")).as(what).isEqualTo(3L);
            assertThat((Double) row.get("degrees_of_freedom")).as(what).isCloseTo(df, within(1e-9));
            assertThat((Double) row.get("relative_change")).as(what).isCloseTo(Math.exp(d) - 1, within(1e-9));
            assertThat((Double) row.get("relative_change_low")).as(what).isCloseTo(Math.exp(d - half) - 1, within(1e-9));
            assertThat((Double) row.get("relative_change_high")).as(what).isCloseTo(Math.exp(d + half) - 1, within(1e-9));
            assertThat(row.get("note")).isNull();
        }
        // version 7 ran once: no figures, and it says why
        assertThat(query("SELECT * FROM compare_versions('fraud-detector', 6, 7)")).hasSize(18).allSatisfy(r -> {
            assertThat(r.get("relative_change")).isNull();
            assertThat(r.get("note")).isEqualTo("not enough runs: 3 of version 6 and 1 of version 7, at least 2 of each needed");
        });
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double variance(double[] v) {
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return s / (v.length - 1);
    }
}
