package dev.benchlake.trends.corpus;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

import dev.benchlake.trends.ChangePointDetector;
import dev.benchlake.trends.DetectorSettings;
import dev.benchlake.trends.Direction;
import dev.benchlake.trends.ReportedChange;
import dev.benchlake.trends.Run;
import dev.benchlake.trends.SeriesTracker;

/**
 * The methods the corpus benchmark compares (docs/benchmarks.md): Benchlake's detector and the anchors, each as the
 * tools that inspired them apply it. All see latency (lower is better) and whole milliseconds.
 */
public final class Methods {
    private Methods() {
    }

    /** Benchlake's change points ({@link SeriesTracker}): version order, confirmation, retraction. */
    public static Method benchlake(DetectorSettings settings) {
        ChangePointDetector detector = new ChangePointDetector(settings);
        return new Method() {
            @Override
            public String name() {
                return "Benchlake change points";
            }

            @Override
            public Online start() {
                SeriesTracker tracker = new SeriesTracker(detector, true, 1.0);
                return run -> {
                    SeriesTracker.Update update = tracker.add(run);
                    List<Event> events = new ArrayList<>();
                    for (ReportedChange r : update.retracted()) {
                        events.add(new Event(r.key(), true, r.key(), r.change().direction(), null));
                    }
                    for (ReportedChange r : update.reported()) {
                        events.add(new Event(r.key(), false, r.key(), r.change().direction(),
                                r.change().firstRun().version()));
                    }
                    return events;
                };
            }
        };
    }

    /**
     * Apache Otava's analysis as its defaults run it: E-divisive means (the q-hat energy statistic) finds the split,
     * Student's (Welch) t-test between the two sides decides it (p &lt; 0.001), on values in creation-time order.
     */
    public static Method otava() {
        return new Method() {
            @Override
            public String name() {
                return "Otava (E-divisive + t-test, p < 0.001)";
            }

            @Override
            public Online start() {
                return new EDivisive(0.001).online();
            }
        };
    }

    /**
     * Bencher's t-test threshold: each run against the mean and standard deviation of up to 64 earlier runs (in
     * creation-time order), alerting outside the 99 % boundary of Student's t with n - 1 degrees of freedom, both
     * sides. An alert episode (consecutive alerting runs, same side) is one reported change.
     */
    public static Method bencherTTest() {
        return pointMethod("Bencher-style t-test (99 %, 64 runs)", (history, run) -> {
            int from = Math.max(0, history.size() - 64);
            List<Run> base = history.subList(from, history.size());
            if (base.size() < 2) {
                return null;
            }
            double[] ms = meanSd(base);
            double limit = StudentT.quantile(0.99, base.size() - 1) * ms[1];
            return run.value() > ms[0] + limit ? Direction.REGRESSION
                    : run.value() < ms[0] - limit ? Direction.IMPROVEMENT : null;
        });
    }

    /** Conbench's z-score: each run against the mean and standard deviation of the 20 earlier runs, |z| &gt; 5. */
    public static Method conbenchZScore() {
        return pointMethod("Conbench-style z-score (|z| > 5, 20 runs)", (history, run) -> {
            List<Run> base = history.subList(Math.max(0, history.size() - 20), history.size());
            if (base.size() < 2) {
                return null;
            }
            double[] ms = meanSd(base);
            if (ms[1] == 0) {
                return null;
            }
            double z = (run.value() - ms[0]) / ms[1];
            return z > 5 ? Direction.REGRESSION : z < -5 ? Direction.IMPROVEMENT : null;
        });
    }

    /**
     * Today's per-run flags (benchmark_regression_checks, warehouse/postgres/02_models.sql, defaults): each run
     * against the median and the (unscaled) MAD of all earlier runs in creation-time order; a regression when worse
     * by more than 20 % of the median, more than 3 MADs and at least 2 ms. Regressions only.
     */
    public static Method todaysFlags() {
        return pointMethod("Today's per-run flags (median + 3 MAD)", (history, run) -> {
            if (history.isEmpty()) {
                return null;
            }
            double[] values = history.stream().mapToDouble(Run::value).toArray();
            double median = median(values);
            double[] dev = new double[values.length];
            for (int i = 0; i < values.length; i++) {
                dev[i] = Math.abs(values[i] - median);
            }
            double mad = median(dev);
            double worse = run.value() - median;
            return worse > 0.2 * Math.abs(median) && worse > 3 * mad && worse >= 2 ? Direction.REGRESSION : null;
        });
    }

    /** A method that judges each run alone: consecutive alerting runs of one side are one reported change. */
    static Method pointMethod(String name, BiFunction<List<Run>, Run, Direction> judge) {
        return new Method() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Online start() {
                List<Run> history = new ArrayList<>();
                Direction[] open = new Direction[1];
                return run -> {
                    Direction d = judge.apply(history, run);
                    history.add(run);
                    List<Event> events = new ArrayList<>();
                    if (d != null && d != open[0]) {
                        events.add(new Event(run.id(), false, run.id(), d, run.version()));
                    }
                    open[0] = d;
                    return events;
                };
            }
        };
    }

    static double[] meanSd(List<Run> runs) {
        double sum = 0;
        for (Run r : runs) {
            sum += r.value();
        }
        double mean = sum / runs.size();
        double ss = 0;
        for (Run r : runs) {
            ss += (r.value() - mean) * (r.value() - mean);
        }
        return new double[] {mean, Math.sqrt(ss / (runs.size() - 1))};
    }

    static double median(double[] values) {
        double[] copy = values.clone();
        java.util.Arrays.sort(copy);
        int n = copy.length;
        return n % 2 == 1 ? copy[n / 2] : (copy[n / 2 - 1] + copy[n / 2]) / 2;
    }
}
