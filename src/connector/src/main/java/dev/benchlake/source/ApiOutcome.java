package dev.benchlake.source;

import dev.benchlake.record.JobObservation;

/** What one {@link ApiCall} answered: the job (describe), a page (list steps), or a classified error. */
record ApiOutcome(JobObservation job, RecommenderApi.StepPage page, ApiException error) {

    static ApiOutcome described(JobObservation job) {
        return new ApiOutcome(job, null, null);
    }

    static ApiOutcome page(RecommenderApi.StepPage page) {
        return new ApiOutcome(null, page, null);
    }

    static ApiOutcome failed(ApiException error) {
        return new ApiOutcome(null, null, error);
    }

    boolean failed() {
        return error != null;
    }
}
