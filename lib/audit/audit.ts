// Writes the audit trail (SPEC §1 AuditEvent). Auditing never breaks the action it
// records: a failed write is logged, not thrown.
import { pgPool } from "../data/pg";
import type { AuditAction } from "../generated/prisma/enums";
import type { Prisma } from "../generated/prisma/client";

export type AuditInput = {
  action: AuditAction;
  actorId?: number | null;
  targetType?: string;
  targetId?: string | number;
  details?: Prisma.InputJsonObject;
  ip?: string | null;
};

export async function recordAudit(event: AuditInput): Promise<void> {
  try {
    await pgPool().query(
      `INSERT INTO audit_events (action, actor_id, target_type, target_id, details, ip)
       VALUES ($1::"AuditAction", $2, $3, $4, $5::jsonb, $6)`,
      [
        event.action,
        event.actorId ?? null,
        event.targetType ?? null,
        event.targetId === undefined ? null : String(event.targetId),
        JSON.stringify(event.details ?? {}),
        event.ip ?? null,
      ],
    );
  } catch (error) {
    console.error(`Could not record the audit event ${event.action}:`, error);
  }
}
