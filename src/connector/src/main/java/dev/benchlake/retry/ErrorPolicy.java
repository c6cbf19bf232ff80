package dev.benchlake.retry;

import dev.benchlake.api.ApiErrorKind;

/**
 * What a failed call means for the job (or the listing) it was about: decided here, once, for every stage.
 * {@code ApiErrorClassifier} says what kind of error the API returned; this says what Benchlake does about it.
 */
public final class ErrorPolicy {

    /** The reaction to one failed call. */
    public enum Reaction {
        /** Retrying cannot help (credentials, IAM): fail the task with the message. */
        FAIL_TASK,
        /** The NextToken was rejected: start the pass (or listing) again at page 1. */
        RESTART_PASS,
        /** The job does not exist (any more): the caller decides between checking again and closing it. */
        NOT_FOUND,
        /** IAM denies calls about this job: it alone waits long; the listing denied fails the task. */
        DENIED,
        /** Credentials cannot be loaded now: back off like a transient fault, fail the task if it lasts. */
        CREDENTIALS,
        /** Throttling, a transient fault or a job-specific error: back off this job and try again. */
        BACK_OFF
    }

    private ErrorPolicy() {
    }

    public static Reaction reactionTo(ApiErrorKind kind) {
        return switch (kind) {
            case AUTH -> Reaction.FAIL_TASK;
            case TOKEN_REJECTED -> Reaction.RESTART_PASS;
            case NOT_FOUND -> Reaction.NOT_FOUND;
            case ACCESS_DENIED -> Reaction.DENIED;
            case CREDENTIALS_UNAVAILABLE -> Reaction.CREDENTIALS;
            case THROTTLED, TRANSIENT, JOB_ERROR -> Reaction.BACK_OFF;
        };
    }
}
