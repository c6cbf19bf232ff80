package dev.benchlake.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.benchlake.emulator.Fixtures;
import dev.benchlake.emulator.ManualClock;
import dev.benchlake.emulator.SageMakerEmulator;
import dev.benchlake.emulator.Scenario;
import dev.benchlake.emulator.ScenarioJob;

/**
 * Each discovery filter of the config ({@code discovery.name.contains}, {@code .status}, {@code .model.name},
 * {@code .model.package.version.arn}, {@code .created.after}) and {@code step.status.filter}, through the real SDK to
 * the emulator, which applies every filter of AWS's model of ListInferenceRecommendationsJobs and
 * ListInferenceRecommendationsJobSteps. Each test names the jobs whose records must arrive, from the scenario below,
 * and checks that exactly those arrive and that no other job was read at all (the emulator's per-job call counts).
 */
class DiscoveryFiltersIT extends ConnectorTestSupport {

    private static final String LIST_STEPS = "ListInferenceRecommendationsJobSteps";
    private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");
    private static final String PACKAGE_ARN = "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/3";

    /** Creation times, scenario seconds: alpha 0 and 60, beta 3600 and 3660, gamma 7200, delta 10800. */
    private static List<ScenarioJob> jobs() {
        List<ScenarioJob> all = new ArrayList<>();
        all.addAll(Fixtures.benchmarkJobs("alpha-resnet", 2, 2).createdEvery(Duration.ofSeconds(60)).build());
        all.addAll(Fixtures.benchmarkJobs("beta-bert", 2, 2).modelName("bert").startAt(Duration.ofSeconds(3600))
                .createdEvery(Duration.ofSeconds(60)).build());
        all.addAll(Fixtures.benchmarkJobs("gamma-live", 1, 2).modelName("xgboost").startAt(Duration.ofSeconds(7200))
                .stepDuration(Duration.ofDays(30)).build());
        ScenarioJob delta = Fixtures.benchmarkJobs("delta-pkg", 1, 2).modelName("churn").startAt(Duration.ofSeconds(10800))
                .build().get(0);
        all.add(delta.withVersion(Duration.ofSeconds(10801), "{\"ModelPackageVersionArn\":\"" + PACKAGE_ARN + "\"}"));
        return all;
    }

    private static final Set<String> ALL = jobs().stream().map(ScenarioJob::name).collect(Collectors.toCollection(TreeSet::new));

    private SageMakerEmulator emulator() {
        return emulator(Scenario.builder().epoch(EPOCH).jobs(jobs()).build(), new ManualClock().set(Duration.ofDays(1)));
    }

    private Map<String, String> discovery(SageMakerEmulator emulator, String key, String value) {
        Map<String, String> props = ConnectHarness.connectorConfig(emulator, name);
        props.remove("job.names");
        props.put("discovery.enabled", "true");
        props.put("discovery.interval.ms", "3600000");
        props.put(key, value);
        return props;
    }

    /**
     * Runs the connector until the expected jobs' steps have all arrived (and, for finished jobs, closed), then
     * checks that exactly those jobs are on both topics and that the others were never read.
     */
    private void assertOnlyJobsArrive(SageMakerEmulator emulator, Map<String, String> props, Set<String> expected,
            Set<String> running) {
        TopicReader steps = reader(name + ".steps");
        TopicReader jobRecords = reader(name + ".jobs");
        harness.startConnector(name, props);
        steps.awaitUntil("the steps of " + expected, recs -> jobNames(recs).containsAll(expected)
                && recs.size() >= 2 * expected.size());
        Set<String> finished = new TreeSet<>(expected);
        finished.removeAll(running);
        jobRecords.awaitUntil("closed: " + finished, recs -> recs.stream().filter(r -> r.value().get("closed").asBoolean())
                .map(r -> r.text("job_name")).collect(Collectors.toSet()).containsAll(finished));
        if (!running.isEmpty()) {
            Awaitility.await("two more passes over " + running).atMost(ConnectHarness.TIMEOUT)
                    .until(() -> running.stream().allMatch(j -> emulator.count(LIST_STEPS, j) >= 3));
        }
        assertThat(jobNames(steps.drain())).as("jobs on the steps topic").isEqualTo(expected);
        assertThat(jobNames(jobRecords.drain())).as("jobs on the jobs topic").isEqualTo(expected);
        assertThat(steps.drain()).as("two steps per job").hasSize(2 * expected.size());
        Set<String> others = new TreeSet<>(ALL);
        others.removeAll(expected);
        for (String other : others) {
            assertThat(emulator.count(LIST_STEPS, other)).as("%s filtered out: never read", other).isZero();
        }
    }

