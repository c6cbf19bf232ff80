package dev.benchlake.source;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.benchlake.record.JobObservation;

/**
 * Finds the jobs of one task's shard with ListInferenceRecommendationsJobs, one page per call. The first listing
 * covers the whole history (or what the filters allow); later ones ask only for jobs modified after the newest
 * LastModifiedTime seen, less an overlap.
 */
final class JobDiscovery {

    private static final Logger log = LoggerFactory.getLogger(JobDiscovery.class);
    static final int PAGE_SIZE = 100;

    private final RecommenderApi api;
    private final JobFilter filter;
    private final int shard;
    private final int shards;
    private final Duration interval;
    private final Duration overlap;
    private final Random random;
    private final TaskStats stats;

    private Instant watermark;
    private Instant newestSeen;
    private String token;
    private boolean listing;
    private int failures;
    private int pagesThisListing;
    long dueAtMs;

    JobDiscovery(RecommenderApi api, JobFilter filter, int shard, int shards, Duration interval, Duration overlap,
            Random random, TaskStats stats) {
        this.api = api;
        this.filter = filter;
        this.shard = shard;
        this.shards = shards;
        this.interval = interval;
        this.overlap = overlap;
        this.random = random;
        this.stats = stats;
    }

    /** One ListInferenceRecommendationsJobs call; returns the jobs of this shard on that page. */
    List<JobObservation> step(long nowMs) {
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
        switch (e.kind()) {
            case AUTH -> throw new ConnectException("Benchlake cannot list jobs: " + e.getMessage(), e);
            case TOKEN_REJECTED -> {
                stats.tokenRestarts.incrementAndGet();
                listing = false;
                dueAtMs = nowMs;
                return List.of();
            }
            case THROTTLED -> stats.throttled.incrementAndGet();
            default -> stats.transientErrors.incrementAndGet();
        }
        failures++;
        long bound = Math.min(interval.toMillis(), JobReader.BACKOFF_BASE_MS << Math.min(failures - 1, 16));
        dueAtMs = nowMs + bound / 2 + (long) (random.nextDouble() * bound / 2);
        log.debug("job listing failed ({}): {}; again in {} ms", e.kind(), e.getMessage(), dueAtMs - nowMs);
        return List.of();
    }
}
