package dev.benchlake.quickstart;

import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the SQL models of warehouse/postgres/02_models.sql say about the landed benchmarks, as text tables for the
 * terminal and as a self-contained HTML page with inline SVG charts (no script, no network).
 */
final class TrendReport {
    /** The capacity question the report answers: a latency target and an expected traffic. */
    static final int MAX_LATENCY_MS = 100;
    static final int REQUESTS_PER_SECOND = 15;

    static final String REGRESSIONS_SQL = "SELECT series_id, aws_account_id, aws_region, model, configuration, metric, "
            + "model_package_version, latest_job_name, latest_value, baseline_median, change, regressed_since_date, "
            + "regressed_runs FROM benchmark_regressions(threshold => 0.2, noise_mads => 3, min_latency_change_ms => 2) "
            + "ORDER BY aws_account_id, aws_region, model, configuration, metric, series_id";
    static final String CHEAPEST_SQL = "SELECT aws_account_id, aws_region, model, model_package_version, configuration, "
            + "instance_count, hourly_cost, median_latency_ms, candidates, note FROM cheapest_configuration("
            + "max_latency_ms => " + MAX_LATENCY_MS + ", requests_per_second => " + REQUESTS_PER_SECOND + ") "
            + "ORDER BY aws_account_id, aws_region, model";
    static final String FAILURES_SQL = "SELECT instance_type, failed_steps, terminal_steps, failure_rate, last_failure_at "
            + "FROM failure_rate_by_instance_type ORDER BY failure_rate DESC, instance_type";
    // one chart line per series (its daily medians): a configuration benchmarked with other inputs (specification,
    // environment, load) is another line
    static final String TRENDS_SQL = "SELECT t.series_id, t.aws_account_id, t.aws_region, t.model, t.configuration, "
            + "t.run_date, s.job_type, s.inference_specification_name, s.compiled, s.environment, "
            + "t.median_latency_ms AS latency_ms, t.median_cost_per_1m_inferences AS cost_per_1m "
            + "FROM benchmark_trends_daily t JOIN benchmark_series s ON s.series_id = t.series_id "
            + "ORDER BY t.aws_account_id, t.aws_region, t.model, t.configuration, t.series_id, t.run_date";

    static final List<String> REGRESSION_COLUMNS = List.of("aws_region", "model", "configuration", "metric",
            "model_package_version", "latest_job_name", "latest_value", "baseline_median", "change",
            "regressed_since_date", "regressed_runs");
    static final List<String> CHEAPEST_COLUMNS = List.of("aws_region", "model", "model_package_version", "configuration",
            "instance_count", "hourly_cost", "median_latency_ms", "candidates", "note");
    static final List<String> FAILURE_COLUMNS = List.of("instance_type", "failed_steps", "terminal_steps", "failure_rate",
            "last_failure_at");

    private static final String[] PALETTE = {"#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf", "#bcbd22"};

    final List<Map<String, Object>> regressions;
    final List<Map<String, Object>> cheapest;
    final List<Map<String, Object>> failures;
    final List<Map<String, Object>> trends;
    /** The confirmed change points (benchmark_changes, {@link ChangePoints}). */
    final List<Map<String, Object>> changes;
    /** Whether the trends come from several accounts or regions: chart lines then name theirs. */
    private final boolean severalSites;

    TrendReport(List<Map<String, Object>> regressions, List<Map<String, Object>> cheapest,
                List<Map<String, Object>> failures, List<Map<String, Object>> trends) {
        this(regressions, cheapest, failures, trends, List.of());
    }

    TrendReport(List<Map<String, Object>> regressions, List<Map<String, Object>> cheapest,
                List<Map<String, Object>> failures, List<Map<String, Object>> trends,
                List<Map<String, Object>> changes) {
        this.changes = changes;
        this.regressions = regressions;
        this.cheapest = cheapest;
        this.failures = failures;
        this.trends = trends;
        this.severalSites = trends.stream().map(r -> r.get("aws_account_id") + "/" + r.get("aws_region")).distinct().count() > 1;
    }

    static TrendReport load(QuickstartStack stack) throws SQLException {
        return new TrendReport(stack.query(REGRESSIONS_SQL), stack.query(CHEAPEST_SQL), stack.query(FAILURES_SQL),
                stack.query(TRENDS_SQL), ChangePoints.load(stack));
    }

