// The export history (SPEC §6): every export a caller may see, newest first, filtered and
// paged; deleting one from it (its file goes at once, its row stays for the audit trail).
// Admins see everyone's exports and may narrow them to one user; everyone else sees only
// their own.
import { z } from "zod";
import { recordAudit } from "../audit/audit";
import { can } from "../auth/permissions";
import type { CurrentUser } from "../auth/current-user";
import { pgPool } from "../data/pg";
import { prisma } from "../data/prisma";
import { EXPORT_FORMATS } from "../export/formats";
import { exportStore } from "../files/storage";
import type { Prisma } from "../generated/prisma/client";
import { ExportStatus } from "../generated/prisma/enums";
import { AppError } from "../errors";
import { MAX_ID, wholeNumber } from "../http/params";
import type { Locale } from "../i18n";
import { ACTIVE_STATUSES, findJobFor, presentJob } from "./jobs";

const flag = z
  .enum(["true", "false", "1", "0"], { error: "must be true or false" })
  .transform((v) => v === "true" || v === "1");

/** The history's query string, for the API and the page alike. Unknown names are refused. */
export const ZHistoryQuerySchema = z
  .object({
    format: z.enum(EXPORT_FORMATS, { error: `must be one of ${EXPORT_FORMATS.join(", ")}` }).optional(),
    status: z
      .enum(Object.values(ExportStatus), { error: `must be one of ${Object.values(ExportStatus).join(", ")}` })
      .optional(),
    /** Admins only: one user's exports. */
    user: wholeNumber(1, MAX_ID).optional(),
    /** Expired exports are left out unless asked for (or `status=expired`). */
    include_expired: flag.optional(),
    page: wholeNumber(1, 100_000).default(1),
    page_size: wholeNumber(1, 100).default(25),
  })
  .strict();

export type THistoryQuery = z.infer<typeof ZHistoryQuerySchema>;

export async function listHistory(user: CurrentUser, query: THistoryQuery, locale: Locale, now = new Date()) {
  const everyone = can(user, "history.all");
  if (!everyone && !can(user, "history.own")) throw new AppError("forbidden");
  if (!everyone && query.user !== undefined && query.user !== user.id)
    throw new AppError("forbidden", "history.userFilterForbidden");

  const hideExpired = !query.include_expired && query.status !== "expired";
  // Expired as isExpired() says: marked by the cleanup, or past its expiry and not yet purged.
  const expired: Prisma.ExportJobWhereInput[] = [
    { status: "expired" },
    { status: "completed", expiresAt: { lte: now } },
  ];
  const matching: Prisma.ExportJobWhereInput = {
    deletedAt: null,
    userId: everyone ? query.user : user.id,
    format: query.format,
    status: query.status,
  };
  const where: Prisma.ExportJobWhereInput = hideExpired ? { ...matching, NOT: expired } : matching;
  const [rows, total, hiddenExpired] = await Promise.all([
    prisma().exportJob.findMany({
      where,
      include: { dataset: { select: { title: true } }, user: { select: { id: true, name: true, email: true } } },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (query.page - 1) * query.page_size,
      take: query.page_size,
    }),
    prisma().exportJob.count({ where }),
    hideExpired ? prisma().exportJob.count({ where: { ...matching, OR: expired } }) : Promise.resolve(0),
  ]);
  return {
    items: rows.map((job) => ({
      ...presentJob(job, user, locale, now),
      user_id: job.user.id,
      user_name: job.user.name,
      user_email: job.user.email,
    })),
    total,
    page: query.page,
    page_size: query.page_size,
    pages: Math.max(1, Math.ceil(total / query.page_size)),
    /** Expired exports the filters match but leave out (the page offers to show them). */
    hidden_expired: hiddenExpired,
  };
}

export type HistoryPage = Awaited<ReturnType<typeof listHistory>>;
export type HistoryItem = HistoryPage["items"][number];

/** The people an admin may narrow the history to: everyone who has exported something. */
export async function historyUsers(): Promise<Array<{ id: number; name: string; email: string }>> {
  const { rows } = await pgPool().query<{ id: number; name: string; email: string }>(
    `SELECT u.id, u.name, u.email FROM users u
      WHERE EXISTS (SELECT 1 FROM export_jobs j WHERE j.user_id = u.id AND j.deleted_at IS NULL)
      ORDER BY u.name, u.id`,
  );
  return rows;
}

/**
 * Deletes an export from the history: the row is hidden everywhere (and kept for the
 * audit trail), the file removed. A waiting or running export must be cancelled first.
 */
export async function deleteExport(user: CurrentUser, rawId: string, ip: string | null): Promise<void> {
  const job = await findJobFor(user, rawId, "manage");
  const { rows } = await pgPool().query<{ storage_key: string | null }>(
    `UPDATE export_jobs SET deleted_at = now()
      WHERE id = $1 AND deleted_at IS NULL AND status <> ALL($2::"ExportStatus"[])
      RETURNING storage_key`,
    [job.id, [...ACTIVE_STATUSES]],
  );
  if (rows.length === 0) {
    if ((ACTIVE_STATUSES as readonly string[]).includes(job.status))
      throw new AppError("conflict", "history.deleteActive");
    throw new AppError("not_found", "error.notFound"); // deleted meanwhile
  }
  const storageKey = rows[0]?.storage_key ?? null;
  let bytesFreed: number | null = null; // null: there was no file (failed, or already purged)
  if (storageKey) {
    try {
      bytesFreed = await exportStore().remove(storageKey);
    } catch (error) {
      // The row is deleted; the next retention run removes the file (it is nobody's now).
      console.error(`Could not remove the file of deleted export ${job.id}:`, (error as Error).message);
    }
  }
  await recordAudit({
    action: "export_deleted",
    actorId: user.id,
    targetType: "export_job",
    targetId: job.id,
    ip,
    details: {
      format: job.format,
      dataset_id: job.datasetId,
      owner_id: job.userId,
      status: job.status,
      file_removed: bytesFreed !== null,
      bytes_freed: bytesFreed,
    },
  });
}
