package dev.benchlake.discovery;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

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
import dev.benchlake.retry.CredentialsWatch;
import dev.benchlake.retry.ErrorPolicy;

/**
 * Finds the jobs of one task's shard with ListInferenceRecommendationsJobs, one page per call: {@link #nextCall} says
 * which page, {@link #call} asks for it (on any thread), {@link #apply} takes the answer in. The first listing covers
 * the whole history (or what the filters allow); later ones ask only for jobs modified after the newest
 * LastModifiedTime seen, less an overlap.
 */
public final class JobDiscovery {

    private static final Logger log = LoggerFactory.getLogger(JobDiscovery.class);
    public static final int PAGE_SIZE = 100;

    /** One page of a listing: the watermark of the listing and the token of the page (null for page 1). */
    public record ListCall(Instant modifiedAfter, String token) {
    }

    /** The answer to a {@link ListCall}: a page, or the error. */
    public record ListOutcome(RecommenderApi.JobPage page, ApiException error) {
    }

    private final RecommenderApi api;
    private final JobFilter filter;
    private final int shard;
    private final int shards;
    private final Duration interval;
    private final Duration overlap;
    private final Backoff backoff;
    private final CredentialsWatch credentials;
    private final TaskStats stats;

    private Instant watermark;
    private Instant newestSeen;
    private String token;
    /** Every token of the listing in progress: a token seen again means the listing loops (A→B→A). */
    private final Set<String> tokensThisListing = new HashSet<>();
    private boolean listing;
    private boolean listedOnce;
    private int failures;
    /** Listings in a row that did not complete (a token rejected, or a token loop): they back off, growing. */
    private int incompleteListings;
    private int pagesThisListing;
    private long dueAtMs;

    /** What the connector's configuration says of discovery, parsed once: the filter, how often, the overlap. */
    public record Settings(JobFilter filter, Duration interval, Duration overlap) {
    }

    public JobDiscovery(RecommenderApi api, Settings settings, int shard, int shards, Random random, TaskStats stats) {
        this(api, settings, shard, shards, random, stats, new CredentialsWatch(Duration.ofMinutes(5)));
    }

    public JobDiscovery(RecommenderApi api, Settings settings, int shard, int shards, Random random, TaskStats stats,
            CredentialsWatch credentials) {
        this.api = api;
        this.filter = settings.filter();
        this.shard = shard;
        this.shards = shards;
        this.interval = settings.interval();
        this.overlap = settings.overlap();
        this.backoff = new Backoff(interval, random);
        this.credentials = credentials;
        this.stats = stats;
    }

    /** When the next listing page is due, in ms of the clock the caller passes to {@link #apply}. */
    public long dueAtMs() {
        return dueAtMs;
    }

    /** Makes the next listing page due at {@code ms}. */
    public void dueAt(long ms) {
        dueAtMs = ms;
    }

    /** Whether one whole listing has been read: until then the task cannot know all the jobs of its shard. */
    public boolean listedOnce() {
        return listedOnce;
    }

    /** The page the listing needs next. */
    public ListCall nextCall() {
        if (!listing) {
            listing = true;
            token = null;
            tokensThisListing.clear();
            pagesThisListing = 0;
        }
        return new ListCall(watermark, token);
    }

    /** Asks for one page. Safe from any thread: it touches only the API and the atomic counters. */
    public ListOutcome call(ListCall call) {
        stats.apiCalls.incrementAndGet();
        stats.listJobsCalls.incrementAndGet();
        try {
            return new ListOutcome(api.listJobs(filter, call.modifiedAfter(), PAGE_SIZE, call.token()), null);
        } catch (ApiException e) {
            return new ListOutcome(null, e);
        }
    }

    /** One listing call made here and now; returns the jobs of this shard on its page. */
    public List<JobObservation> step(long nowMs) {
        return apply(call(nextCall()), nowMs);
    }

    /** Takes in the answer to {@link #nextCall}; returns the jobs of this shard on that page. */
    public List<JobObservation> apply(ListOutcome outcome, long nowMs) {
        if (outcome.error() != null) {
            return failed(outcome.error(), nowMs);
        }
        RecommenderApi.JobPage page = outcome.page();
        credentials.succeeded();
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
        String next = page.nextToken();
        if (token != null) {
            tokensThisListing.add(token);
        }
        if (next != null && !next.equals(token) && !tokensThisListing.contains(next)) {
            token = next;
            dueAtMs = nowMs;
        } else if (next != null) {
            // a loop: the pages after it were never read, so the watermark stays where the last complete listing put it
            listing = false;
            incompleteListings++;
            dueAtMs = nowMs + Math.max(interval.toMillis(), backoff.delayMs(incompleteListings));
            log.warn("job listing returned a NextToken it had returned before in this listing ({} pages); listing "
                    + "again from page 1 in {} ms, jobs modified after {}", pagesThisListing, dueAtMs - nowMs, watermark);
        } else {
            listing = false;
            listedOnce = true;
            incompleteListings = 0;
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
            // the listing is the task's whole view of its shard: without it, nothing can be read
            case FAIL_TASK, DENIED -> throw new ConnectException("Benchlake cannot list jobs: " + e.getMessage(), e);
            case RESTART_PASS -> {
                // from page 1 again, after a backoff that grows while the tokens keep being rejected
                stats.tokenRestarts.incrementAndGet();
                listing = false;
                incompleteListings++;
                dueAtMs = nowMs + backoff.delayMs(incompleteListings);
                log.info("job listing: the API rejected the NextToken ({}); listing again from page 1 in {} ms",
                        e.getMessage(), dueAtMs - nowMs);
                return List.of();
            }
            case CREDENTIALS -> {
                credentials.failed(nowMs, e);
                stats.transientErrors.incrementAndGet();
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
