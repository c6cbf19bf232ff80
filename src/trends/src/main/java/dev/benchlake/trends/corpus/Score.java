package dev.benchlake.trends.corpus;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.benchlake.trends.Run;
import dev.benchlake.trends.RunOrder;

/**
 * One method's score on a corpus. A reported change matches a true change of the same direction whose first run is
 * at most {@link #TOLERANCE} runs away in run order (version, then creation time).
 *
 * @param truths            true changes in the corpus
 * @param reported          distinct changes ever reported (alert episodes, for the methods that judge runs alone)
 * @param truePositives     reported changes that match a true change
 * @param found             true changes matched by a change still reported at the end
 * @param delays            for each found change, the runs from its first run to the one that reported it, both
 *                          counted
 * @param attributable      found changes of versioned series
 * @param attributed        of those, reported with the true change's version
 * @param retracted         reported changes later retracted (moved or vanished)
 * @param outliersConfirmed false changes whose first run is a single-night outlier
 */
public record Score(int truths, int reported, int truePositives, int found, List<Integer> delays, int attributable,
                   int attributed, int retracted, int outliersConfirmed) {
    public static final int TOLERANCE = 2;

    public double precision() {
        return reported == 0 ? 1 : (double) truePositives / reported;
    }

    public double recall() {
        return truths == 0 ? 1 : (double) found / truths;
    }

    public double f1() {
        double p = precision();
        double r = recall();
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    public double medianDelay() {
        if (delays.isEmpty()) {
            return Double.NaN;
        }
        List<Integer> sorted = new ArrayList<>(delays);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    }

    public double attribution() {
        return attributable == 0 ? Double.NaN : (double) attributed / attributable;
    }

    public double retractedShare() {
        return reported == 0 ? 0 : (double) retracted / reported;
    }

    /** Runs a method over every series of a corpus and scores it. */
    public static Score of(List<Corpus.Series> corpus, Method method) {
        Score total = new Score(0, 0, 0, 0, new ArrayList<>(), 0, 0, 0, 0);
        for (Corpus.Series s : corpus) {
            total = total.plus(series(s, method));
        }
        return total;
    }

    private Score plus(Score o) {
        List<Integer> all = new ArrayList<>(delays);
        all.addAll(o.delays);
        return new Score(truths + o.truths, reported + o.reported, truePositives + o.truePositives, found + o.found,
                all, attributable + o.attributable, attributed + o.attributed, retracted + o.retracted,
                outliersConfirmed + o.outliersConfirmed);
    }

    private record Report(Method.Event event, int arrival) {
    }

    static Score series(Corpus.Series s, Method method) {
        List<Run> runs = new ArrayList<>();
        Set<String> outliers = new HashSet<>();
        Map<String, Integer> arrivalOf = new HashMap<>();
        Map<String, Report> ever = new HashMap<>();
        Set<String> retractedNow = new HashSet<>();
        Set<String> everRetracted = new HashSet<>();
        Method.Online online = method.start();
        for (Corpus.Arrival a : s.arrivals()) {
            if (a.failed()) {
                continue;
            }
            runs.add(a.run());
            arrivalOf.put(a.run().id(), runs.size());
            if (a.outlier()) {
                outliers.add(a.run().id());
            }
            for (Method.Event e : online.accept(a.run())) {
                if (e.retract()) {
                    retractedNow.add(e.key());
                    everRetracted.add(e.key());
                } else {
                    retractedNow.remove(e.key());
                    ever.putIfAbsent(e.key(), new Report(e, runs.size()));
                }
            }
        }
        List<Run> ordered = new ArrayList<>(runs);
        ordered.sort(RunOrder.ORDER);
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < ordered.size(); i++) {
            position.put(ordered.get(i).id(), i);
        }
        int truePositives = 0;
        int outliersConfirmed = 0;
        for (Report r : ever.values()) {
            boolean matches = s.changes().stream().anyMatch(t -> matches(r.event(), t, position));
            truePositives += matches ? 1 : 0;
            outliersConfirmed += !matches && outliers.contains(r.event().firstRunId()) ? 1 : 0;
        }
        int found = 0;
        int attributable = 0;
        int attributed = 0;
        List<Integer> delays = new ArrayList<>();
        for (Corpus.TrueChange t : s.changes()) {
            List<Report> finals = ever.values().stream()
                    .filter(r -> !retractedNow.contains(r.event().key()) && matches(r.event(), t, position)).toList();
            if (finals.isEmpty()) {
                continue;
            }
            found++;
            int firstReport = ever.values().stream().filter(r -> matches(r.event(), t, position))
                    .mapToInt(Report::arrival).min().orElseThrow();
            delays.add(firstReport - arrivalOf.get(t.firstRunId()) + 1);
            if (t.version() != null) {
                attributable++;
                Report nearest = finals.stream().min(java.util.Comparator.comparingInt(
                        r -> Math.abs(position.get(r.event().firstRunId()) - position.get(t.firstRunId())))).orElseThrow();
                attributed += t.version().equals(nearest.event().version()) ? 1 : 0;
            }
        }
        return new Score(s.changes().size(), ever.size(), truePositives, found, delays, attributable, attributed,
                (int) ever.keySet().stream().filter(everRetracted::contains).count(), outliersConfirmed);
    }

    private static boolean matches(Method.Event e, Corpus.TrueChange t, Map<String, Integer> position) {
        return e.direction() == t.direction()
                && Math.abs(position.get(e.firstRunId()) - position.get(t.firstRunId())) <= TOLERANCE;
    }
}
