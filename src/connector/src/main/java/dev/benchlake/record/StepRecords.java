package dev.benchlake.record;

import java.time.Instant;
import java.util.Date;

import org.apache.kafka.connect.data.Struct;

import dev.benchlake.api.JobObservation;
import dev.benchlake.api.JobStatuses;
import dev.benchlake.api.StepObservation;

/** Flattens observations into the Structs of {@link RecordSchemas}: pure functions. */
public final class StepRecords {

    private StepRecords() {
    }

    /**
     * The key of a step record, taken from its value so that the two always agree: job names are unique only within
     * one account and region, so the key carries both (BenchmarkStepKey version 2).
     */
    public static Struct stepKey(Struct stepValue) {
        return new Struct(RecordSchemas.STEP_KEY)
                .put("aws_account_id", keyAccount(stepValue))
                .put("aws_region", stepValue.getString("aws_region"))
                .put("job_name", stepValue.getString("job_name"))
                .put("step_id", stepValue.getString("step_id"));
    }

    /**
     * The value record of one step, its {@code content_hash} derived from its other fields
     * ({@link RecordSchemas#STEP_UNVERSIONED} apart).
     *
     * @param job the job as last described, or null when it is not known
     * @throws NanMetricException when a metric is NaN and the policy is {@link NanHandling#FAIL}
     */
    public static Struct stepValue(StepObservation step, String stepId, JobObservation job, RecordContext context,
            Instant observedAt) {
        return stepValue(step, stepId, 1, job, context, observedAt);
    }

    /**
     * The value record of {@code identicalSteps} steps of one job that cannot be told apart (benchmarks that failed
     * before their endpoint existed, with equal inputs): one row that says how many there were.
     */
    public static Struct stepValue(StepObservation step, String stepId, int identicalSteps, JobObservation job,
            RecordContext context, Instant observedAt) {
        Struct s = new Struct(RecordSchemas.STEP)
                .put("step_id", stepId)
                .put("job_name", step.jobName())
                .put("aws_region", context.region())
                .put("step_type", step.stepType())
                .put("status", step.status())
                .put("is_terminal", JobStatuses.isTerminal(step.status()))
                .put("failure_reason", step.failureReason())
                .put("observed_at", Date.from(observedAt))
                .put("identical_steps", identicalSteps);
        String account = job == null ? null : job.accountFromArn();
        s.put("aws_account_id", account != null ? account : context.configuredAccount());
        StepObservation.Endpoint e = step.endpoint();
        if (e != null) {
            s.put("endpoint_name", e.endpointName())
                    .put("variant_name", e.variantName())
                    .put("instance_type", e.instanceType())
                    .put("initial_instance_count", e.initialInstanceCount())
                    .put("serverless_memory_size_mb", e.serverlessMemorySizeMb())
                    .put("serverless_max_concurrency", e.serverlessMaxConcurrency())
                    .put("serverless_provisioned_concurrency", e.serverlessProvisionedConcurrency());
        }
        StepObservation.Model m = step.model();
        if (m != null) {
            s.put("inference_specification_name", m.inferenceSpecificationName())
                    .put("compilation_job_name", m.compilationJobName())
                    .put("environment_parameters", StepIdentity.canonicalEnvironment(m.environmentParameters()));
        }
        StepObservation.Metrics x = step.metrics();
        if (x != null) {
            NanHandling nan = context.nanHandling();
            s.put("cost_per_hour", metric(x.costPerHour(), nan, step, stepId, "cost_per_hour"))
                    .put("cost_per_inference", metric(x.costPerInference(), nan, step, stepId, "cost_per_inference"))
                    .put("max_invocations", x.maxInvocations())
                    .put("model_latency_ms", x.modelLatency())
                    .put("cpu_utilization", metric(x.cpuUtilization(), nan, step, stepId, "cpu_utilization"))
                    .put("memory_utilization", metric(x.memoryUtilization(), nan, step, stepId, "memory_utilization"))
                    .put("model_setup_time", x.modelSetupTime());
        }
        StepObservation.EndpointMetrics em = step.endpointMetrics();
        if (em != null) {
            s.put("endpoint_max_invocations", em.maxInvocations()).put("endpoint_model_latency_ms", em.modelLatency());
        }
        Instant start = step.invocationStartTime();
        Instant end = step.invocationEndTime();
        s.put("invocation_start_time", start == null ? null : new Date(start.toEpochMilli()));
        s.put("invocation_end_time", end == null ? null : new Date(end.toEpochMilli()));
        s.put("benchmark_duration_ms", start == null || end == null ? null : end.toEpochMilli() - start.toEpochMilli());
        if (job != null) {
            s.put("job_arn", job.jobArn())
                    .put("job_type", job.jobType())
                    .put("job_status", job.status())
                    .put("job_creation_time", job.creationTime() == null ? null : new Date(job.creationTime().toEpochMilli()))
                    .put("model_name", job.modelName())
                    .put("model_package_version_arn", job.modelPackageVersionArn());
        }
        return s.put("content_hash", ContentHash.of(s, RecordSchemas.STEP_UNVERSIONED));
    }

