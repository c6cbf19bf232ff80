package dev.benchlake.retry;

import java.time.Duration;

/**
 * How long Benchlake waits on the errors real accounts give, before it gives up on a job or on the task.
 *
 * @param accessDeniedRetry the wait before a job that IAM denies is tried again
 * @param credentialsFailureTimeout how long credentials may fail to load before the task fails
 * @param notFoundCloseAnswers not-found answers in a row that close a job read before
 * @param notFoundCloseAfter the least time those answers must span
 * @param notFoundRecheckMax the cap of the backoff of a job never read yet
 * @param tokenMaxFailures failures in a row of one NextToken's page that restart the pass at page 1
 */
public record ErrorSettings(Duration accessDeniedRetry, Duration credentialsFailureTimeout, int notFoundCloseAnswers,
        Duration notFoundCloseAfter, Duration notFoundRecheckMax, int tokenMaxFailures) {

    /** The defaults of the connector's configuration. */
    public static final ErrorSettings DEFAULTS = new ErrorSettings(Duration.ofHours(1), Duration.ofMinutes(5), 3,
            Duration.ofMinutes(10), Duration.ofHours(1), 3);
}
