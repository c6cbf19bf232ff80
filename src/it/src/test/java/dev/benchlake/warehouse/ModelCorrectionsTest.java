package dev.benchlake.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

/**
 * Corrections of the SQL models (issue 23), on embedded PostgreSQL. run_at and run_date are the right instant and
 * UTC day whether the landing tables hold timestamptz (01_landing_tables
 * .sql) or timestamp columns with the UTC wall time (a sink's auto-created tables, use.time.zone=UTC), in a session
 * whose time zone is not UTC: a job created at 2026-02-01 20:00 UTC is 2026-02-02 01:30 in Asia/Kolkata.
 */
class ModelCorrectionsTest {
    @Test
    void runDateIsTheUtcDayForTimestampAndTimestamptzColumnsInAnySessionZone() throws Exception {
        String landing = Files.readString(WarehouseStack.projectDir().resolve("warehouse/postgres/01_landing_tables.sql"));
        String models = Files.readString(WarehouseStack.projectDir().resolve("warehouse/postgres/02_models.sql"));
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setServerConfig("timezone", "Asia/Kolkata").start()) {
            for (boolean withoutZone : new boolean[] {false, true}) {
                try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                    s.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
                    s.execute(landing);
                    if (withoutZone) {
                        for (String col : new String[] {"job_creation_time", "invocation_start_time", "invocation_end_time"}) {
                            s.execute("ALTER TABLE benchmark_steps ALTER COLUMN " + col + " TYPE timestamp USING "
                                    + col + " AT TIME ZONE 'UTC'");
                        }
                        s.execute("ALTER TABLE recommendation_jobs ALTER COLUMN creation_time TYPE timestamp"
                                + " USING creation_time AT TIME ZONE 'UTC'");
                    }
                    s.execute(models);
                    String created = withoutZone ? "'2026-02-01 20:00:00'" : "'2026-02-01 20:00:00+00'";
                    s.execute("INSERT INTO benchmark_steps (step_id, job_name, aws_account_id, aws_region, step_type,"
                            + " status, is_terminal, content_hash, observed_at, job_creation_time, model_latency_ms)"
                            + " VALUES ('s1', 'j1', '1', 'us-east-1', 'BENCHMARK', 'COMPLETED', true, 'h', now(), "
                            + created + ", 40)");
                    try (ResultSet rs = s.executeQuery("SELECT run_date::text, run_at = '2026-02-01 20:00:00+00'"
                            + " FROM completed_benchmarks")) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getString(1)).as(withoutZone ? "timestamp" : "timestamptz").isEqualTo("2026-02-01");
                        assertThat(rs.getBoolean(2)).as(withoutZone ? "timestamp" : "timestamptz").isTrue();
                    }
                }
            }
        }
    }

    @Test
    void failureRatesCountStepsNotRows() throws Exception {
        String landing = Files.readString(WarehouseStack.projectDir().resolve("warehouse/postgres/01_landing_tables.sql"));
        String models = Files.readString(WarehouseStack.projectDir().resolve("warehouse/postgres/02_models.sql"));
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
             Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute(landing);
            s.execute(models);
            String insert = "INSERT INTO benchmark_steps (step_id, job_name, aws_account_id, aws_region, step_type, status,"
                    + " is_terminal, content_hash, observed_at, instance_type, identical_steps) VALUES ";
            // one completed step, one row standing for 3 identical failed steps, one older row without the field
            s.execute(insert + "('a', 'j1', '1', 'us-east-1', 'BENCHMARK', 'COMPLETED', true, 'h', now(), 'ml.c5.large', 1),"
                    + " ('b', 'j1', '1', 'us-east-1', 'BENCHMARK', 'FAILED', true, 'h', now(), 'ml.c5.large', 3),"
                    + " ('c', 'j2', '1', 'us-east-1', 'BENCHMARK', 'COMPLETED', true, 'h', now(), 'ml.c5.large', NULL)");
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
        String landing = Files.readString(WarehouseStack.projectDir().resolve("warehouse/postgres/01_landing_tables.sql"));
        String models = Files.readString(WarehouseStack.projectDir().resolve("warehouse/postgres/02_models.sql"));
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
             Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute(landing);
            s.execute(models);
            StringBuilder rows = new StringBuilder();
            for (int night = 1; night <= 6; night++) {
                String cost = night == 6 ? "'NaN'" : "0.000002";
                rows.append(night == 1 ? "" : ", ").append("('s").append(night).append("', 'j").append(night)
                        .append("', '1', 'us-east-1', 'BENCHMARK', 'COMPLETED', true, 'h', now(), 'ml.c5.large', ")
                        .append("'2026-02-0").append(night).append(" 02:00:00+00', 40, ").append(cost).append(')');
            }
            s.execute("INSERT INTO benchmark_steps (step_id, job_name, aws_account_id, aws_region, step_type, status,"
                    + " is_terminal, content_hash, observed_at, instance_type, job_creation_time, model_latency_ms,"
                    + " cost_per_inference) VALUES " + rows);
            try (ResultSet rs = s.executeQuery("SELECT count(*) FILTER (WHERE regressed), count(*) FILTER"
                    + " (WHERE metric = 'cost_per_1m_inferences') FROM benchmark_regression_checks()")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isZero();
                assertThat(rs.getLong(2)).isEqualTo(5);
            }
        }
    }
}
