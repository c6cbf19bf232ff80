-- Benchlake SQL models for PostgreSQL (13+), on the landing tables of 01_landing_tables.sql
-- (or the tables the JDBC sink created: the column names are the same).
-- Re-runnable: every object is CREATE OR REPLACE. Tested by dev.benchlake.warehouse.WarehousePipelineIT.
--
-- Terms
--   run      one COMPLETED benchmark step of one job (one instance type x configuration, one night)
--   series   the runs that are comparable over time: same model, job type, instance type (or serverless
--            memory size), initial instance count and environment parameters
--   run_at   when the run's job was created (the nightly schedule), else when the benchmark started

-- 1. Latest state of each step. With insert.mode=upsert the landing table already holds one row per step; with
--    an append-only sink (insert.mode=insert, or a data lake) this picks the latest observation of each step.
CREATE OR REPLACE VIEW benchmark_step_latest AS
SELECT DISTINCT ON (s.job_name, s.step_id) s.*
FROM benchmark_steps s
ORDER BY s.job_name, s.step_id, s.observed_at DESC, s.content_hash;

-- Latest state of each job (same reasoning).
CREATE OR REPLACE VIEW recommendation_job_latest AS
SELECT DISTINCT ON (j.job_name) j.*
FROM recommendation_jobs j
ORDER BY j.job_name, j.observed_at DESC, j.content_hash;

-- 2. One row per completed benchmark, with the job's own record joined (job type, model, whether Benchlake has
--    read everything of the job: job_closed) and derived measures.
CREATE OR REPLACE VIEW completed_benchmarks AS
SELECT s.job_name,
       s.step_id,
       coalesce(j.model_name, s.model_name, j.model_package_version_arn, s.model_package_version_arn) AS model_name,
       coalesce(j.job_type, s.job_type)                                       AS job_type,
       coalesce(s.instance_type, 'serverless-' || s.serverless_memory_size_mb || 'MB') AS instance_type,
       coalesce(s.initial_instance_count, 0)                                  AS initial_instance_count,
       coalesce(s.environment_parameters, '{}')                               AS environment,
       coalesce(s.job_creation_time, j.creation_time, s.invocation_start_time) AS run_at,
       (coalesce(s.job_creation_time, j.creation_time, s.invocation_start_time) AT TIME ZONE 'UTC')::date AS run_date,
       s.invocation_start_time,
       s.invocation_end_time,
       s.benchmark_duration_ms,
       s.model_latency_ms,
       s.max_invocations,
       s.cost_per_hour,
       s.cost_per_inference,
       s.cost_per_inference * 1e6                                             AS cost_per_1m_inferences,
       s.cpu_utilization,
       s.memory_utilization,
       s.endpoint_name,
       coalesce(j.closed, false)                                              AS job_closed,
       s.observed_at
FROM benchmark_step_latest s
LEFT JOIN recommendation_job_latest j ON j.job_name = s.job_name
WHERE s.status = 'COMPLETED';

-- 3. Trends per series and day: latency, throughput (max invocations per minute) and cost.
CREATE OR REPLACE VIEW benchmark_trends_daily AS
SELECT model_name, job_type, instance_type, initial_instance_count, environment, run_date,
       count(*)                                                                  AS runs,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY model_latency_ms)             AS median_latency_ms,
       min(model_latency_ms)                                                     AS min_latency_ms,
       max(model_latency_ms)                                                     AS max_latency_ms,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY max_invocations)              AS median_max_invocations,
       max(max_invocations)                                                      AS max_max_invocations,
       avg(cost_per_hour)                                                        AS avg_cost_per_hour,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY cost_per_1m_inferences)       AS median_cost_per_1m_inferences
FROM completed_benchmarks
GROUP BY model_name, job_type, instance_type, initial_instance_count, environment, run_date;

-- ... and per job (a nightly job is one point of each of its series).
CREATE OR REPLACE VIEW benchmark_trends_by_job AS
SELECT model_name, job_type, instance_type, initial_instance_count, environment, job_name,
       min(run_at)                                                               AS run_at,
       count(*)                                                                  AS runs,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY model_latency_ms)             AS median_latency_ms,
       max(max_invocations)                                                      AS max_max_invocations,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY cost_per_1m_inferences)       AS median_cost_per_1m_inferences
FROM completed_benchmarks
GROUP BY model_name, job_type, instance_type, initial_instance_count, environment, job_name;

