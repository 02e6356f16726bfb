// Writes the audit trail. Each action has one kind of target, whichever path records it
// (the registry below), so the trail can be filtered by target and read the same way for
// a download streamed at once and for one run as a job. Whatever an event carries is made
// storable first, so PostgreSQL does not refuse it. On its own an audit write never breaks
// the action it records (a failure is logged as an error); inside a caller's transaction
// it is part of it, and fails with it (logged, then thrown). An event recorded during a
// request authenticated by a personal access token carries the token's id (`token_id` in
// its details), read from the request's context — so no caller has to pass it.
import { currentTokenId } from "../auth/request-context";
import { pgPool, type Db } from "../data/pg";
import type { Prisma } from "../generated/prisma/client";
import type { AuditAction } from "../generated/prisma/enums";
import { storableJson, storableText } from "../text";

export const AUDIT_TARGET_TYPES = ["dataset", "export_job", "export_files", "user", "token", "schedule"] as const;
export type AuditTargetType = (typeof AUDIT_TARGET_TYPES)[number];

/** What each action is about: a dataset asked for, a stored export acted on, the files, a person, a personal access token. */
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
  row_value_dropped: "dataset",
  dataset_created: "dataset",
  dataset_imported: "dataset",
  dataset_updated: "dataset",
  dataset_deleted: "dataset",
  dataset_import_failed: "dataset",
  token_created: "token",
  token_revoked: "token",
  user_created: "user",
  user_updated: "user",
  user_deactivated: "user",
  password_reset: "user",
  audit_exported: null, // the trail itself, with the filters it was taken with
  schedule_created: "schedule",
  schedule_updated: "schedule",
  schedule_deleted: "schedule",
  schedule_run: "schedule",
  schedule_paused: "schedule",
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

/** The longest client address and target id kept (longer ones are cut, never refused). */
const IP_MAX = 100;
const TARGET_ID_MAX = 200;

/**
 * The event as PostgreSQL will take it, whatever it carries: every text — details at any
 * depth, their keys, the target and the address — with NUL written out, lone surrogates
 * replaced and its length capped (lib/text.ts). An event is never lost to what was asked.
 */
function values(event: AuditInput): unknown[] {
  const tokenId = currentTokenId();
  const details = tokenId === undefined ? (event.details ?? {}) : { ...event.details, token_id: tokenId };
  const targetId = event.targetId === undefined || event.targetId === null ? null : String(event.targetId);
  return [
    event.action,
    event.actorId ?? null,
    AUDIT_TARGETS[event.action],
    targetId === null ? null : storableText(targetId, TARGET_ID_MAX),
    JSON.stringify(storableJson(details)),
    event.ip === undefined || event.ip === null ? null : storableText(event.ip, IP_MAX),
  ];
}

/**
 * Records an event. With `db` (a client in a transaction) it is part of that transaction:
 * a failure is logged and thrown, so the transaction rolls back with it — nothing it
 * records is committed without its event. Alone, a failure is logged and the action goes on.
 */
export async function recordAudit(event: AuditInput, db?: Db): Promise<void> {
  try {
    await (db ?? pgPool()).query(INSERT_SQL, values(event));
  } catch (error) {
    console.error(`Could not record the audit event ${event.action}:`, error);
    if (db) throw error;
  }
}
