package dev.benchlake.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.benchlake.emulator.EmulatorClock;
import dev.benchlake.emulator.Fixtures;
import dev.benchlake.emulator.ManualClock;
import dev.benchlake.emulator.Outcome;
import dev.benchlake.emulator.SageMakerEmulator;
import dev.benchlake.emulator.Scenario;
import dev.benchlake.emulator.ScenarioJob;

/**
 * The emulator's fault knobs that no other connector test turns, each against Benchlake on the in-process Connect
 * cluster, asserting what arrives in Kafka: empty pages that carry a NextToken, repeated and single-use tokens,
 * shuffled listing passes, 503s and throttles limited to one operation, a denied listing, per-operation and per-job
 * latency, credentials that expire within seconds, and the connector's rate ceiling across its tasks. Expected
 * records come from the scenario's inputs (jobs × steps, each finished at creation: one record per step).
 */
class EmulatorKnobsIT extends ConnectorTestSupport {

    private static final String DESCRIBE = "DescribeInferenceRecommendationsJob";
    private static final String LIST_STEPS = "ListInferenceRecommendationsJobSteps";
    private static final String LIST_JOBS = "ListInferenceRecommendationsJobs";

    private static Map<String, String> discoveryConfig(SageMakerEmulator emulator, String prefix) {
        Map<String, String> props = ConnectHarness.connectorConfig(emulator, prefix);
        props.remove("job.names");
        props.put("discovery.enabled", "true");
        props.put("discovery.interval.ms", "3600000");
        return props;
    }

    /** Waits until every job named is closed, then asserts each expected step arrived exactly once and nothing else. */
    private static void assertEachStepOnce(TopicReader steps, TopicReader jobs, List<String> jobNames, int stepsPerJob) {
        jobs.awaitUntil(jobNames.size() + " jobs closed", recs -> closedJobs(recs).containsAll(jobNames));
        List<TopicReader.Rec> records = steps.awaitCount(jobNames.size() * stepsPerJob);
        Map<String, Long> perJob = records.stream()
                .collect(Collectors.groupingBy(r -> r.text("job_name"), TreeMap::new, Collectors.counting()));
        Map<String, Long> expected = new TreeMap<>();
        jobNames.forEach(j -> expected.put(j, (long) stepsPerJob));
        assertThat(perJob).as("records per job").isEqualTo(expected);
        assertThat(records.stream().map(r -> r.text("job_name") + "/" + r.text("step_id")).distinct().count())
                .as("no step emitted twice").isEqualTo((long) jobNames.size() * stepsPerJob);
    }

