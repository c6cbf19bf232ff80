package dev.benchlake.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.benchlake.emulator.ManualClock;
import dev.benchlake.emulator.SageMakerEmulator;
import dev.benchlake.emulator.Scenario;

/**
 * On a Connect worker of Kafka 4.1 or later (here 4.3.1, in-process), a task's metrics are also plugin metrics
 * (KIP-877) in the worker's own registry, which its JMX reporter shows as kafka.connect:type=plugins,connector=…,task=…:
 * each gauge equals the MBean attribute it mirrors, and both count the scenario's records.
 */
class PluginMetricsIT extends ConnectorTestSupport {

    /** three-jobs.json: 3 jobs of 3, 4 and 2 steps; at scenario time 2,000 s all are finished. */
    private static final int JOBS = 3;
    private static final int STEPS = 9;
    private static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();

    @Test
    void everyMBeanAttributeIsAlsoAPluginMetricOfTheTaskWithTheSameValue() throws Exception {
        name = "plugin-metrics";
        SageMakerEmulator emulator = emulator(Scenario.fromResource("scenarios/three-jobs.json"),
                new ManualClock().set(Duration.ofSeconds(2_000)));
        TopicReader steps = reader(name + ".steps");
        Map<String, String> props = ConnectHarness.connectorConfig(emulator, name,
                "resnet50-nightly-001", "bert-base-ondemand-002", "xgboost-serverless-003");
        props.put("terminal.grace.period.ms", "0");
        harness.startConnector(name, props);
        steps.awaitCount(STEPS);

        ObjectName mbean = new ObjectName("dev.benchlake:type=source-task-metrics,connector=" + ObjectName.quote(name) + ",task=0");
        Awaitility.await("every job closed").atMost(ConnectHarness.TIMEOUT).pollInterval(Duration.ofMillis(200))
                .until(() -> ((Number) JMX.getAttribute(mbean, "JobsClosed")).longValue() == JOBS);
        ObjectName plugin = pluginMetricsBean();

        String[] attributes = {"StepRecords", "JobRecords", "ApiCalls", "DescribeCalls", "ListStepsCalls", "ListJobsCalls",
            "Throttled", "TransientErrors", "JobErrors", "TokenRestarts", "CallsDiscarded", "StepPages", "DiscoveryPages",
            "UnidentifiedSteps", "JobsActive", "JobsKnown", "JobsClosed", "JobsNotFound", "JobsDenied", "OldestDueJobLagMs",
            "Polls", "LongestPollMs"};
        // closed jobs cost no calls: once every job is closed only Polls and LongestPollMs still move
        for (String attribute : attributes) {
            if (attribute.startsWith("Polls") || attribute.equals("LongestPollMs")) {
                continue;
            }
            double pluginValue = ((Number) JMX.getAttribute(plugin, kebab(attribute))).doubleValue();
            long mbeanValue = ((Number) JMX.getAttribute(mbean, attribute)).longValue();
            assertThat(pluginValue).as(attribute).isEqualTo(mbeanValue);
        }
        assertThat(((Number) JMX.getAttribute(plugin, "step-records")).doubleValue()).isEqualTo(STEPS);
        assertThat(((Number) JMX.getAttribute(plugin, "jobs-closed")).doubleValue()).isEqualTo(JOBS);
        assertThat(((Number) JMX.getAttribute(plugin, "describe-calls")).doubleValue()).isEqualTo(JOBS)
                .isEqualTo(emulator.counters().requests("DescribeInferenceRecommendationsJob"));
        assertThat(((Number) JMX.getAttribute(plugin, "polls")).doubleValue()).isPositive();

        // the task's plugin metrics go with the task
        harness.connect().deleteConnector(name);
        Awaitility.await("the plugin metrics removed with the task").atMost(ConnectHarness.TIMEOUT)
                .until(() -> JMX.queryNames(plugin, null).isEmpty());
    }

    /** The worker's JMX bean of the task's plugin metrics (tags connector and task, group "plugins"). */
    private ObjectName pluginMetricsBean() throws Exception {
        Set<ObjectName> beans = JMX.queryNames(new ObjectName("kafka.connect:type=plugins,*"), null);
        ObjectName found = beans.stream()
                .filter(b -> name.equals(b.getKeyProperty("connector")) && "0".equals(b.getKeyProperty("task")))
                .findFirst().orElseThrow(() -> new AssertionError("no plugin metrics bean of " + name + " in " + beans));
        return found;
    }

    private static String kebab(String attribute) {
        return attribute.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}
