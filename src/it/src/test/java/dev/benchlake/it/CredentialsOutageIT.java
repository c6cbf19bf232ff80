package dev.benchlake.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.benchlake.emulator.Fixtures;
import dev.benchlake.emulator.ManualClock;
import dev.benchlake.emulator.SageMakerEmulator;
import dev.benchlake.emulator.Scenario;

/**
 * Issue 22: credentials that blip never kill a task. SageMaker answering {@code ExpiredTokenException} for 30 s (the
 * answer that follows an instance metadata outage) is waited out inside {@code errors.credentials.failure.timeout.ms};
 * STS refusing the assume-role provider's {@code AssumeRole} is a credential problem naming the role, not an access
 * denial of each job.
 */
class CredentialsOutageIT extends ConnectorTestSupport {
    private static final String ROLE = "arn:aws:iam::123456789012:role/benchlake-reader";
    private static final int JOBS = 4;
    private static final int STEPS = 8;

    private static Scenario fleet() {
        return Scenario.builder().jobs(Fixtures.benchmarkJobs("cred", JOBS, STEPS)
                .stepDuration(Duration.ofSeconds(100)).build()).build();
    }

    private static Map<String, Long> versions(List<TopicReader.Rec> records) {
        return records.stream().collect(Collectors.groupingBy(
                r -> r.text("step_id") + "/" + r.text("content_hash"), Collectors.counting()));
    }

    private String taskState() {
        List<ConnectorStateInfo.TaskState> tasks = harness.connect().connectorStatus(name).tasks();
        return tasks.isEmpty() ? "NO TASK" : tasks.get(0).state();
    }

    private long jobsDenied() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        return (Long) server.getAttribute(new ObjectName("dev.benchlake:type=source-task-metrics,connector="
                + ObjectName.quote(name) + ",task=0"), "JobsDenied");
    }

    @Test
    void expiredTokenAnswersFor30SecondsAreWaitedOutAndEveryStepLands() throws Exception {
        name = "expired-token";
        ManualClock clock = new ManualClock();
        SageMakerEmulator emulator = emulator(fleet(), clock);
        Map<String, String> props = ConnectHarness.connectorConfig(emulator, name);
        props.remove("job.names");
        props.put("discovery.enabled", "true");
        props.put("discovery.interval.ms", "1000");
        harness.startConnector(name, props);
        TopicReader steps = reader(name + ".steps");
        steps.awaitUntil("every step's first version", recs -> versions(recs).size() == JOBS * STEPS);

        emulator.credentialFaults().expireTokensFor(Duration.ofSeconds(30));
        clock.set(Duration.ofSeconds(200)); // every step completes while the tokens are refused
        long samples = 0;
        while (emulator.credentialFaults().tokensExpiredNow()) {
            assertThat(taskState()).as("the task while SageMaker answers ExpiredTokenException").isEqualTo("RUNNING");
            samples++;
            Thread.sleep(500);
        }
        assertThat(samples).as("the window was watched").isGreaterThan(10);
        assertThat(emulator.credentialFaults().expiredAnswers()).as("calls answered ExpiredTokenException").isPositive();

        List<TopicReader.Rec> all = steps.awaitUntil("both versions of every step",
                recs -> versions(recs).size() == 2 * JOBS * STEPS);
        assertThat(versions(all)).hasSize(2 * JOBS * STEPS);
        assertThat(taskState()).isEqualTo("RUNNING");
        assertThat(jobsDenied()).as("no job taken for denied").isZero();
    }

    @Test
    void anStsAccessDeniedOfTheCredentialProviderTakesTheCredentialsPathAndNamesTheRole() throws Exception {
        name = "sts-denied";
        SageMakerEmulator emulator = emulator(fleet(), new ManualClock());
        emulator.credentialFaults().denyAssumeRole(true);
        Map<String, String> props = ConnectHarness.connectorConfig(emulator, name);
        props.remove("job.names");
        props.put("discovery.enabled", "true");
        props.put("aws.credentials.provider", "assume-role");
        props.put("aws.assume.role.arn", ROLE);
        props.put("errors.credentials.failure.timeout.ms", "10000");
        // the SDK's STS client goes where this says (read when the task builds it)
        String before = System.setProperty("aws.endpointUrlSts", emulator.stsEndpoint().toString());
        try {
            harness.startConnector(name, props);
            Awaitility.await("STS refused the provider three times").atMost(ConnectHarness.TIMEOUT)
                    .until(() -> emulator.credentialFaults().stsDenied() >= 3);
            assertThat(taskState()).as("within errors.credentials.failure.timeout.ms").isEqualTo("RUNNING");
            assertThat(jobsDenied()).as("an STS denial is no SageMaker denial of a job").isZero();
            Awaitility.await("the credentials window ends").atMost(ConnectHarness.TIMEOUT)
                    .until(() -> "FAILED".equals(taskState()));
            String trace = harness.connect().connectorStatus(name).tasks().get(0).trace();
            assertThat(trace).contains("could not load AWS credentials", "errors.credentials.failure.timeout.ms=10000",
                    "could not assume role " + ROLE, "trust policy", "sts:AssumeRole")
                    .doesNotContain("sagemaker:ListInferenceRecommendationsJobSteps");
        } finally {
            if (before == null) {
                System.clearProperty("aws.endpointUrlSts");
            } else {
                System.setProperty("aws.endpointUrlSts", before);
            }
        }
    }
}
