package dev.benchlake.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

/**
 * What makes a series (issue 23): the job's stopping conditions are part of it, the job's timeout
 * (job_duration_seconds) is not, on PostgreSQL (02_models.sql) and DuckDB (regressions.sql). Four nightly jobs of one
 * model on one instance type with one traffic pattern: two that differ only in their timeout, one with other stopping
 * conditions, one without any.
 */
class SeriesInputsTest {
    private static final String TRAFFIC = "{\"TrafficType\":\"PHASES\",\"Phases\":[{\"InitialNumberOfUsers\":1,"
            + "\"SpawnRate\":1,\"DurationInSeconds\":120}]}";
    private static final String P95 = "{\"MaxInvocations\":3000,\"ModelLatencyThresholds\":[{\"Percentile\":\"P95\","
            + "\"ValueInMilliseconds\":100}],\"FlatInvocations\":\"Stop\"}";
    private static final String MAX_ONLY = "{\"MaxInvocations\":1000}";

    /** job name, job_duration_seconds, stopping_conditions (SQL literals) */
    private static final String[][] JOBS = {
        {"nightly-1", "7200", q(P95)},
        {"nightly-2", "3600", q(P95)},
        {"nightly-3", "7200", q(MAX_ONLY)},
        {"nightly-4", "7200", "NULL"},
    };

    private static String q(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    private static void land(Statement s) throws SQLException {
        for (int i = 0; i < JOBS.length; i++) {
            String[] j = JOBS[i];
            String created = "'2026-02-0" + (i + 1) + " 02:00:00+00'";
            s.execute("INSERT INTO recommendation_jobs (job_name, aws_region, aws_account_id, job_type, status,"
                    + " creation_time, model_name, job_duration_seconds, traffic_pattern, stopping_conditions, closed,"
                    + " steps_emitted, content_hash, observed_at) VALUES ('" + j[0] + "', 'us-east-1', '1', 'Default',"
                    + " 'COMPLETED', " + created + ", 'resnet50', " + j[1] + ", " + q(TRAFFIC) + ", " + j[2]
                    + ", true, 1, 'h', now())");
            s.execute("INSERT INTO benchmark_steps (step_id, job_name, aws_account_id, aws_region, step_type, status,"
                    + " is_terminal, content_hash, observed_at, instance_type, initial_instance_count, model_name,"
                    + " job_creation_time, model_latency_ms) VALUES ('s', '" + j[0] + "', '1', 'us-east-1', 'BENCHMARK',"
                    + " 'COMPLETED', true, 'h', now(), 'ml.c5.xlarge', 1, 'resnet50', " + created + ", 40)");
        }
    }

    /** The jobs of each series, one line per series: "job,job". */
    private static List<String> seriesOfJobs(Statement s) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT string_agg(job_name, ',' ORDER BY job_name) FROM completed_benchmarks"
                + " GROUP BY series_id ORDER BY 1")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    @Test
    void stoppingConditionsMakeSeriesAndTheJobTimeoutDoesNotOnPostgresql() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
             Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql("01_landing_tables.sql"));
            s.execute(sql("02_models.sql"));
            land(s);
            assertThat(seriesOfJobs(s)).containsExactly("nightly-1,nightly-2", "nightly-3", "nightly-4");
            try (ResultSet rs = s.executeQuery("SELECT stopping_conditions, traffic_pattern, runs FROM benchmark_series"
                    + " ORDER BY runs DESC, stopping_conditions NULLS LAST")) {
                List<String> rows = new ArrayList<>();
                while (rs.next()) {
                    assertThat(rs.getString(2)).isEqualTo(TRAFFIC);
                    rows.add(rs.getString(1) + " x" + rs.getInt(3));
                }
                assertThat(rows).containsExactly(P95 + " x2", MAX_ONLY + " x1", "null x1");
            }
        }
    }

    @Test
    void stoppingConditionsMakeSeriesAndTheJobTimeoutDoesNotOnDuckdb() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            // DuckDB reads the landing DDL as it is: the tables stand for the Iceberg tables' files
            s.execute(sql("01_landing_tables.sql"));
            s.execute(Files.readString(WarehouseStack.projectDir().resolve("warehouse/duckdb/regressions.sql")));
            land(s);
            assertThat(seriesOfJobs(s)).containsExactly("nightly-1,nightly-2", "nightly-3", "nightly-4");
        }
    }

    @Test
    void tablesOfAnEarlierVersionTakeTheColumnFromTheMigration() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
             Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql("01_landing_tables.sql"));
            // 0.2.0's recommendation_jobs, with a job landed then
            s.execute("ALTER TABLE recommendation_jobs DROP COLUMN stopping_conditions");
            s.execute("INSERT INTO recommendation_jobs (job_name, aws_region, aws_account_id, traffic_pattern, closed,"
                    + " steps_emitted, content_hash, observed_at) VALUES ('old-1', 'us-east-1', '1', " + q(TRAFFIC)
                    + ", true, 1, 'h', now())");
            assertThatThrownBy(() -> s.execute(sql("02_models.sql"))).hasMessageContaining("stopping_conditions");

            s.execute(sql("migrations/stopping_conditions.sql"));
            s.execute(sql("migrations/stopping_conditions.sql"));
            s.execute(sql("02_models.sql"));
            try (ResultSet rs = s.executeQuery("SELECT stopping_conditions IS NULL, traffic_pattern FROM"
                    + " recommendation_job_latest")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBoolean(1)).as("read before the field existed").isTrue();
                assertThat(rs.getString(2)).isEqualTo(TRAFFIC);
            }
        }
    }

    private static String sql(String file) throws java.io.IOException {
        return Files.readString(WarehouseStack.projectDir().resolve("warehouse/postgres").resolve(file));
    }
}
