-- Benchlake SQL models for PostgreSQL (13+), on the landing tables of 01_landing_tables.sql
-- (or the tables the JDBC sink created: the column names are the same).
-- Tested by dev.benchlake.warehouse.WarehousePipelineIT and TrendScenarioIT; the definitions and the reasoning behind
-- them are in warehouse/README.md.
--
-- Terms
--   run        one COMPLETED benchmark step of one job
--   model      a model package's group (from the version ARN; the version is an attribute of the run), else the
--              model name
--   series     the runs that measure the same thing, so that comparing them over time compares like with like: same
--              account, region, model, job type, endpoint configuration (instance type and count, or the whole
--              serverless configuration), inference specification, compiled or not, environment parameters, the
--              load (the job's traffic pattern: its phases or stairs) and when the load test stops (the job's
--              stopping conditions: max invocations, the model latency threshold at a percentile, flat
--              invocations). Not the job's timeout (job_duration_seconds): it bounds the job, not the measurement.
--              series_id names it.
--   run_at     when the run's job was created (the nightly schedule), else when the benchmark started
--   run order  within a series: run_at, then invocation_start_time, job_name, endpoint_name, step_id, so that runs
--              of one job (equal run_at) always come in the same order
--
-- NULL is a value here: a serverless run has no instance type, most runs no compilation job. Series are compared
-- through series_id (never NULL); other joins use IS NOT DISTINCT FROM where a column may be NULL.

-- Re-runnable: drops what it defines first (including objects of the version-1 models), then creates. A view of
-- your own on top of these makes the DROP fail rather than vanish with it: drop it, run this file, create it again.
DROP VIEW IF EXISTS benchmark_regressions_current, best_price_performance_overall, price_performance,
    failure_rate_by_instance_type, benchmark_trends_by_job, benchmark_trends_daily, benchmark_series,
    completed_benchmarks, benchmark_step_details, benchmark_step_latest, recommendation_job_latest;
DROP FUNCTION IF EXISTS compare_versions(text, integer, integer);
DROP FUNCTION IF EXISTS cheapest_configuration(double precision, double precision, timestamptz, double precision, integer);
DROP FUNCTION IF EXISTS capacity_plan(double precision, double precision, timestamptz, double precision, integer);
DROP FUNCTION IF EXISTS cheapest_configuration(double precision, double precision, timestamptz);
DROP FUNCTION IF EXISTS capacity_plan(double precision, double precision, timestamptz);
DROP FUNCTION IF EXISTS best_price_performance(double precision, timestamptz);
DROP FUNCTION IF EXISTS benchmark_regressions(double precision, integer, double precision, double precision);
DROP FUNCTION IF EXISTS benchmark_regression_checks(double precision, integer, double precision, double precision);
DROP FUNCTION IF EXISTS benchmark_regressions(double precision, integer);
DROP FUNCTION IF EXISTS benchmark_regression_checks(double precision, integer);

-- 1. Latest state of each step and job. With insert.mode=upsert the landing tables already hold one row per key;
--    with an append-only sink (insert.mode=insert, or a data lake) this picks the latest observation of each.
CREATE VIEW benchmark_step_latest AS
SELECT DISTINCT ON (s.aws_account_id, s.aws_region, s.job_name, s.step_id) s.*
FROM benchmark_steps s
ORDER BY s.aws_account_id, s.aws_region, s.job_name, s.step_id, s.observed_at DESC, s.content_hash;

CREATE VIEW recommendation_job_latest AS
SELECT DISTINCT ON (j.aws_account_id, j.aws_region, j.job_name) j.*
FROM recommendation_jobs j
ORDER BY j.aws_account_id, j.aws_region, j.job_name, j.observed_at DESC, j.content_hash;

-- The instant of a landed time, whatever its column type: 01_landing_tables.sql creates timestamptz columns (instants);
-- a sink's auto-created tables may hold timestamp columns with the UTC wall time (use.time.zone=UTC). PostgreSQL picks
-- the overload by the column's type, so run_at is the right instant, and run_date the right UTC day, in any session
-- time zone.
CREATE OR REPLACE FUNCTION benchmark_utc(ts timestamptz)
RETURNS timestamptz LANGUAGE sql IMMUTABLE AS $$ SELECT ts $$;
CREATE OR REPLACE FUNCTION benchmark_utc(ts timestamp)
RETURNS timestamptz LANGUAGE sql IMMUTABLE AS $$ SELECT ts AT TIME ZONE 'UTC' $$;

