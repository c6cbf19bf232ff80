package dev.benchlake.realaccount;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.benchlake.emulator.Fixtures;
import dev.benchlake.emulator.JobFaults;
import dev.benchlake.emulator.ManualClock;
import dev.benchlake.emulator.Outcome;
import dev.benchlake.emulator.SageMakerEmulator;
import dev.benchlake.emulator.Scenario;
import dev.benchlake.emulator.ScenarioJob;
import dev.benchlake.emulator.TimeWindow;
import dev.benchlake.it.ConnectHarness;
import dev.benchlake.it.TopicReader;

/**
 * The connector against a SageMaker that behaves like a real account, on the in-process Connect cluster with
 * exactly-once source support: in one scenario, a job outside the IAM policy, a job that answers not found for a
 * while, benchmarks that failed before their endpoint existed, and ordinary jobs. Every assertion is on records.
 */
class RealAccountsIT {
    private static final String DESCRIBE = "DescribeInferenceRecommendationsJob";
    private static final String LIST_STEPS = "ListInferenceRecommendationsJobSteps";
    private static final String CAPACITY = "CapacityError: not enough ml.p4d.24xlarge capacity in us-east-1";
    private static final String COMPILE = "ModelError: the model could not be compiled for inf2";

    private static ConnectHarness harness;
    private SageMakerEmulator emulator;
    private String name;

    @BeforeAll
    static void start() {
        harness = ConnectHarness.start("real-accounts", 1, Map.of("exactly.once.source.support", "enabled",
                "consumer.isolation.level", "read_committed"));
    }

    @AfterAll
    static void stopAll() {
        harness.close();
    }

