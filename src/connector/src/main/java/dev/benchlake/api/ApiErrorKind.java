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
    /** Credentials are missing, wrong or lack an IAM permission: fail the task, retrying cannot help. */
    AUTH,
    /** Anything else, for example an answer the SDK cannot parse: isolate the job, back off, try again later. */
    JOB_ERROR
}
