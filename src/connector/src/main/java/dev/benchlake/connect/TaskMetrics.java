package dev.benchlake.connect;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.benchlake.engine.SourceEngine;
import dev.benchlake.metrics.TaskStats;

/**
 * The task's counters as a JMX MBean. Plain JMX works on every Connect version (plugin metrics need Kafka 4.1+),
 * and every JMX exporter (Prometheus JMX exporter, Datadog, MSK's open monitoring) picks it up.
 */
final class TaskMetrics implements TaskMetricsMBean, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TaskMetrics.class);

    private final TaskStats stats;
    private final SourceEngine engine;
    private ObjectName name;

    private TaskMetrics(TaskStats stats, SourceEngine engine) {
        this.stats = stats;
        this.engine = engine;
    }

    static TaskMetrics register(String connector, int task, TaskStats stats, SourceEngine engine) {
        TaskMetrics metrics = new TaskMetrics(stats, engine);
        try {
            ObjectName name = objectName(connector, task);
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
            server.registerMBean(metrics, name);
            metrics.name = name;
        } catch (JMException | RuntimeException e) {
            log.warn("task metrics are not available over JMX: {}", e.toString());
        }
        return metrics;
    }

    /**
     * Every attribute of the MBean, by name, in the order of the metrics log line (MetricsLog) and the plugin metrics
     * (PluginMetricsBridge): the same values, three ways.
     */
    Map<String, LongSupplier> attributes() {
        Map<String, LongSupplier> values = new LinkedHashMap<>();
        values.put("StepRecords", this::getStepRecords);
        values.put("JobRecords", this::getJobRecords);
        values.put("ApiCalls", this::getApiCalls);
        values.put("DescribeCalls", this::getDescribeCalls);
        values.put("ListStepsCalls", this::getListStepsCalls);
        values.put("ListJobsCalls", this::getListJobsCalls);
        values.put("Throttled", this::getThrottled);
        values.put("TransientErrors", this::getTransientErrors);
        values.put("JobErrors", this::getJobErrors);
        values.put("TokenRestarts", this::getTokenRestarts);
        values.put("CallsDiscarded", this::getCallsDiscarded);
        values.put("StepPages", this::getStepPages);
        values.put("DiscoveryPages", this::getDiscoveryPages);
        values.put("UnidentifiedSteps", this::getUnidentifiedSteps);
        values.put("JobsActive", this::getJobsActive);
        values.put("JobsKnown", this::getJobsKnown);
        values.put("JobsClosed", this::getJobsClosed);
        values.put("JobsNotFound", this::getJobsNotFound);
        values.put("JobsDenied", this::getJobsDenied);
        values.put("OldestDueJobLagMs", this::getOldestDueJobLagMs);
        values.put("Polls", this::getPolls);
        values.put("LongestPollMs", this::getLongestPollMs);
        return values;
    }

    /** The names of {@link #attributes()}, in order. */
    static java.util.List<String> attributeNames() {
        return java.util.List.copyOf(new TaskMetrics(null, null).attributes().keySet());
    }

    static ObjectName objectName(String connector, int task) throws JMException {
        return new ObjectName("dev.benchlake:type=source-task-metrics,connector=" + ObjectName.quote(connector)
                + ",task=" + task);
    }

    @Override
    public void close() {
        if (name == null) {
            return;
        }
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        } catch (JMException e) {
            log.debug("unregistering {}: {}", name, e.toString());
        }
    }

    @Override
    public long getApiCalls() {
        return stats.apiCalls.get();
    }

    @Override
    public long getDescribeCalls() {
        return stats.describeCalls.get();
    }

    @Override
    public long getListStepsCalls() {
        return stats.listStepsCalls.get();
    }

    @Override
    public long getListJobsCalls() {
        return stats.listJobsCalls.get();
    }

    @Override
    public long getThrottled() {
        return stats.throttled.get();
    }

    @Override
    public long getTransientErrors() {
        return stats.transientErrors.get();
    }

    @Override
    public long getJobErrors() {
        return stats.jobErrors.get();
    }

    @Override
    public long getTokenRestarts() {
        return stats.tokenRestarts.get();
    }

    @Override
    public long getStepPages() {
        return stats.pages.get();
    }

    @Override
    public long getDiscoveryPages() {
        return stats.discoveryPages.get();
    }

    @Override
    public long getStepRecords() {
        return stats.stepRecords.get();
    }

    @Override
    public long getJobRecords() {
        return stats.jobRecords.get();
    }

    @Override
    public long getUnidentifiedSteps() {
        return stats.unidentifiedSteps.get();
    }

    @Override
    public long getJobsClosed() {
        return stats.jobsClosed.get();
    }

    @Override
    public long getJobsNotFound() {
        return stats.jobsNotFound.get();
    }

    @Override
    public long getPolls() {
        return stats.polls.get();
    }

    @Override
    public long getLongestPollMs() {
        return stats.longestPollMs.get();
    }

    @Override
    public long getJobsDenied() {
        return stats.jobsDenied.get();
    }

    @Override
    public long getCallsDiscarded() {
        return stats.callsDiscarded.get();
    }

    @Override
    public int getJobsActive() {
        return engine.openJobs();
    }

    @Override
    public int getJobsKnown() {
        return engine.knownJobs();
    }

    @Override
    public long getOldestDueJobLagMs() {
        return engine.oldestDueLagMs();
    }
}
