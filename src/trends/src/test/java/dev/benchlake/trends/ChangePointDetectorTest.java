package dev.benchlake.trends;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The detector on series built from a few parameters: a base, a deterministic noise pattern of +-2 %, steps. The
 * expected figures are computed here from those parameters, never from the detector.
 */
class ChangePointDetectorTest {
    /** Noise, as a factor: a fixed pattern of -2..+2 %. */
    private static final double[] NOISE = {0.02, -0.01, 0.0, -0.02, 0.01, 0.015, -0.015};
    private static final long DAY = 86_400_000L;

    private final ChangePointDetector detector = new ChangePointDetector(DetectorSettings.DEFAULTS);

    /** Whole-millisecond values: base, times factor from changeAt on, times the noise pattern. */
    static double[] values(double base, int n, int changeAt, double factor) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = Math.round(base * (i >= changeAt ? factor : 1) * (1 + NOISE[i % NOISE.length]));
        }
        return v;
    }

    static List<Run> runs(double[] values, Integer... versions) {
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            String job = String.format("job-%02d", i);
            runs.add(new Run(job, job, i * DAY, versions.length == 0 ? null : versions[i], values[i]));
        }
        return runs;
    }

    static double median(double[] v, int from, int to) {
        double[] c = Arrays.copyOfRange(v, from, to);
        Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
    }

    @Test
    void aStepIsOneChangeWithItsFiguresAndAConfidenceIntervalAroundIt() {
        double[] v = values(100, 40, 25, 1.25);

        List<ChangePoint> changes = detector.detect(runs(v), true, 1);

        assertThat(changes).hasSize(1);
        ChangePoint c = changes.get(0);
        assertThat(c.firstRun().jobName()).isEqualTo("job-25");
        assertThat(c.direction()).isEqualTo(Direction.REGRESSION);
        assertThat(c.before()).isEqualTo(median(v, 0, 25));
        assertThat(c.after()).isEqualTo(median(v, 25, 40));
        assertThat(c.relativeChange()).isCloseTo(median(v, 25, 40) / median(v, 0, 25) - 1, within(1e-12));
        assertThat(c.relativeChangeLow()).isLessThan(0.25);
        assertThat(c.relativeChangeHigh()).isGreaterThan(0.25);
        assertThat(c.relativeChangeLow()).isGreaterThan(0.15);
        assertThat(c.significance()).isLessThanOrEqualTo(DetectorSettings.DEFAULTS.alpha());
        assertThat(c.runsAfter()).isEqualTo(15);
    }

    @Test
    void lowerLatencyIsAnImprovementAndLowerThroughputARegression() {
        double[] v = values(2000, 36, 20, 0.8);

        assertThat(detector.detect(runs(v), true, 1)).singleElement()
                .satisfies(c -> assertThat(c.direction()).isEqualTo(Direction.IMPROVEMENT))
                .satisfies(c -> assertThat(c.relativeChange()).isCloseTo(-0.2, within(0.03)));
        assertThat(detector.detect(runs(v), false, 1)).singleElement()
                .satisfies(c -> assertThat(c.direction()).isEqualTo(Direction.REGRESSION));
    }

    @Test
    void singleNightOutliersAreNoChangeAnywhereInTheSeries() {
        for (int at : new int[] {0, 10, 20, 37, 38, 39}) {
            double[] v = values(80, 40, 40, 1);
            v[at] = Math.round(v[at] * 2.5);
            assertThat(detector.detect(runs(v), true, 1)).as("outlier at %d", at).isEmpty();
            v[at] = Math.round(v[at] / 2.5 * 0.6);
            assertThat(detector.detect(runs(v), true, 1)).as("fast outlier at %d", at).isEmpty();
        }
    }

    @Test
    void anOutlierRightAfterAChangeDoesNotMoveIt() {
        double[] v = values(80, 40, 20, 1.3);
        v[20] = Math.round(v[20] * 2);

        assertThat(detector.detect(runs(v), true, 1)).singleElement()
                .satisfies(c -> assertThat(c.firstRun().jobName()).isIn("job-20", "job-21"));
    }

    @Test
    void aLevelThatGoesUpAndComesBackIsTwoChanges() {
        double[] v = values(50, 50, 10, 1.35);
        double[] back = values(50, 50, 22, 1);
        for (int i = 22; i < 50; i++) {
            v[i] = back[i];
        }

        List<ChangePoint> changes = detector.detect(runs(v), true, 1);

        assertThat(changes).extracting(c -> c.firstRun().jobName()).containsExactly("job-10", "job-22");
        assertThat(changes).extracting(ChangePoint::direction)
                .containsExactly(Direction.REGRESSION, Direction.IMPROVEMENT);
    }

    @Test
    void changesSmallerThanTheMinimumAreNotReported() {
        double[] v = values(400, 40, 20, 1.03);

        assertThat(detector.detect(runs(v), true, 1)).isEmpty();
    }

    @Test
    void wholeMillisecondJitterIsNotAChange() {
        double[] v = new double[40];
        for (int i = 0; i < v.length; i++) {
            v[i] = i % 3 == 0 ? 5 : 4;
        }
        v[39] = 5;
        v[38] = 5;
        v[37] = 5;

        assertThat(detector.detect(runs(v), true, 1)).isEmpty();
    }

    @Test
    void theSameRunsGiveTheSameAnswer() {
        double[] v = values(120, 45, 30, 0.85);

        assertThat(detector.detect(runs(v), true, 1)).isEqualTo(detector.detect(runs(v), true, 1));
    }
}