-- How a configuration reads in answers: the instance type, or serverless-<memory>MB-max<concurrency>[-prov<n>].
CREATE OR REPLACE FUNCTION benchmark_configuration(instance_type text, memory_mb integer, max_concurrency integer,
                                                   provisioned integer)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
               WHEN instance_type IS NOT NULL THEN instance_type
               WHEN memory_mb IS NOT NULL OR max_concurrency IS NOT NULL
                   THEN 'serverless-' || coalesce(memory_mb::text, '?') || 'MB-max' || coalesce(max_concurrency::text, '?')
                        || coalesce('-prov' || provisioned, '')
           END
$$;

-- 2. Every step's latest state with its job joined: the model identity, the configuration, the load, the series.
CREATE VIEW benchmark_step_details AS
SELECT d.*,
       -- one value for all the series' columns, NULLs included (jsonb tells null from ''), so that joins and
       -- partitions compare series with a plain =
       md5(jsonb_build_array(d.aws_account_id, d.aws_region, d.model_kind, d.model, d.job_type, d.instance_type,
                             d.initial_instance_count, d.serverless_memory_size_mb, d.serverless_max_concurrency,
                             d.serverless_provisioned_concurrency, d.inference_specification_name, d.compiled,
                             d.environment, d.traffic_pattern, d.stopping_conditions)::text) AS series_id
FROM (
    SELECT s.aws_account_id,
           s.aws_region,
           s.job_name,
           s.step_id,
           s.status,
           s.is_terminal,
           s.failure_reason,
           -- a row of a benchmark that failed before its endpoint existed stands for this many identical steps
           coalesce(s.identical_steps, 1)                                                      AS identical_steps,
           CASE WHEN pkg.arn IS NULL THEN 'model' ELSE 'model-package' END                     AS model_kind,
           coalesce(pkg.package_group, j.model_name, s.model_name, pkg.arn)                    AS model,
           pkg.version                                                                         AS model_package_version,
           pkg.arn                                                                             AS model_package_version_arn,
           coalesce(j.job_type, s.job_type)                                                    AS job_type,
           benchmark_configuration(s.instance_type, s.serverless_memory_size_mb, s.serverless_max_concurrency,
                                   s.serverless_provisioned_concurrency)                       AS configuration,
           s.instance_type,
           s.initial_instance_count,
           s.serverless_memory_size_mb,
           s.serverless_max_concurrency,
           s.serverless_provisioned_concurrency,
           s.inference_specification_name,
           -- compiled or not is the input; the compilation job's name changes with every compilation, like a version
           s.compilation_job_name IS NOT NULL                                                  AS compiled,
           s.compilation_job_name,
           coalesce(s.environment_parameters, '{}')                                            AS environment,
           j.traffic_pattern,
           j.job_duration_seconds,
           j.stopping_conditions,
           benchmark_utc(coalesce(s.job_creation_time, j.creation_time, s.invocation_start_time)) AS run_at,
           (benchmark_utc(coalesce(s.job_creation_time, j.creation_time, s.invocation_start_time))
               AT TIME ZONE 'UTC')::date                                                      AS run_date,
           s.invocation_start_time,
           s.invocation_end_time,
           s.benchmark_duration_ms,
           s.model_latency_ms,
           s.max_invocations,
           s.cost_per_hour,
           s.cost_per_inference,
           s.cost_per_inference * 1e6                                                          AS cost_per_1m_inferences,
           s.cpu_utilization,
           s.memory_utilization,
           s.endpoint_name,
           coalesce(j.closed, false)                                                           AS job_closed,
           s.observed_at
    FROM benchmark_step_latest s
    -- the job of the same account and region: job names repeat across them. aws_region is never NULL; the account
    -- is NULL in append-only tables when no one knew it
    LEFT JOIN recommendation_job_latest j
           ON j.aws_account_id IS NOT DISTINCT FROM s.aws_account_id
          AND j.aws_region = s.aws_region
          AND j.job_name = s.job_name
    CROSS JOIN LATERAL (
        SELECT a.arn,
               substring(a.arn FROM ':model-package/([^/]+)/[0-9]+$')           AS package_group,
               substring(a.arn FROM ':model-package/[^/]+/([0-9]+)$')::integer AS version
        FROM (SELECT coalesce(j.model_package_version_arn, s.model_package_version_arn) AS arn) a
    ) pkg
) d;

