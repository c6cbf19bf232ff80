package dev.benchlake.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

import dev.benchlake.api.JobObservation;

/**
 * The job record's stopping conditions (RecommendationJob, the minor version after 0.2.0's): carried as the API sent
 * them, null when it sent none, part of the job's content only when present, so that a job without them keeps the
 * content hash earlier versions gave it (no new record on upgrade).
 */
class JobStoppingConditionsTest {

    private static final Instant OBSERVED = Instant.parse("2026-01-05T03:00:00.789Z");
    private static final RecordContext CONTEXT = new RecordContext("us-east-1", "999988887777", NanHandling.NULL);
    private static final String FULL = "{\"MaxInvocations\":3000,\"ModelLatencyThresholds\":[{\"Percentile\":\"P95\","
            + "\"ValueInMilliseconds\":100}],\"FlatInvocations\":\"Stop\"}";
    /**
     * Python, once, with the layout of {@link Hashes} ({@code h} as in GoldenIdentityTest): {@code h("job/1",
     * "resnet-nightly-1", arn, "Default", "COMPLETED", "nightly", None, 1767578340000, 1767580800000, 1767580800000,
     * "resnet50", None, 7200, '{"TrafficType":"PHASES"}', '[{"InstanceType":"ml.c5.xlarge"}]', "true", "COMPLETE")}:
     * the hash 0.2.0 gives TestSteps' job.
     */
    private static final String HASH_WITHOUT = "2789e583413d39ea9e41f46aaaaa29df";
    /** Python, once: {@code h("job/3", HASH_WITHOUT, FULL)}. */
    private static final String HASH_WITH = "b25a840321bbd25816487840ecfdc8c5";

    private static JobObservation job(String stopping) {
        JobObservation job = TestSteps.job("resnet-nightly-1", "COMPLETED");
        JobObservation.InputConfig in = job.inputConfig();
        return job.withInputConfig(new JobObservation.InputConfig(in.jobDurationSeconds(), in.trafficPattern(),
                in.endpointConfigurations(), stopping));
    }

    @Test
    void theRecordCarriesTheStoppingConditionsAsTheApiSentThem() {
        Struct s = StepRecords.jobValue("resnet-nightly-1", job(FULL), true, "COMPLETE", null, 3, "h", CONTEXT, OBSERVED);
        s.validate();
        assertThat(s.getString("stopping_conditions")).isEqualTo(FULL);
        assertThat(s.getInt32("job_duration_seconds")).isEqualTo(7200);

        String partial = "{\"MaxInvocations\":1000}";
        assertThat(StepRecords.jobValue("resnet-nightly-1", job(partial), true, "COMPLETE", null, 3, "h", CONTEXT,
                OBSERVED).getString("stopping_conditions")).isEqualTo(partial);

        Struct none = StepRecords.jobValue("resnet-nightly-1", job(null), true, "COMPLETE", null, 3, "h", CONTEXT,
                OBSERVED);
        none.validate();
        assertThat(none.getString("stopping_conditions")).isNull();
        assertThat(none.getString("traffic_pattern")).isEqualTo("{\"TrafficType\":\"PHASES\"}");

        Struct notDescribed = StepRecords.jobValue("resnet-nightly-1", job(FULL).withInputConfig(null), false, null,
                null, 0, "h", CONTEXT, OBSERVED);
        assertThat(notDescribed.getString("stopping_conditions")).isNull();
    }

    @Test
    void aJobWithoutStoppingConditionsKeepsItsEarlierHashAndOneWithThemHashesThem() {
        assertThat(StepRecords.jobContentHash(job(null), true, "COMPLETE", null)).isEqualTo(HASH_WITHOUT);
        assertThat(StepRecords.jobContentHash(TestSteps.job("resnet-nightly-1", "COMPLETED"), true, "COMPLETE", null))
                .as("the three-member input configuration is the same job").isEqualTo(HASH_WITHOUT);
        assertThat(StepRecords.jobContentHash(job(FULL), true, "COMPLETE", null)).isEqualTo(HASH_WITH);
        assertThat(StepRecords.jobContentHash(job("{\"MaxInvocations\":1000}"), true, "COMPLETE", null))
                .as("other conditions, another version of the job").isNotIn(HASH_WITH, HASH_WITHOUT);
    }

    @Test
    void theNewFieldIsOptionalAndTheReleasedSchemaAndTheNewOneReadEachOther() throws IOException {
        Schema.Field field = RecordSchemas.JOB_AVRO.getField("stopping_conditions");
        assertThat(field.schema().getTypes()).extracting(Schema::getType)
                .containsExactly(Schema.Type.NULL, Schema.Type.STRING);
        assertThat(field.defaultVal()).isEqualTo(org.apache.avro.JsonProperties.NULL_VALUE);
        // 0.2.0's RecommendationJob: the fields of the new version but this one
        Schema released = new Schema.Parser().parse(Path.of(System.getProperty("benchlake.root", "."))
                .resolve("schemas/history/RecommendationJob.v2.avsc").toFile());
        assertThat(released.getFields()).extracting(Schema.Field::name).containsExactlyElementsOf(
                RecordSchemas.JOB_AVRO.getFields().stream().map(Schema.Field::name)
                        .filter(n -> !n.equals("stopping_conditions")).toList());
        // new readers read 0.2.0's records (BACKWARD), and consumers still on 0.2.0's schema read the new records
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(RecordSchemas.JOB_AVRO, released).getType())
                .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(released, RecordSchemas.JOB_AVRO).getType())
                .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
    }
}
