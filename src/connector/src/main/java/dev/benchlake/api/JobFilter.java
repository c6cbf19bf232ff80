package dev.benchlake.api;

import java.time.Instant;

/** The discovery filters of ListInferenceRecommendationsJobs; null means "no filter". */
public record JobFilter(String nameContains, String status, String modelName, String modelPackageVersionArn,
        Instant createdAfter) {

    public static final JobFilter NONE = new JobFilter(null, null, null, null, null);
}
