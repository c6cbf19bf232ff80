package dev.benchlake.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.benchlake.api.ApiOperation;

class ApiBudgetsTest {

    private static final ApiOperation DESCRIBE = ApiOperation.DESCRIBE;
    private static final ApiOperation STEPS = ApiOperation.LIST_STEPS;

    private static int grantedOver(ApiBudgets budgets, ApiOperation op, long fromMs, long untilMs) {
        int granted = 0;
        for (long now = fromMs; now < untilMs; now++) {
            while (budgets.tryAcquire(op, now) == 0) {
                granted++;
            }
        }
        return granted;
    }

    @Test
    void callsGoOutEvenlySpacedAtTheCeiling() {
        ApiBudgets budgets = new ApiBudgets(Map.of(STEPS, 2.0), 100, 0);

        assertThat(budgets.tryAcquire(STEPS, 0)).isZero();
        assertThat(budgets.tryAcquire(STEPS, 0)).as("half a second until the next").isEqualTo(500);
        assertThat(budgets.tryAcquire(STEPS, 250)).isEqualTo(250);
        assertThat(budgets.tryAcquire(STEPS, 500)).isZero();
        assertThat(grantedOver(budgets, STEPS, 501, 10_501)).isEqualTo(20);
    }

    @Test
    void eachOperationHasItsOwnBudget() {
        ApiBudgets budgets = new ApiBudgets(Map.of(DESCRIBE, 1.0, STEPS, 1.0), 100, 0);

        assertThat(budgets.tryAcquire(DESCRIBE, 0)).isZero();
        assertThat(budgets.tryAcquire(DESCRIBE, 0)).as("describe's budget is spent").isPositive();
        assertThat(budgets.tryAcquire(STEPS, 0)).as("a step page does not wait for it").isZero();
    }

    @Test
    void theConnectorWideCeilingBoundsAllOperationsTogether() {
        ApiBudgets budgets = new ApiBudgets(Map.of(DESCRIBE, 10.0, STEPS, 10.0), 4, 0);
        int granted = 0;
        for (long now = 0; now < 10_000; now++) {
            while (budgets.tryAcquire(now % 2 == 0 ? DESCRIBE : STEPS, now) == 0) {
                granted++;
            }
        }
        // the shared bucket starts with one token and refills at 4 a second
        assertThat(granted).isEqualTo(1 + 4 * 10 - 1);
        assertThat(budgets.ceiling(DESCRIBE)).as("no operation above the whole").isEqualTo(4.0);
    }

    @Test
    void withoutThrottlesTheRateStaysAtTheCeiling() {
        ApiBudgets budgets = new ApiBudgets(Map.of(STEPS, 5.0), 100, 0);
        for (int i = 0; i < 1_000; i++) {
            budgets.answered(STEPS, false, i, i);
        }
        assertThat(budgets.rate(STEPS)).isEqualTo(5.0);
    }

