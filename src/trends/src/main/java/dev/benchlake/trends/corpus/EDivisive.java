package dev.benchlake.trends.corpus;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.benchlake.trends.Direction;
import dev.benchlake.trends.Run;

/**
 * An implementation of Apache Otava's change-point analysis, as the corpus benchmark's anchor: E-divisive means
 * (Matteson and James 2014, alpha = 1) proposes the split of a segment with the largest q-hat; a Welch t-test
 * between the two sides accepts it when p &lt; maxPValue (Otava's TTestSignificanceTester); the segmentation
 * recurses, then change points whose p-value between their neighbours is no longer below the limit are removed,
 * weakest first (Otava's merge step). Values are raw, in creation-time order; at least two runs per side.
 */
final class EDivisive {
    private static final int MIN_SIDE = 2;
    private final double maxPValue;

    EDivisive(double maxPValue) {
        this.maxPValue = maxPValue;
    }

    Method.Online online() {
        List<Run> runs = new ArrayList<>();
        Map<String, Method.Event> reported = new HashMap<>();
        return run -> {
            runs.add(run);
            runs.sort(java.util.Comparator.comparingLong(Run::runAt).thenComparing(Run::id));
            double[] y = runs.stream().mapToDouble(Run::value).toArray();
            List<Integer> cuts = changePoints(y);
            Map<String, Method.Event> now = new HashMap<>();
            for (int j = 0; j < cuts.size(); j++) {
                int a = j == 0 ? 0 : cuts.get(j - 1);
                int b = j == cuts.size() - 1 ? y.length : cuts.get(j + 1);
                Run first = runs.get(cuts.get(j));
                double before = mean(y, a, cuts.get(j));
                double after = mean(y, cuts.get(j), b);
                Direction d = after > before ? Direction.REGRESSION : Direction.IMPROVEMENT;
                now.put(first.id(), new Method.Event(first.id(), false, first.id(), d, first.version()));
            }
            List<Method.Event> events = new ArrayList<>();
            reported.forEach((k, e) -> {
                if (!now.containsKey(k)) {
                    events.add(new Method.Event(k, true, k, e.direction(), e.version()));
                }
            });
            now.forEach((k, e) -> {
                Method.Event old = reported.get(k);
                if (old == null || old.direction() != e.direction()) {
                    events.add(e);
                }
            });
            reported.clear();
            reported.putAll(now);
            return events;
        };
    }

    List<Integer> changePoints(double[] y) {
        List<Integer> cuts = new ArrayList<>();
        split(y, 0, y.length, cuts);
        cuts.sort(null);
        boolean removed = true;
        while (removed && !cuts.isEmpty()) {
            removed = false;
            int weakest = -1;
            double weakestP = maxPValue;
            for (int j = 0; j < cuts.size(); j++) {
                int a = j == 0 ? 0 : cuts.get(j - 1);
                int b = j == cuts.size() - 1 ? y.length : cuts.get(j + 1);
                double p = welchP(y, a, cuts.get(j), b);
                if (p >= weakestP) {
                    weakestP = p;
                    weakest = j;
                }
            }
            if (weakest >= 0) {
                cuts.remove(weakest);
                removed = true;
            }
        }
        return cuts;
    }

    private void split(double[] y, int a, int b, List<Integer> cuts) {
        int t = bestQHat(y, a, b);
        if (t > 0 && welchP(y, a, t, b) < maxPValue) {
            cuts.add(t);
            split(y, a, t, cuts);
            split(y, t, b, cuts);
        }
    }

    /** The split of [a, b) with the largest q-hat, or -1 when the segment is too short. */
    static int bestQHat(double[] y, int a, int b) {
        int n = b - a;
        if (n < 2 * MIN_SIDE) {
            return -1;
        }
        double total = 0;
        for (int i = a; i < b; i++) {
            for (int j = i + 1; j < b; j++) {
                total += Math.abs(y[i] - y[j]);
            }
        }
        // within-left sums W_L(t) for t = 1..n and within-right W_R(t)
        double[] wl = new double[n + 1];
        for (int t = 1; t <= n; t++) {
            double add = 0;
            for (int i = a; i < a + t - 1; i++) {
                add += Math.abs(y[i] - y[a + t - 1]);
            }
            wl[t] = wl[t - 1] + add;
        }
        double[] wr = new double[n + 1];
        for (int t = n - 1; t >= 0; t--) {
            double add = 0;
            for (int j = a + t + 1; j < b; j++) {
                add += Math.abs(y[j] - y[a + t]);
            }
            wr[t] = wr[t + 1] + add;
        }
        int best = -1;
        double bestQ = Double.NEGATIVE_INFINITY;
        for (int t = MIN_SIDE; t <= n - MIN_SIDE; t++) {
            double m = t;
            double k = n - t;
            double between = total - wl[t] - wr[t];
            double q = (m * k / (m + k)) * (2 * between / (m * k) - wl[t] / (m * (m - 1) / 2) - wr[t] / (k * (k - 1) / 2));
            if (q > bestQ) {
                bestQ = q;
                best = a + t;
            }
        }
        return best;
    }

    static double welchP(double[] y, int a, int t, int b) {
        int n1 = t - a;
        int n2 = b - t;
        if (n1 < 2 || n2 < 2) {
            return 1;
        }
        double m1 = mean(y, a, t);
        double m2 = mean(y, t, b);
        double v1 = variance(y, a, t, m1) / n1;
        double v2 = variance(y, t, b, m2) / n2;
        if (v1 + v2 == 0) {
            return m1 == m2 ? 1 : 0;
        }
        double tStat = (m2 - m1) / Math.sqrt(v1 + v2);
        double df = (v1 + v2) * (v1 + v2) / (v1 * v1 / (n1 - 1) + v2 * v2 / (n2 - 1));
        return StudentT.twoSided(tStat, df);
    }

    private static double mean(double[] y, int a, int b) {
        double s = 0;
        for (int i = a; i < b; i++) {
            s += y[i];
        }
        return s / (b - a);
    }

    private static double variance(double[] y, int a, int b, double mean) {
        double s = 0;
        for (int i = a; i < b; i++) {
            s += (y[i] - mean) * (y[i] - mean);
        }
        return s / (b - a - 1);
    }
}
