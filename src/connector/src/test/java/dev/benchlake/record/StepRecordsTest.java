package dev.benchlake.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Date;
import java.util.List;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

import dev.benchlake.api.JobObservation;
import dev.benchlake.api.StepObservation;

class StepRecordsTest {

    private static final Instant OBSERVED = Instant.parse("2026-01-05T03:00:00.789Z");
    private static final RecordContext CONTEXT = new RecordContext("us-east-1", "999988887777", NanHandling.NULL);

    @Test
    void fullStepFlattensEveryFieldAsTheApiSentIt() {
        StepObservation step = TestSteps.completed("resnet-nightly-1", "ml.c5.xlarge", "ep-1");
        Struct s = StepRecords.stepValue(step, "id-1", TestSteps.job("resnet-nightly-1", "COMPLETED"),
                CONTEXT, OBSERVED);
        s.validate();

        assertThat(s.getString("step_id")).isEqualTo("id-1");
        assertThat(s.getString("job_name")).isEqualTo("resnet-nightly-1");
        assertThat(s.getString("job_arn")).isEqualTo(
                "arn:aws:sagemaker:us-east-1:111122223333:inference-recommendations-job/resnet-nightly-1");
        assertThat(s.getString("aws_region")).isEqualTo("us-east-1");
        assertThat(s.getString("aws_account_id")).as("account from the job ARN wins").isEqualTo("111122223333");
        assertThat(s.getString("step_type")).isEqualTo("BENCHMARK");
        assertThat(s.getString("status")).isEqualTo("COMPLETED");
        assertThat(s.getBoolean("is_terminal")).isTrue();
        assertThat(s.getString("failure_reason")).isNull();
        assertThat(s.getString("content_hash")).isEqualTo(ContentHash.of(s, RecordSchemas.STEP_UNVERSIONED)).hasSize(32);
        assertThat(s.get("observed_at")).isEqualTo(Date.from(OBSERVED));
        assertThat(s.getString("endpoint_name")).isEqualTo("ep-1");
        assertThat(s.getString("variant_name")).isEqualTo("AllTraffic");
        assertThat(s.getString("instance_type")).isEqualTo("ml.c5.xlarge");
        assertThat(s.getInt32("initial_instance_count")).isEqualTo(1);
        assertThat(s.getInt32("serverless_memory_size_mb")).isNull();
        assertThat(s.getString("inference_specification_name")).isEqualTo("spec-a");
        assertThat(s.getString("compilation_job_name")).isNull();
        assertThat(s.getString("environment_parameters")).isEqualTo("{\"BATCH_SIZE\":\"8\",\"OMP_NUM_THREADS\":\"4\"}");
        assertThat(s.getFloat64("cost_per_hour")).as("0.1f reads 0.1, not 0.10000000149").isEqualTo(0.1);
        assertThat(s.getFloat64("cost_per_inference")).isEqualTo(0.000123);
        assertThat(s.getInt32("max_invocations")).isEqualTo(1500);
        assertThat(s.getInt32("model_latency_ms")).isEqualTo(37);
        assertThat(s.getFloat64("cpu_utilization")).isEqualTo(61.5);
        assertThat(s.getFloat64("memory_utilization")).isEqualTo(33.25);
        assertThat(s.getInt32("model_setup_time")).isZero();
        assertThat(s.getInt32("endpoint_max_invocations")).isEqualTo(1480);
        assertThat(s.getInt32("endpoint_model_latency_ms")).isEqualTo(41);
        assertThat(s.get("invocation_start_time")).isEqualTo(new Date(TestSteps.START.toEpochMilli()));
        assertThat(((Date) s.get("invocation_end_time")).getTime()).isEqualTo(TestSteps.END.toEpochMilli());
        assertThat(s.getInt64("benchmark_duration_ms")).isEqualTo(750_333L);
        assertThat(s.getString("job_type")).isEqualTo("Default");
        assertThat(s.getString("job_status")).isEqualTo("COMPLETED");
        assertThat(((Date) s.get("job_creation_time")).toInstant()).isEqualTo(Instant.parse("2026-01-05T01:59:00Z"));
        assertThat(s.getString("model_name")).isEqualTo("resnet50");
        assertThat(s.getString("model_package_version_arn")).isNull();
    }

