package dev.benchlake.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;


/** An in-memory API with page tokens "page-N" and scripted failures; calls may come from several threads. */
public final class FakeRecommenderApi implements RecommenderApi {

    public final Map<String, JobObservation> jobs = new HashMap<>();
    public final Map<String, List<StepObservation>> steps = new HashMap<>();
    public final Deque<ApiException> failures = new ConcurrentLinkedDeque<>();
    public final List<String> tokensReceived = Collections.synchronizedList(new ArrayList<>());
    public final AtomicInteger describeCalls = new AtomicInteger();
    public final AtomicInteger listCalls = new AtomicInteger();
    public final AtomicInteger listJobsCalls = new AtomicInteger();
    /** ListSteps calls per job. */
    public final Map<String, AtomicInteger> listCallsByJob = new java.util.concurrent.ConcurrentHashMap<>();
    /** When set, every page answers with this token instead of the next one. */
    public String stuckToken;
    /** AWS's clock as the answers' Date header would tell it; null: the answers tell none. */
    public volatile java.time.Instant serverDate;

    public void put(JobObservation job, List<StepObservation> jobSteps) {
        jobs.put(job.jobName(), job);
        steps.put(job.jobName(), new ArrayList<>(jobSteps));
    }

    @Override
    public JobObservation describeJob(String jobName) {
        describeCalls.incrementAndGet();
        ApiException failure = failures.poll();
        if (failure != null) {
            throw failure;
        }
        JobObservation job = jobs.get(jobName);
        if (job == null) {
            throw new ApiException(ApiErrorKind.NOT_FOUND, "DescribeInferenceRecommendationsJob", "not found", null);
        }
        return job;
    }

    @Override
    public StepPage listSteps(String jobName, String statusFilter, int maxResults, String nextToken) {
        listCalls.incrementAndGet();
        listCallsByJob.computeIfAbsent(jobName, j -> new AtomicInteger()).incrementAndGet();
        tokensReceived.add(nextToken);
        ApiException failure = failures.poll();
        if (failure != null) {
            throw failure;
        }
        List<StepObservation> all = steps.get(jobName);
        if (all == null) {
            throw new ApiException(ApiErrorKind.NOT_FOUND, "ListInferenceRecommendationsJobSteps", "not found", null);
        }
        List<StepObservation> filtered = all.stream().filter(s -> statusFilter == null || statusFilter.equals(s.status())).toList();
        int from = nextToken == null ? 0 : Integer.parseInt(nextToken.substring("page-".length()));
        int to = Math.min(filtered.size(), from + maxResults);
        String next = to < filtered.size() ? "page-" + to : null;
        if (stuckToken != null) {
            next = stuckToken;
        }
        return new StepPage(List.copyOf(filtered.subList(from, to)), next);
    }

    @Override
    public JobPage listJobs(JobFilter filter, java.time.Instant modifiedAfter, int maxResults, String nextToken) {
        listJobsCalls.incrementAndGet();
        List<JobObservation> all = jobs.values().stream()
                .filter(j -> modifiedAfter == null || j.lastModifiedTime().isAfter(modifiedAfter))
                .filter(j -> filter.nameContains() == null || j.jobName().contains(filter.nameContains()))
                .sorted(java.util.Comparator.comparing(JobObservation::jobName)).toList();
        int from = nextToken == null ? 0 : Integer.parseInt(nextToken.substring("jobs-".length()));
        int to = Math.min(all.size(), from + maxResults);
        return new JobPage(List.copyOf(all.subList(from, to)), to < all.size() ? "jobs-" + to : null);
    }

    @Override
    public java.time.Instant serverDate() {
        return serverDate;
    }

    @Override
    public void close() {
    }
}
