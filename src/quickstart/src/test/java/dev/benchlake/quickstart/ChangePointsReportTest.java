package dev.benchlake.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The confirmed change points in the quickstart's text and HTML report, from fixed benchmark_changes rows. */
class ChangePointsReportTest {
    private static final String SERIES = "5f0c";
    private static final String LABEL = "resnet50 | Default | ml.g4dn.xlarge x1 | not compiled | env {\"OMP_NUM_THREADS\":\"4\"}"
            + " | 123456789012/us-east-1";

    private static List<Map<String, Object>> trends() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int day = 1; day <= 6; day++) {
            Map<String, Object> r = new HashMap<>();
            r.put("series_id", SERIES);
            r.put("aws_account_id", "123456789012");
            r.put("aws_region", "us-east-1");
            r.put("model", "resnet50");
            r.put("configuration", "ml.g4dn.xlarge");
            r.put("job_type", "Default");
            r.put("compiled", false);
            r.put("environment", "{}");
            r.put("run_date", Date.valueOf("2026-03-0" + day));
            r.put("latency_ms", day >= 4 ? 52.0 : 40.0);
            r.put("cost_per_1m", 2.0);
            rows.add(r);
        }
        return rows;
    }

    private static Map<String, Object> change() {
        Map<String, Object> c = new HashMap<>();
        c.put("series_id", SERIES);
        c.put("series_label", LABEL);
        c.put("aws_account_id", "123456789012");
        c.put("aws_region", "us-east-1");
        c.put("metric", "model_latency_ms");
        c.put("direction", "regression");
        c.put("relative_change", 0.3);
        c.put("relative_change_low", 0.25);
        c.put("relative_change_high", 0.355);
        c.put("first_job_name", "nightly-resnet50-d04");
        c.put("first_run_at", Timestamp.from(Instant.parse("2026-03-04T02:00:00Z")));
        c.put("model_package_version", null);
        c.put("confirmed_by_job_name", "nightly-resnet50-d06");
        return c;
    }

    @Test
    void theTextListsEachConfirmedChangeWithItsSeriesSizeIntervalAndFirstRun() {
        String text = ChangePoints.text(List.of(change()));
        List<String> lines = text.lines().toList();
        assertThat(lines.get(1)).startsWith("Confirmed change points (benchmark_changes");
        assertThat(lines.get(2).trim().split("\\s{2,}")).containsExactly("series_label", "metric", "direction", "change",
                "first_job_name", "first_run_at", "model_package_version", "confirmed_by_job_name");
        String row = lines.get(4);
        assertThat(row).contains(LABEL, "model_latency_ms", "regression", "+30.0 % (95 % CI +25.0 % .. +35.5 %)",
                "nightly-resnet50-d04", "2026-03-04T02:00:00Z", "nightly-resnet50-d06");
        assertThat(lines).hasSize(5);
    }

    @Test
    void noChangeSaysSo() {
        assertThat(ChangePoints.text(List.of())).endsWith("  (no rows)\n");
        assertThat(ChangePoints.html(List.of())).contains("<em>No rows.</em>");
    }

    @Test
    void theLatencyChartMarksTheChangeAtItsFirstRunAndTheCostChartDoesNot() {
        TrendReport report = new TrendReport(List.of(), List.of(), List.of(), trends(), List.of(change()));
        String latency = report.chart("resnet50", "latency_ms", "model_latency_ms", "latency");
        assertThat(latency.split("class=\"change-mark\"", -1)).hasSize(2);
        assertThat(latency).contains("<g class=\"change-mark\" data-line=\"ml.g4dn.xlarge\" data-direction=\"regression\" "
                + "data-first-job=\"nightly-resnet50-d04\" data-date=\"2026-03-04\">");
        assertThat(latency).contains("regression ml.g4dn.xlarge: +30.0 % from nightly-resnet50-d04");
        // the mark's line stands where the chart puts 2026-03-04: three days of five from x = 56 over 494 px
        double x = 56 + 494 * 3 / 5.0;
        assertThat(latency).contains(String.format(java.util.Locale.ROOT, "<line x1=\"%.1f\" y1=\"30\" x2=\"%.1f\"", x, x));
        // and the first run after the change (52 ms) is boxed
        assertThat(latency).contains(String.format(java.util.Locale.ROOT, "<rect x=\"%.1f\"", x - 6));
        String cost = report.chart("resnet50", "cost_per_1m", "cost_per_1m_inferences", "cost");
        assertThat(cost).doesNotContain("change-mark");
    }

    @Test
    void theHtmlReportHasATableOfTheChanges() {
        TrendReport report = new TrendReport(List.of(), List.of(), List.of(), trends(), List.of(change()));
        String html = report.html(Instant.parse("2026-03-10T00:00:00Z"), "test");
        assertThat(html).contains("<h2>Change points</h2>", "<table class=\"changes\">",
                "<tr class=\"regression\"><td>" + TrendReport.esc(LABEL) + "</td><td>model_latency_ms</td><td>regression</td>"
                        + "<td>+30.0 % (95 % CI +25.0 % .. +35.5 %)</td><td>nightly-resnet50-d04</td>"
                        + "<td>2026-03-04T02:00:00Z</td><td>-</td><td>nightly-resnet50-d06</td></tr>");
        assertThat(html.split("class=\"change-mark\"", -1)).hasSize(2);
        assertThat(report.text()).contains("Confirmed change points", "nightly-resnet50-d04");
    }
}
