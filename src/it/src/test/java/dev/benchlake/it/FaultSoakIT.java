package dev.benchlake.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.benchlake.emulator.EmulatorClock;
import dev.benchlake.emulator.Fixtures;
import dev.benchlake.emulator.SageMakerEmulator;
import dev.benchlake.emulator.Scenario;
import dev.benchlake.emulator.ScenarioJob;
import dev.benchlake.emulator.ScenarioStep;

/**
 * A bounded soak under exactly-once: throttling, server errors, latency jitter, NextTokens that expire within
 * seconds, a job deleted mid-run and a job whose page cannot be parsed. The connector stays RUNNING, the metrics
 * show each fault, and a read_committed consumer sees the final version of every step once and no version twice.
 */
class FaultSoakIT {

    private static final int JOBS = 20;
    private static final int STEPS = 8;
    /** One real second is a scenario minute: a job of 8 staggered steps runs about 12 s. */
    private static final double SCALE = 60;

    private static ConnectHarness harness;

    @BeforeAll
    static void start() {
        harness = ConnectHarness.start("benchlake-soak", 1, Map.of("exactly.once.source.support", "enabled"));
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void underFaultsEveryFinalStepArrivesOnceAndNothingTwice() throws Exception {
        Fixtures.BenchmarkJobs fleet = Fixtures.benchmarkJobs("soak", JOBS, STEPS)
                .createdEvery(Duration.ofSeconds(60)).stepStagger(Duration.ofSeconds(60))
                .stepDuration(Duration.ofSeconds(300)).failEvery(7);
        Scenario scenario = Scenario.builder().jobs(fleet.build())
                .job(ScenarioJob.builder("garbled-page-001").at(0, "{\"Status\":\"IN_PROGRESS\"}")
                        .step(ScenarioStep.builder().at(0, "{\"StepType\":\"BENCHMARK\",\"Status\":\"COMPLETED\","
                                + "\"InferenceBenchmark\":{\"EndpointConfiguration\":{\"EndpointName\":\"ep-g\","
                                + "\"VariantName\":\"v\"},\"ModelConfiguration\":{},\"Metrics\":{\"MaxInvocations\":\"NaN\"}}}")
                                .build())
                        .build())
                .build();
        scenario.faults().seed(7).throttleRate(0.2).serverErrorRate(0.05).latencyMs(5).latencyJitterMs(20)
                .tokenTtlSeconds(30L);
        String deleted = fleet.jobName(JOBS - 1);
        try (SageMakerEmulator emulator = SageMakerEmulator.start(scenario, EmulatorClock.scaled(Duration.ZERO, SCALE));
                TopicReader steps = new TopicReader(harness.bootstrapServers(), "soak.steps", true)) {
            Map<String, String> props = ConnectHarness.connectorConfig(emulator, "soak");
            props.remove("job.names");
            props.put("discovery.enabled", "true");
            props.put("discovery.interval.ms", "1000");
            props.put("discovery.overlap.ms", "600000");
            props.put("exactly.once.support", "required");
            props.put("transaction.boundary", "connector");
            props.put("tasks.max", "2");
            // a fifth of the calls throttled whatever the rate: the adaptive budgets take every throttle as the quota's
            // and settle at their floor, a tenth of the ceiling (10 calls/s a task here), as they would on an account
            // whose quota others keep overdrawn
            props.put("api.max.requests.per.second", "200");
            // the deleted job closes after 3 not-found answers over 2 s (10 minutes by default)
            props.put("errors.not.found.close.answers", "3");
            props.put("errors.not.found.close.after.ms", "2000");
            harness.startConnector("soak", props);

            // delete the last job while it runs: its steps so far stay, and it is closed as NOT_FOUND
            long deleteAt = fleet.jobCompletedAtMillis(JOBS - 1) - 240_000;
            Awaitility.await("scenario time " + deleteAt).atMost(ConnectHarness.TIMEOUT)
                    .until(() -> emulator.clock().nowMillis() >= deleteAt);
            emulator.deleteJob(deleted);

            Set<String> expectedFinal = expectedFinalSteps(fleet, deleted);
            List<TopicReader.Rec> all = steps.awaitUntil("the final version of every step", recs -> finalSteps(recs)
                    .containsAll(expectedFinal));
            Map<String, Long> versions = all.stream().collect(Collectors.groupingBy(
                    r -> r.text("step_id") + "/" + r.text("content_hash"), Collectors.counting()));
            assertThat(versions.values()).as("no version of a step twice under exactly-once").containsOnly(1L);
            assertThat(all).noneMatch(r -> "garbled-page-001".equals(r.text("job_name")));
            assertThat(harness.connect().connectorStatus("soak").tasks())
                    .allSatisfy(t -> assertThat(t.state()).isEqualTo("RUNNING"));

            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            // the deleted job closes after its third not-found answer, 2 s after the first
            Awaitility.await("the deleted job closed as not found").atMost(ConnectHarness.TIMEOUT)
                    .until(() -> sum(server, "JobsNotFound") == 1);
            long throttled = 0;
            long transientErrors = 0;
            long tokenRestarts = 0;
            long jobErrors = 0;
            long notFound = 0;
            for (int task = 0; task < 2; task++) {
                ObjectName name = new ObjectName("dev.benchlake:type=source-task-metrics,connector=\"soak\",task=" + task);
                throttled += (Long) server.getAttribute(name, "Throttled");
                transientErrors += (Long) server.getAttribute(name, "TransientErrors");
                tokenRestarts += (Long) server.getAttribute(name, "TokenRestarts");
                jobErrors += (Long) server.getAttribute(name, "JobErrors");
                notFound += (Long) server.getAttribute(name, "JobsNotFound");
            }
            assertThat(throttled).as("throttled calls").isPositive();
            // the SDK retries a 5xx once inside the call (SDK_MAX_ATTEMPTS = 2): the task sees one only when both
            // attempts fail, about 1 call in 400 at a 5 % rate, so the emulator's count is the one to assert
            long served5xx = emulator.count(dev.benchlake.emulator.Outcome.SERVER_ERROR);
            assertThat(served5xx).as("5xx answers served, every final step arrived all the same").isPositive();
            assertThat(transientErrors).as("5xx the task saw, after the SDK's retry").isBetween(0L, served5xx);
            assertThat(jobErrors).as("unparseable pages").isPositive();
            assertThat(notFound).as("the deleted job").isEqualTo(1);
            assertThat(tokenRestarts).as("passes restarted on expired tokens").isPositive();
            assertThat(emulator.count("ListInferenceRecommendationsJobSteps", dev.benchlake.emulator.Outcome.VALIDATION))
                    .as("tokens the emulator refused").isPositive();
        }
    }

    private static long sum(MBeanServer server, String attribute) throws Exception {
        long total = 0;
        for (int task = 0; task < 2; task++) {
            total += (Long) server.getAttribute(new ObjectName("dev.benchlake:type=source-task-metrics,connector=\"soak\",task="
                    + task), attribute);
        }
        return total;
    }

    /** step_id/status of the steps whose final version is a terminal one. */
    private static Set<String> finalSteps(List<TopicReader.Rec> records) {
        return records.stream().filter(r -> r.value().get("is_terminal").asBoolean())
                .map(r -> r.text("job_name") + "/" + r.text("endpoint_name"))
                .collect(Collectors.toSet());
    }

    private static Set<String> expectedFinalSteps(Fixtures.BenchmarkJobs fleet, String deleted) {
        Set<String> expected = new java.util.HashSet<>();
        for (int i = 0; i < JOBS; i++) {
            String job = fleet.jobName(i);
            if (job.equals(deleted)) {
                continue;
            }
            for (int k = 0; k < STEPS; k++) {
                expected.add(job + "/sm-epc-" + job + "-" + k);
            }
        }
        return expected;
    }
}
