package dev.benchlake.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.benchlake.emulator.Counters;
import dev.benchlake.emulator.Fixtures;
import dev.benchlake.emulator.ManualClock;
import dev.benchlake.emulator.SageMakerEmulator;
import dev.benchlake.emulator.Scenario;

/**
 * A quota shared with another caller of the account (the emulator's neighbour knob: it spends part of the step
 * listing's quota at random moments and never backs off) on the in-process Connect cluster: the connector settles on
 * the share the neighbour leaves rather than hammering the quota at its own ceiling, and every step still arrives once.
 */
class NeighbourQuotaIT extends ConnectorTestSupport {

    private static final String LIST_STEPS = "ListInferenceRecommendationsJobSteps";

    @Test
    void besideANeighbourTheConnectorTakesTheShareLeftAndLosesNothing() {
        name = "neighbour";
        int jobs = 60;
        int steps = 3;
        double quota = 5;
        double neighbour = 2.5;
        double ceiling = 12.5;
        SageMakerEmulator emulator = emulator(Scenario.builder().jobs(Fixtures.benchmarkJobs("old", jobs, steps).build()).build(),
                new ManualClock().set(Duration.ofDays(1)));
        emulator.faults().quota(LIST_STEPS, quota, (int) quota).neighbour(neighbour);
        TopicReader stepRecords = reader(name + ".steps");
        Map<String, String> props = ConnectHarness.connectorConfig(emulator, name);
        props.remove("job.names");
        props.put("discovery.enabled", "true");
        props.put("discovery.interval.ms", "3600000");
        props.put("page.size", "100");
        props.put("api.max.requests.per.second.list.steps", Double.toString(ceiling));
        harness.startConnector(name, props);

        // the share left is 2.5 pages a second: 60 pages take about 24 s, well within the wait
        org.awaitility.Awaitility.await("every step record").atMost(Duration.ofSeconds(240))
                .pollInterval(Duration.ofMillis(200)).until(() -> stepRecords.drain().size() >= jobs * steps);

        Counters calls = emulator.counters();
        assertThat(calls.answered(LIST_STEPS)).as("one page per job, each read once").isEqualTo(jobs);
        long throttled = calls.throttled(LIST_STEPS);
        long[] theirs = emulator.faults().neighbourCalls().get(LIST_STEPS);
        assertThat(theirs[0]).as("the neighbour's calls that got through").isPositive();
        assertThat(throttled).as("the neighbour took tokens the connector would have used").isPositive();
        // at its ceiling of 12.5/s against the 2.5/s left, four calls in five would be throttled; settled on the share
        // left, few are (a start at the ceiling and the neighbour's random bursts)
        double share = (double) throttled / (throttled + calls.answered(LIST_STEPS));
        assertThat(share).as("share of the connector's step listings throttled").isLessThan(0.4);
        assertThat(stepRecords.drain()).as("every step once").hasSize(jobs * steps);
    }
}
