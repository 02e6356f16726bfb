-- Operations: the worker processes that are running now, each heartbeating its own row
-- (removed when it stops gracefully, stale once its heartbeat is older than a few leases),
-- and the id of the request that asked for a job, so a worker's log lines for the job
-- carry it. No comment here may hold a semicolon: the migration runner splits statements on them.
CREATE TABLE "worker_processes" (
    "id" UUID NOT NULL,
    "pid" INTEGER NOT NULL,
    "host" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heartbeat_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "job_types" TEXT[] NOT NULL,
    "concurrency" INTEGER NOT NULL,

    CONSTRAINT "worker_processes_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "worker_processes_heartbeat_at_idx" ON "worker_processes"("heartbeat_at");

ALTER TABLE "export_jobs" ADD COLUMN "request_id" VARCHAR(64);
ALTER TABLE "import_jobs" ADD COLUMN "request_id" VARCHAR(64);

-- The queue depth that health and metrics read at every call counts jobs by status.
CREATE INDEX "import_jobs_status_idx" ON "import_jobs"("status");
CREATE INDEX "schedule_runs_status_idx" ON "schedule_runs"("status");
