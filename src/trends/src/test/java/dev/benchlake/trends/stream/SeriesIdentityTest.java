package dev.benchlake.trends.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

/**
 * series_id is the warehouse's: the series_id of warehouse/postgres/02_models.sql's benchmark_step_details, run on
 * embedded PostgreSQL over the same step and job rows, so that benchmark_changes joins benchmark_series. The models
 * are read from the project's file, not copied: a change of the series there that the app does not follow fails here.
 */
class SeriesIdentityTest {
    private static final Path ROOT = Path.of(System.getProperty("benchlake.root", "../.."));
    private static final String TRAFFIC = "{\"TrafficType\":\"PHASES\",\"Phases\":[{\"InitialNumberOfUsers\":1,"
            + "\"SpawnRate\":1,\"DurationInSeconds\":120}]}";
    private static final String STOP = "{\"MaxInvocations\":3000,\"ModelLatencyThresholds\":[{\"Percentile\":\"P95\","
            + "\"ValueInMilliseconds\":100}],\"FlatInvocations\":\"Stop\"}";

    private static StepRow step(String job, String account, String instanceType, Integer count, Integer memory,
                                Integer concurrency, String spec, String compilation, String environment, String arn) {
        return new StepRow(account, "us-east-1", job, "abc", "COMPLETED", instanceType, count, memory, concurrency,
                null, spec, compilation, environment, 40, 1000, 0.0000021, "Default", 1_000L, 2_000L, "m", arn);
    }

    private static JobRow job(String name, String account, String traffic, String stopping) {
        return new JobRow(account, "us-east-1", name, "Advanced", 500L, "m", null, traffic, stopping);
    }

