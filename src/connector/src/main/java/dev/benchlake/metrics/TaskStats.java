package dev.benchlake.metrics;

import java.util.concurrent.atomic.AtomicLong;

/** Counters of one task; read by logs, tests and metrics. */
public final class TaskStats {

    public final AtomicLong apiCalls = new AtomicLong();
    public final AtomicLong describeCalls = new AtomicLong();
    public final AtomicLong listStepsCalls = new AtomicLong();
    public final AtomicLong listJobsCalls = new AtomicLong();
    public final AtomicLong throttled = new AtomicLong();
    public final AtomicLong transientErrors = new AtomicLong();
    public final AtomicLong jobErrors = new AtomicLong();
    public final AtomicLong tokenRestarts = new AtomicLong();
    public final AtomicLong pages = new AtomicLong();
    public final AtomicLong discoveryPages = new AtomicLong();
    public final AtomicLong stepRecords = new AtomicLong();
    public final AtomicLong jobRecords = new AtomicLong();
    public final AtomicLong unidentifiedSteps = new AtomicLong();
    public final AtomicLong jobsClosed = new AtomicLong();
    public final AtomicLong jobsNotFound = new AtomicLong();
    /** Jobs whose calls IAM denies now (each waits errors.access.denied.retry.ms before it is tried again). */
    public final AtomicLong jobsDenied = new AtomicLong();
    /** Calls made ahead whose answers were not used, because the job's state had moved on; made again. */
    public final AtomicLong callsDiscarded = new AtomicLong();

    /** Polls that returned to Connect, and the longest of them: a poll blocks Connect's stop and rebalance. */
    public final AtomicLong polls = new AtomicLong();
    public final AtomicLong longestPollMs = new AtomicLong();

    public void pollReturned(long ms) {
        polls.incrementAndGet();
        longestPollMs.accumulateAndGet(ms, Math::max);
    }

    /** Counts a failed call that is retried: by its kind, throttling apart from faults. */
    public void countRetried(dev.benchlake.api.ApiErrorKind kind) {
        switch (kind) {
            case THROTTLED -> throttled.incrementAndGet();
            case JOB_ERROR -> jobErrors.incrementAndGet();
            default -> transientErrors.incrementAndGet();
        }
    }

    @Override
    public String toString() {
        return "apiCalls=" + apiCalls + " (describe=" + describeCalls + ", listSteps=" + listStepsCalls
                + ", listJobs=" + listJobsCalls + "), throttled=" + throttled + ", transientErrors=" + transientErrors
                + ", jobErrors=" + jobErrors + ", tokenRestarts=" + tokenRestarts + ", pages=" + pages
                + ", discoveryPages=" + discoveryPages
                + ", stepRecords=" + stepRecords + ", jobRecords=" + jobRecords + ", unidentifiedSteps="
                + unidentifiedSteps + ", jobsClosed=" + jobsClosed + ", jobsNotFound=" + jobsNotFound + ", jobsDenied=" + jobsDenied
                + ", callsDiscarded=" + callsDiscarded;
    }
}
