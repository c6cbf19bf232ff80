package dev.benchlake.trends;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One metric of one series, run by run: on each new or changed run it decides the series' change points again and
 * says what changed since the last decision: changes reported for the first time or with new figures, and changes
 * the runs no longer support (retracted). Its state is its runs and its reported changes; {@link #restore} rebuilds
 * it from them (what a Kafka Streams state store holds).
 */
public final class SeriesTracker {
    /** At most this many runs are kept (the earliest in run order go first). */
    public static final int MAX_RUNS = 500;

    private final ChangePointDetector detector;
    private final boolean lowerIsBetter;
    private final double resolution;
    private final Map<String, Run> runs = new LinkedHashMap<>();
    private final Map<String, ReportedChange> reported = new LinkedHashMap<>();

    public SeriesTracker(ChangePointDetector detector, boolean lowerIsBetter, double resolution) {
        this.detector = detector;
        this.lowerIsBetter = lowerIsBetter;
        this.resolution = resolution;
    }

    /** What one decision changed. */
    public record Update(List<ReportedChange> reported, List<ReportedChange> retracted) {
        public boolean isEmpty() {
            return reported.isEmpty() && retracted.isEmpty();
        }
    }

    /** Restores the state a tracker had (its runs and reported changes), without deciding anything. */
    public void restore(List<Run> savedRuns, List<ReportedChange> savedChanges) {
        runs.clear();
        reported.clear();
        savedRuns.forEach(r -> runs.put(r.id(), r));
        savedChanges.forEach(c -> reported.put(c.key(), c));
    }

    /** Adds a run (or replaces the run of the same id) and decides again. */
    public Update add(Run run) {
        runs.put(run.id(), run);
        List<Run> ordered = ordered();
        while (ordered.size() > MAX_RUNS) {
            runs.remove(ordered.remove(0).id());
        }
        return decide(ordered, run);
    }

    /** Removes a run (deleted, or no longer completed) and decides again. */
    public Update remove(String runId) {
        if (runs.remove(runId) == null) {
            return new Update(List.of(), List.of());
        }
        return decide(ordered(), null);
    }

    /** Decides again on the runs as they are (after {@link #restore}, when no run arrived). */
    public Update recheck() {
        return decide(ordered(), null);
    }

    public List<Run> runs() {
        return ordered();
    }

    public List<ReportedChange> changes() {
        return List.copyOf(reported.values());
    }

    private List<Run> ordered() {
        List<Run> ordered = new ArrayList<>(runs.values());
        ordered.sort(RunOrder.ORDER);
        return ordered;
    }

    private Update decide(List<Run> ordered, Run arrived) {
        Map<String, ChangePoint> now = new LinkedHashMap<>();
        for (ChangePoint c : detector.detect(ordered, lowerIsBetter, resolution, reported.keySet())) {
            now.put(c.firstRun().id(), c);
        }
        List<ReportedChange> retracted = new ArrayList<>();
        reported.values().removeIf(old -> {
            if (!now.containsKey(old.key())) {
                retracted.add(old);
                return true;
            }
            return false;
        });
        List<ReportedChange> changed = new ArrayList<>();
        // with no run arriving (a run removed, a restore re-decided), what makes a change certain is the runs as they
        // are: the newest of them in run order confirms it. Never the change's first run, which alone confirms nothing.
        Run confirming = arrived != null ? arrived : ordered.isEmpty() ? null : ordered.get(ordered.size() - 1);
        for (ChangePoint c : now.values()) {
            ReportedChange old = reported.get(c.firstRun().id());
            ReportedChange next = old != null ? new ReportedChange(c, old.confirmedById(), old.confirmedBy())
                    : new ReportedChange(c, confirming.id(), confirming.jobName());
            if (old == null || !sameFigures(old.change(), c)) {
                changed.add(next);
            }
            reported.put(next.key(), next);
        }
        return new Update(changed, retracted);
    }

    private static boolean sameFigures(ChangePoint a, ChangePoint b) {
        return a.direction() == b.direction() && a.before() == b.before() && a.after() == b.after()
                && Objects.equals(a.firstRun(), b.firstRun());
    }
}
