-- The requester's language, kept with the job: a PDF report is written in it
ALTER TABLE "export_jobs" ADD COLUMN "locale" VARCHAR(8) NOT NULL DEFAULT 'en';
