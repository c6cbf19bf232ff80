package dev.benchlake.pass;

import java.time.Duration;

import dev.benchlake.config.BenchlakeSourceConfig;
import dev.benchlake.record.RecordContext;

/**
 * The settings the job reader works with, apart from the config class so tests can build them directly.
 *
 * @param describeListedJobs whether a job that discovery listed is described once for its input configuration
 */
public record ReaderSettings(String topic, String jobsTopic, String statusFilter, int pageSize, Duration pollInterval,
        Duration tokenMaxAge, Duration terminalGrace, RecordContext context, boolean describeListedJobs) {

    public static ReaderSettings from(BenchlakeSourceConfig config) {
        return new ReaderSettings(config.topic(), config.jobsTopic(), config.stepStatusFilter().orElse(null),
                config.pageSize(), config.pollInterval(), config.tokenMaxAge(), config.terminalGracePeriod(),
                new RecordContext(config.region(), config.accountId().orElse(null), config.nanHandling()),
                config.describeDiscoveredJobs());
    }
}
