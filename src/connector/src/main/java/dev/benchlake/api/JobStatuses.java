package dev.benchlake.api;

import java.util.List;
import java.util.Set;

/** Job and step statuses as the 2017-07-24 API model lists them; the API may add more, so records keep strings. */
public final class JobStatuses {

    public static final List<String> ALL =
            List.of("PENDING", "IN_PROGRESS", "COMPLETED", "FAILED", "STOPPING", "STOPPED", "DELETING", "DELETED");

    /** Statuses after which nothing about a job or a step changes any more. */
    public static final Set<String> TERMINAL = Set.of("COMPLETED", "FAILED", "STOPPED", "DELETED");

    private JobStatuses() {
    }

    public static boolean isTerminal(String status) {
        return status != null && TERMINAL.contains(status);
    }
}
