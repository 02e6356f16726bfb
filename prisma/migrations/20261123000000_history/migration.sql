-- Export history: a job deleted from the history keeps its row for the audit
-- trail. The audit page filters events by their target.
ALTER TABLE "export_jobs" ADD COLUMN "deleted_at" TIMESTAMPTZ(3);

CREATE INDEX "audit_events_target_type_target_id_created_at_idx" ON "audit_events"("target_type", "target_id", "created_at" DESC);
