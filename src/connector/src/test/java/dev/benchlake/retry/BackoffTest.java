package dev.benchlake.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.benchlake.api.ApiErrorKind;

class BackoffTest {

    @Test
    void doublesFrom200MsWithJitterBetweenHalfAndAllOfTheBound() {
        Backoff backoff = new Backoff(Duration.ofMinutes(10), new Random(7));
        long[] bounds = {200, 400, 800, 1_600, 3_200};
        for (int failures = 1; failures <= bounds.length; failures++) {
            long bound = bounds[failures - 1];
            for (int i = 0; i < 200; i++) {
                assertThat(backoff.delayMs(failures)).as("after %d failures", failures).isBetween(bound / 2, bound);
            }
        }
    }

    @Test
    void neverWaitsLongerThanTheCap() {
        Backoff backoff = new Backoff(Duration.ofSeconds(5), new Random(7));
        for (int failures = 1; failures < 100; failures++) {
            assertThat(backoff.delayMs(failures)).isLessThanOrEqualTo(5_000);
        }
        assertThat(backoff.delayMs(60)).isGreaterThanOrEqualTo(2_500);
    }

    @Test
    void jitterSpreadsRetriesApart() {
        Backoff backoff = new Backoff(Duration.ofMinutes(1), new Random(7));
        assertThat(java.util.stream.IntStream.range(0, 50).mapToLong(i -> backoff.delayMs(6)).distinct().count())
                .isGreaterThan(40);
    }

    @Test
    void everyErrorKindHasOneReaction() {
        assertThat(ErrorPolicy.reactionTo(ApiErrorKind.AUTH)).isEqualTo(ErrorPolicy.Reaction.FAIL_TASK);
        assertThat(ErrorPolicy.reactionTo(ApiErrorKind.TOKEN_REJECTED)).isEqualTo(ErrorPolicy.Reaction.RESTART_PASS);
        assertThat(ErrorPolicy.reactionTo(ApiErrorKind.NOT_FOUND)).isEqualTo(ErrorPolicy.Reaction.NOT_FOUND);
        assertThat(ErrorPolicy.reactionTo(ApiErrorKind.THROTTLED)).isEqualTo(ErrorPolicy.Reaction.BACK_OFF);
        assertThat(ErrorPolicy.reactionTo(ApiErrorKind.TRANSIENT)).isEqualTo(ErrorPolicy.Reaction.BACK_OFF);
        assertThat(ErrorPolicy.reactionTo(ApiErrorKind.JOB_ERROR)).isEqualTo(ErrorPolicy.Reaction.BACK_OFF);
    }
}
