package dev.benchlake.api;

/** What Benchlake does about a failed API call; decided in one place, {@code ApiErrorClassifier}. */
public enum ApiErrorKind {
    /** The API asked us to slow down: back off this job, never fail the task. */
    THROTTLED,
    /** A 5xx, a timeout or a broken connection: back off this job and try again. */
    TRANSIENT,
    /** The NextToken was rejected (expired or invalid): restart the pass at page 1. */
    TOKEN_REJECTED,
    /** The job does not exist (any more). */
    NOT_FOUND,
    /** Credentials are wrong (unknown key id, malformed signature): fail the task, retrying cannot help. */
    AUTH,
    /** IAM denies this call (policies are often scoped to some jobs' ARNs): affects the job it is about. */
    ACCESS_DENIED,
    /**
     * The credentials failed, not the call: they could not be loaded (metadata or container endpoint blips), they
     * expired ({@code ExpiredTokenException}), or the provider's own STS call failed (assume-role, web identity). Back
     * off, fail the task if it lasts past {@code errors.credentials.failure.timeout.ms}; never a per-job denial.
     */
    CREDENTIALS_UNAVAILABLE,
    /** Anything else, for example an answer the SDK cannot parse: isolate the job, back off, try again later. */
    JOB_ERROR
}
