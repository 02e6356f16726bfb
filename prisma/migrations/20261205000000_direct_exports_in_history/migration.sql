-- A direct download is a row of the export history too: delivered in its response, with
-- no stored file. Such a row never enters the job queue and is never pending.
CREATE TYPE "ExportDelivery" AS ENUM ('job', 'direct');
ALTER TABLE "export_jobs" ADD COLUMN "delivery" "ExportDelivery" NOT NULL DEFAULT 'job';
