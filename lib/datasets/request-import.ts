// "This user asks for this file to become a dataset, or rows of one": the one path for the
// API and the upload page. The request is checked against the file itself (inspected
// here, the same way the job will read it) before anything is stored; then the dataset
// (for a new one: `importing`, invisible until its rows commit), the job row, its queue
// message and the audit event are written in one transaction. A refused request removes
// its upload: nothing else would.
import { recordAudit } from "../audit/audit";
import type { CurrentUser } from "../auth/current-user";
import { can, canManageDataset } from "../auth/permissions";
import { config } from "../config";
import { inTransaction } from "../data/pg";
import { AppError, invalidFields, type FieldError } from "../errors";
import type { ColumnType } from "../export/types";
import type { Locale } from "../i18n";
import { inspectFile, type InspectResult, type ReadChoices } from "../imports";
import { dispatchJob } from "../jobs/queue";
import { nudgeLocalWorkers } from "../jobs/wake";
import { removeUpload, uploadPath, type ReceivedUpload } from "../uploads/upload-files";
import { findDataset, type DatasetInfo } from "./dataset-store";
import type { ImportMode, TCreateDataset, TImportColumn, TImportRows, TReadOverrides } from "./dataset-schemas";
import { IMPORT_QUEUE, insertImportJob } from "./import-job-store";
import type { ImportSettings } from "./import-settings";

export type ImportCaller = { user: CurrentUser; ip: string | null; locale: Locale };

export type RequestedImport = { jobId: string; datasetId: number };

const DATE_TYPES: ReadonlySet<ColumnType> = new Set(["date", "datetime"]);

/** The limits every read of an upload keeps (inspect and the job alike). */
export function importLimits() {
  const { maxColumns, maxRows, maxCellChars, maxUncompressedBytes, maxRowGroupBytes } = config.imports;
  return { maxColumns, maxRows, maxCellChars, maxUncompressedBytes, maxRowGroupBytes };
}

function overridesOf(body: TReadOverrides): TReadOverrides {
  const { format, encoding, delimiter, sheet, header } = body;
  return Object.fromEntries(
    Object.entries({ format, encoding, delimiter, sheet, header }).filter(([, value]) => value !== undefined),
  );
}

async function inspectUpload(upload: ReceivedUpload, body: TReadOverrides): Promise<InspectResult> {
  return inspectFile(uploadPath(upload.key), {
    fileName: upload.fileName,
    overrides: overridesOf(body),
    limits: importLimits(),
  });
}

function choicesOf(inspection: InspectResult): ReadChoices {
  const { format, encoding, delimiter, sheet, header } = inspection;
  return { format, encoding, delimiter, sheet, header };
}

/** Runs a request; whatever refuses it (or fails) removes the upload, which nothing else would. */
async function removingUploadOnRefusal<T>(upload: ReceivedUpload, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    await removeUpload(upload.key).catch((detail: unknown) =>
      console.error(`upload ${upload.key}: not removed after a refused request:`, detail),
    );
    throw error;
  }
}

type NewColumn = Omit<TImportColumn, "sensitive"> & { sensitive: boolean };

/** The columns of a new dataset as asked, checked against the file: 422 naming each field wrong. */
function checkNewColumns(
  metadata: TCreateDataset,
  inspection: InspectResult,
): { columns: NewColumn[]; dateColumn: string | null; categoryColumn: string | null } {
  const errors: FieldError[] = [];
  const columns: NewColumn[] =
    metadata.columns ??
    inspection.columns.map(({ source, key, label, type, sensitive }) => ({ source, key, label, type, sensitive }));
  if (metadata.columns) {
    const seen = new Set<string>();
    metadata.columns.forEach((column, i) => {
      if (seen.has(column.key)) errors.push({ field: `columns.${i}.key`, message: `"${column.key}" is used twice` });
      seen.add(column.key);
      if (column.source >= inspection.columns.length) {
        errors.push({
          field: `columns.${i}.source`,
          message: `the file has ${inspection.columns.length} columns (0 to ${inspection.columns.length - 1})`,
        });
      }
    });
  }
  if (columns.length === 0) errors.push({ field: "columns", message: "the file has no columns" });
  const byKey = new Map(columns.map((column) => [column.key, column]));
  let dateColumn: string | null;
  if (metadata.date_column === undefined) {
    dateColumn = columns.find((column) => DATE_TYPES.has(column.type))?.key ?? null;
  } else {
    dateColumn = metadata.date_column;
    const named = dateColumn === null ? null : byKey.get(dateColumn);
    if (dateColumn !== null && !named) errors.push({ field: "date_column", message: "must name one of the columns" });
    else if (named && !DATE_TYPES.has(named.type)) {
      errors.push({ field: "date_column", message: "must name a date or date-time column" });
    }
  }
  const categoryColumn = metadata.category_column ?? null;
  if (categoryColumn !== null && !byKey.has(categoryColumn)) {
    errors.push({ field: "category_column", message: "must name one of the columns" });
  }
  if (errors.length) throw invalidFields(errors);
  return { columns, dateColumn, categoryColumn };
}

function tooManyImports(): AppError {
  const limit = config.export.activeJobsPerUser;
  return new AppError("rate_limited", "import.job.concurrentLimit", { params: { limit } });
}

/**
 * A new dataset from an uploaded file: `datasets.create` (403), the metadata checked
 * against the file (422), at most `config.export.activeJobsPerUser` active imports (429).
 */
