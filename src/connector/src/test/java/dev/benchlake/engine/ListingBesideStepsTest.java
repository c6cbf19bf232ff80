package dev.benchlake.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.benchlake.api.FakeRecommenderApi;
import dev.benchlake.api.JobFilter;
import dev.benchlake.config.BenchlakeSourceConfig;
import dev.benchlake.discovery.JobDiscovery;
import dev.benchlake.metrics.TaskStats;
import dev.benchlake.record.TestSteps;

/**
 * A long first listing does not hold the step pages back: the listing and the step pages have budgets of their own
 * (AWS's quotas are per operation), so while the listing waits for its budget, the jobs it has found are read.
 */
class ListingBesideStepsTest {

    /** Listing pages: a discovery backfill of PAGES × PAGE_SIZE finished jobs. */
    private static final int PAGES = 10;
    /** Calls per second of each operation. */
    private static final int BUDGET = 5;

    private final SimulatedTime time = new SimulatedTime(1_767_225_600_000L);
    private SourceEngine engine;

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.stop();
        }
    }

    @Test
    void stepPagesGoOutWhileALongListingWaitsForItsBudget() {
        FakeRecommenderApi fake = new FakeRecommenderApi();
        for (int i = 0; i < PAGES * JobDiscovery.PAGE_SIZE; i++) {
            String name = String.format("done-%05d", i);
            fake.put(TestSteps.job(name, "COMPLETED"), List.of(TestSteps.completed(name, "ml.c5.xlarge", "ep-" + i)));
        }
        // step pages asked for before each listing page, in the listing call's order
        int[] stepPagesBeforeListingPage = new int[PAGES + 1];
        DelegatingApi api = new DelegatingApi(fake) {
            @Override
            public JobPage listJobs(JobFilter filter, Instant modifiedAfter, int maxResults, String nextToken) {
                int page = fake.listJobsCalls.get();
                if (page < stepPagesBeforeListingPage.length) {
                    stepPagesBeforeListingPage[page] = fake.listCalls.get();
                }
                return super.listJobs(filter, modifiedAfter, maxResults, nextToken);
            }
        };
        Map<String, String> props = new HashMap<>();
        props.put("aws.region", "us-east-1");
        props.put("discovery.enabled", "true");
        props.put("discovery.interval.ms", "3600000");
        props.put("discovery.describe.jobs", "false");
        props.put("terminal.grace.period.ms", "0");
        props.put("api.max.requests.per.second", Integer.toString(BUDGET));
        props.put("api.max.concurrent.requests", "1");
        engine = new SourceEngine(EngineDeps.of(api, new BenchlakeSourceConfig(props), time, new Random(1),
                new NoOffsets(), null, new TaskStats()));
        engine.start(List.of());

        long start = time.hiResClockMs();
        while (fake.listJobsCalls.get() < PAGES && time.hiResClockMs() - start < 60_000) {
            engine.poll();
        }
        assertThat(fake.listJobsCalls.get()).as("listing pages asked for").isEqualTo(PAGES);
        // the last page is asked for no sooner than (PAGES - 1) / BUDGET s after the first; in that time the step
        // budget serves about as many pages of the jobs already listed (at least half of them, whatever the burst)
        int before = stepPagesBeforeListingPage[PAGES - 1];
        assertThat(before).as("step pages read before the listing's last page was asked for (the listing took %d ms)",
                time.hiResClockMs() - start).isGreaterThanOrEqualTo((PAGES - 1) / 2);
    }
}
