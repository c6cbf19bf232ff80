package dev.benchlake.connect;

import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task's metrics as one INFO line every {@code metrics.log.interval.ms}, for MSK Connect, whose workers' JMX no
 * one can reach but whose logs go to CloudWatch Logs: a metric filter turns the line into CloudWatch metrics.
 * <pre>BENCHLAKE_METRICS v1 "connector" task StepRecords JobRecords ApiCalls ...</pre>
 * The values are space-separated numbers in the order of {@link #FIELDS} (the order of
 * {@link TaskMetrics#attributes()}), since a CloudWatch space-delimited filter extracts values by position and its JSON
 * filters need a whole event of JSON, which Connect's log layout never gives. docs/monitoring.md has the filter.
 * {@code v1} changes only when the order does: fields are only ever added at the end.
 */
final class MetricsLog {

    static final String MARKER = "BENCHLAKE_METRICS";
    static final String VERSION = "v1";

    private static final Logger log = LoggerFactory.getLogger(MetricsLog.class);

    private final String connector;
    private final int task;
    private final Map<String, LongSupplier> values;
    private final long intervalMs;
    private long lastMs;

    MetricsLog(String connector, int task, Map<String, LongSupplier> values, long intervalMs, long nowMs) {
        // the connector name is one quoted field: a quote in it would end the field early
        this.connector = connector.replace('"', '\'');
        this.task = task;
        this.values = values;
        this.intervalMs = intervalMs;
        this.lastMs = nowMs;
    }

    /** The field names after the marker, version, connector and task, in order. */
    static List<String> fields() {
        return List.copyOf(TaskMetrics.attributeNames());
    }

    /** Logs the line when an interval has passed since the last one (or the start); returns it, or null. */
    String maybeLog(long nowMs) {
        if (intervalMs <= 0 || nowMs - lastMs < intervalMs) {
            return null;
        }
        lastMs = nowMs;
        String line = line();
        log.info(line);
        return line;
    }

    String line() {
        StringBuilder b = new StringBuilder(MARKER).append(' ').append(VERSION).append(" \"").append(connector)
                .append("\" ").append(task);
        for (LongSupplier value : values.values()) {
            b.append(' ').append(value.getAsLong());
        }
        return b.toString();
    }
}
