-- Benchlake landing tables for PostgreSQL (13+).
--
-- For people who do not let the sink create tables. Column names are the record fields (schemas/*.avsc) one to one,
-- so Debezium's JDBC sink (insert.mode=upsert, primary.key.mode=record_key) writes into these tables as they are;
-- with schema.evolution=basic it only ever adds a column for a field a later schema version adds.
-- timestamp-millis fields are timestamptz (instants); Avro double -> double precision, int -> integer,
-- long -> bigint, boolean -> boolean, string -> text. A test (LandingDdlTest) checks this file against the .avsc files.
--
-- The sink must write timestamps as UTC: give the connection TimeZone=UTC (see config/benchlake-sink-postgres.json).
--
-- Primary keys are the record keys (version 2): job names are unique only within one AWS account and region, and
-- several connectors (accounts, regions) may land in these tables, so both are part of every key. aws_account_id is
-- nullable in the value but never in the key: the sink writes the key's value, the empty string when no account is
-- known (see schemas/BenchmarkStepKey.avsc). Tables created with the version-1 keys: migrations/keys_v2.sql.
-- Tables created from this file before 0.3.0 lack recommendation_jobs.stopping_conditions, which 02_models.sql reads:
-- migrations/stopping_conditions.sql adds it.

CREATE TABLE IF NOT EXISTS benchmark_steps (
    step_id                            text             NOT NULL,
    job_name                           text             NOT NULL,
    job_arn                            text,
    aws_region                         text             NOT NULL,
    aws_account_id                     text,
    step_type                          text             NOT NULL,
    status                             text             NOT NULL,
    is_terminal                        boolean          NOT NULL,
    failure_reason                     text,
    content_hash                       text             NOT NULL,
    observed_at                        timestamptz      NOT NULL,
    endpoint_name                      text,
    variant_name                       text,
    instance_type                      text,
    initial_instance_count             integer,
    serverless_memory_size_mb          integer,
    serverless_max_concurrency         integer,
    serverless_provisioned_concurrency integer,
    inference_specification_name       text,
    compilation_job_name               text,
    environment_parameters             text,
    cost_per_hour                      double precision,
    cost_per_inference                 double precision,
    max_invocations                    integer,
    model_latency_ms                   integer,
    cpu_utilization                    double precision,
    memory_utilization                 double precision,
    model_setup_time                   integer,
    endpoint_max_invocations           integer,
    endpoint_model_latency_ms          integer,
    invocation_start_time              timestamptz,
    invocation_end_time                timestamptz,
    benchmark_duration_ms              bigint,
    job_type                           text,
    job_status                         text,
    job_creation_time                  timestamptz,
    model_name                         text,
    model_package_version_arn          text,
    identical_steps                    integer,
    PRIMARY KEY (aws_account_id, aws_region, job_name, step_id)
);

-- the models read completed steps per model and configuration, in run order
CREATE INDEX IF NOT EXISTS benchmark_steps_runs
    ON benchmark_steps (aws_account_id, aws_region, model_name, instance_type, job_creation_time);

CREATE TABLE IF NOT EXISTS recommendation_jobs (
    job_name                  text        NOT NULL,
    job_arn                   text,
    aws_region                text        NOT NULL,
    aws_account_id            text,
    job_type                  text,
    status                    text,
    job_description           text,
    failure_reason            text,
    creation_time             timestamptz,
    completion_time           timestamptz,
    last_modified_time        timestamptz,
    model_name                text,
    model_package_version_arn text,
    job_duration_seconds      integer,
    traffic_pattern           text,
    endpoint_configurations   text,
    closed                    boolean     NOT NULL,
    close_reason              text,
    steps_emitted             integer     NOT NULL,
    content_hash              text        NOT NULL,
    observed_at               timestamptz NOT NULL,
    read_error                text,
    stopping_conditions       text,
    PRIMARY KEY (aws_account_id, aws_region, job_name)
);
