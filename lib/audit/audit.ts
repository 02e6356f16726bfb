// Writes the audit trail. Each action has one kind of target, whichever path records it
// (the registry below), so the trail can be filtered by target and read the same way for
// a download streamed at once and for one run as a job. On its own an audit write never
// breaks the action it records (a failure is logged); inside a caller's transaction it is
// part of it, and fails with it.
import { pgPool, type Db } from "../data/pg";
import type { Prisma } from "../generated/prisma/client";
import type { AuditAction } from "../generated/prisma/enums";

export type AuditTargetType = "dataset" | "export_job" | "export_files" | "user";

/** What each action is about: a dataset asked for, a stored export acted on, the files, a person. */
export const AUDIT_TARGETS = {
  export_requested: "dataset",
  export_completed: "dataset",
  export_failed: "dataset",
  export_cancelled: "dataset",
  export_denied: "dataset",
  export_downloaded: "export_job",
  export_deleted: "export_job",
  integrity_failure: "export_job",
  login_succeeded: "user",
  login_failed: null, // the e-mail given may belong to nobody
  retention_purge: "export_files",
  password_changed: "user",
} as const satisfies Record<AuditAction, AuditTargetType | null>;

export type AuditInput = {
  action: AuditAction;
  actorId?: number | null;
  /** The id of the action's target (of the type AUDIT_TARGETS gives it). */
  targetId?: string | number | null;
  details?: Prisma.InputJsonObject;
  ip?: string | null;
};

const INSERT_SQL = `INSERT INTO audit_events (action, actor_id, target_type, target_id, details, ip)
                    VALUES ($1::"AuditAction", $2, $3, $4, $5::jsonb, $6)`;

function values(event: AuditInput): unknown[] {
  return [
    event.action,
    event.actorId ?? null,
    AUDIT_TARGETS[event.action],
    event.targetId === undefined || event.targetId === null ? null : String(event.targetId),
    JSON.stringify(event.details ?? {}),
    event.ip ?? null,
  ];
}

/** Records an event; with `db` (a client in a transaction), as part of that transaction. */
export async function recordAudit(event: AuditInput, db?: Db): Promise<void> {
  if (db) {
    await db.query(INSERT_SQL, values(event));
    return;
  }
  try {
    await pgPool().query(INSERT_SQL, values(event));
  } catch (error) {
    console.error(`Could not record the audit event ${event.action}:`, error);
  }
}
