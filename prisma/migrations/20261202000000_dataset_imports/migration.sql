-- Datasets from uploaded files. A dataset an import is creating is importing, invisible
-- until its rows commit, and a deleted one keeps its row, with deleted_at, for the history.
CREATE TYPE "DatasetStatus" AS ENUM ('importing', 'ready');
CREATE TYPE "ImportStatus" AS ENUM ('pending', 'processing', 'completed', 'failed', 'cancelled');
CREATE TYPE "ImportMode" AS ENUM ('create', 'append', 'replace');

ALTER TYPE "AuditAction" ADD VALUE 'dataset_created';
ALTER TYPE "AuditAction" ADD VALUE 'dataset_imported';
ALTER TYPE "AuditAction" ADD VALUE 'dataset_updated';
ALTER TYPE "AuditAction" ADD VALUE 'dataset_deleted';
ALTER TYPE "AuditAction" ADD VALUE 'dataset_import_failed';

ALTER TABLE "datasets" ADD COLUMN "status" "DatasetStatus" NOT NULL DEFAULT 'ready';
ALTER TABLE "datasets" ADD COLUMN "deleted_at" TIMESTAMPTZ(3);

-- One import job: the lifecycle columns of the job runtime, then those of the import.
CREATE TABLE "import_jobs" (
    "id" UUID NOT NULL,
    "user_id" INTEGER NOT NULL,
    "dataset_id" INTEGER,
    "mode" "ImportMode" NOT NULL,
    "status" "ImportStatus" NOT NULL DEFAULT 'pending',
    "progress" INTEGER NOT NULL DEFAULT 0,
    "processed_rows" INTEGER NOT NULL DEFAULT 0,
    "total_rows" INTEGER,
    "eta_seconds" INTEGER,
    "error_message" TEXT,
    "error_params" JSONB NOT NULL DEFAULT '{}',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "heartbeat_at" TIMESTAMPTZ(3),
    "upload_key" TEXT NOT NULL,
    "file_name" TEXT NOT NULL,
    "file_size" BIGINT NOT NULL,
    "sha256" TEXT NOT NULL,
    "settings" JSONB NOT NULL,
    "max_rejected_rows" INTEGER NOT NULL DEFAULT 0,
    "rejected_rows" INTEGER NOT NULL DEFAULT 0,
    "rejected" JSONB NOT NULL DEFAULT '[]',
    "rejected_file" TEXT,
    "imported_rows" INTEGER NOT NULL DEFAULT 0,
    "committed_at" TIMESTAMPTZ(3),
    "locale" VARCHAR(8) NOT NULL DEFAULT 'en',

    CONSTRAINT "import_jobs_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "import_jobs_user_id_status_idx" ON "import_jobs"("user_id", "status");
CREATE INDEX "import_jobs_dataset_id_status_idx" ON "import_jobs"("dataset_id", "status");

ALTER TABLE "import_jobs" ADD CONSTRAINT "import_jobs_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "import_jobs" ADD CONSTRAINT "import_jobs_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "datasets"("id") ON DELETE SET NULL ON UPDATE CASCADE;
