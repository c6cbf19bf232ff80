package dev.benchlake.retry;

/**
 * The rate of one API operation that one task may use, adapted to a limit it does not know: SageMaker throttles each
 * operation with a token bucket per account and region whose rate is not published and is shared with everyone else
 * who calls it. Additive increase, multiplicative decrease, where a decrease takes off what the throttles say the
 * service did not let through, and no more:
 * <ul>
 *   <li><b>Decrease to what got through.</b> A token bucket lets through exactly its rate L: a client sending at
 *   R &gt; L sees a share 1 − L/R of its calls throttled, so R × (1 − share) is L. On a throttle the rate is cut by the
 *   share of throttled answers averaged over about the last {@value #SMOOTHING_ANSWERS} answers (at least
 *   {@value #MIN_CUT}, at most {@value #MAX_CUT}): far above the limit the share is large and the rate lands near L in
 *   a few steps; just above it, the share and the cut are small.</li>
 *   <li><b>Throttles the rate did not cause cost about the call they lost.</b> Service load or a burst elsewhere in
 *   the account throttles a share p of calls whatever the rate: the average share is then about p, so each such
 *   throttle cuts about p (2 % for 2 % of calls), won back within a dozen answers, where a short average would take a
 *   lone throttle for an eighth of all answers.</li>
 *   <li><b>Beside a caller that never backs off</b>, spending N of the quota, the service passes a share L/(R + N) of
 *   this task's calls; cutting to what got through converges on R = L − N, the share that caller leaves, rather than
 *   crowding it out.</li>
 *   <li><b>One decrease per overload.</b> Calls are granted before they are answered, several at once when calls are
 *   made ahead: the throttles of calls granted before the last decrease were sent at the old rate and say nothing
 *   about the new one, so they count in the share but cut nothing again.</li>
 *   <li><b>Additive increase, small.</b> Each answered call adds {@value #INCREASE} of the rate the last decrease
 *   settled on, never above the ceiling; a task left with a small share climbs at least {@value #INCREASE_PER_SECOND}
 *   of the settled rate per second since the previous answer (up to {@value #MAX_ANSWER_GAP_MS} ms of it).</li>
 * </ul>
 * Time is read from a monotonic clock by the caller; an answer stamped earlier than the previous one (a clock that
 * stepped back) counts as no time passed. Without throttles the rate stays at the ceiling, so an operator who knows
 * the quota and sets it there sees none. Not thread-safe: its {@link ApiBudgets} serialises it.
 */
public final class AdaptiveRate {

    /** About how many answers the throttled share averages over. */
    static final int SMOOTHING_ANSWERS = 50;
    static final double MIN_CUT = 0.01;
    static final double MAX_CUT = 0.5;
    /** Share of the settled rate each answered call adds. */
    static final double INCREASE = 0.004;
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
     * @param nowMs now, on the same monotonic clock
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