    @Test
    void stepWithEveryOptionalFieldAbsentGivesNullsAndAValidStruct() {
        StepObservation bare = new StepObservation("job-a", "BENCHMARK", "PENDING", null,
                new StepObservation.Endpoint("ep", "v", null, null, null, null, null), null, null, null, null, null);
        Struct s = StepRecords.stepValue(bare, "id", null, new RecordContext("eu-west-1", null, NanHandling.NULL),
                OBSERVED);
        s.validate();
        assertThat(s.getBoolean("is_terminal")).isFalse();
        assertThat(s.getString("aws_account_id")).isNull();
        assertThat(s.getInt32("identical_steps")).as("a step with an endpoint stands for itself").isEqualTo(1);
        for (Field f : s.schema().fields()) {
            if (f.schema().isOptional() && !List.of("endpoint_name", "variant_name", "identical_steps").contains(f.name())) {
                assertThat(s.get(f)).as(f.name()).isNull();
            }
        }
    }

    @Test
    void accountFallsBackToTheConfiguredOneWithoutAJobArn() {
        Struct s = StepRecords.stepValue(TestSteps.completed("job-a", "ml.m5.large", "ep"), "id", null, CONTEXT,
                OBSERVED);
        assertThat(s.getString("aws_account_id")).isEqualTo("999988887777");
        assertThat(s.getString("job_arn")).isNull();
    }

    @Test
    void serverlessStepCarriesItsServerlessConfigurationAndNoInstanceType() {
        StepObservation step = new StepObservation("job-s", "BENCHMARK", "COMPLETED", null,
                new StepObservation.Endpoint("ep-s", "AllTraffic", null, null, 2048, 20, 5), null,
                new StepObservation.Metrics(null, 0.0000021f, 900, 120, null, null, 1500), null, null, null);
        Struct s = StepRecords.stepValue(step, "id", null, CONTEXT, OBSERVED);
        assertThat(s.getString("instance_type")).isNull();
        assertThat(s.getInt32("serverless_memory_size_mb")).isEqualTo(2048);
        assertThat(s.getInt32("serverless_max_concurrency")).isEqualTo(20);
        assertThat(s.getInt32("serverless_provisioned_concurrency")).isEqualTo(5);
        assertThat(s.getFloat64("cost_per_inference")).isEqualTo(0.0000021);
        assertThat(s.getInt32("model_setup_time")).isEqualTo(1500);
        assertThat(s.getInt64("benchmark_duration_ms")).isNull();
    }

    @Test
    void nanMetricFollowsThePolicy() {
        StepObservation step = new StepObservation("job-n", "BENCHMARK", "COMPLETED", null,
                new StepObservation.Endpoint("ep", "v", "ml.g5.xlarge", 1, null, null, null), null,
                new StepObservation.Metrics(Float.NaN, 0.5f, 10, 10, Float.NaN, 1f, null), null, null, null);

        Struct asNull = StepRecords.stepValue(step, "id-n", null,
                new RecordContext("us-east-1", null, NanHandling.NULL), OBSERVED);
        assertThat(asNull.getFloat64("cost_per_hour")).isNull();
        assertThat(asNull.getFloat64("cpu_utilization")).isNull();
        assertThat(asNull.getFloat64("cost_per_inference")).isEqualTo(0.5);

        Struct kept = StepRecords.stepValue(step, "id-n", null,
                new RecordContext("us-east-1", null, NanHandling.KEEP), OBSERVED);
        assertThat(kept.getFloat64("cost_per_hour")).isNaN();

        assertThatThrownBy(() -> StepRecords.stepValue(step, "id-n", null,
                new RecordContext("us-east-1", null, NanHandling.FAIL), OBSERVED))
                .isInstanceOf(NanMetricException.class)
                .hasMessageContaining("job job-n")
                .hasMessageContaining("step id-n")
                .hasMessageContaining("field cost_per_hour")
                .hasMessageContaining("nan.handling");
    }

