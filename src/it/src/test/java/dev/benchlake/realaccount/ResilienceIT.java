package dev.benchlake.realaccount;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.benchlake.emulator.Fixtures;
import dev.benchlake.emulator.ManualClock;
import dev.benchlake.emulator.Outcome;
import dev.benchlake.emulator.SageMakerEmulator;
import dev.benchlake.emulator.Scenario;
import dev.benchlake.emulator.ScenarioJob;
import dev.benchlake.emulator.TimeWindow;
import dev.benchlake.it.ConnectHarness;
import dev.benchlake.it.TopicReader;

/** A SageMaker that hangs, and credentials that fail to load: the task keeps answering Connect and loses nothing. */
class ResilienceIT {
    private static final String LIST_STEPS = "ListInferenceRecommendationsJobSteps";
    private static final String CONTAINER_CREDENTIALS = "aws.containerCredentialsFullUri";

    private static ConnectHarness harness;
    private SageMakerEmulator emulator;
    private String name;

    @BeforeAll
    static void start() {
        harness = ConnectHarness.start("resilience", 1, Map.of());
    }

    @AfterAll
    static void stopAll() {
        harness.close();
    }

    @AfterEach
    void cleanUp() {
        System.clearProperty(CONTAINER_CREDENTIALS);
        if (name != null && harness.connect().connectors().contains(name)) {
            harness.connect().deleteConnector(name);
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    @Test
    void pollReturnsWithinASecondWhileSageMakerHangsAndTheTaskStopsWithinTheGracefulTimeout() throws Exception {
        name = "hanging";
        // one job whose every call hangs 60 s, and two jobs that answer at once: the task goes on with those
        ScenarioJob hanging = Fixtures.benchmarkJobs("hang", 1, 2).build().get(0);
        List<ScenarioJob> jobs = new java.util.ArrayList<>(Fixtures.benchmarkJobs("flow", 2, 10).build());
        jobs.add(hanging.withFaults(hanging.faults().latencyMs(60_000)));
        emulator = SageMakerEmulator.start(Scenario.builder().jobs(jobs).build(), new ManualClock().set(Duration.ofSeconds(200)));
        Map<String, String> props = ConnectHarness.connectorConfig(emulator, name,
                jobs.stream().map(ScenarioJob::name).toArray(String[]::new));
        props.put("aws.api.call.timeout.ms", "120000");
        harness.startConnector(name, props);

        Awaitility.await("a call of the hanging job under way").atMost(ConnectHarness.TIMEOUT)
                .until(() -> emulator.inFlight() >= 1);
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName benchlake = new ObjectName("dev.benchlake:type=source-task-metrics,connector=" + ObjectName.quote(name)
                + ",task=0");
        long pollsBefore = (Long) server.getAttribute(benchlake, "Polls");
        Awaitility.await("the other jobs' 20 steps emitted and five polls returned while the call hangs")
                .atMost(ConnectHarness.TIMEOUT).until(() -> (Long) server.getAttribute(benchlake, "StepRecords") >= 20
                        && (Long) server.getAttribute(benchlake, "Polls") >= pollsBefore + 5);
        assertThat(emulator.inFlight()).as("the call still hangs").isGreaterThanOrEqualTo(1);
        assertThat(emulator.count(LIST_STEPS, hanging.name()) + emulator.count("DescribeInferenceRecommendationsJob",
                hanging.name())).as("no call of the hanging job answered meanwhile").isZero();
        // Connect's own measure of poll(): the longest poll that returned records, from the worker's metrics
        ObjectName connectMetrics = connectTaskMetrics(server, name);
        assertThat((Double) server.getAttribute(connectMetrics, "poll-batch-max-time-ms"))
                .as("Connect's poll-batch-max-time-ms, SageMaker hanging 60 s on one job").isLessThan(1_500.0);
        assertThat((Long) server.getAttribute(benchlake, "LongestPollMs"))
                .as("the longest poll, empty ones too (Connect measures only polls that return records)").isLessThan(1_500L);
        ObjectName taskMetrics = connectMetrics;

        // deleting the connector stops the task: Connect removes its metrics once the task thread has ended
        long deleted = System.nanoTime();
        harness.connect().deleteConnector(name);
        Awaitility.await("the task thread ends").atMost(ConnectHarness.TIMEOUT)
                .until(() -> !server.isRegistered(taskMetrics));
        assertThat(Duration.ofNanos(System.nanoTime() - deleted)).as("within Connect's graceful timeout (5 s)")
                .isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void credentialsThatFailToLoadForAWhileLoseNothingAndTheTaskRunsOn() {
        name = "credential-blip";
        ManualClock clock = new ManualClock().set(Duration.ofSeconds(50));
        emulator = SageMakerEmulator.start(Scenario.builder().jobs(Fixtures.benchmarkJobs("blip", 2, 3).build())
                .credentials("ASIABENCHLAKEBLIP001", "blip-secret", "blip-session-token").build(), clock);
        emulator.faults().credentialsUnavailable(TimeWindow.seconds(0, 100));
        System.setProperty(CONTAINER_CREDENTIALS, emulator.credentialsEndpoint().toString());
        Map<String, String> props = ConnectHarness.connectorConfig(emulator, name, "blip-00000", "blip-00001");
        props.put("aws.credentials.provider", "default");
        props.remove("aws.access.key.id");
        props.remove("aws.secret.access.key");
        try (TopicReader steps = new TopicReader(harness.bootstrapServers(), name + ".steps", false)) {
            harness.startConnector(name, props);
            Awaitility.await("credentials failed to load three times").atMost(ConnectHarness.TIMEOUT)
                    .until(() -> emulator.counters().credentialsFailed() >= 3);
            assertThat(steps.drain()).isEmpty();
            assertThat(harness.connect().connectorStatus(name).tasks().get(0).state()).isEqualTo("RUNNING");

            clock.set(Duration.ofSeconds(200));
            List<TopicReader.Rec> all = steps.awaitUntil("the 6 steps", recs -> recs.stream()
                    .map(r -> r.text("step_id")).distinct().count() == 6);
            assertThat(all.stream().map(r -> r.text("step_id")).distinct()).hasSize(6);
            assertThat(emulator.counters().credentialsServed()).isPositive();
            assertThat(harness.connect().connectorStatus(name).tasks().get(0).state()).isEqualTo("RUNNING");
        }
    }

    @Test
    void credentialsThatStayUnavailableFailTheTaskAfterTheConfiguredTime() {
        name = "credential-loss";
        emulator = SageMakerEmulator.start(Scenario.builder().jobs(Fixtures.benchmarkJobs("loss", 1, 1).build())
                .credentials("ASIABENCHLAKELOSS001", "loss-secret", "loss-session-token").build(), new ManualClock());
        emulator.faults().credentialsUnavailable(TimeWindow.ALWAYS);
        System.setProperty(CONTAINER_CREDENTIALS, emulator.credentialsEndpoint().toString());
        Map<String, String> props = ConnectHarness.connectorConfig(emulator, name, "loss-00000");
        props.put("aws.credentials.provider", "default");
        props.remove("aws.access.key.id");
        props.remove("aws.secret.access.key");
        props.put("errors.credentials.failure.timeout.ms", "3000");
        harness.connect().configureConnector(name, props);
        Awaitility.await("the task fails").atMost(ConnectHarness.TIMEOUT).ignoreExceptions().until(() ->
                "FAILED".equals(harness.connect().connectorStatus(name).tasks().get(0).state()));
        assertThat(harness.connect().connectorStatus(name).tasks().get(0).trace())
                .contains("could not load AWS credentials", "errors.credentials.failure.timeout.ms=3000");
    }

    @Test
    void aWrongSecretFailsTheTaskAtOnceAsOnAwsBecauseTheEmulatorChecksTheSignature() {
        name = "wrong-secret";
        emulator = SageMakerEmulator.start(Scenario.builder().jobs(Fixtures.benchmarkJobs("sig", 1, 1).build())
                .credentials("AKIDBENCHLAKETEST", "the-real-secret", null).build(), new ManualClock());
        Map<String, String> props = ConnectHarness.connectorConfig(emulator, name, "sig-00000");
        props.put("aws.access.key.id", "AKIDBENCHLAKETEST");
        props.put("aws.secret.access.key", "not-the-real-secret");
        harness.connect().configureConnector(name, props);
        Awaitility.await("the task fails").atMost(ConnectHarness.TIMEOUT).ignoreExceptions().until(() ->
                "FAILED".equals(harness.connect().connectorStatus(name).tasks().get(0).state()));
        assertThat(harness.connect().connectorStatus(name).tasks().get(0).trace())
                .contains("InvalidSignatureException", "does not match the signature you provided");
        // "at once": the first call refused fails the task, with no retry beyond the SDK's own attempts of that call
        // (3 in its standard mode) and no call answered
        long refused = emulator.count(Outcome.ACCESS_DENIED);
        assertThat(refused).as("calls refused before the task failed").isBetween(1L, 3L);
        assertThat(emulator.totalRequests()).as("every call the task made was refused").isEqualTo(refused);
    }

    /** Connect's own metrics of the connector's task, removed when the task thread has ended. */
    private static ObjectName connectTaskMetrics(MBeanServer server, String connector) throws Exception {
        for (ObjectName n : server.queryNames(new ObjectName("kafka.connect:type=source-task-metrics,*"), null)) {
            if (n.getCanonicalName().contains(connector)) {
                return n;
            }
        }
        throw new IllegalStateException("no Connect task metrics for " + connector);
    }
}