    private static Set<String> closedJobs(List<TopicReader.Rec> jobRecords) {
        return jobRecords.stream().filter(r -> r.value().get("closed").asBoolean()).map(r -> r.text("job_name"))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static List<String> names(List<ScenarioJob> jobs) {
        return jobs.stream().map(ScenarioJob::name).toList();
    }

    @Test
    void emptyPagesThatCarryATokenAreFollowedOnBothListings() {
        name = "knob-empty";
        List<ScenarioJob> jobs = Fixtures.benchmarkJobs("empty", 4, 5).build();
        SageMakerEmulator emulator = emulator(Scenario.builder().jobs(jobs).build(), new ManualClock().set(Duration.ofDays(1)));
        // seed 42: the first page roll (the listing's first page) is 0.66, under the rate: that page comes back empty
        emulator.faults().seed(42).emptyPageRate(0.7);
        TopicReader steps = reader(name + ".steps");
        TopicReader jobRecords = reader(name + ".jobs");
        harness.startConnector(name, discoveryConfig(emulator, name));

        assertEachStepOnce(steps, jobRecords, names(jobs), 5);
        assertThat(emulator.counters().answered(LIST_JOBS)).as("the empty first listing page, then the page it pointed to")
                .isGreaterThanOrEqualTo(2);
        List<SageMakerEmulator.StepsRequest> log = emulator.stepsRequests();
        List<String> emptyTokens = log.stream().filter(r -> r.outcome() == Outcome.OK && r.stepCount() == 0
                && r.nextTokenReturned() != null).map(SageMakerEmulator.StepsRequest::nextTokenReturned).toList();
        Set<String> presented = log.stream().map(SageMakerEmulator.StepsRequest::nextTokenReceived)
                .filter(t -> t != null).collect(Collectors.toSet());
        assertThat(emptyTokens).as("empty step pages with a token were served").hasSizeGreaterThanOrEqualTo(3);
        assertThat(presented).as("the token of every empty page was followed").containsAll(emptyTokens);
    }

    @Test
    void repeatedAndSingleUseTokensEmitEveryStepOnce() {
        name = "knob-tokens";
        List<ScenarioJob> jobs = Fixtures.benchmarkJobs("tokens", 3, 7).build();
        SageMakerEmulator emulator = emulator(Scenario.builder().jobs(jobs).build(), new ManualClock().set(Duration.ofDays(1)));
        // a repeated token, presented again, is its second use: refused, and the pass starts over
        emulator.faults().seed(7).tokenRepeatRate(0.4).tokenMaxUses(1);
        TopicReader steps = reader(name + ".steps");
        TopicReader jobRecords = reader(name + ".jobs");
        harness.startConnector(name, ConnectHarness.connectorConfig(emulator, name, names(jobs).toArray(String[]::new)));

        assertEachStepOnce(steps, jobRecords, names(jobs), 7);
        List<SageMakerEmulator.StepsRequest> log = emulator.stepsRequests();
        assertThat(log).as("pages that did not progress were served")
                .anySatisfy(r -> assertThat(r.nextTokenReturned()).isNotNull().isEqualTo(r.nextTokenReceived()));
        assertThat(log).as("no token was accepted twice (each may be used once)")
                .filteredOn(SageMakerEmulator.StepsRequest::tokenAccepted)
                .extracting(SageMakerEmulator.StepsRequest::nextTokenReceived).doesNotHaveDuplicates();
    }

    @Test
    void shuffledPassesOverARunningJobEmitEachStepOnce() {
        name = "knob-shuffle";
        List<ScenarioJob> jobs = Fixtures.benchmarkJobs("shuffle", 1, 6).stepDuration(Duration.ofDays(30)).build();
        SageMakerEmulator emulator = emulator(Scenario.builder().jobs(jobs).build(), new ManualClock().set(Duration.ofHours(1)));
        emulator.faults().seed(3).shuffleSteps(true);
        TopicReader steps = reader(name + ".steps");
        harness.startConnector(name, ConnectHarness.connectorConfig(emulator, name, jobs.get(0).name()));

        steps.awaitCount(6);
        int passes = 5;
        Awaitility.await(passes + " passes, each in its own order").atMost(ConnectHarness.TIMEOUT).until(() -> emulator
                .stepsRequests().stream().filter(r -> r.nextTokenReceived() == null && r.outcome() == Outcome.OK).count() >= passes);
        List<TopicReader.Rec> records = steps.drain();
        assertThat(records).as("6 running steps, unchanged: one record each, whatever the order of the passes").hasSize(6);
        assertThat(records).extracting(r -> r.text("status")).containsOnly("IN_PROGRESS");
        assertThat(records.stream().map(r -> r.text("endpoint_name")).distinct().count()).isEqualTo(6);
    }

    @Test
    void serviceUnavailableAndThrottlesOnOneOperationLoseNothing() {
        name = "knob-503";
        List<ScenarioJob> jobs = Fixtures.benchmarkJobs("unavail", 3, 4).build();
        SageMakerEmulator emulator = emulator(Scenario.builder().jobs(jobs).build(), new ManualClock().set(Duration.ofDays(1)));
        emulator.faults().seed(11).serviceUnavailableRate(0.3).throttleRate(0.2).faultOperations(List.of(LIST_STEPS));
        TopicReader steps = reader(name + ".steps");
        TopicReader jobRecords = reader(name + ".jobs");
        harness.startConnector(name, ConnectHarness.connectorConfig(emulator, name, names(jobs).toArray(String[]::new)));

        assertEachStepOnce(steps, jobRecords, names(jobs), 4);
        assertThat(emulator.count(LIST_STEPS, Outcome.SERVER_ERROR)).as("503s on the step listing").isPositive();
        assertThat(emulator.count(LIST_STEPS, Outcome.THROTTLED)).as("throttles on the step listing").isPositive();
        assertThat(emulator.counters().requests(DESCRIBE)).as("every job described").isGreaterThanOrEqualTo(3);
        assertThat(emulator.count(DESCRIBE, Outcome.OK)).as("faults limited to the step listing")
                .isEqualTo(emulator.counters().requests(DESCRIBE));
    }

    @Test
    void aDeniedListingFailsTheTaskAndNothingArrives() {
        name = "knob-denied";
        List<ScenarioJob> jobs = Fixtures.benchmarkJobs("denied", 2, 2).build();
        SageMakerEmulator emulator = emulator(Scenario.builder().jobs(jobs).build(), new ManualClock().set(Duration.ofDays(1)));
        emulator.faults().deniedOperations(List.of(LIST_JOBS));
        TopicReader steps = reader(name + ".steps");
        harness.connect().configureConnector(name, discoveryConfig(emulator, name));

        Awaitility.await("the task fails").atMost(ConnectHarness.TIMEOUT).ignoreExceptions().until(() ->
                "FAILED".equals(harness.connect().connectorStatus(name).tasks().get(0).state()));
        assertThat(harness.connect().connectorStatus(name).tasks().get(0).trace()).contains(LIST_JOBS);
        assertThat(emulator.count(LIST_JOBS, Outcome.ACCESS_DENIED)).isPositive();
        assertThat(emulator.counters().requests(LIST_STEPS)).as("no job read").isZero();
        assertThat(steps.drain()).isEmpty();
    }

    /**
     * A slow job (800 ms a call) and slow describes (1.5 s) delay nothing else, measured on the fast jobs' own calls in
     * the emulator's log (its real-time clock): each fast job's step pages are all requested within less than one
     * slow call's time of its first, so no page of a fast job waited behind a slow describe or a slow job's call.
     */
    @Test
    void slowDescribesAndASlowJobDelayNothingElse() {
        name = "knob-latency";
        long slowCallMs = 800;
        List<ScenarioJob> jobs = new ArrayList<>(Fixtures.benchmarkJobs("fast", 2, 3).build());
        ScenarioJob slow = Fixtures.benchmarkJobs("slow", 1, 3).build().get(0);
        jobs.add(slow.withFaults(slow.faults().latencyMs(slowCallMs)));
        // real time, a day after the jobs finished: no grace re-read, one pass per job
        try (SageMakerEmulator emulator = SageMakerEmulator.start(Scenario.builder().jobs(jobs).build(),
                EmulatorClock.scaled(Duration.ofDays(1), 1))) {
            assertFastJobsNotDelayed(emulator, jobs, slow, slowCallMs);
        }
    }

    private void assertFastJobsNotDelayed(SageMakerEmulator emulator, List<ScenarioJob> jobs, ScenarioJob slow, long slowCallMs) {
        emulator.faults().latencyMs(DESCRIBE, 1500);
        TopicReader steps = reader(name + ".steps");
        TopicReader jobRecords = reader(name + ".jobs");
        Map<String, String> props = ConnectHarness.connectorConfig(emulator, name, names(jobs).toArray(String[]::new));
        props.put("api.max.concurrent.requests", "4");
        harness.startConnector(name, props);

        assertEachStepOnce(steps, jobRecords, names(jobs), 3);
        assertThat(jobRecords.drain()).filteredOn(r -> r.value().get("closed").asBoolean())
                .as("each slow describe answered: the input configuration is on the jobs topic")
                .allSatisfy(r -> assertThat(r.text("endpoint_configurations")).contains("ml.c5.xlarge"));
        Map<String, List<Long>> pageTimes = emulator.stepsRequests().stream().collect(Collectors.groupingBy(
                SageMakerEmulator.StepsRequest::jobName, TreeMap::new,
                Collectors.mapping(SageMakerEmulator.StepsRequest::scenarioTimeMillis,
                        Collectors.collectingAndThen(Collectors.toList(), l -> l.stream().sorted().toList()))));
        for (ScenarioJob fast : jobs.subList(0, 2)) {
            List<Long> times = pageTimes.get(fast.name());
            assertThat(times).as("%s: its 2 pages (page size 2, 3 steps)", fast.name()).hasSize(2);
            assertThat(times.get(1) - times.get(0)).as("%s: ms from its first page to its last, against one slow call "
                    + "(%d ms) and one describe (1500 ms)", fast.name(), slowCallMs).isLessThan(slowCallMs);
        }
        long fastDone = Math.max(pageTimes.get(jobs.get(0).name()).get(1), pageTimes.get(jobs.get(1).name()).get(1));
        assertThat(fastDone).as("the fast jobs were read before the slow job's last page was answered")
                .isLessThan(pageTimes.get(slow.name()).stream().mapToLong(Long::longValue).max().orElseThrow());
    }

    @Test
    void credentialsThatExpireWithinSecondsAreFetchedAgainAndLoseNothing() {
        name = "knob-credttl";
        List<ScenarioJob> jobs = Fixtures.benchmarkJobs("credttl", 2, 6).build();
        SageMakerEmulator emulator = emulator(Scenario.builder().jobs(jobs)
                .credentials("ASIABENCHLAKETTL0001", "ttl-secret", "ttl-session-token").build(),
                new ManualClock().set(Duration.ofDays(1)));
        emulator.faults().credentialsTtlSeconds(2);
        String property = "aws.containerCredentialsFullUri";
        System.setProperty(property, emulator.credentialsEndpoint().toString());
        try {
            Map<String, String> props = ConnectHarness.connectorConfig(emulator, name, names(jobs).toArray(String[]::new));
            props.put("aws.credentials.provider", "default");
            props.remove("aws.access.key.id");
            props.remove("aws.secret.access.key");
            // slow enough that the reads outlast a credential's life several times
            props.put("api.max.requests.per.second", "4");
            props.put("page.size", "1");
            TopicReader steps = reader(name + ".steps");
            TopicReader jobRecords = reader(name + ".jobs");
            harness.startConnector(name, props);

            assertEachStepOnce(steps, jobRecords, names(jobs), 6);
            assertThat(emulator.counters().credentialsServed()).as("credentials fetched again as they expired")
                    .isGreaterThanOrEqualTo(3);
            assertThat(emulator.count(Outcome.ACCESS_DENIED)).as("no call signed with expired credentials was refused")
                    .isZero();
        } finally {
            System.clearProperty(property);
        }
    }

    /**
     * {@code api.max.requests.per.second} is the connector's: 3 tasks on one worker share one budget holding their
     * 3 shares of it. Measured by the emulator's own request log (its real-time clock), over every 2-second window.
     * The jobs are chosen by the shard function's documented definition (CRC-32 of the UTF-8 job name, modulo the
     * task count) so that every task owns some: one task a long job, the two others short ones. Once the short jobs
     * are read, the long job's task alone must use the whole ceiling, which tells a shared budget (about 6 calls a
     * second) from per-task thirds (2 a second at most).
     */
    @Test
    void theConnectorsRateCeilingIsSharedByAllItsTasksAndHeldByThemTogether() {
        name = "knob-rate";
        int tasks = 3;
        double ceiling = 6;
        List<ScenarioJob> longJob = Fixtures.benchmarkJobs("rate-long", 1, 90).build();
        String longName = longJob.get(0).name();
        int longShard = shard(longName, tasks);
        // short jobs, two steps each, until each of the other tasks owns one
        List<ScenarioJob> shortJobs = new ArrayList<>();
        Set<Integer> owners = new TreeSet<>(Set.of(longShard));
        for (ScenarioJob candidate : Fixtures.benchmarkJobs("rate-short", 12, 2).build()) {
            int shard = shard(candidate.name(), tasks);
            if (owners.add(shard)) {
                shortJobs.add(candidate);
            }
        }
        assertThat(owners).as("every task owns a job").containsExactly(0, 1, 2);
        List<ScenarioJob> jobs = new ArrayList<>(longJob);
        jobs.addAll(shortJobs);
        Set<String> shortNames = shortJobs.stream().map(ScenarioJob::name).collect(Collectors.toSet());
        try (SageMakerEmulator emulator = SageMakerEmulator.start(Scenario.builder().jobs(jobs).build(), EmulatorClock.realTime())) {
            Map<String, String> props = ConnectHarness.connectorConfig(emulator, name, names(jobs).toArray(String[]::new));
            props.put("tasks.max", Integer.toString(tasks));
            props.put("api.max.requests.per.second", Double.toString(ceiling));
            props.put("page.size", "1");
            harness.startConnectorAndAllTasks(name, props);
            long allRunning = emulator.clock().nowMillis();

            // the short jobs' steps all read, then 30 more pages of the long job read by its task alone
            int alone = 30;
            Awaitility.await("the short jobs read, then " + alone + " pages of the long job").atMost(ConnectHarness.TIMEOUT)
                    .until(() -> {
                        List<SageMakerEmulator.StepsRequest> log = emulator.stepsRequests();
                        long shortCalls = log.stream().filter(r -> shortNames.contains(r.jobName())).count();
                        long shortDone = lastCall(log, shortNames);
                        return shortCalls >= 2L * shortNames.size() && log.stream().filter(r -> r.jobName().equals(longName)
                                && r.scenarioTimeMillis() > Math.max(shortDone, allRunning)).count() >= alone;
                    });
            List<SageMakerEmulator.StepsRequest> log = emulator.stepsRequests();
            long from = Math.max(lastCall(log, shortNames), allRunning);
            List<Long> longAlone = log.stream().filter(r -> r.jobName().equals(longName) && r.scenarioTimeMillis() > from)
                    .map(SageMakerEmulator.StepsRequest::scenarioTimeMillis).sorted().limit(alone).toList();
            double aloneRate = (longAlone.size() - 1) / ((longAlone.get(longAlone.size() - 1) - longAlone.get(0)) / 1000.0);
            assertThat(aloneRate).as("calls a second of the one task left with work: a shared budget gives it the "
                    + "ceiling (%s/s), a per-task third at most %s/s", ceiling, ceiling / tasks)
                    .isGreaterThan(ceiling * 2 / tasks);
            assertWindowsHeld(log.stream().map(SageMakerEmulator.StepsRequest::scenarioTimeMillis).sorted().toList(), ceiling);
        }
    }

    /** The documented shard function: CRC-32 of the job name's UTF-8 bytes, modulo the task count. */
    private static int shard(String jobName, int tasks) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(jobName.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return (int) (crc.getValue() % tasks);
    }

    private static long lastCall(List<SageMakerEmulator.StepsRequest> log, Set<String> jobNames) {
        return log.stream().filter(r -> jobNames.contains(r.jobName()))
                .mapToLong(SageMakerEmulator.StepsRequest::scenarioTimeMillis).max().orElse(Long.MAX_VALUE);
    }

    private static void assertWindowsHeld(List<Long> at, double ceiling) {
        long windowMs = 2_000;
        // the ceiling's worth per window, the budget's burst (a fifth of a second's worth) and one call of rounding
        long bound = (long) (ceiling * windowMs / 1000) + 2;
        int most = 0;
        for (int i = 0, j = 0; i < at.size(); i++) {
            while (at.get(i) - at.get(j) >= windowMs) {
                j++;
            }
            most = Math.max(most, i - j + 1);
        }
        assertThat(most).as("most step calls in any %d ms window (ceiling %s/s for the connector)", windowMs, ceiling)
                .isLessThanOrEqualTo((int) bound);
    }
}
