-- The personal access token a job was asked for with (null: the browser session). Its
-- worker records the job's audit events with the token's id, as the request did.
ALTER TABLE "export_jobs" ADD COLUMN "token_id" UUID;
ALTER TABLE "import_jobs" ADD COLUMN "token_id" UUID;
