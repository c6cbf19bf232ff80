package dev.benchlake.warehouse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

import dev.benchlake.warehouse.TrendScenario.Load;
import dev.benchlake.warehouse.TrendScenario.Run;

/**
 * The fast path to a warehouse of {@link TrendScenario}: its steps and jobs inserted straight into the landing tables
 * of 01_landing_tables.sql, column by column as the connector writes them (the traffic pattern as SdkMapping's JSON,
 * the environment as canonical JSON, no row for the legacy rows' jobs), without a Connect cluster. TrendScenarioIT
 * lands the same scenario through the real pipeline; this is for tests of what reads the warehouse.
 */
final class ScenarioLanding {
    private ScenarioLanding() {
    }

    /** The traffic pattern of a job under a load, as the connector lands it (SdkMapping.inputConfig). */
    static String trafficPattern(Load load) {
        return load == Load.NONE ? null : "{\"TrafficType\":\"PHASES\",\"Phases\":[{\"InitialNumberOfUsers\":"
                + load.users + ",\"SpawnRate\":" + load.spawnRate + ",\"DurationInSeconds\":300}]}";
    }

    static void land(Connection c) throws Exception {
        Set<String> jobs = new HashSet<>();
        try (PreparedStatement job = c.prepareStatement("INSERT INTO recommendation_jobs (job_name, aws_region,"
                + " aws_account_id, job_type, status, creation_time, model_name, model_package_version_arn,"
                + " traffic_pattern, job_duration_seconds, closed, steps_emitted, content_hash, observed_at)"
                + " VALUES (?, ?, ?, ?, 'COMPLETED', ?, ?, ?, ?, ?, true, 0, 'h', ?)");
             PreparedStatement step = c.prepareStatement("INSERT INTO benchmark_steps (step_id, job_name,"
                     + " aws_account_id, aws_region, step_type, status, is_terminal, failure_reason, content_hash,"
                     + " observed_at, endpoint_name, instance_type, initial_instance_count, serverless_memory_size_mb,"
                     + " serverless_max_concurrency, inference_specification_name, compilation_job_name,"
                     + " environment_parameters, cost_per_hour, cost_per_inference, max_invocations, model_latency_ms,"
                     + " invocation_start_time, invocation_end_time, job_type, job_creation_time, model_name,"
                     + " model_package_version_arn, identical_steps)"
                     + " VALUES (?, ?, ?, ?, 'BENCHMARK', ?, true, ?, 'h', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                     + " ?, ?, ?, 1)")) {
            for (Run r : TrendScenario.allRuns()) {
                boolean legacy = r.site().equals(TrendScenario.LEGACY);
                Timestamp observed = Timestamp.from(TrendScenario.EPOCH.plusSeconds(TrendScenario.allDoneSeconds()));
                if (!legacy && jobs.add(r.site().label() + "/" + r.jobName())) {
                    job.setString(1, r.jobName());
                    job.setString(2, r.site().region());
                    job.setString(3, r.site().account());
                    job.setString(4, r.jobType());
                    job.setTimestamp(5, Timestamp.from(r.jobCreated()));
                    job.setString(6, r.version() == null ? r.model() : null);
                    job.setString(7, r.packageArn());
                    job.setString(8, trafficPattern(r.load()));
                    setInt(job, 9, r.load() == Load.NONE ? null : 7200);
                    job.setTimestamp(10, observed);
                    job.executeUpdate();
                }
                TrendScenario.Config cfg = r.config();
                step.setString(1, r.completed() ? r.endpointName() : "failed-before-endpoint-" + r.night());
                step.setString(2, r.jobName());
                step.setString(3, r.site().account());
                step.setString(4, r.site().region());
                step.setString(5, r.status());
                step.setString(6, r.completed() ? null : TrendScenario.FAILED_BEFORE_ENDPOINT);
                step.setTimestamp(7, observed);
                step.setString(8, r.endpointName());
                step.setString(9, r.completed() ? cfg.instanceType() : null);
                setInt(step, 10, r.completed() ? cfg.instanceCount() : null);
                setInt(step, 11, r.completed() ? cfg.memoryMb() : null);
                setInt(step, 12, r.completed() ? cfg.maxConcurrency() : null);
                step.setString(13, cfg.inferenceSpecification());
                step.setString(14, r.compilationJobName());
                step.setString(15, cfg.environment().isEmpty() ? null : cfg.environmentJson());
                setDouble(step, 16, r.costPerHour() == null ? null : r.costPerHour().doubleValue());
                setDouble(step, 17, r.costPerInference() == null ? null : r.costPerInference().doubleValue());
                setInt(step, 18, r.maxInvocations());
                setInt(step, 19, r.latencyMs());
                step.setTimestamp(20, timestamp(r.start()));
                step.setTimestamp(21, timestamp(r.end()));
                step.setString(22, r.jobType());
                step.setTimestamp(23, Timestamp.from(r.jobCreated()));
                step.setString(24, r.model());
                step.setString(25, r.packageArn());
                step.executeUpdate();
            }
        }
    }

    private static Timestamp timestamp(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    private static void setInt(PreparedStatement ps, int i, Integer v) throws java.sql.SQLException {
        if (v == null) {
            ps.setNull(i, Types.INTEGER);
        } else {
            ps.setInt(i, v);
        }
    }

    private static void setDouble(PreparedStatement ps, int i, Double v) throws java.sql.SQLException {
        if (v == null) {
            ps.setNull(i, Types.DOUBLE);
        } else {
            ps.setDouble(i, v);
        }
    }
}
