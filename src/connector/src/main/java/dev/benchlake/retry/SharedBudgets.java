package dev.benchlake.retry;

import java.util.HashMap;
import java.util.Map;

import dev.benchlake.api.ApiOperation;

/**
 * The {@link ApiBudgets} that one connector's tasks in this worker (JVM) share. Tasks with budgets of their own adapt
 * as several clients of one quota: their evenly paced streams collide in the service's token bucket and each throttle
 * cuts one task's rate, and a task whose shard is read leaves its share unused while the others wait. Sharing one
 * budget per operation makes the tasks of a worker one client, and lets the tasks that still have calls to make use
 * the whole of the worker's share. Tasks on other workers have budgets of their own, with their own shares: the
 * connector's ceilings are still split by task count across the cluster.
 */
public final class SharedBudgets {

    private static final Map<String, ApiBudgets> BY_KEY = new HashMap<>();

    private SharedBudgets() {
    }

    /**
     * Joins the budgets of {@code key} (the connector's name) with one task's share, creating them for the first task.
     */
    public static synchronized ApiBudgets join(String key, Map<ApiOperation, Double> ceilings, double total, long nowMs) {
        ApiBudgets budgets = BY_KEY.get(key);
        if (budgets == null) {
            budgets = new ApiBudgets(ceilings, total, nowMs);
            BY_KEY.put(key, budgets);
        } else {
            budgets.join(ceilings, total, nowMs);
        }
        return budgets;
    }

    /** Takes one task's share out of the budgets of {@code key}; the last task's leaving removes them. */
    public static synchronized void leave(String key, ApiBudgets budgets, Map<ApiOperation, Double> ceilings, double total,
            long nowMs) {
        if (BY_KEY.get(key) == budgets && budgets.leave(ceilings, total, nowMs) == 0) {
            BY_KEY.remove(key);
        }
    }

    /** The budgets of {@code key} in this JVM, if any task holds them. */
    static synchronized ApiBudgets of(String key) {
        return BY_KEY.get(key);
    }
}