    @Test
    void aThrottleCutsTheRateAndTheTokensSavedUp() {
        ApiBudgets budgets = new ApiBudgets(Map.of(STEPS, 10.0), 100, 0);
        for (int i = 0; i < 100; i++) {
            budgets.answered(STEPS, false, 0, 0);
        }
        assertThat(budgets.tryAcquire(STEPS, 1_000)).isZero();

        budgets.answered(STEPS, true, 1_000, 1_000);

        // a lone throttle among successes costs about the call it lost: the share is one answer in fifty
        double cut = 1.0 / AdaptiveRate.SMOOTHING_ANSWERS;
        assertThat(cut).isEqualTo(0.02);
        assertThat(budgets.rate(STEPS)).isCloseTo(10.0 * (1 - cut), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(budgets.tryAcquire(STEPS, 1_000)).as("the service's bucket is empty: no burst now").isPositive();
    }

    @Test
    void throttlesOfCallsGrantedBeforeTheCutCutNothingMore() {
        ApiBudgets budgets = new ApiBudgets(Map.of(STEPS, 10.0), 100, 0);
        budgets.answered(STEPS, true, 0, 10);
        double afterOneCut = budgets.rate(STEPS);

        // eight calls made ahead before the cut, all answered after it
        for (int i = 0; i < 8; i++) {
            budgets.answered(STEPS, true, 5, 11 + i);
        }
        assertThat(budgets.rate(STEPS)).isEqualTo(afterOneCut);

        budgets.answered(STEPS, true, 20, 30);
        assertThat(budgets.rate(STEPS)).as("a call granted after the cut, throttled: still too fast").isLessThan(afterOneCut);
    }

    @Test
    void farAboveTheLimitTheCutsGrowWithTheThrottledShare() {
        ApiBudgets budgets = new ApiBudgets(Map.of(STEPS, 100.0), 1_000, 0);
        double previous = 100;
        double previousCut = 0;
        for (int i = 0; i < 4; i++) {
            budgets.answered(STEPS, true, i * 10, i * 10);
            double cut = 1 - budgets.rate(STEPS) / previous;
            assertThat(cut).isGreaterThan(previousCut).isLessThanOrEqualTo(AdaptiveRate.MAX_CUT);
            previous = budgets.rate(STEPS);
            previousCut = cut;
        }
    }

    @Test
    void aClockSteppedBackFreezesNoBudget() {
        ApiBudgets budgets = new ApiBudgets(Map.of(STEPS, 10.0), 100, 1_000_000);
        while (budgets.tryAcquire(STEPS, 1_000_000) == 0) {
            // spend the burst
        }
        // the clock steps back an hour; 100 ms later (on the new reading) the next call may go, as at 10 calls/s
        long back = 1_000_000 - 3_600_000;
        budgets.tryAcquire(STEPS, back);
        assertThat(budgets.tryAcquire(STEPS, back + 100)).isZero();
    }

    @Test
    void aTaskThatCallsRarelyStillClimbsBackByTheSecond() {
        ApiBudgets budgets = new ApiBudgets(Map.of(STEPS, 2.0), 100, 0);
        budgets.answered(STEPS, true, 0, 0);
        double cut = budgets.rate(STEPS);

        // an answer two seconds after the last: two seconds' worth of increase, not one call's
        budgets.answered(STEPS, false, 1_000, 2_000);
        assertThat(budgets.rate(STEPS)).isCloseTo(cut + 2 * AdaptiveRate.INCREASE_PER_SECOND * cut,
                org.assertj.core.data.Offset.offset(1e-9));
        // a long idle gap counts no more than the longest gap: it says nothing about the limit
        double before = budgets.rate(STEPS);
        budgets.answered(STEPS, false, 600_000, 600_000);
        assertThat(budgets.rate(STEPS) - before).isCloseTo(
                AdaptiveRate.MAX_ANSWER_GAP_MS / 1000.0 * AdaptiveRate.INCREASE_PER_SECOND * cut,
                org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void successesWinTheRateBackSlowlyAndNeverAboveTheCeiling() {
        ApiBudgets budgets = new ApiBudgets(Map.of(STEPS, 2.0), 100, 0);
        budgets.answered(STEPS, true, 0, 0);
        double cut = budgets.rate(STEPS);

        budgets.answered(STEPS, false, 1, 1);
        assertThat(budgets.rate(STEPS)).isCloseTo(cut + AdaptiveRate.INCREASE * cut, org.assertj.core.data.Offset.offset(1e-9));
        for (int i = 0; i < 10_000; i++) {
            budgets.answered(STEPS, false, 2, 2);
        }
        assertThat(budgets.rate(STEPS)).isEqualTo(2.0);
    }

    @Test
    void aJoiningShareAddsItsCeilingAndKeepsTheRateAdaptationFound() {
        ApiBudgets budgets = new ApiBudgets(Map.of(STEPS, 2.0), 5.0, 0);
        budgets.answered(STEPS, true, 0, 10);
        double cutShare = budgets.rate(STEPS) / 2.0;
        assertThat(cutShare).isLessThan(1.0);

        budgets.join(Map.of(STEPS, 2.0), 5.0, 20);
        assertThat(budgets.shares()).isEqualTo(2);
        assertThat(budgets.ceiling(STEPS)).isEqualTo(4.0);
        assertThat(budgets.rate(STEPS)).as("each share keeps the share of its ceiling it had found")
                .isCloseTo(4.0 * cutShare, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(budgets.rateOfOneShare(STEPS)).isCloseTo(2.0 * cutShare, org.assertj.core.data.Offset.offset(1e-9));
        // the connector-wide ceiling grew too: 10 calls/s of describes now go out within a second, not 5
        int granted = 0;
        for (long t = 1_000; t < 2_000; t++) {
            while (budgets.tryAcquire(ApiOperation.DESCRIBE, t) == 0) {
                granted++;
            }
        }
        assertThat(granted).isBetween(9, 11);

        assertThat(budgets.leave(Map.of(STEPS, 2.0), 5.0, 3_000)).isEqualTo(1);
        assertThat(budgets.ceiling(STEPS)).isEqualTo(2.0);
    }

    @Test
    void aWorkersTasksOfOneConnectorShareTheirBudgetsUntilTheLastLeaves() {
        Map<ApiOperation, Double> share = Map.of(STEPS, 1.0);
        ApiBudgets first = SharedBudgets.join("shared-test", share, 2.0, 0);
        ApiBudgets second = SharedBudgets.join("shared-test", share, 2.0, 0);
        ApiBudgets other = SharedBudgets.join("other-connector", share, 2.0, 0);

        assertThat(second).isSameAs(first);
        assertThat(other).isNotSameAs(first);
        assertThat(first.shares()).isEqualTo(2);
        assertThat(first.ceiling(STEPS)).isEqualTo(2.0);

        SharedBudgets.leave("shared-test", second, share, 2.0, 0);
        assertThat(SharedBudgets.of("shared-test")).isSameAs(first);
        assertThat(first.ceiling(STEPS)).isEqualTo(1.0);
        SharedBudgets.leave("shared-test", first, share, 2.0, 0);
        assertThat(SharedBudgets.of("shared-test")).as("gone with its last task").isNull();
        SharedBudgets.leave("other-connector", other, share, 2.0, 0);
        assertThat(SharedBudgets.of("other-connector")).isNull();
    }
}
