package dev.benchlake.trends.corpus;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import dev.benchlake.trends.Direction;
import dev.benchlake.trends.Run;

/**
 * A seeded corpus of nightly latency series with known change points (docs/benchmarks.md, "Change points"). Each
 * series: a base latency log-uniform in 20..400 ms; lognormal noise with sigma uniform in [noiseLow, noiseHigh];
 * values rounded to whole milliseconds as the API reports them; 0, 1 or 2 step changes (30/40/30 %) of 10..40 %
 * either way, at least 10 nights apart, between night 10 and {@code nights - 6}; half the series are model package
 * versions, where a change comes with a version bump and 12 % of the other nights bump the version changing nothing;
 * 3 % of nights a single-night outlier (x1.4..2.5, one in five x0.55..0.75 instead); 3 % of nights a failed step (no
 * value); in half the versioned series with a change, one or two bisect re-runs of the version before the change, at
 * the old level, on a later night.
 */
public final class Corpus {
    private static final long DAY_MS = 86_400_000L;

    /** One arrival: a completed run, or a failed step (run null). */
    public record Arrival(Run run, boolean outlier) {
        public boolean failed() {
            return run == null;
        }
    }

    /** A change the generator made: its first run, version and direction (for latency: up is a regression). */
    public record TrueChange(String firstRunId, Integer version, Direction direction, double factor) {
    }

    /** One series: its arrivals in arrival order, its true changes. */
    public record Series(String id, boolean versioned, double sigma, List<Arrival> arrivals, List<TrueChange> changes) {
    }

    private Corpus() {
    }

    public static List<Series> generate(long seed, int count, int nights, double noiseLow, double noiseHigh) {
        List<Series> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(series(new SplittableRandom(seed * 1_000_003L + i), "s" + i, nights, noiseLow, noiseHigh));
        }
        return out;
    }

    private static Series series(SplittableRandom rnd, String id, int nights, double noiseLow, double noiseHigh) {
        double sigma = noiseLow + rnd.nextDouble() * (noiseHigh - noiseLow);
        double base = Math.exp(Math.log(20) + rnd.nextDouble() * (Math.log(400) - Math.log(20)));
        boolean versioned = rnd.nextDouble() < 0.5;
        int last = nights - 6;
        List<Integer> changeNights = new ArrayList<>();
        double pick = rnd.nextDouble();
        int wanted = pick < 0.3 ? 0 : pick < 0.7 ? 1 : 2;
        if (wanted >= 1) {
            int first = 10 + rnd.nextInt(last - 10 + 1);
            changeNights.add(first);
            if (wanted == 2) {
                if (first + 10 <= last) {
                    changeNights.add(first + 10 + rnd.nextInt(last - first - 10 + 1));
                } else if (first - 10 >= 10) {
                    changeNights.add(0, 10 + rnd.nextInt(first - 10 - 10 + 1));
                }
            }
        }
        double[] factor = new double[changeNights.size()];
        for (int c = 0; c < factor.length; c++) {
            double magnitude = 0.10 + rnd.nextDouble() * 0.30;
            factor[c] = rnd.nextBoolean() ? 1 + magnitude : 1 - magnitude;
        }
        List<Arrival> arrivals = new ArrayList<>();
        List<TrueChange> truths = new ArrayList<>();
        int version = 1;
        double level = base;
        double levelBeforeLast = base;
        int versionBeforeLast = 1;
        int pendingTruth = -1;
        int rerunNight = -1;
        for (int night = 1; night <= nights; night++) {
            int c = changeNights.indexOf(night);
            if (c >= 0) {
                levelBeforeLast = level;
                versionBeforeLast = version;
                level *= factor[c];
                version++;
                pendingTruth = c;
                if (versioned && rerunNight < 0 && rnd.nextBoolean() && night + 3 < nights) {
                    rerunNight = night + 3 + rnd.nextInt(nights - night - 3);
                }
            } else if (night > 1 && rnd.nextDouble() < 0.12) {
                version++;
            }
            Integer v = versioned ? version : null;
            String job = String.format("%s-n%02d", id, night);
            long runAt = night * DAY_MS;
            if (rnd.nextDouble() < 0.03) {
                arrivals.add(new Arrival(null, false));
                continue;
            }
            double value = level * Math.exp(sigma * rnd.nextGaussian());
            boolean outlier = rnd.nextDouble() < 0.03;
            if (outlier) {
                value *= rnd.nextDouble() < 0.8 ? 1.4 + rnd.nextDouble() * 1.1 : 0.55 + rnd.nextDouble() * 0.2;
            }
            Run run = new Run(job, job, runAt, v, Math.max(1, Math.round(value)));
            arrivals.add(new Arrival(run, outlier));
            if (pendingTruth >= 0) {
                double f = factor[pendingTruth];
                truths.add(new TrueChange(run.id(), v, f > 1 ? Direction.REGRESSION : Direction.IMPROVEMENT, f));
                pendingTruth = -1;
            }
            if (night == rerunNight) {
                int reruns = 1 + rnd.nextInt(2);
                for (int r = 0; r < reruns; r++) {
                    String rerun = String.format("%s-n%02d-rerun%d", id, night, r);
                    double old = levelBeforeLast * Math.exp(sigma * rnd.nextGaussian());
                    arrivals.add(new Arrival(new Run(rerun, rerun, runAt + (r + 1) * 3_600_000L, versionBeforeLast,
                            Math.max(1, Math.round(old))), false));
                }
            }
        }
        return new Series(id, versioned, sigma, arrivals, truths);
    }
}
