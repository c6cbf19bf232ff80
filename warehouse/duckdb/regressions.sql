-- Benchlake's regression model for DuckDB (1.4+), on the Iceberg tables Apache Iceberg's Kafka Connect sink writes
-- (or on any append-only landing of the records: Parquet files, a lake). A port of warehouse/postgres/02_models.sql,
-- sections 1, 2, 5 and 7 (latest state, details and series, regression detection, failure rate), with the same
-- definitions of a run, a series, the run order, the baseline (median and MAD of the earlier runs) and the noise
-- rules: warehouse/README.md.
--
-- Input: two relations named benchmark_steps and recommendation_jobs with the record fields as columns (the Iceberg
-- tables' data files, e.g. CREATE VIEW benchmark_steps AS SELECT * FROM read_parquet([...], union_by_name = true);
-- dev.benchlake.quickstart.lake.DuckDbLakehouse does this from the table's current snapshot). Columns the sink adds
-- (benchlake_topic) are ignored.
--
-- Tested by dev.benchlake.warehouse.IcebergLakehouseIT, which expects the answers of TrendOracle (computed in Java
-- from the scenario's inputs) and of the PostgreSQL model on the same records.
--
-- Differences from the PostgreSQL file, none in meaning:
--   * functions are macros; benchmark_regression_checks and benchmark_regressions are table macros with the same
--     named parameters and defaults: SELECT * FROM benchmark_regressions(threshold := 0.3)
--   * series_id is the md5 of the series' inputs as a JSON array, as there, but of DuckDB's JSON text, so its values
--     differ from PostgreSQL's: compare answers on the columns, not on series_id
--   * dates are UTC dates of the instants in any session time zone, and times may be landed as TIMESTAMP WITH TIME
--     ZONE (instants) or TIMESTAMP (the UTC wall time): benchmark_utc reads either as the instant (the file sets
--     TimeZone to UTC, but a session may set its own afterwards)
--
-- Tested by dev.benchlake.warehouse.DuckDbModelCorrectionsTest too (timestamps, identical_steps, NaN).

SET TimeZone = 'UTC';

-- 1. Latest state of each step and job: the Iceberg sink appends, so a step observed twice is two rows.
CREATE OR REPLACE VIEW benchmark_step_latest AS
SELECT DISTINCT ON (s.aws_account_id, s.aws_region, s.job_name, s.step_id) s.*
FROM benchmark_steps s
ORDER BY s.aws_account_id, s.aws_region, s.job_name, s.step_id, s.observed_at DESC, s.content_hash;

CREATE OR REPLACE VIEW recommendation_job_latest AS
SELECT DISTINCT ON (j.aws_account_id, j.aws_region, j.job_name) j.*
FROM recommendation_jobs j
ORDER BY j.aws_account_id, j.aws_region, j.job_name, j.observed_at DESC, j.content_hash;

-- The instant of a landed time, whatever its column type: TIMESTAMP WITH TIME ZONE is one; a TIMESTAMP holds the UTC
-- wall time (the sinks write UTC). Only the branch of the value's type is taken.
CREATE OR REPLACE MACRO benchmark_utc(ts) AS
    CASE WHEN typeof(ts) = 'TIMESTAMP WITH TIME ZONE' THEN CAST(ts AS TIMESTAMPTZ)
         ELSE timezone('UTC', CAST(ts AS TIMESTAMP)) END;

-- How a configuration reads in answers: the instance type, or serverless-<memory>MB-max<concurrency>[-prov<n>].
CREATE OR REPLACE MACRO benchmark_configuration(instance_type, memory_mb, max_concurrency, provisioned) AS
    CASE
        WHEN instance_type IS NOT NULL THEN instance_type
        WHEN memory_mb IS NOT NULL OR max_concurrency IS NOT NULL
            THEN 'serverless-' || coalesce(CAST(memory_mb AS VARCHAR), '?') || 'MB-max'
                 || coalesce(CAST(max_concurrency AS VARCHAR), '?') || coalesce('-prov' || provisioned, '')
    END;

-- 2. Every step's latest state with its job joined: the model identity, the configuration, the load, the series
--    (the columns of PostgreSQL's benchmark_step_details, in its order).
CREATE OR REPLACE VIEW benchmark_step_details AS
SELECT d.*,
       md5(CAST(json_array(d.aws_account_id, d.aws_region, d.model_kind, d.model, d.job_type, d.instance_type,
                           d.initial_instance_count, d.serverless_memory_size_mb, d.serverless_max_concurrency,
                           d.serverless_provisioned_concurrency, d.inference_specification_name, d.compiled,
                           d.environment, d.traffic_pattern, d.stopping_conditions) AS VARCHAR)) AS series_id
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
           s.compilation_job_name IS NOT NULL                                                  AS compiled,
           s.compilation_job_name,
           coalesce(s.environment_parameters, '{}')                                            AS environment,
           j.traffic_pattern,
           j.job_duration_seconds,
           j.stopping_conditions,
           benchmark_utc(coalesce(s.job_creation_time, j.creation_time, s.invocation_start_time)) AS run_at,
           CAST(timezone('UTC', benchmark_utc(coalesce(s.job_creation_time, j.creation_time, s.invocation_start_time)))
                AS DATE)                                                                       AS run_date,
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
    LEFT JOIN recommendation_job_latest j
           ON j.aws_account_id IS NOT DISTINCT FROM s.aws_account_id
          AND j.aws_region = s.aws_region
          AND j.job_name = s.job_name
    CROSS JOIN LATERAL (
        SELECT a.arn,
               nullif(regexp_extract(a.arn, ':model-package/([^/]+)/[0-9]+$', 1), '')                   AS package_group,
               CAST(nullif(regexp_extract(a.arn, ':model-package/[^/]+/([0-9]+)$', 1), '') AS INTEGER) AS version
        FROM (SELECT coalesce(j.model_package_version_arn, s.model_package_version_arn) AS arn) a
    ) pkg
) d;

-- A series as it reads in answers: the same text as PostgreSQL's benchmark_series_label and the trends application's
-- series_label.
CREATE OR REPLACE MACRO benchmark_series_label(model, job_type, configuration, instance_count,
                                               inference_specification_name, compiled, environment, traffic_pattern,
                                               stopping_conditions, aws_account_id, aws_region) AS
    concat_ws(' | ',
              coalesce(model, '(no model)'),
              job_type,
              configuration || coalesce(' x' || CAST(instance_count AS VARCHAR), ''),
              'spec ' || inference_specification_name,
              CASE WHEN compiled THEN 'compiled' ELSE 'not compiled' END,
              CASE WHEN coalesce(environment, '{}') <> '{}' THEN 'env ' || environment END,
              'load ' || traffic_pattern,
              'stop ' || stopping_conditions,
              coalesce(aws_account_id, '?') || '/' || aws_region);

-- One row per completed benchmark, with its series' label.
CREATE OR REPLACE VIEW completed_benchmarks AS
SELECT d.*,
       benchmark_series_label(d.model, d.job_type, d.configuration, d.initial_instance_count,
                              d.inference_specification_name, d.compiled, d.environment, d.traffic_pattern,
                              d.stopping_conditions, d.aws_account_id, d.aws_region) AS series_label
FROM benchmark_step_details d
WHERE d.status = 'COMPLETED';

-- The median of a list as PostgreSQL's percentile_cont(0.5) computes it: the middle value, or lo + 0.5 * (hi - lo)
-- between the two middle ones; NULL for an empty list.
CREATE OR REPLACE MACRO benchmark_median(vals) AS
    CASE
        WHEN len(vals) = 0 THEN NULL
        WHEN len(vals) % 2 = 1 THEN list_sort(vals)[len(vals) // 2 + 1]
        ELSE list_sort(vals)[len(vals) // 2]
             + 0.5 * (list_sort(vals)[len(vals) // 2 + 1] - list_sort(vals)[len(vals) // 2])
    END;

-- 5. Regression detection: warehouse/README.md, "Regressions". Each run's metric against its series' earlier runs
--    (in run order; all of them, or the last trailing_runs): their median and MAD. Regressed when the worsening is
--    larger than threshold * median, than noise_mads * MAD, and (latency only) at least min_latency_change_ms. A NULL
--    parameter is 0 (that check off). A series' first run has no baseline.
CREATE OR REPLACE MACRO benchmark_regression_checks(threshold := 0.2, trailing_runs := NULL, noise_mads := 3,
                                                    min_latency_change_ms := 2) AS TABLE
    WITH runs AS (
        SELECT c.series_id, c.series_label, c.aws_account_id, c.aws_region, c.model, c.job_type, c.configuration,
               c.job_name, c.step_id, c.model_package_version, c.run_at, c.run_date, m.metric, m.value, m.worse,
               row_number() OVER (PARTITION BY c.series_id, m.metric
                                  ORDER BY c.run_at, c.invocation_start_time, c.job_name, c.endpoint_name, c.step_id)
                   AS run_order
        FROM completed_benchmarks c
        CROSS JOIN LATERAL (VALUES ('model_latency_ms',       CAST(c.model_latency_ms AS DOUBLE),  1),
                                   ('max_invocations',        CAST(c.max_invocations AS DOUBLE),  -1),
                                   ('cost_per_1m_inferences', c.cost_per_1m_inferences,            1))
                           AS m(metric, value, worse)
        -- NaN (nan.handling=keep) is no measurement: DuckDB sorts it above every number, so it would look regressed
        WHERE m.value IS NOT NULL AND NOT isnan(m.value)
    ), baselines AS (
        SELECT r.*,
               count(*) OVER earlier                                        AS n,
               coalesce(list(r.value) OVER earlier, CAST([] AS DOUBLE[]))  AS earlier_values,
               min(r.model_package_version) OVER earlier                    AS min_version,
               max(r.model_package_version) OVER earlier                    AS max_version
        FROM runs r
        WINDOW earlier AS (PARTITION BY r.series_id, r.metric ORDER BY r.run_order
                           ROWS BETWEEN coalesce(trailing_runs, 2147483647) PRECEDING AND 1 PRECEDING)
    ), medians AS (
        SELECT b.*, benchmark_median(b.earlier_values) AS median
        FROM baselines b
    ), compared AS (
        SELECT m.*,
               benchmark_median(list_transform(m.earlier_values, lambda v: abs(v - m.median))) AS mad,
               m.worse * (m.value - m.median)                                                   AS worsening
        FROM medians m
    )
    SELECT x.series_id, x.series_label, x.aws_account_id, x.aws_region, x.model, x.job_type, x.configuration, x.metric,
           x.run_order,
           x.job_name, x.step_id, x.model_package_version, x.run_at, x.run_date, x.value,
           x.n                                                   AS baseline_runs,
           x.median                                              AS baseline_median,
           x.mad                                                 AS baseline_mad,
           x.min_version                                         AS baseline_min_version,
           x.max_version                                         AS baseline_max_version,
           CASE WHEN x.median > 0 THEN x.value / x.median - 1 END AS change,
           coalesce(x.worsening > coalesce(threshold, 0) * abs(x.median)
                    AND x.worsening > coalesce(noise_mads, 0) * x.mad
                    AND (x.metric <> 'model_latency_ms' OR x.worsening >= coalesce(min_latency_change_ms, 0)),
                    false)                                       AS regressed
    FROM compared x;

--    The regressions in force: series whose latest run (in run order) is regressed, with the run the unbroken streak
--    of regressed runs ending at it started at, and the model package versions involved.
CREATE OR REPLACE MACRO benchmark_regressions(threshold := 0.2, trailing_runs := NULL, noise_mads := 3,
                                              min_latency_change_ms := 2) AS TABLE
    WITH checks AS (
        SELECT * FROM benchmark_regression_checks(threshold := threshold, trailing_runs := trailing_runs,
                                                  noise_mads := noise_mads,
                                                  min_latency_change_ms := min_latency_change_ms)
    ), marked AS (
        SELECT c.*,
               max(c.run_order) OVER w                                            AS latest_order,
               coalesce(max(c.run_order) FILTER (WHERE NOT c.regressed) OVER w, 0) AS last_good_order
        FROM checks c
        WINDOW w AS (PARTITION BY c.series_id, c.metric)
    ), streaks AS (
        SELECT m.*, m.regressed AND m.run_order > m.last_good_order AS in_streak
        FROM marked m
    ), counted AS (
        SELECT s.*,
               first_value(s.run_at) OVER streak                                AS since,
               first_value(s.model_package_version) OVER streak                 AS since_version,
               count(*) OVER (PARTITION BY s.series_id, s.metric, s.in_streak)  AS streak_runs
        FROM streaks s
        WINDOW streak AS (PARTITION BY s.series_id, s.metric, s.in_streak ORDER BY s.run_order)
    )
    SELECT l.series_id, l.series_label, l.aws_account_id, l.aws_region, l.model, l.job_type, l.configuration, l.metric,
           l.job_name                 AS latest_job_name,
           l.run_at                   AS latest_run_at,
           l.model_package_version,
           l.value                    AS latest_value,
           l.baseline_runs, l.baseline_median, l.baseline_mad, l.baseline_min_version, l.baseline_max_version,
           l.change,
           l.since                    AS regressed_since,
           CAST(timezone('UTC', l.since) AS DATE) AS regressed_since_date,
           l.since_version            AS regressed_since_version,
           l.streak_runs              AS regressed_runs
    FROM counted l
    WHERE l.run_order = l.latest_order AND l.regressed;

-- 7. Failure rate per instance type (or serverless configuration), over all accounts and regions: of the steps
--    that reached a terminal status, how many FAILED; steps, not rows (a row may stand for several identical steps).
CREATE OR REPLACE VIEW failure_rate_by_instance_type AS
SELECT coalesce(d.configuration, '(no endpoint)')                                AS instance_type,
       sum(d.identical_steps)                                                   AS terminal_steps,
       coalesce(sum(d.identical_steps) FILTER (WHERE d.status = 'COMPLETED'), 0) AS completed_steps,
       coalesce(sum(d.identical_steps) FILTER (WHERE d.status = 'FAILED'), 0)   AS failed_steps,
       coalesce(sum(d.identical_steps) FILTER (WHERE d.status NOT IN ('COMPLETED', 'FAILED')), 0) AS other_terminal_steps,
       CAST(coalesce(sum(d.identical_steps) FILTER (WHERE d.status = 'FAILED'), 0) AS DOUBLE)
           / sum(d.identical_steps)                                             AS failure_rate,
       count(DISTINCT (d.model_kind, d.model))                                  AS models,
       max(coalesce(d.invocation_end_time, d.observed_at)) FILTER (WHERE d.status = 'FAILED') AS last_failure_at
FROM benchmark_step_details d
WHERE d.is_terminal
GROUP BY 1;
