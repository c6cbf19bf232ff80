package dev.benchlake.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.benchlake.emulator.Counters;
import dev.benchlake.emulator.Fixtures;
import dev.benchlake.emulator.ManualClock;
import dev.benchlake.emulator.SageMakerEmulator;
import dev.benchlake.emulator.Scenario;
import dev.benchlake.emulator.ScenarioJob;
import dev.benchlake.emulator.ScenarioStep;

/**
 * The API calls Benchlake makes, counted per operation by the emulator on the in-process Connect cluster: a backfill of
 * jobs that finished long ago costs exactly the minimum (one listing, one describe per job, its step pages: no
 * re-read), even behind per-operation quotas that throttle some calls; in the steady state a running job costs its
 * pages per pass and closed jobs nothing; a job that just finished is still read once more after the grace period.
 */
class CallCountIT extends ConnectorTestSupport {

    private static final String DESCRIBE = "DescribeInferenceRecommendationsJob";
    private static final String LIST_STEPS = "ListInferenceRecommendationsJobSteps";
    private static final String LIST_JOBS = "ListInferenceRecommendationsJobs";
    private static final int PAGE_SIZE = 2;

    private static Map<String, String> discoveryConfig(SageMakerEmulator emulator, String prefix) {
        Map<String, String> props = ConnectHarness.connectorConfig(emulator, prefix);
        props.remove("job.names");
        props.put("discovery.enabled", "true");
        // the one listing of the test: later ones would only add ListJobs calls
        props.put("discovery.interval.ms", "3600000");
        props.put("page.size", Integer.toString(PAGE_SIZE));
        return props;
    }

    private static int pages(int steps) {
        return (steps + PAGE_SIZE - 1) / PAGE_SIZE;
    }

    private static long closed(List<TopicReader.Rec> jobRecords) {
        return jobRecords.stream().filter(r -> r.value().get("closed").asBoolean()).count();
    }

    @Test
    void aBackfillOfJobsThatFinishedLongAgoMakesExactlyTheMinimumCallsPerOperation() {
        name = "backfill-calls";
        int jobs = 12;
        int steps = 3;
        // finished at creation, in January 2026: months before the wall clock, far past any grace period
        SageMakerEmulator emulator = emulator(Scenario.builder().jobs(Fixtures.benchmarkJobs("old", jobs, steps).build()).build(),
                new ManualClock().set(Duration.ofDays(1)));
        // quotas under the connector's ceiling (50 calls/s): some calls are throttled, and every one is made again
        for (String op : List.of(DESCRIBE, LIST_STEPS, LIST_JOBS)) {
            emulator.faults().quota(op, 10, 2);
        }
        TopicReader stepRecords = reader(name + ".steps");
        TopicReader jobRecords = reader(name + ".jobs");
        Map<String, String> props = discoveryConfig(emulator, name);
        // short enough that a re-read after it would happen within the test
        props.put("terminal.grace.period.ms", "1000");
        harness.startConnector(name, props);

        stepRecords.awaitCount(jobs * steps);
        List<TopicReader.Rec> closedJobs = jobRecords.awaitUntil("every job closed", recs -> closed(recs) == jobs);
        Counters calls = emulator.counters();
        // whatever the connector would still call, it would call within a few grace periods
        Awaitility.await("no call after every job closed").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> calls.answered(LIST_STEPS) + calls.answered(DESCRIBE) + calls.answered(LIST_JOBS)
                        == 1 + jobs + (long) jobs * pages(steps));

