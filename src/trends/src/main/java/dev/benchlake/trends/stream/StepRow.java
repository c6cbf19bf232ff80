package dev.benchlake.trends.stream;

import java.util.Date;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;

/** The fields of a benchmark step (schemas/BenchmarkStep.avsc) the detector needs. */
public record StepRow(String accountId, String region, String jobName, String stepId, String status,
                      String instanceType, Integer initialInstanceCount, Integer serverlessMemorySizeMb,
                      Integer serverlessMaxConcurrency, Integer serverlessProvisionedConcurrency,
                      String inferenceSpecificationName, String compilationJobName, String environmentParameters,
                      Integer modelLatencyMs, Integer maxInvocations, Double costPerInference, String jobType,
                      Long jobCreationTime, Long invocationStartTime, String modelName,
                      String modelPackageVersionArn) {

    /** The job's key: account (empty when unknown, as in the record key), region, job name. */
    public String jobKey() {
        return Keys.job(accountId, region, jobName);
    }

    public static StepRow of(Struct s) {
        return new StepRow(string(s, "aws_account_id"), string(s, "aws_region"), string(s, "job_name"),
                string(s, "step_id"), string(s, "status"), string(s, "instance_type"),
                integer(s, "initial_instance_count"), integer(s, "serverless_memory_size_mb"),
                integer(s, "serverless_max_concurrency"), integer(s, "serverless_provisioned_concurrency"),
                string(s, "inference_specification_name"), string(s, "compilation_job_name"),
                string(s, "environment_parameters"), integer(s, "model_latency_ms"), integer(s, "max_invocations"),
                dbl(s, "cost_per_inference"), string(s, "job_type"), millis(s, "job_creation_time"),
                millis(s, "invocation_start_time"), string(s, "model_name"), string(s, "model_package_version_arn"));
    }

    static Object get(Struct s, String name) {
        Field f = s.schema().field(name);
        return f == null ? null : s.get(f);
    }

    static String string(Struct s, String name) {
        Object v = get(s, name);
        return v == null ? null : v.toString();
    }

    static Integer integer(Struct s, String name) {
        Object v = get(s, name);
        return v instanceof Number n ? Integer.valueOf(n.intValue()) : null;
    }

    static Double dbl(Struct s, String name) {
        Object v = get(s, name);
        return v instanceof Number n ? Double.valueOf(n.doubleValue()) : null;
    }

    static Long millis(Struct s, String name) {
        Object v = get(s, name);
        return v instanceof Date d ? Long.valueOf(d.getTime()) : v instanceof Number n ? Long.valueOf(n.longValue()) : null;
    }
}
