package dev.benchlake.discovery;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.benchlake.api.ApiErrorKind;
import dev.benchlake.api.ApiException;
import dev.benchlake.api.JobFilter;
import dev.benchlake.api.JobObservation;
import dev.benchlake.api.RecommenderApi;
import dev.benchlake.metrics.TaskStats;
import dev.benchlake.retry.Backoff;
import dev.benchlake.retry.ErrorPolicy;

/**
 * Finds the jobs of one task's shard with ListInferenceRecommendationsJobs, one page per call. The first listing
 * covers the whole history (or what the filters allow); later ones ask only for jobs modified after the newest
 * LastModifiedTime seen, less an overlap.
 */
public final class JobDiscovery {

    private static final Logger log = LoggerFactory.getLogger(JobDiscovery.class);
    public static final int PAGE_SIZE = 100;

    private final RecommenderApi api;
    private final JobFilter filter;
    private final int shard;
    private final int shards;
    private final Duration interval;
    private final Duration overlap;
    private final Backoff backoff;
    private final TaskStats stats;

    private Instant watermark;
    private Instant newestSeen;
    private String token;
    private boolean listing;
    private int failures;
    private int pagesThisListing;
    public long dueAtMs;

    public JobDiscovery(RecommenderApi api, JobFilter filter, int shard, int shards, Duration interval, Duration overlap,
            Random random, TaskStats stats) {
        this.api = api;
        this.filter = filter;
        this.shard = shard;
        this.shards = shards;
        this.interval = interval;
        this.overlap = overlap;
        this.backoff = new Backoff(interval, random);
        this.stats = stats;
    }

    /** One ListInferenceRecommendationsJobs call; returns the jobs of this shard on that page. */
    public List<JobObservation> step(long nowMs) {
        if (!listing) {
            listing = true;
            token = null;
            pagesThisListing = 0;
        }
        RecommenderApi.JobPage page;
        try {
            stats.apiCalls.incrementAndGet();
            stats.listJobsCalls.incrementAndGet();
            page = api.listJobs(filter, watermark, PAGE_SIZE, token);
        } catch (ApiException e) {
            return failed(e, nowMs);
        }
        failures = 0;
        pagesThisListing++;
        stats.discoveryPages.incrementAndGet();
        List<JobObservation> mine = new ArrayList<>();
        for (JobObservation job : page.jobs()) {
            if (job.lastModifiedTime() != null && (newestSeen == null || job.lastModifiedTime().isAfter(newestSeen))) {
                newestSeen = job.lastModifiedTime();
            }
            if (JobShard.of(job.jobName(), shards) == shard) {
                mine.add(job);
            }
        }
        if (page.nextToken() != null && !page.nextToken().equals(token)) {
            token = page.nextToken();
            dueAtMs = nowMs;
        } else {
            if (page.nextToken() != null) {
                log.warn("job listing returned the NextToken it was given; listing again at the next interval");
            }
            listing = false;
            if (newestSeen != null) {
                watermark = newestSeen.minus(overlap);
            }
            dueAtMs = nowMs + interval.toMillis();
            log.debug("job listing done in {} pages; next lists jobs modified after {}", pagesThisListing, watermark);
        }
        return mine;
    }

    private List<JobObservation> failed(ApiException e, long nowMs) {
        switch (ErrorPolicy.reactionTo(e.kind())) {
            case FAIL_TASK -> throw new ConnectException("Benchlake cannot list jobs: " + e.getMessage(), e);
            case RESTART_PASS -> {
                stats.tokenRestarts.incrementAndGet();
                listing = false;
                dueAtMs = nowMs;
                return List.of();
            }
            // a listing has no job to be missing: not found is a fault like any other here
            default -> stats.countRetried(e.kind() == ApiErrorKind.NOT_FOUND ? ApiErrorKind.TRANSIENT : e.kind());
        }
        failures++;
        dueAtMs = nowMs + backoff.delayMs(failures);
        log.debug("job listing failed ({}): {}; again in {} ms", e.kind(), e.getMessage(), dueAtMs - nowMs);
        return List.of();
    }
}
