package dev.benchlake.pass;

import java.time.Instant;

import dev.benchlake.api.RecommenderApi;

/**
 * AWS's clock, as its answers tell it: the HTTP {@code Date} of the latest answer ({@link RecommenderApi#serverDate}).
 * A job's CompletionTime is stamped by AWS, so whether it finished "long ago" is judged against AWS's time, not the
 * worker's: a worker clock minutes ahead would otherwise close a job that just finished without its grace re-read. The
 * latest Date lags AWS's now by the age of that answer and its one-second resolution, which errs on the side of
 * re-reading. An API that tells no Date (a test's fake, a proxy that strips it) leaves the worker's wall clock.
 */
final class AwsClock {

    private final RecommenderApi api;

    AwsClock(RecommenderApi api) {
        this.api = api;
    }

    /** AWS's time now, epoch ms; {@code wallMs}, the worker's wall clock, when no answer told it. */
    long nowMs(long wallMs) {
        Instant date = api.serverDate();
        return date == null ? wallMs : date.toEpochMilli();
    }
}
