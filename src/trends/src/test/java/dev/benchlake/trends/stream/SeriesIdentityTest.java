package dev.benchlake.trends.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

/** series_id is the warehouse's: PostgreSQL's md5 of jsonb_build_array(...)::text over the same inputs. */
class SeriesIdentityTest {
    private static final String SQL = "SELECT md5(jsonb_build_array(?::text, ?::text, ?::text, ?::text, ?::text, ?::text,"
            + " ?::integer, ?::integer, ?::integer, ?::integer, ?::text, ?::boolean, ?::text, ?::text, ?::integer)::text)";

    private static StepRow step(String account, String instanceType, Integer count, Integer memory, Integer concurrency,
                                String spec, String compilation, String environment, String arn) {
        return new StepRow(account, "us-east-1", "job-1", "abc", "COMPLETED", instanceType, count, memory, concurrency,
                null, spec, compilation, environment, 40, 1000, 0.0000021, "Default", 1_000L, 2_000L, "m", arn);
    }

    @Test
    void theSeriesIdIsPostgresqlsForEveryKindOfInput() throws Exception {
        String traffic = "{\"TrafficType\":\"PHASES\",\"Phases\":[{\"InitialNumberOfUsers\":1}]}";
        JobRow job = new JobRow("111111111111", "us-east-1", "job-1", "Advanced", 500L, "m", null, traffic, 7200);
        StepRow[] steps = {
            step("111111111111", "ml.g4dn.xlarge", 1, null, null, "bert-fp16", null, "{\"OMP_NUM_THREADS\":\"2\"}", null),
            step(null, null, null, 2048, 5, null, "neo-1", null,
                    "arn:aws:sagemaker:us-east-1:111111111111:model-package/fraud-detector/7"),
            step("111111111111", "ml.c5.xlarge", 2, null, null, "tab\there \"quoted\" \\ é", null, "{}", null),
        };
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start(); Connection c = pg.getPostgresDatabase().getConnection()) {
            for (StepRow s : steps) {
                for (JobRow j : new JobRow[] {job, null}) {
                    SeriesRun run = SeriesIdentity.run(s, j);
                    boolean pkg = s.modelPackageVersionArn() != null;
                    try (PreparedStatement ps = c.prepareStatement(SQL)) {
                        ps.setString(1, s.accountId());
                        ps.setString(2, s.region());
                        ps.setString(3, pkg ? "model-package" : "model");
                        ps.setString(4, pkg ? "fraud-detector" : "m");
                        ps.setString(5, j == null ? "Default" : "Advanced");
                        ps.setString(6, s.instanceType());
                        setInt(ps, 7, s.initialInstanceCount());
                        setInt(ps, 8, s.serverlessMemorySizeMb());
                        setInt(ps, 9, s.serverlessMaxConcurrency());
                        setInt(ps, 10, null);
                        ps.setString(11, s.inferenceSpecificationName());
                        ps.setBoolean(12, s.compilationJobName() != null);
                        ps.setString(13, s.environmentParameters() == null ? "{}" : s.environmentParameters());
                        ps.setString(14, j == null ? null : traffic);
                        setInt(ps, 15, j == null ? null : 7200);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            assertThat(run.seriesId()).as(s + " / " + j).isEqualTo(rs.getString(1));
                        }
                    }
                    assertThat(run.version()).isEqualTo(pkg ? 7 : null);
                }
            }
        }
    }

    @Test
    void theLabelNamesEveryInputThatTellsSiblingsApart() {
        SeriesRun fp16 = SeriesIdentity.run(step("111111111111", "ml.g5.2xlarge", 1, null, null, "llm-fp16", null, null,
                null), null);
        SeriesRun int8 = SeriesIdentity.run(step("111111111111", "ml.g5.2xlarge", 1, null, null, "llm-int8", null, null,
                null), null);

        assertThat(fp16.seriesLabel()).isEqualTo("m | Default | ml.g5.2xlarge x1 | spec llm-fp16 | not compiled"
                + " | 111111111111/us-east-1");
        assertThat(int8.seriesLabel()).contains("spec llm-int8").isNotEqualTo(fp16.seriesLabel());
        assertThat(SeriesIdentity.run(step(null, null, null, 2048, 5, null, "neo", "{\"A\":\"1\"}", null),
                new JobRow(null, "us-east-1", "job-1", "Advanced", 1L, "m", null, "{\"T\":1}", 600)).seriesLabel())
                .isEqualTo("m | Advanced | serverless-2048MB-max5 | compiled | env {\"A\":\"1\"} | load {\"T\":1} for 600 s"
                        + " | ?/us-east-1");
    }

    private static void setInt(PreparedStatement ps, int i, Integer v) throws java.sql.SQLException {
        if (v == null) {
            ps.setNull(i, Types.INTEGER);
        } else {
            ps.setInt(i, v);
        }
    }
}