    /** The key of a job record, taken from its value (RecommendationJobKey version 2: account, region, job name). */
    public static Struct jobKey(Struct jobValue) {
        return new Struct(RecordSchemas.JOB_KEY)
                .put("aws_account_id", keyAccount(jobValue))
                .put("aws_region", jobValue.getString("aws_region"))
                .put("job_name", jobValue.getString("job_name"));
    }

    /**
     * A key field cannot be null (it becomes a primary key column): a record whose account neither the job ARN nor
     * aws.account.id gives (a job never read, denied or not found) is keyed with the empty string.
     */
    private static String keyAccount(Struct value) {
        String account = value.getString("aws_account_id");
        return account == null ? "" : account;
    }

    /**
     * Hash of what the API reported for a job plus Benchlake's closed state and why it cannot read the job. A job with
     * stopping conditions hashes them over the hash of the rest ({@code job/3}): a job without them keeps the hash it
     * had before the field existed, so an upgrade emits no new record for it.
     */
    public static String jobContentHash(JobObservation job, boolean closed, String closeReason, String readError) {
        if (readError != null) {
            return Hashes.of("job/2", job == null ? null : jobContentHash(job, closed, closeReason, null), readError);
        }
        if (job == null) {
            return Hashes.of("job/1", null, closed, closeReason);
        }
        String hash = Hashes.of("job/1", job.jobName(), job.jobArn(), job.jobType(), job.status(), job.jobDescription(),
                job.failureReason(), millis(job.creationTime()), millis(job.completionTime()),
                millis(job.lastModifiedTime()), job.modelName(), job.modelPackageVersionArn(),
                job.inputConfig() == null ? null : job.inputConfig().jobDurationSeconds(),
                job.inputConfig() == null ? null : job.inputConfig().trafficPattern(),
                job.inputConfig() == null ? null : job.inputConfig().endpointConfigurations(), closed, closeReason);
        String stopping = job.inputConfig() == null ? null : job.inputConfig().stoppingConditions();
        return stopping == null ? hash : Hashes.of("job/3", hash, stopping);
    }

    /**
     * The value record of one job.
     *
     * @param job the job as described, or null when the API no longer knows it
     */
    public static Struct jobValue(String jobName, JobObservation job, boolean closed, String closeReason,
            String readError, int stepsEmitted, String contentHash, RecordContext context, Instant observedAt) {
        Struct s = new Struct(RecordSchemas.JOB)
                .put("job_name", jobName)
                .put("read_error", readError)
                .put("aws_region", context.region())
                .put("closed", closed)
                .put("close_reason", closeReason)
                .put("steps_emitted", stepsEmitted)
                .put("content_hash", contentHash)
                .put("observed_at", Date.from(observedAt));
        String account = job == null ? null : job.accountFromArn();
        s.put("aws_account_id", account != null ? account : context.configuredAccount());
        if (job != null) {
            s.put("job_arn", job.jobArn())
                    .put("job_type", job.jobType())
                    .put("status", job.status())
                    .put("job_description", job.jobDescription())
                    .put("failure_reason", job.failureReason())
                    .put("creation_time", date(job.creationTime()))
                    .put("completion_time", date(job.completionTime()))
                    .put("last_modified_time", date(job.lastModifiedTime()))
                    .put("model_name", job.modelName())
                    .put("model_package_version_arn", job.modelPackageVersionArn());
            JobObservation.InputConfig input = job.inputConfig();
            if (input != null) {
                s.put("job_duration_seconds", input.jobDurationSeconds())
                        .put("traffic_pattern", input.trafficPattern())
                        .put("endpoint_configurations", input.endpointConfigurations())
                        .put("stopping_conditions", input.stoppingConditions());
            }
        }
        return s;
    }

    private static Double metric(Float value, NanHandling policy, StepObservation step, String stepId, String field) {
        if (value == null || !value.isNaN()) {
            return Floats.toDouble(value);
        }
        return switch (policy) {
            case NULL -> null;
            case KEEP -> Double.NaN;
            case FAIL -> throw new NanMetricException(step.jobName(), stepId, field);
        };
    }

    private static Long millis(Instant instant) {
        return instant == null ? null : instant.toEpochMilli();
    }

    private static Date date(Instant instant) {
        return instant == null ? null : new Date(instant.toEpochMilli());
    }
}