    @Test
    void theSeriesIdIsTheWarehousesForEveryKindOfInput() throws Exception {
        // each case: a step and its job (null: no job record landed), on a job name of its own
        record Case(StepRow step, JobRow job, Integer jobDurationSeconds) {
        }
        List<Case> cases = new ArrayList<>();
        String[][] jobs = {{null, null}, {TRAFFIC, null}, {TRAFFIC, STOP}, {TRAFFIC, "{\"MaxInvocations\":1000}"},
            {null, "{\"ModelLatencyThresholds\":[{\"Percentile\":\"P99\",\"ValueInMilliseconds\":250}]}"}};
        int n = 0;
        for (String[] load : jobs) {
            for (Integer duration : new Integer[] {7200, 3600, null}) {
                String a = "job-" + n++;
                cases.add(new Case(step(a, "111111111111", "ml.g4dn.xlarge", 1, null, null, "bert-fp16", null,
                        "{\"OMP_NUM_THREADS\":\"2\"}", null), job(a, "111111111111", load[0], load[1]), duration));
                String b = "job-" + n++;
                cases.add(new Case(step(b, null, null, null, 2048, 5, null, "neo-1", null,
                        "arn:aws:sagemaker:us-east-1:111111111111:model-package/fraud-detector/7"),
                        job(b, null, load[0], load[1]), duration));
                String c = "job-" + n++;
                cases.add(new Case(step(c, "111111111111", "ml.c5.xlarge", 2, null, null, "tab\there \"quoted\" \\ é",
                        null, "{}", null), job(c, "111111111111", load[0], load[1]), duration));
            }
        }
        String d = "job-" + n;
        cases.add(new Case(step(d, "111111111111", "ml.c5.xlarge", 2, null, null, null, null, null, null), null, null));

        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start(); Connection c = pg.getPostgresDatabase().getConnection()) {
            try (Statement s = c.createStatement()) {
                s.execute(Files.readString(ROOT.resolve("warehouse/postgres/01_landing_tables.sql")));
                // an append-only landing (no primary key): a step whose account nobody knew keeps it NULL
                s.execute("ALTER TABLE benchmark_steps DROP CONSTRAINT benchmark_steps_pkey;"
                        + " ALTER TABLE benchmark_steps ALTER COLUMN aws_account_id DROP NOT NULL;"
                        + " ALTER TABLE recommendation_jobs DROP CONSTRAINT recommendation_jobs_pkey;"
                        + " ALTER TABLE recommendation_jobs ALTER COLUMN aws_account_id DROP NOT NULL");
                s.execute(Files.readString(ROOT.resolve("warehouse/postgres/02_models.sql")));
            }
            for (Case k : cases) {
                insert(c, k.step(), k.job(), k.jobDurationSeconds());
            }
            Set<String> ids = new HashSet<>();
            for (Case k : cases) {
                SeriesRun run = SeriesIdentity.run(k.step(), k.job());
                try (PreparedStatement ps = c.prepareStatement("SELECT series_id FROM benchmark_step_details"
                        + " WHERE job_name = ?")) {
                    ps.setString(1, k.step().jobName());
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(run.seriesId()).as(k.toString()).isEqualTo(rs.getString(1));
                    }
                }
                ids.add(run.seriesId());
                assertThat(run.version()).isEqualTo(k.step().modelPackageVersionArn() != null ? 7 : null);
            }
            // 3 step kinds x 5 loads (traffic and stopping conditions) + the step without a job record: the three
            // job timeouts of each never make a series of their own
            assertThat(ids).hasSize(3 * 5 + 1);
        }
    }

    @Test
    void runsDifferingOnlyInStoppingConditionsAreTwoSeriesAndOnlyInTheJobTimeoutOne() {
        StepRow a = step("job-a", "111111111111", "ml.c5.xlarge", 1, null, null, null, null, null, null);
        StepRow b = step("job-b", "111111111111", "ml.c5.xlarge", 1, null, null, null, null, null, null);
        assertThat(SeriesIdentity.run(a, job("job-a", "111111111111", TRAFFIC, STOP)).seriesId())
                .isNotEqualTo(SeriesIdentity.run(b, job("job-b", "111111111111", TRAFFIC,
                        "{\"MaxInvocations\":1000}")).seriesId())
                .isNotEqualTo(SeriesIdentity.run(b, job("job-b", "111111111111", TRAFFIC, null)).seriesId())
                .isEqualTo(SeriesIdentity.run(b, job("job-b", "111111111111", TRAFFIC, STOP)).seriesId());
    }

    private static void insert(Connection c, StepRow s, JobRow j, Integer duration) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO benchmark_steps (step_id, job_name, aws_region,"
                + " aws_account_id, step_type, status, is_terminal, content_hash, observed_at, instance_type,"
                + " initial_instance_count, serverless_memory_size_mb, serverless_max_concurrency,"
                + " serverless_provisioned_concurrency, inference_specification_name, compilation_job_name,"
                + " environment_parameters, model_latency_ms, job_type, model_name, model_package_version_arn)"
                + " VALUES (?, ?, ?, ?, 'BENCHMARK', ?, true, 'h', now(), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, s.stepId());
            ps.setString(2, s.jobName());
            ps.setString(3, s.region());
            ps.setString(4, s.accountId());
            ps.setString(5, s.status());
            ps.setString(6, s.instanceType());
            setInt(ps, 7, s.initialInstanceCount());
            setInt(ps, 8, s.serverlessMemorySizeMb());
            setInt(ps, 9, s.serverlessMaxConcurrency());
            setInt(ps, 10, s.serverlessProvisionedConcurrency());
            ps.setString(11, s.inferenceSpecificationName());
            ps.setString(12, s.compilationJobName());
            ps.setString(13, s.environmentParameters());
            setInt(ps, 14, s.modelLatencyMs());
            ps.setString(15, s.jobType());
            ps.setString(16, s.modelName());
            ps.setString(17, s.modelPackageVersionArn());
            ps.executeUpdate();
        }
        if (j == null) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO recommendation_jobs (job_name, aws_region,"
                + " aws_account_id, job_type, model_name, model_package_version_arn, job_duration_seconds,"
                + " traffic_pattern, stopping_conditions, closed, steps_emitted, content_hash, observed_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, true, 1, 'h', now())")) {
            ps.setString(1, j.jobName());
            ps.setString(2, j.region());
            ps.setString(3, j.accountId());
            ps.setString(4, j.jobType());
            ps.setString(5, j.modelName());
            ps.setString(6, j.modelPackageVersionArn());
            setInt(ps, 7, duration);
            ps.setString(8, j.trafficPattern());
            ps.setString(9, j.stoppingConditions());
            ps.executeUpdate();
        }
    }

    @Test
    void theLabelNamesEveryInputThatTellsSiblingsApart() {
        SeriesRun fp16 = SeriesIdentity.run(step("job-1", "111111111111", "ml.g5.2xlarge", 1, null, null, "llm-fp16",
                null, null, null), null);
        SeriesRun int8 = SeriesIdentity.run(step("job-1", "111111111111", "ml.g5.2xlarge", 1, null, null, "llm-int8",
                null, null, null), null);

        assertThat(fp16.seriesLabel()).isEqualTo("m | Default | ml.g5.2xlarge x1 | spec llm-fp16 | not compiled"
                + " | 111111111111/us-east-1");
        assertThat(int8.seriesLabel()).contains("spec llm-int8").isNotEqualTo(fp16.seriesLabel());
        assertThat(SeriesIdentity.run(step("job-1", null, null, null, 2048, 5, null, "neo", "{\"A\":\"1\"}", null),
                new JobRow(null, "us-east-1", "job-1", "Advanced", 1L, "m", null, "{\"T\":1}",
                        "{\"MaxInvocations\":1000}")).seriesLabel())
                .isEqualTo("m | Advanced | serverless-2048MB-max5 | compiled | env {\"A\":\"1\"} | load {\"T\":1}"
                        + " | stop {\"MaxInvocations\":1000} | ?/us-east-1");
    }

    private static void setInt(PreparedStatement ps, int i, Integer v) throws java.sql.SQLException {
        if (v == null) {
            ps.setNull(i, Types.INTEGER);
        } else {
            ps.setInt(i, v);
        }
    }
}