    // ---- text ----

    String text() {
        StringBuilder out = new StringBuilder();
        out.append("\nRegressions in force (benchmark_regressions(threshold => 0.2, noise_mads => 3, min_latency_change_ms => 2)): ")
                .append("latest run of each series vs. the median of its earlier runs, beyond the noise\n");
        out.append(table(regressions, REGRESSION_COLUMNS));
        out.append("\nCheapest configuration per model for ").append(cheapestQuestion())
                .append(" (cheapest_configuration), hourly cost in USD\n");
        out.append(table(cheapest, CHEAPEST_COLUMNS));
        out.append("\nFailure rate by instance type (failure_rate_by_instance_type)\n");
        out.append(table(failures, FAILURE_COLUMNS));
        out.append(ChangePoints.text(changes));
        return out.toString();
    }

    static String cheapestQuestion() {
        return MAX_LATENCY_MS + " ms at " + REQUESTS_PER_SECOND + " requests/s";
    }

    /** The regressions DuckDB finds in the Iceberg tables (--warehouse iceberg), in the same columns as above. */
    static String lakehouseText(java.nio.file.Path warehouse, List<Map<String, Object>> regressions) {
        return "Regressions in the lakehouse (Apache Iceberg tables in " + warehouse.toUri() + ", read by DuckDB with "
                + "warehouse/duckdb/regressions.sql: SELECT * FROM benchmark_regressions())\n"
                + table(regressions, REGRESSION_COLUMNS);
    }

    static String table(List<Map<String, Object>> rows, List<String> columns) {
        if (rows.isEmpty()) {
            return "  (no rows)\n";
        }
        int[] width = new int[columns.size()];
        List<String[]> cells = new ArrayList<>();
        for (int c = 0; c < columns.size(); c++) {
            width[c] = columns.get(c).length();
        }
        for (Map<String, Object> row : rows) {
            String[] line = new String[columns.size()];
            for (int c = 0; c < columns.size(); c++) {
                line[c] = format(columns.get(c), row.get(columns.get(c)));
                width[c] = Math.max(width[c], line[c].length());
            }
            cells.add(line);
        }
        StringBuilder out = new StringBuilder();
        appendLine(out, columns.toArray(String[]::new), width);
        String[] rule = new String[columns.size()];
        for (int c = 0; c < rule.length; c++) {
            rule[c] = "-".repeat(width[c]);
        }
        appendLine(out, rule, width);
        cells.forEach(line -> appendLine(out, line, width));
        return out.toString();
    }

    private static void appendLine(StringBuilder out, String[] cells, int[] width) {
        out.append(' ');
        for (int c = 0; c < cells.length; c++) {
            out.append(' ').append(cells[c]).append(" ".repeat(width[c] - cells[c].length())).append(' ');
        }
        out.setLength(out.length() - 1);
        out.append('\n');
    }

    static String format(String column, Object value) {
        if (value == null) {
            return "-";
        }
        if (column.equals("change") && value instanceof Number n) {
            return String.format(Locale.ROOT, "%+.1f %%", n.doubleValue() * 100);
        }
        if (column.equals("failure_rate") && value instanceof Number n) {
            return String.format(Locale.ROOT, "%.3f", n.doubleValue());
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            return d == Math.rint(d) && Math.abs(d) < 1e12 ? Long.toString((long) d)
                    : String.format(Locale.ROOT, "%.3f", d);
        }
        if (value instanceof java.math.BigDecimal d) {
            return d.stripTrailingZeros().toPlainString();
        }
        if (value instanceof java.sql.Timestamp t) {
            return t.toInstant().truncatedTo(ChronoUnit.SECONDS).toString();
        }
        return value.toString();
    }

    // ---- HTML ----

