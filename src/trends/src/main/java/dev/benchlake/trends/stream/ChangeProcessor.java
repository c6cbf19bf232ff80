package dev.benchlake.trends.stream;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import dev.benchlake.trends.ChangePointDetector;
import dev.benchlake.trends.ReportedChange;
import dev.benchlake.trends.Run;
import dev.benchlake.trends.SeriesTracker;

/**
 * On each new version of a series' runs, decides the series' change points for every metric and forwards what
 * changed: a change record for each change reported or re-figured, a tombstone for each change retracted. The reported
 * changes are kept in a state store (rebuilt from its changelog), so that a change keeps the run that confirmed it.
 */
final class ChangeProcessor implements Processor<String, SeriesRuns, Struct, Struct> {
    static final String STORE = "series-changes";

    private final ChangePointDetector detector;
    private ProcessorContext<Struct, Struct> context;
    private KeyValueStore<String, ChangeState> store;

    ChangeProcessor(ChangePointDetector detector) {
        this.detector = detector;
    }

    @Override
    public void init(ProcessorContext<Struct, Struct> context) {
        this.context = context;
        this.store = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, SeriesRuns> record) {
        String seriesId = record.key();
        SeriesRuns series = record.value() == null ? SeriesRuns.empty() : record.value();
        if (record.value() != null && series.lastRunId() == null) {
            return; // a run left the series (it moved to another one, or stopped being a completed run): the next decides
        }
        ChangeState old = store.get(seriesId);
        Map<String, List<ReportedChange>> next = new HashMap<>();
        for (Metric metric : Metric.values()) {
            List<Run> runs = new ArrayList<>();
            Run arrived = null;
            for (SeriesRun r : series.runs().values()) {
                Double v = metric.of(r);
                if (v != null) {
                    Run run = new Run(r.runId(), r.jobName(), r.runAt(), r.version(), v);
                    if (r.runId().equals(series.lastRunId())) {
                        arrived = run;
                    } else {
                        runs.add(run);
                    }
                }
            }
            List<ReportedChange> before = old == null ? List.of() : old.of(metric);
            SeriesTracker tracker = new SeriesTracker(detector, metric.lowerIsBetter(), metric.resolution());
            tracker.restore(runs, before);
            SeriesTracker.Update update = arrived != null ? tracker.add(arrived) : tracker.recheck();
            for (ReportedChange gone : update.retracted()) {
                String stepId = stepIdOf(gone, series);
                context.forward(new Record<>(new Struct(ChangeRecord.KEY_SCHEMA).put("series_id", seriesId)
                        .put("metric", metric.column()).put("first_step_id", stepId), null, record.timestamp()));
            }
            for (ReportedChange c : update.reported()) {
                SeriesRun first = series.runs().get(c.key());
                context.forward(new Record<>(ChangeRecord.key(seriesId, metric, first),
                        ChangeRecord.value(metric, c, first), record.timestamp()));
            }
            if (!tracker.changes().isEmpty()) {
                next.put(metric.column(), tracker.changes());
            }
        }
        if (next.isEmpty()) {
            store.delete(seriesId);
        } else {
            store.put(seriesId, new ChangeState(next));
        }
    }

    /** The step id of a retracted change's first run (the run may have left the series: its id ends with it). */
    private static String stepIdOf(ReportedChange gone, SeriesRuns series) {
        SeriesRun run = series.runs().get(gone.key());
        if (run != null) {
            return run.stepId();
        }
        String key = gone.key();
        return key.substring(key.lastIndexOf('\u001f') + 1);
    }
}
