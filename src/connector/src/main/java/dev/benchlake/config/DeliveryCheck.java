package dev.benchlake.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Connect's error handling settings of a source connector, read for what they mean for delivery: on a source, a
 * record whose conversion fails (a schema registry outage longer than the converter's retries) is either retried,
 * failed, or dropped with its offset committed, and then that step version is never emitted again.
 */
public final class DeliveryCheck {
    static final String TOLERANCE = "errors.tolerance";
    static final String RETRY_TIMEOUT = "errors.retry.timeout";

    private DeliveryCheck() {
    }

    /** What these settings would lose or stop on, each naming the keys and the settings that avoid it. */
    public static List<String> warnings(Map<String, String> connectorConfig) {
        List<String> out = new ArrayList<>();
        String tolerance = connectorConfig.getOrDefault(TOLERANCE, "none").trim();
        String retry = connectorConfig.getOrDefault(RETRY_TIMEOUT, "0").trim();
        if ("all".equalsIgnoreCase(tolerance)) {
            out.add(TOLERANCE + "=all drops a record whose conversion fails (for example while the schema registry is "
                    + "down) and commits its offset, so that step version is never emitted again; use " + TOLERANCE
                    + "=none with " + RETRY_TIMEOUT + "=-1");
        } else if (!"-1".equals(retry)) {
            out.add(TOLERANCE + "=none with " + RETRY_TIMEOUT + "=" + retry + " fails the task when the schema registry "
                    + "is down longer than the converter retries (nothing is lost, but the task must be restarted); "
                    + RETRY_TIMEOUT + "=-1 retries until it is back");
        }
        return out;
    }
}
