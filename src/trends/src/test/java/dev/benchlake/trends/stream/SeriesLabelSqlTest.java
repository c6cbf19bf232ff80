package dev.benchlake.trends.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

/**
 * The warehouse's series_label (02_models.sql, benchmark_series_label) is the trends application's
 * ({@link SeriesIdentity}): the same rows landed in PostgreSQL and read by the application give the same series_id
 * and the same label, on benchmark_series and on the regression answers too. The siblings of issue 23: llm-7b on
 * ml.g5.2xlarge with inference specification llm-int8 and llm-fp16, which the version-1 answers named alike.
 */
class SeriesLabelSqlTest {
    private static final String ACCOUNT = "111111111111";
    private static final String STOP = "{\"MaxInvocations\":300,\"ModelLatencyThresholds\":[{\"Percentile\":\"P95\",\"ValueInMilliseconds\":100}]}";
    private static final String TRAFFIC = "{\"TrafficType\":\"PHASES\",\"Phases\":[{\"InitialNumberOfUsers\":1,"
            + "\"SpawnRate\":1,\"DurationInSeconds\":300}]}";

    private record Case(StepRow step, JobRow job) {
    }

    private static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (!Files.exists(p.resolve("warehouse/postgres/02_models.sql"))) {
            p = p.getParent();
        }
        return p;
    }

    private static StepRow step(String job, String id, String instanceType, Integer count, Integer memory,
                                Integer concurrency, String spec, String compilation, String env, int latency,
                                long created, String arn) {
        return new StepRow(ACCOUNT, "us-east-1", job, id, "COMPLETED", instanceType, count, memory, concurrency, null,
                spec, compilation, env, latency, 1000, 0.000002, "Default", created, created + 60_000L, "llm-7b", arn);
    }

    private static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        long day = 86_400_000L;
        long t0 = 1_769_911_200_000L; // 2026-02-01T02:00:00Z
        for (int night = 0; night < 4; night++) {
            String job = "llm-d" + night;
            long created = t0 + night * day;
            JobRow j = new JobRow(ACCOUNT, "us-east-1", job, "Default", created, "llm-7b", null, null, null);
            // llm-int8 is 30 % slower on the last night: a regression whose answer must name the spec
            cases.add(new Case(step(job, "int8", "ml.g5.2xlarge", 1, null, null, "llm-int8", null, null,
                    night == 3 ? 52 : 40, created, null), j));
            cases.add(new Case(step(job, "fp16", "ml.g5.2xlarge", 1, null, null, "llm-fp16", null, null, 60, created,
                    null), j));
        }
        JobRow advanced = new JobRow(ACCOUNT, "us-east-1", "adv-1", "Advanced", t0, "llm-7b", null, TRAFFIC, STOP);
        cases.add(new Case(step("adv-1", "env", "ml.g5.2xlarge", 2, null, null, null, "neo-1",
                "{\"OMP_NUM_THREADS\":\"2\"}", 40, t0, null), advanced));
        cases.add(new Case(step("sls-1", "sls", null, null, 2048, 5, null, null, null, 30, t0,
                "arn:aws:sagemaker:us-east-1:111111111111:model-package/fraud-detector/7"), null));
        return cases;
    }

    @Test
    void theWarehouseLabelsEverySeriesAsTheTrendsApplicationDoes() throws Exception {
        List<Case> cases = cases();
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
             Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute(Files.readString(root().resolve("warehouse/postgres/01_landing_tables.sql")));
            s.execute(Files.readString(root().resolve("warehouse/postgres/02_models.sql")));
            land(c, cases);
            for (Case k : cases) {
                SeriesRun run = SeriesIdentity.run(k.step(), k.job());
                try (PreparedStatement ps = c.prepareStatement("SELECT series_id, series_label FROM completed_benchmarks"
                        + " WHERE job_name = ? AND step_id = ?")) {
                    ps.setString(1, k.step().jobName());
                    ps.setString(2, k.step().stepId());
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getString(1)).as(k.toString()).isEqualTo(run.seriesId());
                        assertThat(rs.getString(2)).as(k.toString()).isEqualTo(run.seriesLabel());
                    }
                }
            }
            // the siblings, written out from the inputs
            String int8 = "llm-7b | Default | ml.g5.2xlarge x1 | spec llm-int8 | not compiled | 111111111111/us-east-1";
            String fp16 = "llm-7b | Default | ml.g5.2xlarge x1 | spec llm-fp16 | not compiled | 111111111111/us-east-1";
            assertThat(SeriesIdentity.run(cases.get(0).step(), cases.get(0).job()).seriesLabel()).isEqualTo(int8);
            assertThat(column(s, "SELECT series_label FROM benchmark_series ORDER BY series_label")).containsExactly(
                    "fraud-detector | Default | serverless-2048MB-max5 | not compiled | 111111111111/us-east-1",
                    "llm-7b | Advanced | ml.g5.2xlarge x2 | compiled | env {\"OMP_NUM_THREADS\":\"2\"} | load "
                            + TRAFFIC + " | stop " + STOP + " | 111111111111/us-east-1",
                    fp16, int8);
            // the regression (40 ms for three nights, then 52: +30 %) names its spec; so does each check
            assertThat(column(s, "SELECT series_label || ' ' || metric FROM benchmark_regressions()"))
                    .containsExactly(int8 + " model_latency_ms");
            assertThat(column(s, "SELECT DISTINCT series_label FROM benchmark_regression_checks() WHERE model = 'llm-7b'"
                    + " AND job_type = 'Default' ORDER BY 1")).containsExactly(fp16, int8);
            assertThat(column(s, "SELECT DISTINCT series_label FROM benchmark_trends_daily WHERE job_type = 'Default'"
                    + " AND model = 'llm-7b' ORDER BY 1")).containsExactly(fp16, int8);
        }
    }

    private static List<String> column(Statement s, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static void land(Connection c, List<Case> cases) throws Exception {
        try (PreparedStatement job = c.prepareStatement("INSERT INTO recommendation_jobs (job_name, aws_region,"
                + " aws_account_id, job_type, creation_time, model_name, model_package_version_arn, traffic_pattern,"
                + " stopping_conditions, closed, steps_emitted, content_hash, observed_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, true, 1, 'h', now()) ON CONFLICT DO NOTHING");
             PreparedStatement step = c.prepareStatement("INSERT INTO benchmark_steps (step_id, job_name, aws_account_id,"
                     + " aws_region, step_type, status, is_terminal, content_hash, observed_at, instance_type,"
                     + " initial_instance_count, serverless_memory_size_mb, serverless_max_concurrency,"
                     + " inference_specification_name, compilation_job_name, environment_parameters, model_latency_ms,"
                     + " max_invocations, cost_per_inference, job_type, job_creation_time, invocation_start_time,"
                     + " model_name, model_package_version_arn)"
                     + " VALUES (?, ?, ?, ?, 'BENCHMARK', ?, true, 'h', now(), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Case k : cases) {
                JobRow j = k.job();
                if (j != null) {
                    job.setString(1, j.jobName());
                    job.setString(2, j.region());
                    job.setString(3, j.accountId());
                    job.setString(4, j.jobType());
                    job.setTimestamp(5, new Timestamp(j.creationTime()));
                    job.setString(6, j.modelName());
                    job.setString(7, j.modelPackageVersionArn());
                    job.setString(8, j.trafficPattern());
                    job.setString(9, j.stoppingConditions());
                    job.executeUpdate();
                }
                StepRow r = k.step();
                step.setString(1, r.stepId());
                step.setString(2, r.jobName());
                step.setString(3, r.accountId());
                step.setString(4, r.region());
                step.setString(5, r.status());
                step.setString(6, r.instanceType());
                setInt(step, 7, r.initialInstanceCount());
                setInt(step, 8, r.serverlessMemorySizeMb());
                setInt(step, 9, r.serverlessMaxConcurrency());
                step.setString(10, r.inferenceSpecificationName());
                step.setString(11, r.compilationJobName());
                step.setString(12, r.environmentParameters());
                setInt(step, 13, r.modelLatencyMs());
                setInt(step, 14, r.maxInvocations());
                step.setDouble(15, r.costPerInference());
                step.setString(16, r.jobType());
                step.setTimestamp(17, new Timestamp(r.jobCreationTime()));
                step.setTimestamp(18, new Timestamp(r.invocationStartTime()));
                step.setString(19, r.modelName());
                step.setString(20, r.modelPackageVersionArn());
                step.executeUpdate();
            }
        }
    }

    private static void setInt(PreparedStatement ps, int i, Integer v) throws java.sql.SQLException {
        if (v == null) {
            ps.setNull(i, Types.INTEGER);
        } else {
            ps.setInt(i, v);
        }
    }
}
