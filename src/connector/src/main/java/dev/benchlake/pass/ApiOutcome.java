package dev.benchlake.pass;

import dev.benchlake.api.ApiException;
import dev.benchlake.api.JobObservation;
import dev.benchlake.api.RecommenderApi;

/** What one {@link ApiCall} answered: the job (describe), a page (list steps), or a classified error. */
public record ApiOutcome(JobObservation job, RecommenderApi.StepPage page, ApiException error) {

    public static ApiOutcome described(JobObservation job) {
        return new ApiOutcome(job, null, null);
    }

    public static ApiOutcome page(RecommenderApi.StepPage page) {
        return new ApiOutcome(null, page, null);
    }

    public static ApiOutcome failed(ApiException error) {
        return new ApiOutcome(null, null, error);
    }

    public boolean failed() {
        return error != null;
    }
}
