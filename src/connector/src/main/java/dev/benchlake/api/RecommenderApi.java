package dev.benchlake.api;

import java.util.List;


/**
 * The SageMaker calls Benchlake makes, in plain types. The AWS SDK implementation lives in
 * {@code dev.benchlake.sagemaker}; tests use fakes. Every method throws {@link ApiException} with the
 * error already classified.
 */
public interface RecommenderApi extends AutoCloseable {

    /** DescribeInferenceRecommendationsJob. */
    JobObservation describeJob(String jobName);

    /** One page of ListInferenceRecommendationsJobSteps. */
    StepPage listSteps(String jobName, String statusFilter, int maxResults, String nextToken);

    /** One page of ListInferenceRecommendationsJobs, sorted by creation time ascending. */
    JobPage listJobs(JobFilter filter, java.time.Instant modifiedAfter, int maxResults, String nextToken);

    /**
     * AWS's clock: the HTTP {@code Date} of the latest answer (error answers included), the latest of them when calls
     * overlap; null when this API cannot tell (the default, for fakes).
     */
    default java.time.Instant serverDate() {
        return null;
    }

    @Override
    void close();

    /** One page of job summaries and the token of the next page, null on the last page. */
    record JobPage(List<JobObservation> jobs, String nextToken) {
    }

    /** One page of steps and the token of the next page, null on the last page. */
    record StepPage(List<StepObservation> steps, String nextToken) {
    }
}