    private static Set<String> jobNames(List<TopicReader.Rec> records) {
        return records.stream().map(r -> r.text("job_name")).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void nameContainsKeepsTheJobsWhoseNameHasTheString() {
        name = "filter-name";
        SageMakerEmulator emulator = emulator();
        assertOnlyJobsArrive(emulator, discovery(emulator, "discovery.name.contains", "resnet"),
                Set.of("alpha-resnet-00000", "alpha-resnet-00001"), Set.of());
    }

    @Test
    void statusKeepsTheJobsInThatStatus() {
        name = "filter-status";
        SageMakerEmulator emulator = emulator();
        assertOnlyJobsArrive(emulator, discovery(emulator, "discovery.status", "IN_PROGRESS"),
                Set.of("gamma-live-00000"), Set.of("gamma-live-00000"));
    }

    @Test
    void modelNameKeepsTheJobsOfThatModel() {
        name = "filter-model";
        SageMakerEmulator emulator = emulator();
        assertOnlyJobsArrive(emulator, discovery(emulator, "discovery.model.name", "bert"),
                Set.of("beta-bert-00000", "beta-bert-00001"), Set.of());
    }

    @Test
    void modelPackageVersionArnKeepsTheJobsOfThatPackageVersion() {
        name = "filter-package";
        SageMakerEmulator emulator = emulator();
        assertOnlyJobsArrive(emulator, discovery(emulator, "discovery.model.package.version.arn", PACKAGE_ARN),
                Set.of("delta-pkg-00000"), Set.of());
    }

    @Test
    void createdAfterKeepsTheJobsCreatedStrictlyLater() {
        name = "filter-created";
        SageMakerEmulator emulator = emulator();
        // beta-bert-00000 was created at exactly 3600 s: not after it
        assertOnlyJobsArrive(emulator, discovery(emulator, "discovery.created.after", EPOCH.plusSeconds(3600).toString()),
                Set.of("beta-bert-00001", "gamma-live-00000", "delta-pkg-00000"), Set.of("gamma-live-00000"));
    }

    @Test
    void stepStatusFilterReadsOnlyStepsInThatStatus() {
        name = "filter-steps";
        // every 2nd step fails: steps 1 and 3 (0-based) of the job are FAILED, 0 and 2 COMPLETED
        List<ScenarioJob> jobs = Fixtures.benchmarkJobs("mixed", 1, 4).failEvery(2).build();
        SageMakerEmulator emulator = emulator(Scenario.builder().epoch(EPOCH).jobs(jobs).build(),
                new ManualClock().set(Duration.ofDays(1)));
        Map<String, String> props = ConnectHarness.connectorConfig(emulator, name, "mixed-00000");
        props.put("step.status.filter", "COMPLETED");
        TopicReader steps = reader(name + ".steps");
        TopicReader jobRecords = reader(name + ".jobs");
        harness.startConnector(name, props);
        jobRecords.awaitUntil("the job closed", recs -> recs.stream().anyMatch(r -> r.value().get("closed").asBoolean()));
        List<TopicReader.Rec> records = steps.awaitCount(2);
        assertThat(records).as("the two COMPLETED steps, not the two FAILED ones").hasSize(2)
                .extracting(r -> r.text("status")).containsOnly("COMPLETED");
        assertThat(records).extracting(r -> r.text("instance_type"))
                .containsExactlyInAnyOrder(Fixtures.INSTANCE_TYPES.get(0), Fixtures.INSTANCE_TYPES.get(2));
    }
}
