package dev.benchlake.trends;

import java.util.Objects;

/**
 * One completed run of a series, as the detector sees it: one value of one metric.
 *
 * @param id      what identifies the run (a re-observed run replaces the earlier observation with the same id)
 * @param jobName the job the run belongs to
 * @param runAt   when the run's job was created, epoch milliseconds
 * @param version the model package version, or null for a run of a plain model
 * @param value   the metric's value, greater than zero
 */
public record Run(String id, String jobName, long runAt, Integer version, double value) {
    public Run {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(jobName, "jobName");
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("a run's value must be a positive finite number, was " + value);
        }
    }
}
