package dev.benchlake.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.benchlake.api.FakeRecommenderApi;
import dev.benchlake.config.BenchlakeSourceConfig;
import dev.benchlake.metrics.TaskStats;
import dev.benchlake.record.TestSteps;

/** Due times are on the monotonic clock: a worker's wall clock stepped back does not freeze them. */
class ClockStepTest {

    private static final long POLL_INTERVAL_MS = 2_000;

    private final SimulatedTime time = new SimulatedTime(1_767_225_600_000L);
    private SourceEngine engine;

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.stop();
        }
    }

    /** Polls until {@code ms} of the task's (monotonic) time have passed. */
    private void pollFor(long ms) {
        long until = time.hiResClockMs() + ms;
        for (int polls = 0; time.hiResClockMs() < until; polls++) {
            assertThat(polls).as("polls").isLessThan(10_000);
            engine.poll();
        }
    }

    @Test
    void aWallClockSteppedBackByAnHourDoesNotFreezeDueTimes() {
        FakeRecommenderApi api = new FakeRecommenderApi();
        api.put(TestSteps.job("running", "IN_PROGRESS"), List.of(TestSteps.running("running", "ml.c5.xlarge", "ep-0")));
        Map<String, String> props = new HashMap<>();
        props.put("aws.region", "us-east-1");
        props.put("job.names", "running");
        props.put("poll.interval.ms", Long.toString(POLL_INTERVAL_MS));
        props.put("api.max.requests.per.second", "100");
        props.put("api.max.concurrent.requests", "1");
        engine = new SourceEngine(EngineDeps.of(api, new BenchlakeSourceConfig(props), time, new Random(1),
                new NoOffsets(), null, new TaskStats()));
        engine.start(List.of("running"));
        pollFor(POLL_INTERVAL_MS / 2);
        assertThat(api.listCalls).as("the running job's first pass").hasValue(1);

        time.stepWall(-Duration.ofHours(1).toMillis());
        int before = api.listCalls.get();
        pollFor(5 * POLL_INTERVAL_MS);
        // the job is due every poll interval: about 5 passes in 5 intervals, whatever the wall clock says
        assertThat(api.listCalls.get() - before).as("passes in 5 poll intervals after the step").isBetween(4, 6);
    }
}
