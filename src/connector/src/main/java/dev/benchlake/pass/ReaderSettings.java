package dev.benchlake.pass;

import java.time.Duration;

import dev.benchlake.config.BenchlakeSourceConfig;
import dev.benchlake.record.RecordContext;
import dev.benchlake.retry.ErrorSettings;

/**
 * The settings the job reader works with, apart from the config class so tests can build them directly.
 *
 * @param describeListedJobs whether a job that discovery listed is described once for its input configuration
 * @param errors how long it waits on the errors of real accounts
 * @param offsetMaxBytes the largest offset one job may have
 */
public record ReaderSettings(String topic, String jobsTopic, String statusFilter, int pageSize, Duration pollInterval,
        Duration tokenMaxAge, Duration terminalGrace, RecordContext context, boolean describeListedJobs,
        ErrorSettings errors, int offsetMaxBytes) {

    /** Settings with the default error handling and offset bound. */
    public ReaderSettings(String topic, String jobsTopic, String statusFilter, int pageSize, Duration pollInterval,
            Duration tokenMaxAge, Duration terminalGrace, RecordContext context, boolean describeListedJobs) {
        this(topic, jobsTopic, statusFilter, pageSize, pollInterval, tokenMaxAge, terminalGrace, context, describeListedJobs,
                ErrorSettings.DEFAULTS, 900_000);
    }

    public ReaderSettings withErrors(ErrorSettings e) {
        return new ReaderSettings(topic, jobsTopic, statusFilter, pageSize, pollInterval, tokenMaxAge, terminalGrace,
                context, describeListedJobs, e, offsetMaxBytes);
    }

    public ReaderSettings withOffsetMaxBytes(int bytes) {
        return new ReaderSettings(topic, jobsTopic, statusFilter, pageSize, pollInterval, tokenMaxAge, terminalGrace,
                context, describeListedJobs, errors, bytes);
    }

    public static ReaderSettings from(BenchlakeSourceConfig config) {
        return new ReaderSettings(config.topic(), config.jobsTopic(), config.stepStatusFilter().orElse(null),
                config.pageSize(), config.pollInterval(), config.tokenMaxAge(), config.terminalGracePeriod(),
                new RecordContext(config.region(), config.accountId().orElse(null), config.nanHandling()),
                config.describeDiscoveredJobs(), errors(config), config.offsetMaxBytes());
    }

    /** The error settings of a connector configuration. */
    public static ErrorSettings errors(BenchlakeSourceConfig config) {
        return new ErrorSettings(config.accessDeniedRetry(), config.credentialsFailureTimeout(),
                config.notFoundCloseAnswers(), config.notFoundCloseAfter(), config.notFoundRecheckMax(),
                config.tokenMaxFailures());
    }
}
