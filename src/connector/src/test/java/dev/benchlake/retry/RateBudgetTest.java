package dev.benchlake.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RateBudgetTest {

    @Test
    void allowsTheConfiguredRateAfterABurstOfOneSecond() {
        RateBudget budget = new RateBudget(4.0, 0);
        int granted = 0;
        for (long now = 0; now < 10_000; now += 10) {
            while (budget.tryAcquire(now) == 0) {
                granted++;
            }
        }
        // a burst of 4, then 4 per second for 10 s
        assertThat(granted).isBetween(42, 44);
    }

    @Test
    void saysHowLongToWait() {
        RateBudget budget = new RateBudget(2.0, 0);
        assertThat(budget.tryAcquire(0)).isZero();
        assertThat(budget.tryAcquire(0)).isZero();
        assertThat(budget.tryAcquire(0)).isEqualTo(500);
        assertThat(budget.tryAcquire(250)).isEqualTo(250);
        assertThat(budget.tryAcquire(500)).isZero();
    }

    @Test
    void throttlingHalvesTheRateDownToATenthAndSuccessWinsItBack() {
        RateBudget budget = new RateBudget(10.0, 0);
        budget.onThrottled();
        assertThat(budget.currentRate()).isEqualTo(5.0);
        for (int i = 0; i < 10; i++) {
            budget.onThrottled();
        }
        assertThat(budget.currentRate()).isEqualTo(1.0);
        for (int i = 0; i < 5; i++) {
            budget.onSuccess();
        }
        assertThat(budget.currentRate()).isEqualTo(3.5);
        for (int i = 0; i < 100; i++) {
            budget.onSuccess();
        }
        assertThat(budget.currentRate()).isEqualTo(10.0);
    }

    @Test
    void rejectsANonPositiveRate() {
        assertThatThrownBy(() -> new RateBudget(0, 0)).hasMessageContaining("positive");
    }
}
