// The shapes of the dataset API (docs/http-api.md): what inspect answers, what an import and a
// change of a dataset ask for, and what an import's status says. One zod schema per body,
// shared by the routes, the use cases and the UI (and, later, the API document). JSON is
// snake_case.
import { z } from "zod";
import { COLUMN_TYPES } from "../export/types";
import { DELIMITERS, FILE_FORMATS, TEXT_ENCODINGS } from "../imports/types";

/** A column key: a slug, as inspect makes them from header names. */
export const COLUMN_KEY = /^[a-z][a-z0-9_]{0,62}$/;

const text = (max: number) =>
  z
    .string({ error: "must be text" })
    .trim()
    .max(max, { error: `at most ${max} characters` });
const label = text(200).min(1, { error: "must not be empty" });
const columnKey = z.string({ error: "must be a column key" }).regex(COLUMN_KEY, {
  error: "must be lower-case letters, digits and _ (starting with a letter, at most 63)",
});

/** How to read the file (every field optional: inspect detects what is left out). */
export const ZReadOverrides = z.strictObject({
  format: z.enum(FILE_FORMATS, { error: `must be one of ${FILE_FORMATS.join(", ")}` }).optional(),
  encoding: z
    .enum(TEXT_ENCODINGS, { error: `must be one of ${TEXT_ENCODINGS.join(", ")}` })
    .nullable()
    .optional(),
  delimiter: z.enum(DELIMITERS, { error: "must be one of , ; | or a tab" }).nullable().optional(),
  sheet: text(200).nullable().optional(),
  header: z.boolean({ error: "must be true or false" }).optional(),
});
export type TReadOverrides = z.infer<typeof ZReadOverrides>;

/** `POST /api/datasets/inspect`: the overrides, and whether the file sent is only its start. */
export const ZInspectRequest = ZReadOverrides.extend({
  /** The client sent only the first few MB of a text file: a cut last record is dropped. */
  partial: z.boolean({ error: "must be true or false" }).optional(),
});
export type TInspectRequest = z.infer<typeof ZInspectRequest>;

export const ZImportColumn = z.strictObject({
  /** The column's position in the file (0-based), as inspect numbered it. */
  source: z.number({ error: "must be a column position" }).int().min(0).max(100_000),
  key: columnKey,
  label,
  type: z.enum(COLUMN_TYPES, { error: `must be one of ${COLUMN_TYPES.join(", ")}` }),
  sensitive: z.boolean({ error: "must be true or false" }).default(false),
});
export type TImportColumn = z.infer<typeof ZImportColumn>;

const maxRejectedRows = z
  .number({ error: "must be a whole number" })
  .int({ error: "must be a whole number" })
  .min(0, { error: "must be at least 0" })
  .max(10_000_000, { error: "must be at most 10,000,000" });

/**
 * `POST /api/datasets`: the `metadata` part (or the query string of a plain file body).
 * Without `columns` the file's own inspection decides them, and the first date column
 * becomes the date column.
 */
export const ZCreateDataset = ZReadOverrides.extend({
  title: label,
  description: text(2000).default(""),
  columns: z.array(ZImportColumn).min(1, { error: "at least one column" }).max(1000).optional(),
  date_column: columnKey.nullable().optional(),
  category_column: columnKey.nullable().optional(),
  max_rejected_rows: maxRejectedRows.default(0),
});
export type TCreateDataset = z.infer<typeof ZCreateDataset>;

export const IMPORT_MODES = ["append", "replace"] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];

/**
 * `POST /api/datasets/{id}/import?mode=append|replace`: the file's columns are matched to
 * the dataset's by key (the slug of the header) unless `columns` maps them (`source` →
 * `key`). A dataset column the file lacks is left empty; a file column that matches none
 * is refused (422 naming it).
 */
export const ZImportRows = ZReadOverrides.extend({
  columns: z
    .array(z.strictObject({ source: ZImportColumn.shape.source, key: columnKey }))
    .min(1)
    .max(1000)
    .optional(),
  max_rejected_rows: maxRejectedRows.default(0),
});
export type TImportRows = z.infer<typeof ZImportRows>;

export const ZImportModeQuery = z.strictObject({
  mode: z.enum(IMPORT_MODES, { error: "must be append or replace" }).default("append"),
});

/** `PATCH /api/datasets/{id}`: at least one field. `owner_id` is for admins only. */
export const ZUpdateDataset = z
  .strictObject({
    title: label.optional(),
    description: text(2000).optional(),
    columns: z
      .array(z.strictObject({ key: columnKey, label: label.optional(), sensitive: z.boolean().optional() }))
      .max(1000)
      .optional(),
    date_column: columnKey.nullable().optional(),
    category_column: columnKey.nullable().optional(),
    owner_id: z.number({ error: "must be a user id" }).int().min(1).max(2_147_483_647).optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { error: "nothing to change" });
export type TUpdateDataset = z.infer<typeof ZUpdateDataset>;

export const IMPORT_STATUSES = ["pending", "processing", "completed", "failed", "cancelled"] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/** `GET /api/imports/{jobId}`. */
export const ZImportStatusResponse = z.object({
  job_id: z.string(),
  dataset_id: z.number().nullable(),
  mode: z.enum(["create", ...IMPORT_MODES]),
  status: z.enum(IMPORT_STATUSES),
  progress: z.number(),
  processed_rows: z.number(),
  total_rows: z.number().nullable(),
  eta_seconds: z.number().nullable(),
  rejected_rows: z.number(),
  /** The first 100 rejected rows: where, and why. */
  rejected: z.array(z.object({ line: z.number(), reason: z.string() })),
  /** A CSV of every rejected row (line, reason, the row's values); null when none were. */
  rejected_url: z.string().nullable(),
  error_message: z.string().nullable(),
  file_name: z.string(),
  file_size: z.number(),
  sha256: z.string().nullable(),
  created_at: z.string(),
  completed_at: z.string().nullable(),
  /** The dataset's page, once its rows are committed. */
  dataset_url: z.string().nullable(),
});
export type TImportStatusResponse = z.infer<typeof ZImportStatusResponse>;

/** The 202 of `POST /api/datasets` and `POST /api/datasets/{id}/import`. */
export const ZImportAccepted = z.object({ job_id: z.string(), status_url: z.string(), dataset_id: z.number() });
