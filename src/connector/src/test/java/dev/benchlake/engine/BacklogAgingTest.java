package dev.benchlake.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.benchlake.api.FakeRecommenderApi;
import dev.benchlake.config.BenchlakeSourceConfig;
import dev.benchlake.metrics.TaskStats;
import dev.benchlake.record.TestSteps;

/**
 * The backlog has a guaranteed share: live jobs that need more calls per poll interval than the budget allows do not
 * keep a backlog job unread.
 */
class BacklogAgingTest {

    private static final int RUNNING = 10;
    private static final long POLL_INTERVAL_MS = 1_000;
    /** Calls per second: the running jobs want RUNNING per second (one page each per poll interval), twice this. */
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
    void aBacklogJobIsReadWhileLiveJobsSaturateTheBudget() {
        FakeRecommenderApi api = new FakeRecommenderApi();
        for (int i = 0; i < RUNNING; i++) {
            String name = "running-" + i;
            api.put(TestSteps.job(name, "IN_PROGRESS"), List.of(TestSteps.running(name, "ml.c5.xlarge", "ep-" + i)));
        }
        // listed as finished: backlog, behind every live job
        api.put(TestSteps.job("finished", "COMPLETED"), List.of(TestSteps.completed("finished", "ml.c5.xlarge", "ep-f")));
        Map<String, String> props = new HashMap<>();
        props.put("aws.region", "us-east-1");
        props.put("discovery.enabled", "true");
        props.put("discovery.interval.ms", "3600000");
        props.put("discovery.describe.jobs", "false");
        props.put("poll.interval.ms", Long.toString(POLL_INTERVAL_MS));
        props.put("terminal.grace.period.ms", "0");
        props.put("api.max.requests.per.second", Integer.toString(BUDGET));
        props.put("api.max.concurrent.requests", "1");
        engine = new SourceEngine(EngineDeps.of(api, new BenchlakeSourceConfig(props), time, new Random(1),
                new NoOffsets(), null, new TaskStats()));
        engine.start(List.of());

        long start = time.hiResClockMs();
        long limitMs = 20_000;
        while (!api.listCallsByJob.containsKey("finished") && time.hiResClockMs() - start < limitMs) {
            engine.poll();
        }
        int runningPages = api.listCallsByJob.entrySet().stream().filter(e -> e.getKey().startsWith("running-"))
                .mapToInt(e -> e.getValue().get()).sum();
        assertThat(api.listCallsByJob.getOrDefault("finished", new AtomicInteger()).get())
                .as("the backlog job read within %d ms while %d running jobs want %d calls/s of a %d calls/s budget "
                        + "(%d of their pages read)", limitMs, RUNNING, RUNNING, BUDGET, runningPages)
                .isEqualTo(1);
        // one backlog call after at most DueQueue.LIVE_PER_BACKLOG live ones, once the running jobs have been read
        // once each (they are live from the listing, and go first): at BUDGET calls/s
        long tookMs = time.hiResClockMs() - start;
        assertThat(tookMs).as("how long the backlog job waited")
                .isLessThanOrEqualTo((RUNNING + DueQueue.LIVE_PER_BACKLOG + 2) * 1_000L / BUDGET);
    }
}
