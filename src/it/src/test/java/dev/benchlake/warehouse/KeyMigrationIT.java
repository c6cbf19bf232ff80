package dev.benchlake.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

/**
 * warehouse/postgres/migrations/keys_v2.sql on landing tables created with the version-1 keys: the rows stay, the
 * primary keys become (account, region, job name[, step id]), and a second account's or region's job of the same name
 * then gets its own row instead of overwriting the first. 02_models.sql runs on the migrated tables.
 */
class KeyMigrationIT {

    /** The version-1 landing tables: today's columns, keyed by job name (and step id) alone. */
    private static String version1Tables() throws IOException {
        String ddl = Files.readString(WarehouseStack.projectDir().resolve("warehouse/postgres/01_landing_tables.sql"));
        return ddl.replace("PRIMARY KEY (aws_account_id, aws_region, job_name, step_id)", "PRIMARY KEY (job_name, step_id)")
                .replace("PRIMARY KEY (aws_account_id, aws_region, job_name)", "PRIMARY KEY (job_name)");
    }

    private static String sql(String file) throws IOException {
        return Files.readString(WarehouseStack.projectDir().resolve("warehouse/postgres").resolve(file));
    }

    private static final String STEP = "INSERT INTO benchmark_steps (step_id, job_name, aws_region, aws_account_id, "
            + "step_type, status, is_terminal, content_hash, observed_at) VALUES ('s1', 'nightly-1', '%s', %s, "
            + "'BENCHMARK', 'COMPLETED', true, 'h', now())";
    private static final String JOB = "INSERT INTO recommendation_jobs (job_name, aws_region, aws_account_id, closed, "
            + "steps_emitted, content_hash, observed_at) VALUES ('nightly-1', '%s', %s, true, 1, 'h', now())";

    @Test
    void migratedTablesKeepTheirRowsAndKeyThemByAccountAndRegion() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
             Connection c = pg.getPostgresDatabase().getConnection();
             Statement s = c.createStatement()) {
            s.execute(version1Tables());
            s.execute(String.format(STEP, "us-east-1", "'111111111111'"));
            s.execute(String.format(JOB, "us-east-1", "NULL"));
            // what version 1 did to a second region's job of the same name
            assertThatThrownBy(() -> s.execute(String.format(STEP, "eu-west-1", "'111111111111'")))
                    .isInstanceOf(SQLException.class).hasMessageContaining("benchmark_steps_pkey");

            s.execute(sql("migrations/keys_v2.sql"));
            s.execute(sql("02_models.sql"));

            assertThat(primaryKey(s, "benchmark_steps")).isEqualTo("PRIMARY KEY (aws_account_id, aws_region, job_name, step_id)");
            assertThat(primaryKey(s, "recommendation_jobs")).isEqualTo("PRIMARY KEY (aws_account_id, aws_region, job_name)");
            s.execute(String.format(STEP, "eu-west-1", "'111111111111'"));
            s.execute(String.format(JOB, "eu-west-1", "'111111111111'"));
            assertThat(rows(s, "SELECT aws_account_id || '/' || aws_region FROM recommendation_jobs ORDER BY 1"))
                    .as("an account nobody knew is the empty string, as version-2 keys write it")
                    .containsExactly("/us-east-1", "111111111111/eu-west-1");
            assertThat(rows(s, "SELECT aws_account_id || '/' || aws_region FROM completed_benchmarks ORDER BY 1"))
                    .containsExactly("111111111111/eu-west-1", "111111111111/us-east-1");
        }
    }

    private static String primaryKey(Statement s, String table) throws SQLException {
        return rows(s, "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'p' AND conrelid = '"
                + table + "'::regclass").get(0);
    }

    private static List<String> rows(Statement s, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (var rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
