package dev.benchlake.trends;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Finds the change points of one metric of one series (docs/warehouse.md, "Change points"): a robust binary
 * segmentation of the log values, each split judged by a permutation test.
 *
 * <ol>
 *   <li>Values become logs (a change is a ratio; lognormal noise becomes additive). The noise sigma is the MAD of
 *       successive differences (a step moves one difference, an outlier two, their median neither).</li>
 *   <li>Each run further than {@code outlierSigmas} sigmas from the median of its five neighbours (itself included)
 *       is clipped to that distance: a single-night outlier weighs like an ordinary run.</li>
 *   <li>Binary segmentation: in a segment, the split maximising the standardised difference of means
 *       {@code |mean(R) - mean(L)| * sqrt(nL * nR / n)} (at least {@code minRuns} runs each side) is a change when a
 *       permutation test of that maximum (the same statistic over shuffled runs) gives p &lt;= alpha, the medians
 *       of the raw runs either side differ by at least {@code minRelativeChange}, and the runs after it agree (two
 *       thirds of them, and all but one of the first {@code minRuns}, nearer the new level than the old one).</li>
 *   <li>Each change is then re-judged between its neighbours until none moves or goes; in a versioned series a
 *       change near a version boundary is placed on it when the split there is nearly as clear.</li>
 * </ol>
 * Deterministic: the permutations are seeded from the settings and the segment.
 */
public final class ChangePointDetector {
    private static final double CLEAR_GATE = 2.5;
    private static final double SNAP_RATIO = 0.8;
    private static final double Z_95 = 1.959964;
    private static final double MEDIAN_SE = 1.2533;
    private static final double MIN_SIGMA = 0.002;
    private static final double HOLD_ALPHA = 10;
    private static final double CANDIDATE_ALPHA = 0.05;
    private static final int L1_REACH = 3;
    /** A run this much further out than the clipping limit is an outlier: a change never starts with it. */
    private static final double OUTLIER_SHIFT = 0.5;
    private static final double HOLD_SIZE = 0.6;

    private final DetectorSettings settings;

    public ChangePointDetector(DetectorSettings settings) {
        this.settings = settings;
    }

    /**
     * The change points of runs already in run order.
     *
     * @param runs          the series' runs, in run order ({@link RunOrder})
     * @param lowerIsBetter true for latency and cost, false for throughput
     * @param resolution    the unit the metric is reported in (1 for whole milliseconds), 0 when continuous: a change
     *                      must move the median by two units
     */
    public List<ChangePoint> detect(List<Run> runs, boolean lowerIsBetter, double resolution) {
        return detect(runs, lowerIsBetter, resolution, Set.of());
    }

    /**
     * The change points, holding on to changes already reported: a change whose first run is in {@code held} stays
     * while its p-value is within {@code HOLD_ALPHA} times alpha and its size within {@code HOLD_SIZE} of the
     * minimum (hysteresis: a change near the limits does not come and go with every run).
     */
    public List<ChangePoint> detect(List<Run> runs, boolean lowerIsBetter, double resolution, Set<String> held) {
        int n = runs.size();
        int m = settings.minRuns();
        if (n < 2 * m) {
            return List.of();
        }
        double[] raw = new double[n];
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            raw[i] = runs.get(i).value();
            x[i] = Math.log(raw[i]);
        }
        double level = Robust.median(raw);
        double sigma = Math.max(Math.max(MIN_SIGMA, resolution / Math.sqrt(12) / level), Robust.noiseSigma(x, 0, n));
        Series s = new Series(runs, raw, x, clip(x, sigma), sigma, resolution, held);

