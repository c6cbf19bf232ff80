package dev.benchlake.engine;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

import dev.benchlake.api.ApiOperation;
import dev.benchlake.config.BenchlakeSourceConfig;
import dev.benchlake.discovery.JobDiscovery;
import dev.benchlake.pass.ReaderSettings;

/**
 * What the connector's configuration says to a task's engine, parsed once when the task starts and passed down as
 * values: the reader's settings, discovery's (null when it is off), the connector's rate ceilings, how many calls may
 * be under way, and the producer's transaction timeout.
 *
 * @param account the account id the records name; empty when not configured
 * @param ceilings the connector's ceiling per API operation, calls per second, for all its tasks together
 * @param maxRequestsPerSecond the connector's ceiling for all operations together
 */
public record EngineSettings(ReaderSettings reader, String region, String account, JobDiscovery.Settings discovery,
        Map<ApiOperation, Double> ceilings, double maxRequestsPerSecond, int maxConcurrentRequests,
        Duration transactionTimeout) {

    public EngineSettings {
        ceilings = Map.copyOf(ceilings);
    }

    public static EngineSettings from(BenchlakeSourceConfig config) {
        Map<ApiOperation, Double> ceilings = new EnumMap<>(ApiOperation.class);
        for (ApiOperation op : ApiOperation.values()) {
            ceilings.put(op, config.maxRequestsPerSecond(op));
        }
        JobDiscovery.Settings discovery = config.discoveryEnabled()
                ? new JobDiscovery.Settings(config.discoveryFilter(), config.discoveryInterval(), config.discoveryOverlap())
                : null;
        return new EngineSettings(ReaderSettings.from(config), config.region(), config.accountId().orElse(""), discovery,
                ceilings, config.maxRequestsPerSecond(), config.maxConcurrentRequests(), config.transactionTimeout());
    }
}
