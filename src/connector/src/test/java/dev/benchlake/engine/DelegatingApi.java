package dev.benchlake.engine;

import java.time.Instant;

import dev.benchlake.api.FakeRecommenderApi;
import dev.benchlake.api.JobFilter;
import dev.benchlake.api.JobObservation;
import dev.benchlake.api.RecommenderApi;

/** A {@link FakeRecommenderApi} behind calls a test may hold, count or gate: it overrides only those. */
abstract class DelegatingApi implements RecommenderApi {

    final FakeRecommenderApi delegate;

    DelegatingApi(FakeRecommenderApi delegate) {
        this.delegate = delegate;
    }

    @Override
    public JobObservation describeJob(String jobName) {
        return delegate.describeJob(jobName);
    }

    @Override
    public StepPage listSteps(String jobName, String statusFilter, int maxResults, String nextToken) {
        return delegate.listSteps(jobName, statusFilter, maxResults, nextToken);
    }

    @Override
    public JobPage listJobs(JobFilter filter, Instant modifiedAfter, int maxResults, String nextToken) {
        return delegate.listJobs(filter, modifiedAfter, maxResults, nextToken);
    }

    @Override
    public Instant serverDate() {
        return delegate.serverDate();
    }

    @Override
    public void close() {
    }
}
