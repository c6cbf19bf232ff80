package dev.benchlake.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Date;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The report's tables and charts from rows shaped like the SQL models' answers, without a database. */
class TrendReportTest {

    private static Map<String, Object> trend(String site, String series, String configuration, String spec, int day,
            double latency) {
        Map<String, Object> r = new HashMap<>();
        r.put("series_id", series);
        r.put("aws_account_id", site.split("/")[0]);
        r.put("aws_region", site.split("/")[1]);
        r.put("model", "bert-base");
        r.put("configuration", configuration);
        r.put("job_type", "Default");
        r.put("inference_specification_name", spec);
        r.put("compiled", false);
        r.put("environment", "{}");
        r.put("run_date", Date.valueOf("2026-02-" + String.format("%02d", day)));
        r.put("latency_ms", latency);
        r.put("cost_per_1m", 1.0);
        return r;
    }

    private static List<Map<String, Object>> trends(String... sites) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String site : sites) {
            for (int day = 1; day <= 3; day++) {
                rows.add(trend(site, site + "/fp32", "ml.g4dn.xlarge", "bert-fp32", day, 45));
                rows.add(trend(site, site + "/fp16", "ml.g4dn.xlarge", "bert-fp16", day, day == 3 ? 40 : 30));
            }
        }
        return rows;
    }

    private static Map<String, Object> regression(String site, String series) {
        Map<String, Object> r = new HashMap<>();
        r.put("series_id", series);
        r.put("aws_account_id", site.split("/")[0]);
        r.put("aws_region", site.split("/")[1]);
        r.put("model", "bert-base");
        r.put("configuration", "ml.g4dn.xlarge");
        r.put("metric", "model_latency_ms");
        r.put("change", 0.333);
        r.put("regressed_since_date", Date.valueOf("2026-02-03"));
        return r;
    }

    @Test
    void aConfigurationThatIsSeveralSeriesIsSeveralLinesNamedByWhatTellsThemApart() {
        TrendReport report = new TrendReport(List.of(regression("111111111111/us-east-1", "111111111111/us-east-1/fp16")),
                List.of(), List.of(), trends("111111111111/us-east-1"));
        String chart = report.chart("bert-base", "latency_ms", "model_latency_ms", "latency");
        assertThat(chart).contains("data-instance-type=\"ml.g4dn.xlarge (Default, bert-fp32) #1\"",
                "data-instance-type=\"ml.g4dn.xlarge (Default, bert-fp16) #2\"");
        // the regression is marked on its own series' line only
        assertThat(chart).contains("<g class=\"regression-mark\" data-model=\"bert-base\" "
                + "data-instance-type=\"ml.g4dn.xlarge (Default, bert-fp16) #2\" data-since=\"2026-02-03\">");
        assertThat(chart.split("class=\"regression-mark\"", -1)).hasSize(2);
    }

    @Test
    void linesOfSeveralAccountsAndRegionsNameTheirSite() {
        TrendReport report = new TrendReport(List.of(), List.of(), List.of(),
                trends("111111111111/us-east-1", "111111111111/eu-west-1"));
        String chart = report.chart("bert-base", "latency_ms", "model_latency_ms", "latency");
        assertThat(chart).contains("ml.g4dn.xlarge 111111111111/us-east-1 (Default, bert-fp16)",
                "ml.g4dn.xlarge 111111111111/eu-west-1 (Default, bert-fp16)");
        assertThat(chart.split("<polyline class=\"series\"", -1)).hasSize(5);
    }

    @Test
    void tablesShowAbsentValuesAsADashAndHourlyCostsAsTheyAre() {
        Map<String, Object> cheapest = new HashMap<>();
        cheapest.put("aws_region", "us-east-1");
        cheapest.put("model", "bert-base");
        cheapest.put("configuration", "ml.c5.xlarge");
        cheapest.put("instance_count", 2);
        cheapest.put("hourly_cost", new BigDecimal("0.3400"));
        cheapest.put("median_latency_ms", 110.0);
        cheapest.put("candidates", 9L);
        String table = TrendReport.table(List.of(cheapest), TrendReport.CHEAPEST_COLUMNS);
        assertThat(table.lines().toList().get(2).trim().split("\\s+"))
                .containsExactly("us-east-1", "bert-base", "-", "ml.c5.xlarge", "2", "0.34", "110", "9", "-");
    }
}