        List<Integer> cuts = new ArrayList<>();
        segment(s, 0, n, cuts);
        cuts.sort(null);
        for (int round = 0; round < 4 * n; round++) {
            if (!refine(s, cuts)) {
                break;
            }
        }
        List<ChangePoint> out = new ArrayList<>();
        for (int j = 0; j < cuts.size(); j++) {
            int a = j == 0 ? 0 : cuts.get(j - 1);
            int b = j == cuts.size() - 1 ? n : cuts.get(j + 1);
            Split split = test(s, a, b, settings.alpha());
            out.add(describe(s, a, cuts.get(j), b, split.p(), lowerIsBetter));
        }
        return out;
    }

    private double[] clip(double[] x, double sigma) {
        double[] local = Robust.runningMedian(x, 2);
        double limit = settings.outlierSigmas() * sigma;
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = local[i] + Math.max(-limit, Math.min(limit, x[i] - local[i]));
        }
        return y;
    }

    /**
     * Candidate changes: binary segmentation with a loose limit (a segment where the runs go up and come back down is
     * not clear as one split, but its halves are); {@link #refine} keeps the ones that hold between their neighbours.
     */
    private void segment(Series s, int a, int b, List<Integer> cuts) {
        Split split = test(s, a, b, CANDIDATE_ALPHA);
        if (split != null && split.p() <= CANDIDATE_ALPHA) {
            cuts.add(split.at());
            segment(s, a, split.at(), cuts);
            segment(s, split.at(), b, cuts);
        }
    }

    /**
     * Re-judges each change between its neighbours: removes the weakest that does not hold (Otava's merge step), else
     * moves one whose clearest split is elsewhere; true when something changed.
     */
    private boolean refine(Series s, List<Integer> cuts) {
        int weakest = -1;
        double weakestP = -1;
        int move = -1;
        int moveTo = -1;
        for (int j = 0; j < cuts.size(); j++) {
            int a = j == 0 ? 0 : cuts.get(j - 1);
            int b = j == cuts.size() - 1 ? s.n() : cuts.get(j + 1);
            Split split = test(s, a, b, settings.alpha());
            double p = split == null ? 2 : split.p();
            if ((split == null || !accepted(s, a, split.at(), b, split.p())) && p > weakestP) {
                weakest = j;
                weakestP = p;
            } else if (split != null && split.at() != cuts.get(j) && move < 0) {
                move = j;
                moveTo = split.at();
            }
        }
        if (weakest >= 0) {
            cuts.remove(weakest);
            return true;
        }
        if (move >= 0) {
            cuts.set(move, moveTo);
            return true;
        }
        return false;
    }

    private boolean accepted(Series s, int a, int t, int b, double p) {
        boolean held = s.held().contains(s.runs().get(t).id());
        if (p > settings.alpha() * (held ? HOLD_ALPHA : 1)) {
            return false;
        }
        double before = Robust.median(s.raw(), a, t);
        double after = Robust.median(s.raw(), t, b);
        if (Math.abs(after / before - 1) < settings.minRelativeChange() * (held ? HOLD_SIZE : 1)
                || Math.abs(after - before) < 2 * s.resolution()) {
            return false;
        }
        double lb = Math.log(before);
        double la = Math.log(after);
        int agree = 0;
        int agreeFirst = 0;
        for (int i = t; i < b; i++) {
            agree += Math.abs(s.x()[i] - la) < Math.abs(s.x()[i] - lb) ? 1 : 0;
            // the first runs after the change, outliers clipped, each nearer the new level
            agreeFirst += i < t + settings.minRuns() && Math.abs(s.clean()[i] - la) < Math.abs(s.clean()[i] - lb) ? 1 : 0;
        }
        return 3 * agree >= 2 * (b - t) && agreeFirst >= settings.minRuns();
    }

    /** The clearest split of [a, b) with its permutation p-value, or null when the segment is too short. */
    private Split test(Series s, int a, int b, double limit) {
        int m = settings.minRuns();
        if (b - a < 2 * m) {
            return null;
        }
        double[] y = new double[b - a];
        System.arraycopy(s.clean(), a, y, 0, y.length);
        int best = bestSplit(y, m);
        double observed = statistic(y, best, m);
        int at = snap(s, a, b, placeL1(s, a, b, a + best), observed);
        for (int c = Math.max(a + m, at - settings.versionSnap()); c <= Math.min(b - m, at + settings.versionSnap()); c++) {
            if (s.held().contains(s.runs().get(c).id()) && statistic(y, c - a, m) >= SNAP_RATIO * observed) {
                at = c; // a change already reported keeps its place while it is nearly the clearest split
                break;
            }
        }
        while (at < b - m && Math.abs(s.x()[at] - s.clean()[at]) > OUTLIER_SHIFT * settings.outlierSigmas() * s.sigma()) {
            at++; // a change never starts with an outlier: it starts with the first ordinary run after it
        }
        if (observed / s.sigma() < CLEAR_GATE) {
            return new Split(at, 1.0);
        }
        SplittableRandom random = new SplittableRandom(settings.seed() * 1_000_003L + a * 7919L + b);
        int exceed = 0;
        int done = 0;
        int give = (int) Math.floor(limit * (settings.permutations() + 1));
        while (done < settings.permutations()) {
            shuffle(y, random);
            if (statistic(y, bestSplit(y, m), m) >= observed) {
                exceed++;
            }
            done++;
            if (exceed > give) {
                break;
            }
        }
        return new Split(at, (exceed + 1.0) / (done + 1.0));
    }

    /**
     * The place of a change near {@code t} that fits the runs best with a median each side (least absolute
     * deviations of the log values): the mean-based statistic finds the change, outliers next to it do not place it.
     */
    private int placeL1(Series s, int a, int b, int t) {
        int m = settings.minRuns();
        int best = t;
        double bestCost = Double.POSITIVE_INFINITY;
        for (int c = Math.max(a + m, t - L1_REACH); c <= Math.min(b - m, t + L1_REACH); c++) {
            double cost = absoluteDeviation(s.x(), a, c) + absoluteDeviation(s.x(), c, b);
            if (cost < bestCost - 1e-12 || (Math.abs(cost - bestCost) <= 1e-12 && Math.abs(c - t) < Math.abs(best - t))) {
                bestCost = cost;
                best = c;
            }
        }
        return best;
    }

    private static double absoluteDeviation(double[] x, int from, int to) {
        double median = Robust.median(x, from, to);
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += Math.abs(x[i] - median);
        }
        return sum;
    }

    /** In a versioned series, a version boundary within versionSnap runs whose split is nearly as clear. */
    private int snap(Series s, int a, int b, int t, double observed) {
        int m = settings.minRuns();
        int bestAt = t;
        int bestDistance = Integer.MAX_VALUE;
        for (int c = Math.max(a + m, t - settings.versionSnap()); c <= Math.min(b - m, t + settings.versionSnap()); c++) {
            Integer v0 = s.runs().get(c - 1).version();
            Integer v1 = s.runs().get(c).version();
            if (v0 != null && v1 != null && !v0.equals(v1) && Math.abs(c - t) < bestDistance) {
                double[] y = new double[b - a];
                System.arraycopy(s.clean(), a, y, 0, y.length);
                if (statistic(y, c - a, m) >= SNAP_RATIO * observed) {
                    bestAt = c;
                    bestDistance = Math.abs(c - t);
                }
            }
        }
        return bestAt;
    }

    private static int bestSplit(double[] y, int m) {
        int n = y.length;
        double total = 0;
        for (double v : y) {
            total += v;
        }
        double left = 0;
        int best = m;
        double bestStat = -1;
        for (int t = 1; t <= n - m; t++) {
            left += y[t - 1];
            if (t >= m) {
                double stat = standardised(left, total, t, n);
                if (stat > bestStat) {
                    bestStat = stat;
                    best = t;
                }
            }
        }
        return best;
    }

    private static double statistic(double[] y, int t, int m) {
        double left = 0;
        double total = 0;
        for (int i = 0; i < y.length; i++) {
            total += y[i];
            left += i < t ? y[i] : 0;
        }
        return standardised(left, total, t, y.length);
    }

    private static double standardised(double leftSum, double total, int t, int n) {
        double diff = (total - leftSum) / (n - t) - leftSum / t;
        return Math.abs(diff) * Math.sqrt((double) t * (n - t) / n);
    }

    private static void shuffle(double[] y, SplittableRandom random) {
        for (int i = y.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            double tmp = y[i];
            y[i] = y[j];
            y[j] = tmp;
        }
    }

    private ChangePoint describe(Series s, int a, int t, int b, double p, boolean lowerIsBetter) {
        double before = Robust.median(s.raw(), a, t);
        double after = Robust.median(s.raw(), t, b);
        double logRatio = Math.log(after / before);
        double se = MEDIAN_SE * s.sigma() * Math.sqrt(1.0 / (t - a) + 1.0 / (b - t));
        boolean worse = lowerIsBetter == (after > before);
        return new ChangePoint(s.runs().get(t), t, worse ? Direction.REGRESSION : Direction.IMPROVEMENT, before, after,
                after / before - 1, Math.exp(logRatio - Z_95 * se) - 1, Math.exp(logRatio + Z_95 * se) - 1, p, b - t);
    }

    private record Split(int at, double p) {
    }

    private record Series(List<Run> runs, double[] raw, double[] x, double[] clean, double sigma, double resolution,
                          Set<String> held) {
        int n() {
            return raw.length;
        }
    }
}
