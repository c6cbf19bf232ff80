package dev.benchlake.trends.stream;

import org.apache.kafka.connect.data.Struct;

/**
 * The fields of a recommendation job (schemas/RecommendationJob.avsc) a series needs: its type, its load (the traffic
 * pattern) and when the load test stops (the stopping conditions). Not the job's timeout: it is no part of a series.
 */
public record JobRow(String accountId, String region, String jobName, String jobType, Long creationTime,
                     String modelName, String modelPackageVersionArn, String trafficPattern, String stoppingConditions) {

    public String jobKey() {
        return Keys.job(accountId, region, jobName);
    }

    public static JobRow of(Struct s) {
        return new JobRow(StepRow.string(s, "aws_account_id"), StepRow.string(s, "aws_region"),
                StepRow.string(s, "job_name"), StepRow.string(s, "job_type"), StepRow.millis(s, "creation_time"),
                StepRow.string(s, "model_name"), StepRow.string(s, "model_package_version_arn"),
                // null in records written before the field existed
                StepRow.string(s, "traffic_pattern"), StepRow.string(s, "stopping_conditions"));
    }
}