    @Test
    void floatsKeepTheirShortestDecimalForm() {
        assertThat(Floats.toDouble(0.1f)).isEqualTo(0.1);
        assertThat(Floats.toDouble(1.7f)).isEqualTo(1.7);
        assertThat(Floats.toDouble(3.4028235E38f)).isEqualTo(3.4028235E38);
        assertThat(Floats.toDouble(1.4E-45f)).isEqualTo(1.4E-45);
        assertThat(Floats.toDouble(Float.POSITIVE_INFINITY)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(Floats.toDouble(null)).isNull();
        assertThat((double) 0.1f).as("what a widening cast would give").isNotEqualTo(0.1);
    }

    @Test
    void jobRecordCarriesClosedStateAndTheApiFields() {
        JobObservation job = TestSteps.job("resnet-nightly-1", "COMPLETED");
        String hash = StepRecords.jobContentHash(job, true, "COMPLETE", null);
        Struct s = StepRecords.jobValue("resnet-nightly-1", job, true, "COMPLETE", null, 8, hash, CONTEXT, OBSERVED);
        s.validate();
        assertThat(s.getString("status")).isEqualTo("COMPLETED");
        assertThat(s.getBoolean("closed")).isTrue();
        assertThat(s.getString("close_reason")).isEqualTo("COMPLETE");
        assertThat(s.getInt32("steps_emitted")).isEqualTo(8);
        assertThat(s.getString("aws_account_id")).isEqualTo("111122223333");
        assertThat(((Date) s.get("completion_time")).toInstant()).isEqualTo(Instant.parse("2026-01-05T02:40:00Z"));
        assertThat(s.getInt32("job_duration_seconds")).isEqualTo(7200);
        assertThat(s.getString("traffic_pattern")).isEqualTo("{\"TrafficType\":\"PHASES\"}");
        assertThat(s.getString("endpoint_configurations")).isEqualTo("[{\"InstanceType\":\"ml.c5.xlarge\"}]");
        assertThat(hash).isNotEqualTo(StepRecords.jobContentHash(job, false, null, null));
        assertThat(hash).as("the input configuration is part of the job's content")
                .isNotEqualTo(StepRecords.jobContentHash(job.withInputConfig(null), true, "COMPLETE", null));
    }

    @Test
    void stepKeysOfOneJobNameInTwoAccountsAndTwoRegionsNeverCollide() {
        StepObservation step = TestSteps.completed("nightly-1", "ml.c5.xlarge", "ep-1");
        String id = StepIdentity.stepId(step);
        JobObservation accountA = TestSteps.job("nightly-1", "COMPLETED");
        JobObservation accountB = new JobObservation("nightly-1",
                "arn:aws:sagemaker:eu-west-1:444455556666:inference-recommendations-job/nightly-1", "Default", "COMPLETED",
                null, null, null, null, null, "resnet50", null, null);
        Struct usEast = StepRecords.stepKey(StepRecords.stepValue(step, id, accountA, CONTEXT, OBSERVED));
        Struct euWest = StepRecords.stepKey(StepRecords.stepValue(step, id, accountB,
                new RecordContext("eu-west-1", null, NanHandling.NULL), OBSERVED));
        usEast.validate();
        euWest.validate();
        assertThat(usEast.schema().fields()).extracting(Field::name)
                .containsExactly("aws_account_id", "aws_region", "job_name", "step_id");
        assertThat(List.of(usEast.get("aws_account_id"), usEast.get("aws_region"), usEast.get("job_name"), usEast.get("step_id")))
                .containsExactly("111122223333", "us-east-1", "nightly-1", id);
        assertThat(List.of(euWest.get("aws_account_id"), euWest.get("aws_region"), euWest.get("job_name"), euWest.get("step_id")))
                .containsExactly("444455556666", "eu-west-1", "nightly-1", id);
        assertThat(usEast).as("same job name and step id, other account and region").isNotEqualTo(euWest);
    }

    @Test
    void jobKeyCarriesTheAccountAndRegionOfItsValueAndTheEmptyAccountWhenNoneIsKnown() {
        JobObservation job = TestSteps.job("resnet-nightly-1", "COMPLETED");
        Struct known = StepRecords.jobKey(StepRecords.jobValue("resnet-nightly-1", job, false, null, null, 0, "h",
                CONTEXT, OBSERVED));
        known.validate();
        assertThat(known.schema().fields()).extracting(Field::name).containsExactly("aws_account_id", "aws_region", "job_name");
        assertThat(known.getString("aws_account_id")).as("the ARN's account, as in the value").isEqualTo("111122223333");
        assertThat(known.getString("aws_region")).isEqualTo("us-east-1");

        // a job IAM never let Benchlake read, with no aws.account.id: a key field cannot be null
        Struct unknown = StepRecords.jobKey(StepRecords.jobValue("denied-1", null, false, null, "access denied", 0, "h",
                new RecordContext("eu-west-1", null, NanHandling.NULL), OBSERVED));
        unknown.validate();
        assertThat(unknown.getString("aws_account_id")).isEmpty();
        assertThat(unknown.getString("aws_region")).isEqualTo("eu-west-1");
        assertThat(unknown.getString("job_name")).isEqualTo("denied-1");
    }
}
