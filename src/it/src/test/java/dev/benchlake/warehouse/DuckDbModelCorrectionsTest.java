package dev.benchlake.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import org.junit.jupiter.api.Test;

/**
 * The corrections of the SQL models (issue 23) on DuckDB, warehouse/duckdb/regressions.sql, as ModelCorrectionsTest
 * checks them on PostgreSQL: run_at and run_date are the right instant and UTC day for TIMESTAMP WITH TIME ZONE and
 * TIMESTAMP (UTC wall time) columns in a session whose time zone is not UTC (a job created at 2026-02-01 20:00 UTC
 * is 2026-02-02 01:30 in Asia/Kolkata); failure rates count steps, not rows; a NaN cost is no regression. The
 * landing tables are PostgreSQL's DDL, which DuckDB reads as it is.
 */
class DuckDbModelCorrectionsTest {
    private static final String INSERT = "INSERT INTO benchmark_steps (step_id, job_name, aws_account_id, aws_region,"
            + " step_type, status, is_terminal, content_hash, observed_at, instance_type, inference_specification_name,"
            + " job_creation_time, model_latency_ms, cost_per_inference, identical_steps) VALUES ";

    private static Connection duckDb(boolean withoutZone) throws Exception {
        Connection c = DriverManager.getConnection("jdbc:duckdb:");
        String landing = Files.readString(WarehouseStack.projectDir().resolve("warehouse/postgres/01_landing_tables.sql"));
        try (Statement s = c.createStatement()) {
            s.execute(withoutZone ? landing.replace("timestamptz", "timestamp") : landing);
            s.execute(Files.readString(WarehouseStack.projectDir().resolve("warehouse/duckdb/regressions.sql")));
            s.execute("SET TimeZone = 'Asia/Kolkata'");
        }
        return c;
    }

    @Test
    void runDateIsTheUtcDayForTimestampAndTimestamptzColumnsInAnySessionZone() throws Exception {
        for (boolean withoutZone : new boolean[] {false, true}) {
            try (Connection c = duckDb(withoutZone); Statement s = c.createStatement()) {
                String created = withoutZone ? "'2026-02-01 20:00:00'" : "'2026-02-01 20:00:00+00'";
                s.execute(INSERT + "('s1', 'j1', '1', 'us-east-1', 'BENCHMARK', 'COMPLETED', true, 'h', now(), 'ml.c5.large',"
                        + " 'llm-int8', " + created + ", 40, NULL, 1)");
                try (ResultSet rs = s.executeQuery("SELECT CAST(run_date AS VARCHAR), run_at = TIMESTAMPTZ"
                        + " '2026-02-01 20:00:00+00', series_label FROM completed_benchmarks")) {
                    assertThat(rs.next()).isTrue();
                    String as = withoutZone ? "timestamp" : "timestamptz";
                    assertThat(rs.getString(1)).as(as).isEqualTo("2026-02-01");
                    assertThat(rs.getBoolean(2)).as(as).isTrue();
                    // PostgreSQL's and the trends application's text for the same inputs
                    assertThat(rs.getString(3)).isEqualTo("(no model) | ml.c5.large | spec llm-int8 | not compiled | 1/us-east-1");
                }
            }
        }
    }

    @Test
    void failureRatesCountStepsNotRows() throws Exception {
        try (Connection c = duckDb(false); Statement s = c.createStatement()) {
            // one completed step, one row standing for 3 identical failed steps, one older row without the field
            s.execute(INSERT + "('a', 'j1', '1', 'us-east-1', 'BENCHMARK', 'COMPLETED', true, 'h', now(), 'ml.c5.large', NULL,"
                    + " NULL, NULL, NULL, 1), ('b', 'j1', '1', 'us-east-1', 'BENCHMARK', 'FAILED', true, 'h', now(),"
                    + " 'ml.c5.large', NULL, NULL, NULL, NULL, 3), ('c', 'j2', '1', 'us-east-1', 'BENCHMARK', 'COMPLETED',"
                    + " true, 'h', now(), 'ml.c5.large', NULL, NULL, NULL, NULL, NULL)");
            try (ResultSet rs = s.executeQuery("SELECT terminal_steps, completed_steps, failed_steps, failure_rate"
                    + " FROM failure_rate_by_instance_type WHERE instance_type = 'ml.c5.large'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(5);
                assertThat(rs.getLong(2)).isEqualTo(2);
                assertThat(rs.getLong(3)).isEqualTo(3);
                assertThat(rs.getDouble(4)).isEqualTo(3.0 / 5);
            }
        }
    }

    @Test
    void aNanCostIsNoRegression() throws Exception {
        try (Connection c = duckDb(false); Statement s = c.createStatement()) {
            StringBuilder rows = new StringBuilder();
            for (int night = 1; night <= 6; night++) {
                String cost = night == 6 ? "'NaN'" : "0.000002";
                rows.append(night == 1 ? "" : ", ").append("('s").append(night).append("', 'j").append(night)
                        .append("', '1', 'us-east-1', 'BENCHMARK', 'COMPLETED', true, 'h', now(), 'ml.c5.large', NULL, ")
                        .append("'2026-02-0").append(night).append(" 02:00:00+00', 40, ").append(cost).append(", 1)");
            }
            s.execute(INSERT + rows);
            try (ResultSet rs = s.executeQuery("SELECT count(*) FILTER (WHERE regressed), count(*) FILTER"
                    + " (WHERE metric = 'cost_per_1m_inferences') FROM benchmark_regression_checks()")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isZero();
                assertThat(rs.getLong(2)).isEqualTo(5);
            }
        }
    }
}
