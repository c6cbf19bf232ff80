package dev.benchlake.api;

import java.time.Instant;

/** One Inference Recommender job as the API reported it, free of AWS SDK types. */
public record JobObservation(
        String jobName,
        String jobArn,
        String jobType,
        String status,
        String jobDescription,
        String failureReason,
        Instant creationTime,
        Instant completionTime,
        Instant lastModifiedTime,
        String modelName,
        String modelPackageVersionArn,
        InputConfig inputConfig) {

    /**
     * What only DescribeInferenceRecommendationsJob tells (listings do not carry it): the essentials of the job's input
     * configuration and its stopping conditions. The JSON values keep the API's own member names.
     *
     * @param stoppingConditions the job's {@code StoppingConditions} as JSON, members in the order of AWS's model and
     *     only those the API sent; null when the answer had none
     */
    public record InputConfig(Integer jobDurationSeconds, String trafficPattern, String endpointConfigurations,
                              String stoppingConditions) {

        /** An input configuration of a job without stopping conditions. */
        public InputConfig(Integer jobDurationSeconds, String trafficPattern, String endpointConfigurations) {
            this(jobDurationSeconds, trafficPattern, endpointConfigurations, null);
        }
    }

    /** This observation with the input configuration of another (a listing, completed by an earlier describe). */
    public JobObservation withInputConfig(InputConfig config) {
        return new JobObservation(jobName, jobArn, jobType, status, jobDescription, failureReason, creationTime,
                completionTime, lastModifiedTime, modelName, modelPackageVersionArn, config);
    }

    /** The account id inside the job ARN ({@code arn:aws:sagemaker:region:account:...}), if there is one. */
    public String accountFromArn() {
        if (jobArn == null) {
            return null;
        }
        String[] parts = jobArn.split(":", 6);
        return parts.length >= 5 && !parts[4].isEmpty() ? parts[4] : null;
    }
}