-- A series as it reads in answers: every input that tells it apart from its siblings, the same text as the trends
-- application's series_label (dev.benchlake.trends.stream.SeriesIdentity; SeriesLabelSqlTest checks both agree):
-- model | job type | configuration x count | spec <inference specification> | compiled or not | env <parameters>
-- | load <traffic pattern> | stop <stopping conditions> | account/region, leaving out what is NULL (and env when there is none).
CREATE OR REPLACE FUNCTION benchmark_series_label(model text, job_type text, configuration text,
                                                  instance_count integer, inference_specification_name text,
                                                  compiled boolean, environment text, traffic_pattern text,
                                                  stopping_conditions text, aws_account_id text, aws_region text)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT concat_ws(' | ',
                     coalesce(model, '(no model)'),
                     job_type,
                     configuration || coalesce(' x' || instance_count, ''),
                     'spec ' || inference_specification_name,
                     CASE WHEN compiled THEN 'compiled' ELSE 'not compiled' END,
                     CASE WHEN coalesce(environment, '{}') <> '{}' THEN 'env ' || environment END,
                     'load ' || traffic_pattern,
                     'stop ' || stopping_conditions,
                     coalesce(aws_account_id, '?') || '/' || aws_region)
$$;

-- One row per completed benchmark, with its series' label.
CREATE VIEW completed_benchmarks AS
SELECT d.*,
       benchmark_series_label(d.model, d.job_type, d.configuration, d.initial_instance_count,
                              d.inference_specification_name, d.compiled, d.environment, d.traffic_pattern,
                              d.stopping_conditions, d.aws_account_id, d.aws_region) AS series_label
FROM benchmark_step_details d
WHERE d.status = 'COMPLETED';

-- 3. The series: one row each, with every input that defines it and its runs.
CREATE VIEW benchmark_series AS
SELECT c.series_id, c.series_label, c.aws_account_id, c.aws_region, c.model_kind, c.model, c.job_type,
       c.configuration, c.instance_type, c.initial_instance_count, c.serverless_memory_size_mb, c.serverless_max_concurrency,
       c.serverless_provisioned_concurrency, c.inference_specification_name, c.compiled, c.environment,
       c.traffic_pattern, c.stopping_conditions,
       count(*)                        AS runs,
       min(c.run_at)                   AS first_run_at,
       max(c.run_at)                   AS last_run_at,
       min(c.model_package_version)    AS first_model_package_version,
       max(c.model_package_version)    AS last_model_package_version
FROM completed_benchmarks c
GROUP BY c.series_id, c.series_label, c.aws_account_id, c.aws_region, c.model_kind, c.model, c.job_type,
         c.configuration, c.instance_type, c.initial_instance_count, c.serverless_memory_size_mb, c.serverless_max_concurrency,
         c.serverless_provisioned_concurrency, c.inference_specification_name, c.compiled, c.environment,
         c.traffic_pattern, c.stopping_conditions;

-- 4. Trends per series and day: latency, throughput (max invocations per minute) and cost.
CREATE VIEW benchmark_trends_daily AS
SELECT c.series_id, c.series_label, c.aws_account_id, c.aws_region, c.model, c.job_type, c.configuration, c.run_date,
       count(*)                                                                  AS runs,
       max(c.model_package_version)                                              AS model_package_version,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY c.model_latency_ms)           AS median_latency_ms,
       min(c.model_latency_ms)                                                   AS min_latency_ms,
       max(c.model_latency_ms)                                                   AS max_latency_ms,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY c.max_invocations)            AS median_max_invocations,
       max(c.max_invocations)                                                    AS max_max_invocations,
       avg(c.cost_per_hour)                                                      AS avg_cost_per_hour,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY c.cost_per_1m_inferences)     AS median_cost_per_1m_inferences
FROM completed_benchmarks c
GROUP BY c.series_id, c.series_label, c.aws_account_id, c.aws_region, c.model, c.job_type, c.configuration, c.run_date;

-- ... and per job (a nightly job is one point of each of its series).
CREATE VIEW benchmark_trends_by_job AS
SELECT c.series_id, c.series_label, c.aws_account_id, c.aws_region, c.model, c.job_type, c.configuration, c.job_name,
       min(c.run_at)                                                             AS run_at,
       count(*)                                                                  AS runs,
       max(c.model_package_version)                                              AS model_package_version,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY c.model_latency_ms)           AS median_latency_ms,
       max(c.max_invocations)                                                    AS max_max_invocations,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY c.cost_per_1m_inferences)     AS median_cost_per_1m_inferences
FROM completed_benchmarks c
GROUP BY c.series_id, c.series_label, c.aws_account_id, c.aws_region, c.model, c.job_type, c.configuration,
         c.job_name;

-- The median of an array, as percentile_cont(0.5) computes it (the mean of the two middle values of an even count).
CREATE OR REPLACE FUNCTION benchmark_median(vals double precision[])
RETURNS double precision LANGUAGE sql IMMUTABLE AS $$
    SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY v) FROM unnest(vals) AS v
$$;

