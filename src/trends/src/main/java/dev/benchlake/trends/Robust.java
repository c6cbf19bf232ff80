package dev.benchlake.trends;

import java.util.Arrays;

/** Medians and spreads that a single outlier does not move. */
final class Robust {
    /** MAD times this estimates a normal distribution's standard deviation. */
    static final double MAD_TO_SIGMA = 1.4826;

    private Robust() {
    }

    static double median(double[] values, int from, int to) {
        double[] copy = Arrays.copyOfRange(values, from, to);
        Arrays.sort(copy);
        int n = copy.length;
        return n % 2 == 1 ? copy[n / 2] : (copy[n / 2 - 1] + copy[n / 2]) / 2;
    }

    static double median(double[] values) {
        return median(values, 0, values.length);
    }

    /**
     * The noise of a series that may hold steps and outliers: the MAD of successive differences, scaled to a standard
     * deviation (a step or an outlier moves one or two differences, not their median).
     */
    static double noiseSigma(double[] x, int from, int to) {
        if (to - from < 3) {
            return 0;
        }
        double[] diffs = new double[to - from - 1];
        for (int i = from + 1; i < to; i++) {
            diffs[i - from - 1] = Math.abs(x[i] - x[i - 1]);
        }
        return median(diffs) * MAD_TO_SIGMA / Math.sqrt(2);
    }

    /** Each value's centred running median over {@code 2 * half + 1} values (the window shrinks at the ends). */
    static double[] runningMedian(double[] x, int half) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = median(x, Math.max(0, i - half), Math.min(x.length, i + half + 1));
        }
        return out;
    }
}
