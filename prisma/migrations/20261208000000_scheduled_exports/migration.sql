-- Scheduled exports: a schedule is an export that runs on a clock, as its owner, and is
-- e-mailed. Each run is a job of its own, with the lifecycle columns of the job runtime.
-- The unique pair of schedule and slot is how a slot runs once however many processes
-- try to claim it. A run asked for with Run now has no slot, so it never takes one.
-- A deleted dataset leaves its schedules paused, with the title they knew. No comment
-- here may hold a semicolon: the migration runner splits statements on them.
CREATE TYPE "ScheduleRunStatus" AS ENUM ('pending', 'processing', 'completed', 'failed', 'cancelled');
CREATE TYPE "ScheduleRunTrigger" AS ENUM ('slot', 'catch_up', 'manual');
CREATE TYPE "MailDelivery" AS ENUM ('pending', 'sent', 'written', 'failed');

ALTER TYPE "AuditAction" ADD VALUE 'schedule_created';
ALTER TYPE "AuditAction" ADD VALUE 'schedule_updated';
ALTER TYPE "AuditAction" ADD VALUE 'schedule_deleted';
ALTER TYPE "AuditAction" ADD VALUE 'schedule_run';
ALTER TYPE "AuditAction" ADD VALUE 'schedule_paused';

CREATE TABLE "schedules" (
    "id" UUID NOT NULL,
    "owner_id" INTEGER NOT NULL,
    "dataset_id" INTEGER,
    "dataset_title" TEXT NOT NULL,
    "format" "ExportFormat" NOT NULL,
    "options" JSONB NOT NULL,
    "cron" TEXT NOT NULL,
    "timezone" TEXT NOT NULL,
    "recipients" TEXT[],
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "paused_reason" TEXT,
    "next_run_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "schedules_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "schedule_runs" (
    "id" UUID NOT NULL,
    "schedule_id" UUID NOT NULL,
    "slot_at" TIMESTAMPTZ(3),
    "trigger" "ScheduleRunTrigger" NOT NULL,
    "missed_slots" INTEGER NOT NULL DEFAULT 0,
    "status" "ScheduleRunStatus" NOT NULL DEFAULT 'pending',
    "progress" INTEGER NOT NULL DEFAULT 0,
    "processed_rows" INTEGER NOT NULL DEFAULT 0,
    "total_rows" INTEGER,
    "eta_seconds" INTEGER,
    "error_message" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "heartbeat_at" TIMESTAMPTZ(3),
    "export_job_id" UUID,
    "delivery" "MailDelivery" NOT NULL DEFAULT 'pending',
    "delivery_attempts" INTEGER NOT NULL DEFAULT 0,
    "delivery_error" TEXT,
    "delivered_at" TIMESTAMPTZ(3),
    "message_id" TEXT,

    CONSTRAINT "schedule_runs_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "schedules_enabled_next_run_at_idx" ON "schedules"("enabled", "next_run_at");
CREATE INDEX "schedules_owner_id_created_at_idx" ON "schedules"("owner_id", "created_at" DESC);
CREATE UNIQUE INDEX "schedule_runs_schedule_id_slot_at_key" ON "schedule_runs"("schedule_id", "slot_at");
CREATE INDEX "schedule_runs_schedule_id_created_at_idx" ON "schedule_runs"("schedule_id", "created_at" DESC);

ALTER TABLE "schedules" ADD CONSTRAINT "schedules_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "schedules" ADD CONSTRAINT "schedules_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "datasets"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "schedule_runs" ADD CONSTRAINT "schedule_runs_schedule_id_fkey" FOREIGN KEY ("schedule_id") REFERENCES "schedules"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "schedule_runs" ADD CONSTRAINT "schedule_runs_export_job_id_fkey" FOREIGN KEY ("export_job_id") REFERENCES "export_jobs"("id") ON DELETE SET NULL ON UPDATE CASCADE;
