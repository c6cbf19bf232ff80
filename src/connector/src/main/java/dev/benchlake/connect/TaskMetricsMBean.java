package dev.benchlake.connect;

/** What a Benchlake task shows over JMX, as {@code dev.benchlake:type=source-task-metrics,connector=…,task=…}. */
public interface TaskMetricsMBean {

    long getApiCalls();

    long getDescribeCalls();

    long getListStepsCalls();

    long getListJobsCalls();

    long getThrottled();

    long getTransientErrors();

    long getJobErrors();

    long getTokenRestarts();

    long getStepPages();

    long getDiscoveryPages();

    long getStepRecords();

    long getJobRecords();

    long getUnidentifiedSteps();

    long getJobsClosed();

    long getJobsNotFound();

    /** Polls that returned to Connect. */
    long getPolls();

    /** The longest poll so far, in ms: Connect stops or rebalances a task only after its poll returned. */
    long getLongestPollMs();

    /** Jobs whose calls IAM denies now; each is tried again after errors.access.denied.retry.ms. */
    long getJobsDenied();

    /** Calls made ahead whose answers went unused because the job had moved on (then made again). */
    long getCallsDiscarded();

    int getJobsActive();

    int getJobsKnown();

    long getOldestDueJobLagMs();
}
