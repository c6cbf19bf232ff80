-- Benchlake 0.3.0: recommendation_jobs gains stopping_conditions (RecommendationJob's new optional field, the job's
-- StoppingConditions as JSON), which 02_models.sql makes part of every series.
--
-- Run it once on tables created from 01_landing_tables.sql of 0.2.0 or earlier, or by a sink before it saw a 0.3.0
-- record (a sink with schema.evolution=basic adds the column only when the first record with the field arrives), then
-- re-run 02_models.sql. Re-runnable; rows already landed hold NULL (those jobs were read before the field existed).

ALTER TABLE recommendation_jobs ADD COLUMN IF NOT EXISTS stopping_conditions text;
