// Writes the audit trail (SPEC §1 AuditEvent). Auditing never breaks the action it
// records: a failed write is logged, not thrown.
import { prisma } from "../data/prisma";
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
    await prisma().auditEvent.create({
      data: {
        action: event.action,
        actorId: event.actorId ?? null,
        targetType: event.targetType ?? null,
        targetId: event.targetId === undefined ? null : String(event.targetId),
        details: event.details ?? {},
        ip: event.ip ?? null,
      },
    });
  } catch (error) {
    console.error(`Could not record the audit event ${event.action}:`, error);
  }
}
