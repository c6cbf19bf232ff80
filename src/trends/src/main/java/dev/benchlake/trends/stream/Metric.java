package dev.benchlake.trends.stream;

import java.util.function.Function;

/** The metrics change points are decided for, with their better direction and the unit they are reported in. */
public enum Metric {
    MODEL_LATENCY_MS("model_latency_ms", true, 1, r -> r.latencyMs() == null ? null : r.latencyMs().doubleValue()),
    MAX_INVOCATIONS("max_invocations", false, 1,
            r -> r.maxInvocations() == null ? null : r.maxInvocations().doubleValue()),
    COST_PER_1M_INFERENCES("cost_per_1m_inferences", true, 0, SeriesRun::costPer1m);

    private final String column;
    private final boolean lowerIsBetter;
    private final double resolution;
    private final Function<SeriesRun, Double> value;

    Metric(String column, boolean lowerIsBetter, double resolution, Function<SeriesRun, Double> value) {
        this.column = column;
        this.lowerIsBetter = lowerIsBetter;
        this.resolution = resolution;
        this.value = value;
    }

    public String column() {
        return column;
    }

    public boolean lowerIsBetter() {
        return lowerIsBetter;
    }

    public double resolution() {
        return resolution;
    }

    /** The run's value of this metric, or null when it has none (or none the detector can use: zero, NaN). */
    public Double of(SeriesRun run) {
        Double v = value.apply(run);
        return v != null && v > 0 && !v.isInfinite() ? v : null;
    }
}