-- 4. Regression detection.
--    Each run's metric against the median of the same series' earlier runs (all of them, or the last `trailing_runs`
--    runs). Three metrics, each with the direction that is worse:
--      model_latency_ms         higher is worse: regressed when value > median * (1 + threshold)
--      max_invocations          lower is worse:  regressed when value < median * (1 - threshold)
--      cost_per_1m_inferences   higher is worse: regressed when value > median * (1 + threshold)
--    A series' first run has no baseline (baseline_median null, never regressed).
CREATE OR REPLACE FUNCTION benchmark_regression_checks(threshold double precision DEFAULT 0.2,
                                                       trailing_runs integer DEFAULT NULL)
RETURNS TABLE (model_name text, job_type text, instance_type text, initial_instance_count integer,
               environment text, metric text, job_name text, run_at timestamptz, run_date date,
               value double precision, baseline_runs bigint, baseline_median double precision,
               change double precision, regressed boolean)
LANGUAGE sql STABLE AS $$
    WITH runs AS (
        SELECT c.*, m.metric, m.value, m.worse
        FROM completed_benchmarks c
        CROSS JOIN LATERAL (VALUES ('model_latency_ms',       c.model_latency_ms::double precision,  1),
                                   ('max_invocations',        c.max_invocations::double precision,  -1),
                                   ('cost_per_1m_inferences', c.cost_per_1m_inferences,              1))
                           AS m(metric, value, worse)
        WHERE m.value IS NOT NULL
    )
    SELECT r.model_name, r.job_type, r.instance_type, r.initial_instance_count, r.environment, r.metric,
           r.job_name, r.run_at, r.run_date, r.value, b.n, b.median,
           CASE WHEN b.median > 0 THEN r.value / b.median - 1 END,
           coalesce(CASE WHEN r.worse > 0 THEN r.value > b.median * (1 + threshold)
                         ELSE r.value < b.median * (1 - threshold) END, false)
    FROM runs r
    CROSS JOIN LATERAL (
        SELECT count(*) AS n, percentile_cont(0.5) WITHIN GROUP (ORDER BY e.value) AS median
        FROM (SELECT p.value
              FROM runs p
              WHERE p.metric = r.metric
                AND p.model_name = r.model_name AND p.job_type IS NOT DISTINCT FROM r.job_type
                AND p.instance_type = r.instance_type AND p.initial_instance_count = r.initial_instance_count
                AND p.environment = r.environment
                AND p.run_at < r.run_at
              ORDER BY p.run_at DESC
              LIMIT trailing_runs) e
    ) b
$$;

--    The regressions in force: series whose LATEST run is regressed against the median of its earlier runs, with
--    the run the regression started at (regressed_since: the first of the unbroken streak of regressed runs that
--    ends with the latest one). With `trailing_runs` set, a regression older than about half the window becomes the
--    new baseline and stops being reported: leave it null to compare with all earlier runs.
CREATE OR REPLACE FUNCTION benchmark_regressions(threshold double precision DEFAULT 0.2,
                                                 trailing_runs integer DEFAULT NULL)
RETURNS TABLE (model_name text, job_type text, instance_type text, initial_instance_count integer,
               environment text, metric text, latest_job_name text, latest_run_at timestamptz,
               latest_value double precision, baseline_runs bigint, baseline_median double precision,
               change double precision, regressed_since timestamptz, regressed_since_date date, regressed_runs bigint)
LANGUAGE sql STABLE AS $$
    WITH checks AS (
        SELECT * FROM benchmark_regression_checks(threshold, trailing_runs)
    ), ranked AS (
        SELECT c.*,
               row_number() OVER w AS newest_first,
               max(c.run_at) FILTER (WHERE NOT c.regressed)
                   OVER (PARTITION BY c.model_name, c.job_type, c.instance_type, c.initial_instance_count,
                                      c.environment, c.metric) AS last_good_at
        FROM checks c
        WINDOW w AS (PARTITION BY c.model_name, c.job_type, c.instance_type, c.initial_instance_count,
                                  c.environment, c.metric ORDER BY c.run_at DESC)
    ), streak AS (
        SELECT r.model_name, r.job_type, r.instance_type, r.initial_instance_count, r.environment, r.metric,
               min(r.run_at) AS since, count(*) AS runs
        FROM ranked r
        WHERE r.regressed AND r.run_at > coalesce(r.last_good_at, '-infinity'::timestamptz)
        GROUP BY 1, 2, 3, 4, 5, 6
    )
    SELECT l.model_name, l.job_type, l.instance_type, l.initial_instance_count, l.environment, l.metric,
           l.job_name, l.run_at, l.value, l.baseline_runs, l.baseline_median, l.change,
           s.since, (s.since AT TIME ZONE 'UTC')::date, s.runs
    FROM ranked l
    JOIN streak s USING (model_name, job_type, instance_type, initial_instance_count, environment, metric)
    WHERE l.newest_first = 1 AND l.regressed
