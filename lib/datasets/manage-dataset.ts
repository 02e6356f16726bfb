// Changing a dataset one may manage (its owner, or an admin): its title, description,
// column labels and sensitivity, date and category columns, and — admins only — who owns
// it; and deleting it. A deleted dataset keeps its row (the export history shows its
// title, marked deleted) and is invisible everywhere else; its rows table is dropped and
// its export files and the rejected rows of its imports removed. Every change is audited
// with what it was and what it became.
import { recordAudit } from "../audit/audit";
import type { CurrentUser } from "../auth/current-user";
import { canManageDataset } from "../auth/permissions";
import { inTransaction, pgPool } from "../data/pg";
import { AppError, invalidFields, type FieldError } from "../errors";
import { exportStore } from "../files/export-store";
import type { Prisma } from "../generated/prisma/client";
import { cancelImportJob, activeImportsOf, exportsOfDataset, takeRejectedFilesOf } from "./import-job-store";
import { removeRejectedRows } from "./rejected-rows";
import { dropRowsTable } from "../sources/typed/rows-table";
import { removeUpload } from "../uploads/upload-files";
import type { TUpdateDataset } from "./dataset-schemas";
import { findDataset, type DatasetInfo } from "./dataset-store";
import type { ImportCaller } from "./request-import";

const DATE_TYPES = new Set(["date", "datetime"]);

/** A dataset `user` may see and change: 404 when it is not visible, 403 when it may not be changed. */
async function managedDataset(user: CurrentUser, id: number): Promise<DatasetInfo> {
  const dataset = await findDataset(id);
  if (!dataset) throw new AppError("not_found", "error.notFound");
  if (!canManageDataset(user, dataset))
    throw new AppError("forbidden", "dataset.manageForbidden", { reason: user.role });
  return dataset;
}

type Change = { before: Prisma.InputJsonValue | null; after: Prisma.InputJsonValue | null };

/** `PATCH /api/datasets/{id}`: the dataset as it is after the change. */
export async function updateDataset(caller: ImportCaller, id: number, body: TUpdateDataset): Promise<DatasetInfo> {
  const dataset = await managedDataset(caller.user, id);
  const errors: FieldError[] = [];
  const changes: Record<string, Change> = {};
  const byKey = new Map(dataset.columns.map((column) => [column.key, column]));

  if (body.owner_id !== undefined && body.owner_id !== dataset.ownerId) {
    if (caller.user.role !== "admin") throw new AppError("forbidden", "dataset.transferForbidden", { reason: "owner" });
    const { rows } = await pgPool().query<{ role: string; active: boolean }>(
      `SELECT role::text AS role, active FROM users WHERE id = $1`,
      [body.owner_id],
    );
    const owner = rows[0];
    if (!owner || !owner.active || (owner.role !== "admin" && owner.role !== "manager")) {
      errors.push({ field: "owner_id", message: "must be an active administrator or manager" });
    } else changes.owner_id = { before: dataset.ownerId, after: body.owner_id };
  }
  if (body.title !== undefined && body.title !== dataset.title) {
    changes.title = { before: dataset.title, after: body.title };
  }
  if (body.description !== undefined && body.description !== dataset.description) {
    changes.description = { before: dataset.description, after: body.description };
  }
  if (body.date_column !== undefined && body.date_column !== dataset.dateColumn) {
    const named = body.date_column === null ? null : byKey.get(body.date_column);
    if (body.date_column !== null && !named)
      errors.push({ field: "date_column", message: "must name one of the columns" });
    else if (named && !DATE_TYPES.has(named.type)) {
      errors.push({ field: "date_column", message: "must name a date or date-time column" });
    } else changes.date_column = { before: dataset.dateColumn, after: body.date_column };
  }
  if (body.category_column !== undefined && body.category_column !== dataset.categoryColumn) {
    if (body.category_column !== null && !byKey.has(body.category_column)) {
      errors.push({ field: "category_column", message: "must name one of the columns" });
    } else changes.category_column = { before: dataset.categoryColumn, after: body.category_column };
  }
  const columnChanges: Array<{ key: string; label?: string; sensitive?: boolean }> = [];
  const seen = new Set<string>();
  (body.columns ?? []).forEach((change, i) => {
    const column = byKey.get(change.key);
    if (!column)
      return errors.push({ field: `columns.${i}.key`, message: `the dataset has no column "${change.key}"` });
    if (seen.has(change.key))
      return errors.push({ field: `columns.${i}.key`, message: `"${change.key}" is listed twice` });
    seen.add(change.key);
    const item: { key: string; label?: string; sensitive?: boolean } = { key: change.key };
    if (change.label !== undefined && change.label !== column.label) {
      item.label = change.label;
      changes[`columns.${change.key}.label`] = { before: column.label, after: change.label };
    }
    if (change.sensitive !== undefined && change.sensitive !== column.sensitive) {
      item.sensitive = change.sensitive;
      changes[`columns.${change.key}.sensitive`] = { before: column.sensitive, after: change.sensitive };
    }
    if (item.label !== undefined || item.sensitive !== undefined) columnChanges.push(item);
  });
  if (errors.length) throw invalidFields(errors);
  if (Object.keys(changes).length === 0) return dataset;

  const changed = await inTransaction(async (client) => {
    const { rowCount } = await client.query(
      `UPDATE datasets
          SET title = COALESCE($2, title), description = COALESCE($3, description),
              owner_id = COALESCE($4, owner_id),
              date_column = CASE WHEN $5 THEN $6 ELSE date_column END,
              category_column = CASE WHEN $7 THEN $8 ELSE category_column END,
              updated_at = now()
        WHERE id = $1 AND status = 'ready' AND deleted_at IS NULL`,
      [
        id,
        changes.title ? body.title : null,
        changes.description ? body.description : null,
        changes.owner_id ? body.owner_id : null,
        "date_column" in changes,
        body.date_column ?? null,
        "category_column" in changes,
        body.category_column ?? null,
      ],
    );
    if (rowCount !== 1) return false;
    for (const column of columnChanges) {
      await client.query(
        `UPDATE dataset_columns SET label = COALESCE($3, label), sensitive = COALESCE($4, sensitive)
          WHERE dataset_id = $1 AND key = $2`,
        [id, column.key, column.label ?? null, column.sensitive ?? null],
      );
    }
    await recordAudit(
      { action: "dataset_updated", actorId: caller.user.id, targetId: id, ip: caller.ip, details: { changes } },
      client,
    );
    return true;
  });
  const after = changed ? await findDataset(id) : null;
  if (!after) throw new AppError("not_found", "error.notFound");
  return after;
}

