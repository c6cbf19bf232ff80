package dev.benchlake.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test
    void estimatesFromThePaceOfTheWindowNotFromTheStart() {
        Progress progress = new Progress(30_000);
        // a slow start (the stack starting), then 2 jobs a second
        progress.sample(0, 0);
        progress.sample(60_000, 10);
        for (int s = 61; s <= 120; s++) {
            progress.sample(s * 1000L, 10 + 2L * (s - 60));
        }
        // at 120 s: 130 of 300 done; 170 left at 2 a second
        assertThat(progress.secondsLeft(300)).hasValue(85);
        assertThat(progress.line(130, 300)).isEqualTo("Progress: 130 of 300 jobs fully read; about 85 s left at the "
                + "pace of the last 30 s");
    }

    @Test
    void noEstimateBeforeAnyProgress() {
        Progress progress = new Progress(30_000);
        progress.sample(0, 0);
        assertThat(progress.secondsLeft(10)).isEmpty();
        progress.sample(5_000, 0);
        assertThat(progress.secondsLeft(10)).isEmpty();
        assertThat(progress.line(0, 10)).endsWith("no estimate yet");
    }
}
