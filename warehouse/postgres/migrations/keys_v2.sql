-- Benchlake: landing tables created with the version-1 record keys -> version-2 keys.
--
-- Version 1 keyed rows by (job_name, step_id) and (job_name); version 2 adds the AWS account and region in front
-- (BenchmarkStepKey / RecommendationJobKey version 2, see CHANGELOG.md). The rows already hold both columns (the sink
-- wrote every value field), so this only moves the primary keys. Run it once, with the sink stopped, before the
-- upgraded connector's first records reach the tables; then re-run 02_models.sql.
--
-- Rows that version 1 already lost (two accounts or regions writing one job name into one table overwrote each
-- other) cannot be recovered here: reset those jobs' offsets so that the connector emits them again.

BEGIN;

-- a key column cannot be NULL; version-2 keys write '' for an account nobody knows (no job ARN, no aws.account.id)
UPDATE benchmark_steps SET aws_account_id = '' WHERE aws_account_id IS NULL;
ALTER TABLE benchmark_steps DROP CONSTRAINT IF EXISTS benchmark_steps_pkey;
ALTER TABLE benchmark_steps ADD PRIMARY KEY (aws_account_id, aws_region, job_name, step_id);
DROP INDEX IF EXISTS benchmark_steps_series;
CREATE INDEX IF NOT EXISTS benchmark_steps_runs
    ON benchmark_steps (aws_account_id, aws_region, model_name, instance_type, job_creation_time);

UPDATE recommendation_jobs SET aws_account_id = '' WHERE aws_account_id IS NULL;
ALTER TABLE recommendation_jobs DROP CONSTRAINT IF EXISTS recommendation_jobs_pkey;
ALTER TABLE recommendation_jobs ADD PRIMARY KEY (aws_account_id, aws_region, job_name);

COMMIT;
