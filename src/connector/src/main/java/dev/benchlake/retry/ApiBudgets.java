package dev.benchlake.retry;

import java.util.EnumMap;
import java.util.Map;

import dev.benchlake.api.ApiOperation;

/**
 * A task's rate budgets: one adaptive budget per API operation, as AWS limits each operation on its own (a describe
 * never takes a step page's turn), all of them under one fixed ceiling for the task's calls together (its share of
 * {@code api.max.requests.per.second}). A call goes out when its operation's budget and the shared ceiling both have
 * a token. Not thread-safe: one task's poll thread owns it.
 */
public final class ApiBudgets {

    /** The least rate adaptation goes down to: one call every 20 s, so that an operation is never starved. */
    static final double FLOOR_PER_SECOND = 0.05;

    private final Map<ApiOperation, OperationBudget> budgets = new EnumMap<>(ApiOperation.class);
    private final TokenBucket shared;

    /**
     * @param ceilings this task's ceiling per operation, calls per second
     * @param total this task's ceiling for all operations together
     */
    public ApiBudgets(Map<ApiOperation, Double> ceilings, double total, long nowMs) {
        for (ApiOperation op : ApiOperation.values()) {
            double ceiling = Math.min(total, ceilings.getOrDefault(op, total));
            budgets.put(op, new OperationBudget(new AdaptiveRate(ceiling, Math.min(ceiling, FLOOR_PER_SECOND)), nowMs));
        }
        this.shared = new TokenBucket(total, nowMs);
    }

    /** Takes a token for one call of {@code op} and returns 0, or returns how many ms until there is one. */
    public long tryAcquire(ApiOperation op, long nowMs) {
        OperationBudget budget = budgets.get(op);
        long wait = Math.max(budget.waitMs(nowMs), shared.waitMs(nowMs));
        if (wait > 0) {
            return wait;
        }
        budget.take(nowMs);
        shared.take(nowMs);
        return 0;
    }

    /** How many ms until a call of {@code op} could go out; takes nothing. */
    public long waitMs(ApiOperation op, long nowMs) {
        return Math.max(budgets.get(op).waitMs(nowMs), shared.waitMs(nowMs));
    }

    /**
     * One call of {@code op} was answered.
     *
     * @param throttled whether the answer was a throttle
     * @param grantedAtMs when the call took its token (calls made ahead took it well before they were answered)
     */
    public void answered(ApiOperation op, boolean throttled, long grantedAtMs, long nowMs) {
        budgets.get(op).answered(throttled, grantedAtMs, nowMs);
    }

    /** The rate {@code op} may use now, calls per second. */
    public double rate(ApiOperation op) {
        return budgets.get(op).rate();
    }

    public double ceiling(ApiOperation op) {
        return budgets.get(op).ceiling();
    }
}