    @AfterEach
    void cleanUp() {
        if (name != null && harness.connect().connectors().contains(name)) {
            harness.connect().deleteConnector(name);
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    private Map<String, String> exactlyOnce(String connector, List<String> jobs) {
        Map<String, String> props = ConnectHarness.connectorConfig(emulator, connector, jobs.toArray(String[]::new));
        props.put("exactly.once.support", "required");
        props.put("transaction.boundary", "connector");
        props.put("page.size", "3");
        // closing a job as NOT_FOUND takes 3 answers over 5 s here (10 minutes by default)
        props.put("errors.not.found.close.answers", "3");
        props.put("errors.not.found.close.after.ms", "5000");
        return props;
    }

    @Test
    void aDeniedJobAFlakyJobAndFailedBenchmarksLoseNothingOfTheOthersAndEveryJobThatCanCloseCloses() {
        name = "real";
        // four ordinary jobs, done by scenario second 10
        List<ScenarioJob> ordinary = Fixtures.benchmarkJobs("ordinary", 4, 4).stepDuration(Duration.ofSeconds(10)).build();
        // outside the IAM policy: Describe and ListSteps denied, the listing would still show it
        ScenarioJob denied = Fixtures.benchmarkJobs("denied", 1, 4).stepDuration(Duration.ofSeconds(10)).build().get(0)
                .withFaults(JobFaults.NONE.deny(List.of(DESCRIBE, LIST_STEPS), TimeWindow.ALWAYS));
        // its steps run until second 100: read once IN_PROGRESS, then it answers not found for a while, then COMPLETED
        ScenarioJob flaky = Fixtures.benchmarkJobs("flaky", 1, 4).stepDuration(Duration.ofSeconds(100)).build().get(0);
        // two ordinary benchmarks, two identical ones that failed before their endpoint existed, one other such failure
        ScenarioJob failed = Fixtures.benchmarkJobs("failing", 1, 2).stepDuration(Duration.ofSeconds(10)).build().get(0)
                .withStep(Fixtures.failedBeforeEndpoint(CAPACITY))
                .withStep(Fixtures.failedBeforeEndpoint(CAPACITY))
                .withStep(Fixtures.failedBeforeEndpoint(Duration.ZERO, Duration.ZERO, COMPILE,
                        "{\"InferenceSpecificationName\":\"inf2-spec\"}"));
        List<ScenarioJob> all = new java.util.ArrayList<>(ordinary);
        all.addAll(List.of(denied, flaky, failed));
        ManualClock clock = new ManualClock().set(Duration.ofSeconds(50));
        emulator = SageMakerEmulator.start(Scenario.builder().jobs(all).build(), clock);
        List<String> names = all.stream().map(ScenarioJob::name).toList();

        try (TopicReader steps = new TopicReader(harness.bootstrapServers(), name + ".steps", true);
                TopicReader jobs = new TopicReader(harness.bootstrapServers(), name + ".jobs", true)) {
            harness.startConnector(name, exactlyOnce(name, names));

            // second 50: the ordinary and failing jobs close; the flaky job's steps are IN_PROGRESS
            Set<String> firstClosed = Set.of("ordinary-00000", "ordinary-00001", "ordinary-00002", "ordinary-00003",
                    "failing-00000");
            jobs.awaitUntil("the ordinary and failing jobs closed", recs -> closed(recs).keySet().containsAll(firstClosed));
            steps.awaitUntil("the flaky job's 4 steps IN_PROGRESS", recs -> stepsOf(recs, "flaky-00000", "IN_PROGRESS") == 4);

            // the flaky job vanishes (eventual consistency): two not-found answers, then it is back, finished
            long notFoundBefore = emulator.count(DESCRIBE, Outcome.NOT_FOUND);
            emulator.updateJobFaults(flaky.name(), f -> f.notFound(TimeWindow.seconds(50, 150)));
            Awaitility.await("two not-found answers for the flaky job").atMost(ConnectHarness.TIMEOUT)
                    .until(() -> emulator.count(DESCRIBE, Outcome.NOT_FOUND) >= notFoundBefore + 2);
            clock.set(Duration.ofSeconds(200));

            List<TopicReader.Rec> finalJobs = jobs.awaitUntil("the flaky job closed",
                    recs -> closed(recs).containsKey("flaky-00000"));
            List<TopicReader.Rec> stepRecords = steps.awaitUntil("the flaky job's 4 steps COMPLETED",
                    recs -> stepsOf(recs, "flaky-00000", "COMPLETED") == 4);

            // every step version once (read_committed, exactly-once): ordinary 16, flaky 4 + 4, failing 2 + 2 rows
            Map<String, Long> versions = stepRecords.stream().collect(Collectors.groupingBy(
                    r -> r.text("step_id") + "/" + r.text("content_hash"), Collectors.counting()));
            assertThat(versions.values()).as("no step version twice").containsOnly(1L);
            assertThat(stepRecords).hasSize(16 + 8 + 4);
            assertThat(stepRecords).noneMatch(r -> r.text("job_name").equals(denied.name()));

            // the flaky job came back: closed COMPLETE with its final versions, never NOT_FOUND
            assertThat(closed(finalJobs).get("flaky-00000")).isEqualTo("COMPLETE");
            assertThat(finalJobs).noneMatch(r -> "NOT_FOUND".equals(r.text("close_reason")));

            // the failed benchmarks are rows with their reason; the two that cannot be told apart are one row of 2
            List<TopicReader.Rec> endpointless = stepRecords.stream()
                    .filter(r -> r.text("job_name").equals("failing-00000") && r.value().get("endpoint_name").isNull())
                    .toList();
            assertThat(endpointless).extracting(r -> r.text("failure_reason") + " x" + r.value().get("identical_steps").asInt())
                    .containsExactlyInAnyOrder(CAPACITY + " x2", COMPILE + " x1");
            assertThat(closed(finalJobs).get("failing-00000")).as("failed benchmarks never keep a job open").isEqualTo("COMPLETE");

            // the denied job: not read, said so on the jobs topic with the IAM action and resource; the task runs on
            TopicReader.Rec deniedRecord = finalJobs.stream().filter(r -> r.text("job_name").equals(denied.name()))
                    .reduce((a, b) -> b).orElseThrow();
            assertThat(deniedRecord.text("read_error")).startsWith("access denied: ")
                    .contains("sagemaker:" + DESCRIBE, "inference-recommendations-job/" + denied.name());
            assertThat(deniedRecord.value().get("closed").asBoolean()).isFalse();
            assertThat(closed(finalJobs)).as("every job that can close closed").containsOnlyKeys(
                    "ordinary-00000", "ordinary-00001", "ordinary-00002", "ordinary-00003", "failing-00000", "flaky-00000");
            assertThat(emulator.count(DESCRIBE, denied.name())).as("one denied call, then an hour's wait").isEqualTo(1);
            assertThat(jobsDenied(name)).isEqualTo(1);
            assertThat(harness.connect().connectorStatus(name).tasks()).allSatisfy(t -> assertThat(t.state()).isEqualTo("RUNNING"));
        }
    }

    @Test
    void whenEveryJobIsDeniedTheTaskFailsNamingTheIamAction() {
        name = "all-denied";
        List<ScenarioJob> jobs = Fixtures.benchmarkJobs("nope", 2, 2).build().stream()
                .map(j -> j.withFaults(JobFaults.NONE.deny(List.of(DESCRIBE, LIST_STEPS), TimeWindow.ALWAYS))).toList();
        emulator = SageMakerEmulator.start(Scenario.builder().jobs(jobs).build(), new ManualClock());
        harness.connect().configureConnector(name, exactlyOnce(name, jobs.stream().map(ScenarioJob::name).toList()));
        Awaitility.await("the task fails").atMost(ConnectHarness.TIMEOUT).ignoreExceptions().until(() ->
                "FAILED".equals(harness.connect().connectorStatus(name).tasks().get(0).state()));
        assertThat(harness.connect().connectorStatus(name).tasks().get(0).trace())
                .contains("IAM denies every one of this task's 2 jobs", "sagemaker:DescribeInferenceRecommendationsJob");
    }

    /** job name → close reason of the records that closed a job. */
    private static Map<String, String> closed(List<TopicReader.Rec> records) {
        return records.stream().filter(r -> r.value().get("closed").asBoolean())
                .collect(Collectors.toMap(r -> r.text("job_name"), r -> r.text("close_reason"), (a, b) -> b));
    }

    private static long stepsOf(List<TopicReader.Rec> records, String job, String status) {
        Set<String> ids = new HashSet<>();
        records.stream().filter(r -> r.text("job_name").equals(job) && status.equals(r.text("status")))
                .forEach(r -> ids.add(r.text("step_id")));
        return ids.size();
    }

    private static long jobsDenied(String connector) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            return (Long) server.getAttribute(new ObjectName("dev.benchlake:type=source-task-metrics,connector="
                    + ObjectName.quote(connector) + ",task=0"), "JobsDenied");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