$$;

--    With the default threshold (20 %), comparing with all earlier runs.
CREATE OR REPLACE VIEW benchmark_regressions_current AS
SELECT * FROM benchmark_regressions(0.2, NULL);

-- 5. Price/performance.
--    cost per 1M inferences = cost_per_inference * 1,000,000 (SageMaker's CostPerInference: the endpoint's hourly
--    cost spread over the requests it sustains at max_invocations). Per series over its completed runs: the median
--    cost per 1M inferences and the median latency. The best instance for a model is the series with the lowest
--    median cost per 1M inferences among those whose median latency meets the bound (ties: lower latency, then
--    higher throughput, then name).
CREATE OR REPLACE VIEW price_performance AS
SELECT model_name, instance_type, initial_instance_count, environment,
       count(*)                                                            AS runs,
       min(run_at)                                                         AS first_run_at,
       max(run_at)                                                         AS last_run_at,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY cost_per_1m_inferences) AS median_cost_per_1m_inferences,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY model_latency_ms)       AS median_latency_ms,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY max_invocations)        AS median_max_invocations,
       avg(cost_per_hour)                                                  AS avg_cost_per_hour
FROM completed_benchmarks
WHERE cost_per_inference IS NOT NULL
GROUP BY model_name, instance_type, initial_instance_count, environment;

CREATE OR REPLACE FUNCTION best_price_performance(max_latency_ms double precision DEFAULT NULL,
                                                  since timestamptz DEFAULT NULL)
RETURNS TABLE (model_name text, instance_type text, initial_instance_count integer, environment text,
               runs bigint, median_cost_per_1m_inferences double precision, median_latency_ms double precision,
               median_max_invocations double precision, candidates bigint)
LANGUAGE sql STABLE AS $$
    WITH p AS (
        SELECT c.model_name, c.instance_type, c.initial_instance_count, c.environment, count(*) AS runs,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY c.cost_per_1m_inferences) AS cost,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY c.model_latency_ms)       AS latency,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY c.max_invocations)        AS invocations
        FROM completed_benchmarks c
        WHERE c.cost_per_inference IS NOT NULL AND (since IS NULL OR c.run_at >= since)
        GROUP BY 1, 2, 3, 4
    ), eligible AS (
        SELECT p.*, count(*) OVER (PARTITION BY p.model_name) AS candidates,
               row_number() OVER (PARTITION BY p.model_name
                                  ORDER BY p.cost, p.latency, p.invocations DESC, p.instance_type) AS rank
        FROM p
        WHERE max_latency_ms IS NULL OR p.latency <= max_latency_ms
    )
    SELECT e.model_name, e.instance_type, e.initial_instance_count, e.environment, e.runs, e.cost, e.latency,
           e.invocations, e.candidates
    FROM eligible e
    WHERE e.rank = 1
$$;

--    With no latency bound, over all runs.
CREATE OR REPLACE VIEW best_price_performance_overall AS
SELECT * FROM best_price_performance(NULL, NULL);

-- 6. Failure rate per instance type: of the steps that reached a terminal status, how many FAILED.
CREATE OR REPLACE VIEW failure_rate_by_instance_type AS
SELECT coalesce(s.instance_type, 'serverless-' || s.serverless_memory_size_mb || 'MB') AS instance_type,
       count(*)                                                                 AS terminal_steps,
       count(*) FILTER (WHERE s.status = 'COMPLETED')                           AS completed_steps,
       count(*) FILTER (WHERE s.status = 'FAILED')                              AS failed_steps,
       count(*) FILTER (WHERE s.status NOT IN ('COMPLETED', 'FAILED'))          AS other_terminal_steps,
       (count(*) FILTER (WHERE s.status = 'FAILED'))::double precision / count(*) AS failure_rate,
       count(DISTINCT coalesce(j.model_name, s.model_name))                     AS models,
       max(coalesce(s.invocation_end_time, s.observed_at)) FILTER (WHERE s.status = 'FAILED') AS last_failure_at
FROM benchmark_step_latest s
LEFT JOIN recommendation_job_latest j ON j.job_name = s.job_name
WHERE s.is_terminal
GROUP BY 1;