-- 5. Regression detection.
--    Each run's metric against its series' earlier runs (in run order; all of them, or the last `trailing_runs`):
--    their median and their median absolute deviation (MAD, the spread that one outlier does not move). The change
--    in the worse direction (worsening: value - median for latency and cost, median - value for throughput) makes a
--    regression only when it is larger than each of
--      threshold * median              relative: 0.2 = 20 % worse
--      noise_mads * MAD                the series' own noise: 3 = three times its usual distance from the median
--      min_latency_change_ms           for model_latency_ms only: the API reports whole milliseconds, so a change of
--                                      one millisecond is the resolution, not a regression (4 -> 5 ms is +25 %)
--    (the floor is met at equality: a change of exactly min_latency_change_ms counts). A NULL parameter is 0 (that
--    check off). A series' first run has no baseline (baseline_runs 0, never regressed).
CREATE FUNCTION benchmark_regression_checks(threshold double precision DEFAULT 0.2,
                                            trailing_runs integer DEFAULT NULL,
                                            noise_mads double precision DEFAULT 3,
                                            min_latency_change_ms double precision DEFAULT 2)
RETURNS TABLE (series_id text, series_label text, aws_account_id text, aws_region text, model text, job_type text,
               configuration text, metric text, run_order bigint, job_name text, step_id text, model_package_version integer,
               run_at timestamptz, run_date date, value double precision, baseline_runs bigint,
               baseline_median double precision, baseline_mad double precision, baseline_min_version integer,
               baseline_max_version integer, change double precision, regressed boolean)
LANGUAGE sql STABLE AS $$
    WITH runs AS (
        SELECT c.series_id, c.series_label, c.aws_account_id, c.aws_region, c.model, c.job_type, c.configuration,
               c.job_name, c.step_id, c.model_package_version, c.run_at, c.run_date, m.metric, m.value, m.worse,
               row_number() OVER (PARTITION BY c.series_id, m.metric
                                  ORDER BY c.run_at, c.invocation_start_time, c.job_name, c.endpoint_name, c.step_id)
                   AS run_order
        FROM completed_benchmarks c
        CROSS JOIN LATERAL (VALUES ('model_latency_ms',       c.model_latency_ms::double precision,  1),
                                   ('max_invocations',        c.max_invocations::double precision,  -1),
                                   ('cost_per_1m_inferences', c.cost_per_1m_inferences,              1))
                           AS m(metric, value, worse)
        -- NaN (nan.handling=keep) is no measurement: PostgreSQL sorts it above every number, so it would look regressed
        WHERE m.value IS NOT NULL AND m.value <> 'NaN'::double precision
    ), baselines AS (
        -- each run with the values of the earlier runs it is compared with: a window frame, no self-join
        SELECT r.*,
               count(*) OVER earlier                      AS n,
               array_agg(r.value) OVER earlier            AS earlier_values,
               min(r.model_package_version) OVER earlier  AS min_version,
               max(r.model_package_version) OVER earlier  AS max_version
        FROM runs r
        WINDOW earlier AS (PARTITION BY r.series_id, r.metric ORDER BY r.run_order
                           ROWS BETWEEN coalesce(trailing_runs, 2147483647) PRECEDING AND 1 PRECEDING)
    ), compared AS (
        SELECT b.*, c.median,
               benchmark_median(ARRAY(SELECT abs(v - c.median) FROM unnest(b.earlier_values) AS v)) AS mad,
               b.worse * (b.value - c.median) AS worsening
        FROM baselines b
        CROSS JOIN LATERAL (SELECT benchmark_median(b.earlier_values) AS median) c
    )
    SELECT x.series_id, x.series_label, x.aws_account_id, x.aws_region, x.model, x.job_type, x.configuration, x.metric,
           x.run_order, x.job_name, x.step_id, x.model_package_version, x.run_at, x.run_date, x.value, x.n, x.median,
           x.mad,
           x.min_version, x.max_version,
           CASE WHEN x.median > 0 THEN x.value / x.median - 1 END,
           coalesce(x.worsening > coalesce(threshold, 0) * abs(x.median)
                    AND x.worsening > coalesce(noise_mads, 0) * x.mad
                    AND (x.metric <> 'model_latency_ms' OR x.worsening >= coalesce(min_latency_change_ms, 0)),
                    false)
    FROM compared x
$$;

