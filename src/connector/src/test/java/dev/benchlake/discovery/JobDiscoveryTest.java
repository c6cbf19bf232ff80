package dev.benchlake.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.benchlake.api.ApiErrorKind;
import dev.benchlake.api.ApiException;
import dev.benchlake.api.FakeRecommenderApi;
import dev.benchlake.api.JobFilter;
import dev.benchlake.api.JobObservation;
import dev.benchlake.metrics.TaskStats;

class JobDiscoveryTest {

    private final FakeRecommenderApi api = new FakeRecommenderApi();
    private final TaskStats stats = new TaskStats();

    private static JobObservation job(String name, Instant modified) {
        return new JobObservation(name, null, "Default", "IN_PROGRESS", null, null, modified, null, modified, "m", null, null);
    }

    private List<String> listing(JobDiscovery d, long now) {
        List<String> found = new ArrayList<>();
        do {
            d.step(now).forEach(j -> found.add(j.jobName()));
        } while (d.dueAtMs() <= now);
        return found;
    }

    @Test
    void tasksFindDisjointShardsThatTogetherCoverEveryJob() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < 250; i++) {
            api.put(job("job-" + i, t.plusSeconds(i)), List.of());
        }
        Set<String> all = new HashSet<>();
        int total = 0;
        for (int shard = 0; shard < 3; shard++) {
            JobDiscovery d = new JobDiscovery(api, settings(Duration.ofMinutes(5)), shard, 3, new Random(1), stats);
            List<String> mine = listing(d, 0);
            int expected = shard;
            assertThat(mine).isNotEmpty().allSatisfy(n -> assertThat(JobShard.of(n, 3)).isEqualTo(expected));
            all.addAll(mine);
            total += mine.size();
        }
        assertThat(all).hasSize(250);
        assertThat(total).as("no job in two shards").isEqualTo(250);
        assertThat(stats.discoveryPages.get()).as("three pages of 100 per task").isEqualTo(9);
    }

    @Test
    void laterListingsAskOnlyForJobsModifiedSinceTheNewestSeenLessTheOverlap() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        api.put(job("a", t), List.of());
        api.put(job("b", t.plusSeconds(3_600)), List.of());
        JobDiscovery d = new JobDiscovery(api, settings(Duration.ofSeconds(60)), 0, 1, new Random(1), stats);
        assertThat(listing(d, 0)).containsExactly("a", "b");
        assertThat(d.dueAtMs()).isEqualTo(60_000);

        api.put(job("c", t.plusSeconds(7_200)), List.of());
        // the listing starts 10 minutes before b, the newest seen: a is not asked for again, b is (the engine
        // ignores jobs it knows), c is new
        assertThat(listing(d, 60_000)).containsExactly("b", "c");
        api.put(job("d", t.plusSeconds(7_200 - 300)), List.of());
        assertThat(listing(d, 120_000)).as("a job reported late inside the overlap is still found").containsExactly("c", "d");
    }

    @Test
    void aListingThatLoopsThroughEarlierTokensEndsInsteadOfListingForever() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        List<String> tokensAsked = new ArrayList<>();
        // page 1 → token A → token B → token A again: the next-page check alone would follow A→B→A forever
        dev.benchlake.api.RecommenderApi looping = new dev.benchlake.api.RecommenderApi() {
            @Override
            public JobObservation describeJob(String jobName) {
                throw new UnsupportedOperationException();
            }

            @Override
            public StepPage listSteps(String jobName, String statusFilter, int maxResults, String nextToken) {
                throw new UnsupportedOperationException();
            }

            @Override
            public JobPage listJobs(JobFilter filter, Instant modifiedAfter, int maxResults, String nextToken) {
                tokensAsked.add(nextToken);
                String next = nextToken == null ? "A" : nextToken.equals("A") ? "B" : "A";
                return new JobPage(List.of(job("job-" + tokensAsked.size(), t)), next);
            }

            @Override
            public void close() {
            }
        };
        JobDiscovery d = new JobDiscovery(looping, settings(Duration.ofMinutes(5)), 0, 1, new Random(1), stats);
        List<String> found = listing(d, 0);
        assertThat(tokensAsked).containsExactly(null, "A", "B");
        assertThat(found).containsExactly("job-1", "job-2", "job-3");
        assertThat(d.listedOnce()).as("a listing ended by a loop is not complete").isFalse();
        assertThat(d.dueAtMs()).as("listed again at the next interval").isEqualTo(Duration.ofMinutes(5).toMillis());
        assertThat(d.nextCall().modifiedAfter()).as("the watermark does not pass pages never read").isNull();
    }

    @Test
    void aListingWhoseTokensAreAlwaysRejectedBacksOffAndKeepsItsWatermark() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < 150; i++) {
            api.put(job("job-" + i, t.plusSeconds(i)), List.of());
        }
        Duration interval = Duration.ofMinutes(5);
        boolean[] rejecting = {false};
        dev.benchlake.api.RecommenderApi rejects = new dev.benchlake.api.RecommenderApi() {
            @Override
            public JobObservation describeJob(String jobName) {
                throw new UnsupportedOperationException();
            }

            @Override
            public StepPage listSteps(String jobName, String statusFilter, int maxResults, String nextToken) {
                throw new UnsupportedOperationException();
            }

            @Override
            public JobPage listJobs(JobFilter filter, Instant modifiedAfter, int maxResults, String nextToken) {
                if (rejecting[0] && nextToken != null) {
                    throw new ApiException(ApiErrorKind.TOKEN_REJECTED, "ListInferenceRecommendationsJobs",
                            "invalid token", null);
                }
                return api.listJobs(filter, modifiedAfter, maxResults, nextToken);
            }

            @Override
            public void close() {
            }
        };
        JobDiscovery d = new JobDiscovery(rejects, settings(interval), 0, 1, new Random(1), stats);
        assertThat(listing(d, 0)).hasSize(150);
        Instant watermark = d.nextCall().modifiedAfter();
        assertThat(watermark).isEqualTo(t.plusSeconds(149).minus(Duration.ofMinutes(10)));

        // every token is rejected from now on: page 1 is read, page 2 fails, page 1 again, and so on
        rejecting[0] = true;
        long now = interval.toMillis();
        long lastWait = 0;
        for (int round = 1; round <= 8; round++) {
            for (int i = 150; i < 300; i++) {
                api.put(job("job-" + i, t.plusSeconds(3_600 + i)), List.of());
            }
            d.step(now);
            assertThat(d.dueAtMs()).as("page 2 is asked for at once").isEqualTo(now);
            d.step(now);
            long wait = d.dueAtMs() - now;
            // Backoff's bound doubles from 200 ms, the wait is between half and all of it
            long bound = Math.min(interval.toMillis(), 200L << (round - 1));
            assertThat(wait).as("round %d backs off", round).isBetween(bound / 2, bound);
            lastWait = wait;
            assertThat(d.nextCall().modifiedAfter()).as("no complete listing: the watermark stays").isEqualTo(watermark);
            now = d.dueAtMs();
        }
        assertThat(lastWait).as("the backoff grew").isGreaterThan(6_400);
    }

    /** Discovery without filters, every {@code interval}, with a 10-minute overlap. */
    private static JobDiscovery.Settings settings(Duration interval) {
        return new JobDiscovery.Settings(JobFilter.NONE, interval, Duration.ofMinutes(10));
    }
}
