package dev.benchlake.trends.stream;

/**
 * One completed run with the series it belongs to, its metrics and what the change records say about it.
 *
 * @param seriesId       as benchmark_series.series_id in the warehouse
 * @param seriesLabel    every input of the series, readable
 * @param runId          the step's key (account, region, job, step id)
 * @param stepId         the step id
 * @param runAt          when the run's job was created (else when the benchmark started), epoch milliseconds
 * @param version        the model package version, or null
 * @param latencyMs      model_latency_ms, or null
 * @param maxInvocations max_invocations, or null
 * @param costPer1m      cost_per_inference * 1e6, or null
 */
public record SeriesRun(String seriesId, String seriesLabel, String accountId, String region, String runId,
                        String jobName, String stepId, long runAt, Integer version, Integer latencyMs,
                        Integer maxInvocations, Double costPer1m) {
}