--    The regressions in force: series whose LATEST run (in run order) is regressed, with the run the regression
--    started at (regressed_since: the first of the unbroken streak of regressed runs that ends with the latest one)
--    and the model package versions involved: model_package_version (the latest run's), regressed_since_version, and
--    baseline_min_version..baseline_max_version (the versions of the runs the latest one was compared with), so that
--    "version 7 is 25 % slower than versions 1-6 on ml.g5.xlarge" is one row. With `trailing_runs` set, a regression
--    older than about half the window becomes the new baseline and stops being reported: leave it NULL to compare
--    with all earlier runs.
CREATE FUNCTION benchmark_regressions(threshold double precision DEFAULT 0.2,
                                      trailing_runs integer DEFAULT NULL,
                                      noise_mads double precision DEFAULT 3,
                                      min_latency_change_ms double precision DEFAULT 2)
RETURNS TABLE (series_id text, series_label text, aws_account_id text, aws_region text, model text, job_type text,
               configuration text, metric text, latest_job_name text, latest_run_at timestamptz, model_package_version integer,
               latest_value double precision, baseline_runs bigint, baseline_median double precision,
               baseline_mad double precision, baseline_min_version integer, baseline_max_version integer,
               change double precision, regressed_since timestamptz, regressed_since_date date,
               regressed_since_version integer, regressed_runs bigint)
LANGUAGE sql STABLE AS $$
    WITH checks AS (
        SELECT * FROM benchmark_regression_checks(threshold, trailing_runs, noise_mads, min_latency_change_ms)
    ), marked AS (
        SELECT c.*,
               max(c.run_order) OVER w                                            AS latest_order,
               coalesce(max(c.run_order) FILTER (WHERE NOT c.regressed) OVER w, 0) AS last_good_order
        FROM checks c
        WINDOW w AS (PARTITION BY c.series_id, c.metric)
    ), streaks AS (
        -- the unbroken streak of regressed runs at the end of each series
        SELECT m.*, m.regressed AND m.run_order > m.last_good_order AS in_streak
        FROM marked m
    ), counted AS (
        SELECT s.*,
               first_value(s.run_at) OVER streak                 AS since,
               first_value(s.model_package_version) OVER streak  AS since_version,
               count(*) OVER (PARTITION BY s.series_id, s.metric, s.in_streak) AS streak_runs
        FROM streaks s
        WINDOW streak AS (PARTITION BY s.series_id, s.metric, s.in_streak ORDER BY s.run_order)
    )
    SELECT l.series_id, l.series_label, l.aws_account_id, l.aws_region, l.model, l.job_type, l.configuration,
           l.metric, l.job_name, l.run_at, l.model_package_version, l.value, l.baseline_runs, l.baseline_median,
           l.baseline_mad, l.baseline_min_version, l.baseline_max_version, l.change,
           l.since, (l.since AT TIME ZONE 'UTC')::date, l.since_version, l.streak_runs
    FROM counted l
    WHERE l.run_order = l.latest_order AND l.regressed
$$;

--    With the defaults: 20 %, all earlier runs, 3 MADs, 2 ms.
CREATE VIEW benchmark_regressions_current AS
SELECT * FROM benchmark_regressions();

-- 6. Capacity-aware price/performance.
--    For a latency target (ms) and an expected traffic (requests per second): what each configuration of each model
--    would cost an hour to serve that traffic, from the medians of its runs (since `since`, and of the model
--    package's newest benchmarked version only: the version you would deploy).
--      instances    the API's MaxInvocations and CostPerHour are per instance: ceil(traffic * 60 / MaxInvocations)
--                   instances (at least one) at CostPerHour each. Each instance then runs at or below the load it was
--                   benchmarked at, where ModelLatency was measured, so the latency holds.
--      serverless   billed per request: CostPerInference * requests an hour. A serverless endpoint does not scale
--                   past its MaxConcurrency, so the traffic must fit in its benchmarked MaxInvocations. The API's
--                   metrics leave out provisioned concurrency's hourly charge (said so in `note`), and a serverless
--                   run without CostPerInference cannot be compared (said so, and never chosen).
--    Unlike CostPerInference alone, which assumes an endpoint saturated at MaxInvocations, this prices the endpoint
--    you would actually run: at low traffic a small instance, or serverless, beats the big one that is cheapest per
--    inference.
--      headroom     the share of the benchmarked MaxInvocations an endpoint is planned to carry (default 0.5: AWS's
--                   load-testing guidance plans at about half the load where latency starts to degrade, the safety
--                   factor of 0.5; docs/warehouse.md). NULL is 1 (plan at the benchmarked maximum).
--      min_runs     a configuration with fewer runs (of the priced version, since `since`) is not priced: its row
--                   says "not enough runs" instead of quoting one run (default 3; NULL is 1).
CREATE FUNCTION capacity_plan(max_latency_ms double precision, requests_per_second double precision,
                              since timestamptz DEFAULT NULL, headroom double precision DEFAULT 0.5,
                              min_runs integer DEFAULT 3)
RETURNS TABLE (series_id text, series_label text, aws_account_id text, aws_region text, model_kind text, model text,
               model_package_version integer, job_type text, configuration text, inference_specification_name text,
               compiled boolean, environment text, basis text, runs bigint,
               median_latency_ms double precision, median_max_invocations double precision,
               planned_max_invocations double precision, instance_count integer,
               hourly_cost numeric, meets_latency boolean, meets_traffic boolean, note text)
LANGUAGE sql STABLE AS $$
    WITH recent AS (
        SELECT c.*,
               max(c.model_package_version) OVER (PARTITION BY c.aws_account_id, c.aws_region, c.model_kind, c.model)
                   AS newest_version
        FROM completed_benchmarks c
        WHERE since IS NULL OR c.run_at >= since
    ), measured AS (
        SELECT r.series_id, r.series_label, r.aws_account_id, r.aws_region, r.model_kind, r.model,
               r.model_package_version, r.job_type, r.configuration, r.inference_specification_name, r.compiled,
               r.environment,
               CASE WHEN r.instance_type IS NOT NULL THEN 'instances' ELSE 'serverless' END AS basis,
               r.serverless_provisioned_concurrency AS provisioned,
               count(*) AS runs,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY r.model_latency_ms)    AS latency,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY r.max_invocations)     AS invocations,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY r.cost_per_hour)       AS cost_per_hour,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY r.cost_per_inference)  AS cost_per_inference
        FROM recent r
        WHERE r.model_package_version IS NOT DISTINCT FROM r.newest_version
        GROUP BY r.series_id, r.series_label, r.aws_account_id, r.aws_region, r.model_kind, r.model,
                 r.model_package_version,
                 r.job_type, r.configuration, r.inference_specification_name, r.compiled, r.environment,
                 r.instance_type IS NOT NULL, r.serverless_provisioned_concurrency
    ), planned AS (
        SELECT m.*, m.invocations * coalesce(headroom, 1) AS usable, m.runs >= coalesce(min_runs, 1) AS enough
        FROM measured m
    ), sized AS (
        SELECT p.*,
               CASE WHEN p.enough AND p.basis = 'instances' AND p.usable > 0
                    THEN greatest(1, ceil(requests_per_second::numeric * 60 / p.usable::numeric))::integer
               END AS instances
        FROM planned p
    )
    SELECT s.series_id, s.series_label, s.aws_account_id, s.aws_region, s.model_kind, s.model, s.model_package_version,
           s.job_type, s.configuration, s.inference_specification_name, s.compiled, s.environment, s.basis, s.runs,
           s.latency, s.invocations, s.usable, s.instances,
           CASE WHEN NOT s.enough THEN NULL
                WHEN s.basis = 'instances' THEN s.instances * s.cost_per_hour::numeric
                ELSE s.cost_per_inference::numeric * requests_per_second::numeric * 3600
           END,
           CASE WHEN s.enough THEN s.latency <= max_latency_ms END,
           CASE WHEN NOT s.enough THEN NULL
                WHEN s.basis = 'instances' THEN s.instances IS NOT NULL
                ELSE requests_per_second * 60 <= s.usable
           END,
           CASE
               WHEN NOT s.enough
                   THEN 'not enough runs: ' || s.runs || ' of the ' || coalesce(min_runs, 1) || ' needed to plan on'
               WHEN s.invocations IS NULL OR s.invocations <= 0 THEN 'no MaxInvocations: capacity unknown'
               WHEN s.basis = 'instances' AND s.cost_per_hour IS NULL THEN 'no CostPerHour: not comparable'
               WHEN s.basis = 'instances' THEN NULL
               WHEN s.cost_per_inference IS NULL THEN 'serverless without CostPerInference: not comparable'
               WHEN requests_per_second * 60 > s.usable
                   THEN 'serverless: the traffic is above the MaxInvocations benchmarked at this MaxConcurrency'
               WHEN s.provisioned > 0
                   THEN 'serverless: CostPerInference x requests an hour; provisioned concurrency not priced by the API'
               ELSE 'serverless: CostPerInference x requests an hour'
           END
    FROM sized s