export async function requestDatasetCreation(
  caller: ImportCaller,
  upload: ReceivedUpload,
  metadata: TCreateDataset,
): Promise<RequestedImport> {
  const created = await removingUploadOnRefusal(upload, async () => {
    if (!can(caller.user, "datasets.create")) {
      throw new AppError("forbidden", "error.forbidden", { reason: caller.user.role });
    }
    const inspection = await inspectUpload(upload, metadata);
    const { columns, dateColumn, categoryColumn } = checkNewColumns(metadata, inspection);
    const settings: ImportSettings = {
      choices: choicesOf(inspection),
      fileColumns: inspection.columns.length,
      columnNames: inspection.columns.map((column) => column.name),
      sources: Object.fromEntries(columns.map((column) => [column.key, column.source])),
    };
    return inTransaction(async (client) => {
      const { rows } = await client.query<{ id: number }>(
        `INSERT INTO datasets (title, description, owner_id, date_column, category_column, status, updated_at)
         VALUES ($1, $2, $3, $4, $5, 'importing', now()) RETURNING id`,
        [metadata.title, metadata.description, caller.user.id, dateColumn, categoryColumn],
      );
      const datasetId = rows[0]!.id;
      await client.query(
        `INSERT INTO dataset_columns (dataset_id, position, key, label, type, sensitive)
         SELECT $1, p - 1, k, l, t::"ColumnType", s
           FROM unnest($2::text[], $3::text[], $4::text[], $5::boolean[]) WITH ORDINALITY AS c(k, l, t, s, p)`,
        [
          datasetId,
          columns.map((c) => c.key),
          columns.map((c) => c.label),
          columns.map((c) => c.type),
          columns.map((c) => c.sensitive),
        ],
      );
      const job = await insertImportJob(
        client,
        {
          userId: caller.user.id,
          datasetId,
          mode: "create",
          uploadKey: upload.key,
          fileName: upload.fileName,
          fileSize: upload.size,
          sha256: upload.sha256,
          settings,
          maxRejectedRows: metadata.max_rejected_rows,
          locale: caller.locale,
        },
        config.export.activeJobsPerUser,
      );
      if (!job) throw tooManyImports();
      await recordAudit(
        {
          action: "dataset_created",
          actorId: caller.user.id,
          targetId: datasetId,
          ip: caller.ip,
          details: {
            title: metadata.title,
            job_id: job.id,
            file_name: upload.fileName,
            bytes: upload.size,
            sha256: upload.sha256,
            format: settings.choices.format,
            columns: columns.length,
          },
        },
        client,
      );
      await dispatchJob(client, IMPORT_QUEUE, job.id);
      return { jobId: job.id, datasetId };
    });
  });
  nudgeLocalWorkers(IMPORT_QUEUE);
  return created;
}

/** Which file column feeds each dataset column: by key, or as `columns` maps them. 422 naming what does not match. */
function matchColumns(dataset: DatasetInfo, metadata: TImportRows, inspection: InspectResult): Record<string, number> {
  const errors: FieldError[] = [];
  const keys = new Set(dataset.columns.map((column) => column.key));
  const sources: Record<string, number> = {};
  if (metadata.columns) {
    metadata.columns.forEach((mapping, i) => {
      if (mapping.source >= inspection.columns.length) {
        errors.push({
          field: `columns.${i}.source`,
          message: `the file has ${inspection.columns.length} columns (0 to ${inspection.columns.length - 1})`,
        });
      }
      if (!keys.has(mapping.key)) {
        errors.push({ field: `columns.${i}.key`, message: `the dataset has no column "${mapping.key}"` });
      } else if (Object.hasOwn(sources, mapping.key)) {
        errors.push({ field: `columns.${i}.key`, message: `"${mapping.key}" is mapped twice` });
      }
      sources[mapping.key] = mapping.source;
    });
  } else {
    for (const column of inspection.columns) {
      if (!keys.has(column.key)) {
        errors.push({
          field: "columns",
          message: `the file's column "${column.name}" (${column.key}) matches no column of the dataset`,
        });
      } else if (!Object.hasOwn(sources, column.key)) sources[column.key] = column.source;
    }
  }
  if (errors.length) throw invalidFields(errors);
  return sources;
}

/**
 * Rows from an uploaded file into a dataset one may manage: appended, or replacing all of
 * its rows. 404 for a dataset one cannot see, 403 for one one may not change, 422 for a
 * file whose columns do not match, 429 past the limit of active imports.
 */
export async function requestImport(
  caller: ImportCaller,
  datasetId: number,
  mode: ImportMode,
  upload: ReceivedUpload,
  metadata: TImportRows,
): Promise<RequestedImport> {
  const requested = await removingUploadOnRefusal(upload, async () => {
    const dataset = await findDataset(datasetId);
    if (!dataset) throw new AppError("not_found", "error.notFound");
    if (!canManageDataset(caller.user, dataset)) {
      throw new AppError("forbidden", "dataset.manageForbidden", { reason: caller.user.role });
    }
    const inspection = await inspectUpload(upload, metadata);
    const settings: ImportSettings = {
      choices: choicesOf(inspection),
      fileColumns: inspection.columns.length,
      columnNames: inspection.columns.map((column) => column.name),
      sources: matchColumns(dataset, metadata, inspection),
    };
    return inTransaction(async (client) => {
      const job = await insertImportJob(
        client,
        {
          userId: caller.user.id,
          datasetId,
          mode,
          uploadKey: upload.key,
          fileName: upload.fileName,
          fileSize: upload.size,
          sha256: upload.sha256,
          settings,
          maxRejectedRows: metadata.max_rejected_rows,
          locale: caller.locale,
        },
        config.export.activeJobsPerUser,
      );
      if (!job) throw tooManyImports();
      await dispatchJob(client, IMPORT_QUEUE, job.id);
      return { jobId: job.id, datasetId };
    });
  });
  nudgeLocalWorkers(IMPORT_QUEUE);
  return requested;
}
