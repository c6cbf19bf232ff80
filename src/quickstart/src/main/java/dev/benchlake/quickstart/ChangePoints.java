package dev.benchlake.quickstart;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import dev.benchlake.quickstart.stack.ShippedConfig;

/**
 * The quickstart's change points: the trends application (src/trends, config/benchlake-trends.properties as shipped,
 * pointed at the quickstart's Kafka and registry, replication factor 1) and the changes sink
 * (config/benchlake-changes-sink-postgres.json) that lands its topic as {@code benchmark_changes}; the confirmed
 * changes as text and as an HTML table (docs/warehouse.md, "Change points").
 */
final class ChangePoints {
    /** The name config/benchlake-changes-sink-postgres.json gives. */
    static final String SINK = "benchlake-changes-sink-postgres";
    static final String CHANGES_SQL = "SELECT series_id, series_label, aws_account_id, aws_region, metric, direction, "
            + "relative_change, relative_change_low, relative_change_high, first_job_name, first_run_at, "
            + "model_package_version, confirmed_by_job_name FROM benchmark_changes "
            + "ORDER BY series_label, metric, first_run_at";
    static final List<String> COLUMNS = List.of("series_label", "metric", "direction", "change", "first_job_name",
            "first_run_at", "model_package_version", "confirmed_by_job_name");

    private ChangePoints() {
    }

    /** config/benchlake-trends.properties as shipped, pointed at the quickstart's Kafka, registry and state folder. */
    static Properties trendsProperties(Path projectDir, String bootstrapServers, String registryUrl, Path stateDir) {
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(projectDir.resolve("config/benchlake-trends.properties"))) {
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        props.setProperty("bootstrap.servers", bootstrapServers);
        props.setProperty("schema.registry.url", registryUrl);
        props.setProperty("state.dir", stateDir.toString());
        // one broker
        props.setProperty("replication.factor", "1");
        props.setProperty("trends.changes.replication.factor", "1");
        return props;
    }

    /** config/benchlake-changes-sink-postgres.json as shipped, pointed at the quickstart's PostgreSQL and registry. */
    static ShippedConfig sinkConfig(String registryUrl, int postgresPort) {
        return ShippedConfig.load("benchlake-changes-sink-postgres.json")
                .schemaRegistry(registryUrl)
                .postgres("127.0.0.1", postgresPort, QuickstartStack.DATABASE)
                .postgresCredentials(QuickstartStack.DB_USER, "quickstart")
                .replicationFactor(1);
    }

    /** The rows of benchmark_changes; none while the sink has written nothing (it creates the table then). */
    static List<Map<String, Object>> load(QuickstartStack stack) throws SQLException {
        try {
            return stack.query(CHANGES_SQL);
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return List.of(); // undefined_table
            }
            throw e;
        }
    }

    /** "+39.3 % (95 % CI +32.4 % .. +46.5 %)" */
    static String change(Map<String, Object> row) {
        return String.format(Locale.ROOT, "%+.1f %% (95 %% CI %+.1f %% .. %+.1f %%)",
                100 * number(row, "relative_change"), 100 * number(row, "relative_change_low"),
                100 * number(row, "relative_change_high"));
    }

    private static double number(Map<String, Object> row, String column) {
        return ((Number) row.get(column)).doubleValue();
    }

    /** The rows with their change as one readable column, in {@link #COLUMNS}. */
    static List<Map<String, Object>> readable(List<Map<String, Object>> rows) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            Map<String, Object> r = new LinkedHashMap<>(row);
            r.put("change", change(row));
            out.add(r);
        }
        return out;
    }

    static String text(List<Map<String, Object>> rows) {
        return "\nConfirmed change points (benchmark_changes, from the trends application): the first run after each "
                + "change, its size with a 95 % confidence interval, and the run that confirmed it\n"
                + TrendReport.table(readable(rows), COLUMNS);
    }

    static String html(List<Map<String, Object>> rows) {
        StringBuilder h = new StringBuilder("<h2>Change points</h2>\n<p><code>benchmark_changes</code>: the changes the ")
                .append("trends application confirmed in each series (a Kafka Streams application on the step topic: ")
                .append("runs ordered by model package version, then creation time; single-night outliers are never ")
                .append("confirmed). Each is marked on its chart at the first run after it.</p>\n");
        if (rows.isEmpty()) {
            return h.append("<p><em>No rows.</em></p>\n").toString();
        }
        h.append("<table class=\"changes\">\n<tr>");
        COLUMNS.forEach(c -> h.append("<th>").append(TrendReport.esc(c)).append("</th>"));
        h.append("</tr>\n");
        for (Map<String, Object> row : readable(rows)) {
            h.append("<tr class=\"").append(TrendReport.esc(String.valueOf(row.get("direction")))).append("\">");
            for (String c : COLUMNS) {
                h.append("<td>").append(TrendReport.esc(TrendReport.format(c, row.get(c)))).append("</td>");
            }
            h.append("</tr>\n");
        }
        return h.append("</table>\n").toString();
    }
}