$$;

--    Per account, region and model: the cheapest configuration that meets both the latency target and the traffic
--    (ties: lower latency, fewer instances, configuration name), with capacity_plan's headroom and min_runs.
--    `candidates` counts the configurations that met both; a model none of whose configurations does gets a row with
--    NULL configuration and a note saying so ("not enough runs" when none had min_runs runs).
CREATE FUNCTION cheapest_configuration(max_latency_ms double precision, requests_per_second double precision,
                                       since timestamptz DEFAULT NULL, headroom double precision DEFAULT 0.5,
                                       min_runs integer DEFAULT 3)
RETURNS TABLE (aws_account_id text, aws_region text, model_kind text, model text, model_package_version integer,
               configuration text, inference_specification_name text, compiled boolean, environment text,
               job_type text, basis text, instance_count integer, hourly_cost numeric,
               median_latency_ms double precision, median_max_invocations double precision, runs bigint,
               candidates bigint, series_id text, note text)
LANGUAGE sql STABLE AS $$
    WITH plan AS (
        SELECT p.*, coalesce(p.meets_latency AND p.meets_traffic AND p.hourly_cost IS NOT NULL, false) AS fits
        FROM capacity_plan(max_latency_ms, requests_per_second, since, headroom, min_runs) p
    ), ranked AS (
        -- per model, the configurations that fit first, cheapest first: rank 1 is the answer, or says there is none
        SELECT p.*,
               count(*) FILTER (WHERE p.fits) OVER m AS candidates,
               count(*) FILTER (WHERE p.runs >= coalesce(min_runs, 1)) OVER m AS planned,
               row_number() OVER (m ORDER BY p.fits DESC, p.hourly_cost, p.median_latency_ms, p.instance_count,
                                             p.configuration, p.series_id) AS rank
        FROM plan p
        WINDOW m AS (PARTITION BY p.aws_account_id, p.aws_region, p.model_kind, p.model)
    )
    SELECT r.aws_account_id, r.aws_region, r.model_kind, r.model, r.model_package_version,
           CASE WHEN r.fits THEN r.configuration END,
           CASE WHEN r.fits THEN r.inference_specification_name END,
           CASE WHEN r.fits THEN r.compiled END,
           CASE WHEN r.fits THEN r.environment END,
           CASE WHEN r.fits THEN r.job_type END,
           CASE WHEN r.fits THEN r.basis END,
           CASE WHEN r.fits THEN r.instance_count END,
           CASE WHEN r.fits THEN r.hourly_cost END,
           CASE WHEN r.fits THEN r.median_latency_ms END,
           CASE WHEN r.fits THEN r.median_max_invocations END,
           CASE WHEN r.fits THEN r.runs END,
           r.candidates,
           CASE WHEN r.fits THEN r.series_id END,
           CASE WHEN r.fits THEN r.note
                WHEN r.planned = 0 THEN 'not enough runs: no configuration has ' || coalesce(min_runs, 1)
                                        || ' runs of the newest version to plan on'
                ELSE 'no configuration meets both the latency target and the traffic' END
    FROM ranked r
    WHERE r.rank = 1
