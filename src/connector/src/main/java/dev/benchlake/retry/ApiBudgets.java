package dev.benchlake.retry;

import java.util.EnumMap;
import java.util.Map;

import dev.benchlake.api.ApiOperation;

/**
 * Rate budgets for SageMaker API calls: one adaptive budget per API operation, as AWS limits each operation on its own
 * (a describe never takes a step page's turn), all of them under one fixed ceiling for the calls together (a share of
 * {@code api.max.requests.per.second}). A call goes out when its operation's budget and the shared ceiling both have a
 * token.
 *
 * <p>One instance may serve several tasks of a connector (see {@link SharedBudgets}): each task {@linkplain #join joins}
 * with its share of the connector's ceilings and {@linkplain #leave leaves} when it stops, and the ceilings are the
 * sum of the shares present. Thread-safe; the calls are cheap and serialised.
 */
public final class ApiBudgets {

    /**
     * The least rate adaptation goes down to, as a share of the ceiling: throttles that this task's rate does not cause
     * (random faults, another client's burst on the shared quota) would otherwise cut it to nothing. The price: a
     * ceiling more than ten times the account's quota leaves that operation throttled.
     */
    static final double FLOOR_SHARE = 0.1;

    private final Map<ApiOperation, OperationBudget> budgets = new EnumMap<>(ApiOperation.class);
    private final Map<ApiOperation, Double> ceilings = new EnumMap<>(ApiOperation.class);
    private final TokenBucket shared;
    private double total;
    private int shares;

    /**
     * A budget holding one share.
     *
     * @param ceilings the share's ceiling per operation, calls per second (an operation not named has {@code total})
     * @param total the share's ceiling for all operations together
     */
    public ApiBudgets(Map<ApiOperation, Double> ceilings, double total, long nowMs) {
        for (ApiOperation op : ApiOperation.values()) {
            double ceiling = ceiling(ceilings, total, op);
            this.ceilings.put(op, ceiling);
            budgets.put(op, new OperationBudget(new AdaptiveRate(ceiling, ceiling * FLOOR_SHARE), nowMs));
        }
        this.total = total;
        this.shared = new TokenBucket(total, nowMs);
        this.shares = 1;
    }

    private static double ceiling(Map<ApiOperation, Double> ceilings, double total, ApiOperation op) {
        return Math.min(total, ceilings.getOrDefault(op, total));
    }

    /** Adds one more share: every ceiling grows by it, and each operation's adapted rate in proportion. */
    public synchronized void join(Map<ApiOperation, Double> shareCeilings, double shareTotal, long nowMs) {
        resize(shareCeilings, shareTotal, +1, nowMs);
    }

    /** Takes one share away again; returns how many are left. */
    public synchronized int leave(Map<ApiOperation, Double> shareCeilings, double shareTotal, long nowMs) {
        if (shares == 1) {
            shares = 0;
            return 0;
        }
        resize(shareCeilings, shareTotal, -1, nowMs);
        return shares;
    }

    private void resize(Map<ApiOperation, Double> shareCeilings, double shareTotal, int sign, long nowMs) {
        for (ApiOperation op : ApiOperation.values()) {
            double before = ceilings.get(op);
            double after = before + sign * ceiling(shareCeilings, shareTotal, op);
            ceilings.put(op, after);
            budgets.get(op).rescale(after / before, nowMs);
        }
        total += sign * shareTotal;
        shared.rate(total, nowMs);
        shares += sign;
    }

    /** How many tasks' shares this budget holds. */
    public synchronized int shares() {
        return shares;
    }

    /** Takes a token for one call of {@code op} and returns 0, or returns how many ms until there is one. */
    public synchronized long tryAcquire(ApiOperation op, long nowMs) {
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
    public synchronized long waitMs(ApiOperation op, long nowMs) {
        return Math.max(budgets.get(op).waitMs(nowMs), shared.waitMs(nowMs));
    }

    /**
     * One call of {@code op} was answered.
     *
     * @param throttled whether the answer was a throttle
     * @param grantedAtMs when the call took its token (calls made ahead took it well before they were answered)
     */
    public synchronized void answered(ApiOperation op, boolean throttled, long grantedAtMs, long nowMs) {
        budgets.get(op).answered(throttled, grantedAtMs, nowMs);
    }

    /** The rate {@code op} may use now, calls per second, for all the shares together. */
    public synchronized double rate(ApiOperation op) {
        return budgets.get(op).rate();
    }

    /** The rate of one share: {@link #rate} divided among the shares. */
    public synchronized double rateOfOneShare(ApiOperation op) {
        return budgets.get(op).rate() / Math.max(1, shares);
    }

    public synchronized double ceiling(ApiOperation op) {
        return budgets.get(op).ceiling();
    }
}