    String html(Instant generatedAt, String source) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>Benchlake quickstart report</title>\n<style>\n")
                .append("body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:2em;color:#222}\n")
                .append("table{border-collapse:collapse;margin:0.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px;")
                .append("text-align:left;font-size:14px}th{background:#f3f3f3}td.num{text-align:right}\n")
                .append("h2{margin-top:1.5em}.charts{display:flex;flex-wrap:wrap;gap:1em}svg{background:#fff;border:1px solid #ddd}\n")
                .append("tr.regressed td{background:#fdecea}\n</style>\n</head>\n<body>\n")
                .append("<h1>Benchlake: SageMaker Inference Recommender benchmarks</h1>\n<p>Generated ")
                .append(esc(generatedAt.truncatedTo(ChronoUnit.SECONDS).toString())).append(" from ").append(esc(source))
                .append(", through Kafka, the Debezium JDBC sink and PostgreSQL, with the SQL models of ")
                .append("<code>warehouse/postgres/02_models.sql</code>.</p>\n");
        h.append("<h2>Regressions in force</h2>\n<p><code>benchmark_regressions(threshold =&gt; 0.2, noise_mads =&gt; 3, ")
                .append("min_latency_change_ms =&gt; 2)</code>: the latest run of each series (every benchmark input ")
                .append("alike) against the median of its earlier runs, reported beyond 20 %, beyond three median ")
                .append("absolute deviations and, for latency, by at least 2 ms.</p>\n")
                .append(htmlTable(regressions, REGRESSION_COLUMNS, true));
        h.append(ChangePoints.html(changes));
        for (String model : models()) {
            h.append("<h2>").append(esc(model)).append("</h2>\n<div class=\"charts\">\n");
            h.append(chart(model, "latency_ms", "model_latency_ms", "Median model latency (ms) per night"));
            h.append(chart(model, "cost_per_1m", "cost_per_1m_inferences", "Cost per 1M inferences (USD) per night"));
            h.append("</div>\n");
        }
        h.append("<h2>Cheapest configuration per model</h2>\n<p><code>cheapest_configuration(max_latency_ms =&gt; ")
                .append(MAX_LATENCY_MS).append(", requests_per_second =&gt; ").append(REQUESTS_PER_SECOND)
                .append(")</code>: per account, region and model, the configuration that holds ").append(esc(cheapestQuestion()))
                .append(" for the least money an hour: instances = ceil(traffic / MaxInvocations) at CostPerHour each ")
                .append("(serverless: CostPerInference per request).</p>\n")
                .append(htmlTable(cheapest, CHEAPEST_COLUMNS, false));
        h.append("<h2>Failure rate by instance type</h2>\n")
                .append(htmlTable(failures, FAILURE_COLUMNS, false));
        h.append("</body>\n</html>\n");
        return h.toString();
    }

    private Set<String> models() {
        Set<String> models = new LinkedHashSet<>();
        trends.forEach(r -> models.add((String) r.get("model")));
        return models;
    }

    /**
     * The chart line of a trend row: its configuration, with the account and region when the report covers several.
     */
    private String line(Map<String, Object> row) {
        String line = (String) row.get("configuration");
        return severalSites ? line + " " + row.get("aws_account_id") + "/" + row.get("aws_region") : line;
    }

    private static String htmlTable(List<Map<String, Object>> rows, List<String> columns, boolean regressed) {
        if (rows.isEmpty()) {
            return "<p><em>No rows.</em></p>\n";
        }
        StringBuilder t = new StringBuilder("<table>\n<tr>");
        columns.forEach(c -> t.append("<th>").append(esc(c)).append("</th>"));
        t.append("</tr>\n");
        for (Map<String, Object> row : rows) {
            t.append(regressed ? "<tr class=\"regressed\">" : "<tr>");
            for (String c : columns) {
                Object v = row.get(c);
                t.append(v instanceof Number ? "<td class=\"num\">" : "<td>").append(esc(format(c, v))).append("</td>");
            }
            t.append("</tr>\n");
        }
        return t.append("</table>\n").toString();
    }

    /** One line chart: a line per instance type over run dates; the regressions of this model and metric marked. */
    String chart(String model, String valueColumn, String metric, String title) {
        Map<String, TreeMap<LocalDate, Double>> series = new LinkedHashMap<>();
        LocalDate first = null;
        LocalDate last = null;
        double max = 0;
        Map<String, String> lineOfSeries = seriesLines(model);
        for (Map<String, Object> r : trends) {
            if (!model.equals(r.get("model")) || r.get(valueColumn) == null) {
                continue;
            }
            LocalDate day = ((java.sql.Date) r.get("run_date")).toLocalDate();
            double v = ((Number) r.get(valueColumn)).doubleValue();
            series.computeIfAbsent(lineOfSeries.get((String) r.get("series_id")), k -> new TreeMap<>()).put(day, v);
            first = first == null || day.isBefore(first) ? day : first;
            last = last == null || day.isAfter(last) ? day : last;
            max = Math.max(max, v);
        }
        int w = 560;
        int hgt = 300;
        int left = 56;
        int right = 150;
        int top = 30;
        int bottom = 40;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"%d\" "
                        + "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s: %s\" data-model=\"%s\" data-metric=\"%s\">\n",
                w + right, hgt, w + right, hgt, esc(model), esc(title), esc(model), esc(metric)));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"14\" font-weight=\"bold\">%s</text>\n",
                left, esc(title)));
        if (series.isEmpty()) {
            s.append("<text x=\"60\" y=\"120\" font-size=\"13\">no completed benchmarks</text>\n</svg>\n");
            return s.toString();
        }
        double yMax = niceCeil(max * 1.15);
        long days = Math.max(1, ChronoUnit.DAYS.between(first, last));
        LocalDate x0 = first;
        int plotW = w - left - 10;
        int plotH = hgt - top - bottom;
        java.util.function.ToDoubleFunction<LocalDate> xOf = d -> left + plotW * (double) ChronoUnit.DAYS.between(x0, d) / days;
        java.util.function.DoubleUnaryOperator yOf = v -> top + plotH * (1 - v / yMax);
        // axes and grid
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>\n",
                left, top + plotH, left + plotW, top + plotH));
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>\n",
                left, top, left, top + plotH));
        for (int i = 0; i <= 4; i++) {
            double v = yMax * i / 4;
            double y = yOf.applyAsDouble(v);
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>"
                            + "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s</text>\n",
                    left + 1, y, left + plotW, y, left - 4, y + 4, axisLabel(v)));
        }
        for (int i = 0; i <= 4; i++) {
            LocalDate d = first.plusDays(Math.round(days * i / 4.0));
            double x = xOf.applyAsDouble(d);
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>\n",
                    x, top + plotH + 16, d));
        }
        // regression marks first (under the lines)
        int colour = 0;
        Map<String, String> colours = new LinkedHashMap<>();
        for (String type : series.keySet()) {
            colours.put(type, PALETTE[colour++ % PALETTE.length]);
        }
        for (Map<String, Object> r : regressions) {
            String type = lineOfSeries.get((String) r.get("series_id"));
            if (!model.equals(r.get("model")) || !metric.equals(r.get("metric"))
                    || !series.containsKey(type) || r.get("regressed_since_date") == null) {
                continue;
            }
            LocalDate since = ((java.sql.Date) r.get("regressed_since_date")).toLocalDate();
            double x = xOf.applyAsDouble(since);
            s.append(String.format(Locale.ROOT, "<g class=\"regression-mark\" data-model=\"%s\" data-instance-type=\"%s\" "
                            + "data-since=\"%s\">\n<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#d62728\" "
                            + "stroke-width=\"1.5\" stroke-dasharray=\"5,4\"/>\n<text x=\"%.1f\" y=\"%d\" font-size=\"11\" "
                            + "fill=\"#d62728\" text-anchor=\"end\">regression: %s %s since %s</text>\n",
                    esc(model), esc(type), since, x, top, x, top + plotH, x - 4, top + 12, esc(type),
                    esc(format("change", r.get("change"))), since));
            for (Map.Entry<LocalDate, Double> p : series.get(type).tailMap(since, true).entrySet()) {
                s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"6\" fill=\"none\" "
                        + "stroke=\"#d62728\" stroke-width=\"1.5\"/>\n", xOf.applyAsDouble(p.getKey()),
                        yOf.applyAsDouble(p.getValue())));
            }
            s.append("</g>\n");
        }
        for (Map<String, Object> c : changes) {
            String type = lineOfSeries.get((String) c.get("series_id"));
            if (!metric.equals(c.get("metric")) || !series.containsKey(type) || c.get("first_run_at") == null) {
                continue;
            }
            s.append(changeMark(c, type, series.get(type), xOf, yOf, top, plotH));
        }
        int legendY = top + 6;
        for (Map.Entry<String, TreeMap<LocalDate, Double>> e : series.entrySet()) {
            String c = colours.get(e.getKey());
            StringBuilder points = new StringBuilder();
            for (Map.Entry<LocalDate, Double> p : e.getValue().entrySet()) {
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", xOf.applyAsDouble(p.getKey()),
                        yOf.applyAsDouble(p.getValue())));
            }
            s.append(String.format(Locale.ROOT, "<polyline class=\"series\" data-instance-type=\"%s\" fill=\"none\" "
                    + "stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>\n", esc(e.getKey()), c, points.toString().trim()));
            for (Map.Entry<LocalDate, Double> p : e.getValue().entrySet()) {
                s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"><title>%s %s: %s"
                                + "</title></circle>\n", xOf.applyAsDouble(p.getKey()), yOf.applyAsDouble(p.getValue()), c,
                        esc(e.getKey()), p.getKey(), axisLabel(p.getValue())));
            }
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"4\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\" font-size=\"12\">%s</text>\n", w + 4, legendY, c, w + 20, legendY + 5,
                    esc(e.getKey())));
            legendY += 18;
        }
        return s.append("</svg>\n").toString();
    }

    /** A confirmed change on a chart: a line at the first run after it, that run ringed, and its size. */
    private static String changeMark(Map<String, Object> c, String type, TreeMap<LocalDate, Double> points,
                                     java.util.function.ToDoubleFunction<LocalDate> xOf,
                                     java.util.function.DoubleUnaryOperator yOf, int top, int plotH) {
        LocalDate day = ((java.sql.Timestamp) c.get("first_run_at")).toInstant().atZone(java.time.ZoneOffset.UTC)
                .toLocalDate();
        double x = xOf.applyAsDouble(day);
        String colour = "improvement".equals(c.get("direction")) ? "#2ca02c" : "#d62728";
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "<g class=\"change-mark\" data-line=\"%s\" "
                        + "data-direction=\"%s\" data-first-job=\"%s\" data-date=\"%s\">\n<line x1=\"%.1f\" y1=\"%d\" "
                        + "x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>\n<text x=\"%.1f\" y=\"%d\" "
                        + "font-size=\"11\" fill=\"%s\" text-anchor=\"end\">%s %s: %s from %s</text>\n",
                esc(type), esc(String.valueOf(c.get("direction"))), esc(String.valueOf(c.get("first_job_name"))), day,
                x, top, x, top + plotH, colour, x - 4, top + 26, colour, esc(String.valueOf(c.get("direction"))),
                esc(type), esc(String.format(Locale.ROOT, "%+.1f %%", 100 * ((Number) c.get("relative_change"))
                        .doubleValue())), esc(String.valueOf(c.get("first_job_name")))));
        Double v = points.get(day);
        if (v != null) {
            s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"none\" "
                    + "stroke=\"%s\" stroke-width=\"2\"/>\n", x - 6, yOf.applyAsDouble(v) - 6, colour));
        }
        return s.append("</g>\n").toString();
    }

    /**
     * Each series of a model and its line name: the configuration, and where one configuration is several series
     * (another inference specification, compiled, environment, job type or load), what tells them apart.
     */
    private Map<String, String> seriesLines(String model) {
        Map<String, Map<String, Map<String, Object>>> byLine = new LinkedHashMap<>();
        for (Map<String, Object> r : trends) {
            if (model.equals(r.get("model"))) {
                byLine.computeIfAbsent(line(r), k -> new LinkedHashMap<>()).putIfAbsent((String) r.get("series_id"), r);
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        byLine.forEach((line, series) -> {
            int n = 0;
            for (Map.Entry<String, Map<String, Object>> e : series.entrySet()) {
                Map<String, Object> r = e.getValue();
                List<String> parts = new ArrayList<>();
                parts.add((String) r.get("job_type"));
                parts.add((String) r.get("inference_specification_name"));
                parts.add(Boolean.TRUE.equals(r.get("compiled")) ? "compiled" : null);
                parts.add("{}".equals(r.get("environment")) ? null : (String) r.get("environment"));
                parts.removeIf(java.util.Objects::isNull);
                // the load is not spelled out: a number keeps series that differ only in it apart
                out.put(e.getKey(), series.size() == 1 ? line : line + " (" + String.join(", ", parts) + ") #" + ++n);
            }
        });
        return out;
    }

    private static double niceCeil(double v) {
        if (v <= 0) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * magnitude >= v) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String axisLabel(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