$$;

-- 6b. Version A against version B, per configuration: for each series (a configuration with all its other inputs)
--     that has runs of both model package versions of `model`, the relative change of B against A in latency,
--     throughput (MaxInvocations) and cost per 1M inferences, with a 95 % confidence interval over the repeated runs.
--     On logs (a change is a ratio; run-to-run noise is about lognormal): d = mean(ln B) - mean(ln A), its standard
--     error se = sqrt(var(ln A)/nA + var(ln B)/nB) (Welch, no equal-variance assumption), Welch-Satterthwaite degrees
--     of freedom (nA + nB - 2 when neither side varies), t = Student's 97.5 % quantile at the degrees of freedom
--     rounded down (conservative); relative_change = exp(d) - 1 (the ratio of geometric means), low/high =
--     exp(d -/+ t * se) - 1. Needs two runs of each version; fewer says "not enough runs" and gives no figures. A
--     bootstrap would not need the lognormal assumption, but is not SQL's to do; on 2-8 % noise the two agree.
CREATE OR REPLACE FUNCTION benchmark_t975(df double precision)
RETURNS double precision LANGUAGE sql IMMUTABLE AS $$
    SELECT v.t
    FROM (VALUES (1, 12.706), (2, 4.303), (3, 3.182), (4, 2.776), (5, 2.571), (6, 2.447), (7, 2.365), (8, 2.306),
                 (9, 2.262), (10, 2.228), (11, 2.201), (12, 2.179), (13, 2.160), (14, 2.145), (15, 2.131), (16, 2.120),
                 (17, 2.110), (18, 2.101), (19, 2.093), (20, 2.086), (21, 2.080), (22, 2.074), (23, 2.069),
                 (24, 2.064), (25, 2.060), (26, 2.056), (27, 2.052), (28, 2.048), (29, 2.045), (30, 2.042),
                 (40, 2.021), (60, 2.000), (120, 1.980)) AS v(d, t)
    WHERE v.d <= floor(df + 1e-9)
    ORDER BY v.d DESC
    LIMIT 1
$$;

CREATE FUNCTION compare_versions(model text, version_a integer, version_b integer)
RETURNS TABLE (series_id text, series_label text, aws_account_id text, aws_region text, configuration text,
               metric text, runs_a bigint, runs_b bigint, geomean_a double precision, geomean_b double precision,
               relative_change double precision, relative_change_low double precision,
               relative_change_high double precision, degrees_of_freedom double precision, note text)
