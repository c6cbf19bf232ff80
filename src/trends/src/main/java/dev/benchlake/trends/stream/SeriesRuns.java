package dev.benchlake.trends.stream;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A series' runs as the state store keeps them (the aggregate of the runs table grouped by series), and the run whose
 * arrival made this version of the aggregate (null when a run left the series: the next arrival decides).
 */
public record SeriesRuns(Map<String, SeriesRun> runs, String lastRunId) {
    public static SeriesRuns empty() {
        return new SeriesRuns(Map.of(), null);
    }

    public SeriesRuns with(SeriesRun run) {
        Map<String, SeriesRun> next = new LinkedHashMap<>(runs);
        next.put(run.runId(), run);
        return new SeriesRuns(next, run.runId());
    }

    public SeriesRuns without(SeriesRun run) {
        Map<String, SeriesRun> next = new LinkedHashMap<>(runs);
        next.remove(run.runId());
        return new SeriesRuns(next, null);
    }
}
