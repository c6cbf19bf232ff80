package dev.benchlake.record;

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
        String modelPackageVersionArn) {

    /** The account id inside the job ARN ({@code arn:aws:sagemaker:region:account:...}), if there is one. */
    public String accountFromArn() {
        if (jobArn == null) {
            return null;
        }
        String[] parts = jobArn.split(":", 6);
        return parts.length >= 5 && !parts[4].isEmpty() ? parts[4] : null;
    }
}