/** What deleting a dataset takes with it: its exports in the history (their files go). */
export async function datasetDeletionSummary(user: CurrentUser, id: number): Promise<{ exports: number }> {
  await managedDataset(user, id);
  return { exports: (await exportsOfDataset(id)).length };
}

/**
 * Deletes a dataset: hidden at once everywhere (the history keeps its exports by title,
 * marked deleted); its imports are cancelled, its export files removed and, once no export
 * still reads it, its rows table dropped. Returns how many exports it had.
 */
export async function deleteDataset(caller: ImportCaller, id: number): Promise<{ exports: number }> {
  const dataset = await managedDataset(caller.user, id);
  const result = await inTransaction(async (client) => {
    const { rows } = await client.query<{ rows_table: string | null }>(
      `UPDATE datasets d SET deleted_at = now(), rows_table = NULL, updated_at = now()
         FROM datasets old
        WHERE d.id = $1 AND old.id = d.id AND d.deleted_at IS NULL AND d.status = 'ready'
        RETURNING old.rows_table`,
      [id],
    );
    if (!rows[0]) return null;
    const exports = await exportsOfDataset(id, client);
    const cancelled: Array<{ id: string; uploadKey: string; was: string }> = [];
    for (const jobId of await activeImportsOf(id, client)) {
      const job = await cancelImportJob(jobId, client);
      if (job) cancelled.push({ id: jobId, uploadKey: job.uploadKey, was: job.was });
    }
    // Cancelled ones are over now, so their files (if any) are taken too.
    const rejectedFiles = await takeRejectedFilesOf(id, client);
    await recordAudit(
      {
        action: "dataset_deleted",
        actorId: caller.user.id,
        targetId: id,
        ip: caller.ip,
        details: {
          title: dataset.title,
          records: dataset.recordCount,
          exports: exports.length,
          imports_cancelled: cancelled.map((job) => job.id),
        },
      },
      client,
    );
    return { rowsTable: rows[0].rows_table, exports, cancelled, rejectedFiles };
  });
  if (!result) throw new AppError("not_found", "error.notFound");
  // A waiting import of it will never run; a running one stops and cleans up after itself.
  for (const job of result.cancelled) if (job.was === "pending") await removeUpload(job.uploadKey);
  // The uploader's rejected rows go with the data they came for.
  for (const key of result.rejectedFiles) {
    await removeRejectedRows(key).catch((error: unknown) =>
      console.error(`dataset ${id}: rejected rows file ${key} not removed:`, error),
    );
  }
  const store = exportStore();
  for (const job of result.exports) {
    if (!job.storageKey) continue;
    await store
      .remove(job.storageKey)
      .catch((error: unknown) => console.error(`dataset ${id}: export file ${job.storageKey} not removed:`, error));
  }
  // Waits for exports still reading the table; if this process dies first, the sweep at start drops it.
  if (result.rowsTable) await dropRowsTable(pgPool(), result.rowsTable);
  return { exports: result.exports.length };
}