        assertThat(calls.answered(LIST_JOBS)).as("one listing page: %d jobs", jobs).isEqualTo(1);
        assertThat(calls.answered(DESCRIBE)).as("one describe per job").isEqualTo(jobs);
        assertThat(calls.answered(LIST_STEPS)).as("%d pages per job, read once", pages(steps)).isEqualTo((long) jobs * pages(steps));
        assertThat(jobRecords.drain()).as("one record per job, the one that closes it").hasSize(jobs);
        assertThat(closedJobs).allSatisfy(r -> assertThat(r.text("endpoint_configurations"))
                .as("with its input configuration").contains("ml.c5.xlarge"));
        // the quotas were felt and handled: calls throttled by them, each made again (the answered counts above are
        // exactly the minimum, and every step arrived)
        long throttled = calls.quotaThrottled(DESCRIBE) + calls.quotaThrottled(LIST_STEPS) + calls.quotaThrottled(LIST_JOBS);
        assertThat(throttled).as("calls throttled by the quotas (10/s, burst 2, under a ceiling of 50/s)").isPositive();
        assertThat(emulator.totalRequests()).as("every request answered or throttled, nothing else")
                .isEqualTo(1 + jobs + (long) jobs * pages(steps) + throttled);
    }

    @Test
    void inTheSteadyStateARunningJobCostsItsPagesPerPassAndClosedJobsCostNothing() {
        name = "steady-calls";
        int finished = 3;
        int steps = 3;
        List<ScenarioJob> all = new ArrayList<>(Fixtures.benchmarkJobs("done", finished, steps).build());
        all.addAll(Fixtures.benchmarkJobs("live", 1, steps).startAt(Duration.ofSeconds(10))
                .stepDuration(Duration.ofDays(30)).build());
        String live = all.get(finished).name();
        SageMakerEmulator emulator = emulator(Scenario.builder().jobs(all).build(), new ManualClock().set(Duration.ofHours(1)));
        TopicReader jobRecords = reader(name + ".jobs");
        harness.startConnector(name, discoveryConfig(emulator, name));
        jobRecords.awaitUntil("the finished jobs closed", recs -> closed(recs) == finished);
        Awaitility.await("the running job described").atMost(ConnectHarness.TIMEOUT)
                .until(() -> emulator.count(DESCRIBE, live) == 1);
        for (ScenarioJob done : all.subList(0, finished)) {
            assertThat(emulator.count(LIST_STEPS, done.name())).as("%s: one pass, then closed", done.name())
                    .isEqualTo(pages(steps));
            assertThat(emulator.count(DESCRIBE, done.name())).isEqualTo(1);
        }

        emulator.resetCounters();
        int passes = 4;
        Awaitility.await(passes + " passes over the running job").atMost(ConnectHarness.TIMEOUT).until(() -> emulator
                .stepsRequests().stream().filter(r -> r.nextTokenReceived() == null).count() > passes);

        List<SageMakerEmulator.StepsRequest> requests = emulator.stepsRequests();
        assertThat(requests).as("only the running job is read").allSatisfy(r -> assertThat(r.jobName()).isEqualTo(live));
        // from the first whole pass on: page 1 (no token), then page 2 from page 1's token; nothing else
        int first = 0;
        while (requests.get(first).nextTokenReceived() != null) {
            first++;
        }
        for (int i = first; i < requests.size(); i++) {
            assertThat(requests.get(i).nextTokenReceived() == null).as("request %d starts a pass", i).isEqualTo((i - first) % 2 == 0);
        }
        assertThat(emulator.counters().requests(DESCRIBE)).as("described once, before").isZero();
        assertThat(emulator.counters().requests(LIST_JOBS)).isZero();
    }

    @Test
    void aJobThatJustFinishedIsReadOnceMoreAfterTheGracePeriodBeforeItCloses() {
        name = "fresh-calls";
        long graceMs = 3_000;
        String job = "fresh-001";
        ScenarioJob.Builder builder = ScenarioJob.builder(job).at(0, "{\"Status\":\"IN_PROGRESS\",\"InputConfig\":{\"ModelName\":\"resnet50\"}}");
        for (int i = 0; i < 2; i++) {
            builder.step(ScenarioStep.builder().at(0, "{\"Status\":\"IN_PROGRESS\",\"InferenceBenchmark\":{\"EndpointConfiguration\":"
                    + "{\"EndpointName\":\"ep-" + i + "\",\"VariantName\":\"AllTraffic\",\"InstanceType\":\"ml.c5.xlarge\"},"
                    + "\"ModelConfiguration\":{}}}").build());
        }
        ManualClock clock = new ManualClock().set(Duration.ofSeconds(10));
        SageMakerEmulator emulator = emulator(Scenario.builder().jobs(List.of(builder.build())).build(), clock);
        TopicReader stepRecords = reader(name + ".steps");
        TopicReader jobRecords = reader(name + ".jobs");
        Map<String, String> props = ConnectHarness.connectorConfig(emulator, name, job);
        props.put("terminal.grace.period.ms", Long.toString(graceMs));
        harness.startConnector(name, props);
        stepRecords.awaitCount(2);

        // the job and both steps finish at once, now: the scenario's clock jumps past their new versions
        Duration finishedAt = Duration.ofSeconds(20);
        long completion = Instant.now().getEpochSecond();
        emulator.scenario().updateJob(job, j -> j
                .withVersion(finishedAt, "{\"Status\":\"COMPLETED\",\"CompletionTime\":" + completion + "}")
                .withStepVersion(0, finishedAt, "{\"Status\":\"COMPLETED\"}")
                .withStepVersion(1, finishedAt, "{\"Status\":\"COMPLETED\"}"));
        long describesBefore = emulator.count(DESCRIBE, job);
        clock.set(finishedAt);

        List<TopicReader.Rec> versions = jobRecords.awaitUntil("the job closed", recs -> closed(recs) == 1);
        TopicReader.Rec firstCompleted = versions.stream().filter(r -> "COMPLETED".equals(r.text("status")))
                .findFirst().orElseThrow();
        TopicReader.Rec closing = versions.get(versions.size() - 1);
        assertThat(firstCompleted.value().get("closed").asBoolean()).as("seen finished, not closed at once").isFalse();
        assertThat(closing.value().get("observed_at").asLong() - firstCompleted.value().get("observed_at").asLong())
                .as("closed after the grace period's re-read").isGreaterThanOrEqualTo(graceMs);
        assertThat(emulator.count(DESCRIBE, job) - describesBefore).as("the pass that saw it finished, and the re-read")
                .isGreaterThanOrEqualTo(2);
    }
}
