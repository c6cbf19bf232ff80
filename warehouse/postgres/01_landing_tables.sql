-- Benchlake landing tables for PostgreSQL (13+).
--
-- For people who do not let the sink create tables. Column names are the record fields (schemas/*.avsc) one to one,
-- so Debezium's JDBC sink (insert.mode=upsert, primary.key.mode=record_key) writes into these tables as they are;
-- with schema.evolution=basic it only ever adds a column for a field a later schema version adds.
-- timestamp-millis fields are timestamptz (instants); Avro double -> double precision, int -> integer,
-- long -> bigint, boolean -> boolean, string -> text. A test (LandingDdlTest) checks this file against the .avsc files.
--
-- The sink must write timestamps as UTC: give the connection TimeZone=UTC (see config/benchlake-sink-postgres.json).

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
    PRIMARY KEY (job_name, step_id)
);

CREATE INDEX IF NOT EXISTS benchmark_steps_series
    ON benchmark_steps (model_name, instance_type, job_creation_time);

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
    PRIMARY KEY (job_name)
);
