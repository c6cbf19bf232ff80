package dev.benchlake.trends;

/** Whether a change made a metric better or worse. */
public enum Direction {
    REGRESSION, IMPROVEMENT;

    /** As the warehouse writes it. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