LANGUAGE sql STABLE AS $$
    WITH runs AS (
        SELECT c.series_id, c.series_label, c.aws_account_id, c.aws_region, c.configuration, m.metric,
               c.model_package_version = compare_versions.version_b AS is_b, ln(m.value) AS v
        FROM completed_benchmarks c
        CROSS JOIN LATERAL (VALUES ('model_latency_ms',       c.model_latency_ms::double precision),
                                   ('max_invocations',        c.max_invocations::double precision),
                                   ('cost_per_1m_inferences', c.cost_per_1m_inferences)) AS m(metric, value)
        WHERE c.model = compare_versions.model
          AND c.model_package_version IN (compare_versions.version_a, compare_versions.version_b)
          -- logs need positive values; NaN (nan.handling=keep) is no measurement
          AND m.value > 0 AND m.value <> 'NaN'::double precision
    ), sides AS (
        SELECT r.series_id, r.series_label, r.aws_account_id, r.aws_region, r.configuration, r.metric,
               count(*) FILTER (WHERE NOT r.is_b)                        AS na,
               count(*) FILTER (WHERE r.is_b)                            AS nb,
               avg(r.v) FILTER (WHERE NOT r.is_b)                        AS ma,
               avg(r.v) FILTER (WHERE r.is_b)                            AS mb,
               coalesce(var_samp(r.v) FILTER (WHERE NOT r.is_b), 0)      AS va,
               coalesce(var_samp(r.v) FILTER (WHERE r.is_b), 0)          AS vb
        FROM runs r
        GROUP BY r.series_id, r.series_label, r.aws_account_id, r.aws_region, r.configuration, r.metric
    ), welch AS (
        SELECT s.*, s.na >= 2 AND s.nb >= 2 AS enough,
               CASE WHEN s.na >= 2 AND s.nb >= 2 THEN s.va / s.na + s.vb / s.nb END AS se2,
               CASE WHEN s.na >= 2 AND s.nb >= 2 THEN
                   CASE WHEN s.va = 0 AND s.vb = 0 THEN (s.na + s.nb - 2)::double precision
                        ELSE (s.va / s.na + s.vb / s.nb) ^ 2
                             / ((s.va / s.na) ^ 2 / (s.na - 1) + (s.vb / s.nb) ^ 2 / (s.nb - 1)) END
               END AS df
        FROM sides s
    )
    SELECT w.series_id, w.series_label, w.aws_account_id, w.aws_region, w.configuration, w.metric, w.na, w.nb,
           exp(w.ma), exp(w.mb),
           CASE WHEN w.enough THEN exp(w.mb - w.ma) - 1 END,
           CASE WHEN w.enough THEN exp(w.mb - w.ma - benchmark_t975(w.df) * sqrt(w.se2)) - 1 END,
           CASE WHEN w.enough THEN exp(w.mb - w.ma + benchmark_t975(w.df) * sqrt(w.se2)) - 1 END,
           w.df,
           CASE WHEN NOT w.enough
                THEN 'not enough runs: ' || w.na || ' of version ' || compare_versions.version_a || ' and ' || w.nb
                     || ' of version ' || compare_versions.version_b || ', at least 2 of each needed'
           END
    FROM welch w
$$;

-- 7. Failure rate per instance type (or serverless configuration), over all accounts and regions: of the steps
--    that reached a terminal status, how many FAILED.
CREATE VIEW failure_rate_by_instance_type AS
SELECT coalesce(d.configuration, '(no endpoint)')                                AS instance_type,
       -- steps, not rows: a row may stand for several identical failed steps (identical_steps)
       sum(d.identical_steps)                                                   AS terminal_steps,
       coalesce(sum(d.identical_steps) FILTER (WHERE d.status = 'COMPLETED'), 0) AS completed_steps,
       coalesce(sum(d.identical_steps) FILTER (WHERE d.status = 'FAILED'), 0)   AS failed_steps,
       coalesce(sum(d.identical_steps) FILTER (WHERE d.status NOT IN ('COMPLETED', 'FAILED')), 0) AS other_terminal_steps,
       coalesce(sum(d.identical_steps) FILTER (WHERE d.status = 'FAILED'), 0)::double precision
           / sum(d.identical_steps)                                             AS failure_rate,
       count(DISTINCT (d.model_kind, d.model))                                  AS models,
       max(coalesce(d.invocation_end_time, d.observed_at)) FILTER (WHERE d.status = 'FAILED') AS last_failure_at
FROM benchmark_step_details d
WHERE d.is_terminal
GROUP BY 1;
