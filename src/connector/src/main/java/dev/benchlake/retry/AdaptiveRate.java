package dev.benchlake.retry;

/**
 * The rate of one API operation that one task may use, adapted to a limit it does not know: SageMaker throttles each
 * operation with a token bucket per account and region whose rate is not published and is shared with everyone else
 * who calls it. Additive increase, multiplicative decrease on a smoothed throttle signal:
 * <ul>
 *   <li><b>Decrease by the throttled share.</b> A token bucket lets through exactly its rate L: a client sending at
 *   R &gt; L sees a share 1 − L/R of its calls throttled, so R × (1 − share) is L. On a throttle the rate is cut by the
 *   smoothed share of throttled answers (an average over about the last {@value #SMOOTHING_ANSWERS} answers), at least
 *   {@value #MIN_CUT} and at most {@value #MAX_CUT}: far above the limit it lands near it in a few steps, just above
 *   it a small cut is enough.</li>
 *   <li><b>One decrease per overload.</b> Calls are granted before they are answered, several at once when calls are
 *   made ahead: the throttles of calls granted before the last decrease were sent at the old rate and say nothing
 *   about the new one, so they count in the share but cut nothing again.</li>
 *   <li><b>Additive increase, small.</b> Each answered call adds {@value #INCREASE} of the rate the last decrease
 *   settled on, never above the ceiling: a few hundred calls to climb back, then, above the limit, the service's burst
 *   drains slowly before the next throttle. So each overload costs about one throttle per few hundred calls (under 1
 *   %, in whatever time that is at the operation's rate), and the rate stays within a few percent of the limit.</li>
 *   <li><b>But not only per call.</b> A task left with a small share (several tasks on one quota, throttles caused by
 *   someone else) makes few calls, and would climb back in hours: the increase is at least {@value #INCREASE_PER_SECOND}
 *   of the settled rate per second since the previous answer (up to {@value #MAX_ANSWER_GAP_MS} ms of it).</li>
 * </ul>
 * A throttle is always taken as this quota's signal, as TCP takes a lost packet for congestion: throttles that no rate
 * avoids (a fault, a quota that others keep overdrawn) bring the rate down to its floor and keep it there, the right
 * thing for a shared quota and the reason the floor is a share of the ceiling (see {@code ApiBudgets#FLOOR_SHARE}).
 * Without throttles the rate stays at the ceiling, so an operator who knows the quota and sets it there sees none.
 * Not thread-safe: one task's poll thread owns it.
 */
public final class AdaptiveRate {

    /** About how many answers the smoothed throttle share averages over. */
    static final int SMOOTHING_ANSWERS = 8;
    static final double MIN_CUT = 0.05;
    static final double MAX_CUT = 0.5;
    /** Share of the settled rate each answered call adds. */
    static final double INCREASE = 0.002;
    /** Share of the settled rate the increase is at least, per second between answers. */
    static final double INCREASE_PER_SECOND = 0.002;
    /** The longest gap between answers that counts for the increase: idle time says nothing about the limit. */
    static final long MAX_ANSWER_GAP_MS = 2_000;

    private double ceiling;
    private double floor;
    private double rate;
    /** The rate the last decrease left; the step of the additive increase is a share of it. */
    private double settled;
    private double throttleShare;
    private long lastDecreaseMs = Long.MIN_VALUE;
    private long lastAnswerMs = Long.MIN_VALUE;

    /**
     * @param ceiling the most this task may send, calls per second; where the rate starts
     * @param floor the least it goes down to, however much it is throttled
     */
    public AdaptiveRate(double ceiling, double floor) {
        if (!(ceiling > 0) || !(floor > 0) || floor > ceiling) {
            throw new IllegalArgumentException("need 0 < floor <= ceiling, was floor=" + floor + ", ceiling=" + ceiling);
        }
        this.ceiling = ceiling;
        this.floor = floor;
        this.rate = ceiling;
        this.settled = ceiling;
    }

    /**
     * Takes in one answer.
     *
     * @param grantedAtMs when the call was granted its token
     * @return whether the rate was cut
     */
    public boolean answered(boolean throttled, long grantedAtMs, long nowMs) {
        throttleShare += ((throttled ? 1.0 : 0.0) - throttleShare) / SMOOTHING_ANSWERS;
        long gapMs = lastAnswerMs == Long.MIN_VALUE ? 0 : Math.min(MAX_ANSWER_GAP_MS, Math.max(0, nowMs - lastAnswerMs));
        lastAnswerMs = nowMs;
        if (!throttled) {
            double step = Math.max(INCREASE, INCREASE_PER_SECOND * gapMs / 1000.0);
            rate = Math.min(ceiling, rate + step * settled);
            return false;
        }
        if (grantedAtMs < lastDecreaseMs) {
            return false;
        }
        double cut = Math.min(MAX_CUT, Math.max(MIN_CUT, throttleShare));
        rate = Math.max(floor, rate * (1 - cut));
        settled = rate;
        lastDecreaseMs = nowMs;
        return true;
    }

    public double rate() {
        return rate;
    }

    /**
     * Scales the ceiling, the floor and what adaptation has reached by {@code factor}: the budget now serves more (or
     * fewer) tasks' shares, and each share keeps the rate it had found.
     */
    void rescale(double factor) {
        if (!(factor > 0)) {
            throw new IllegalArgumentException("factor must be positive, was " + factor);
        }
        ceiling *= factor;
        floor *= factor;
        rate *= factor;
        settled *= factor;
    }

    public double ceiling() {
        return ceiling;
    }
}
