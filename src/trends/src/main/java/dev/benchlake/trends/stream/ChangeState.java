package dev.benchlake.trends.stream;

import java.util.List;
import java.util.Map;

import dev.benchlake.trends.ReportedChange;

/** A series' reported changes, per metric column, as the state store keeps them. */
public record ChangeState(Map<String, List<ReportedChange>> byMetric) {
    public List<ReportedChange> of(Metric metric) {
        return byMetric == null ? List.of() : byMetric.getOrDefault(metric.column(), List.of());
    }
}
