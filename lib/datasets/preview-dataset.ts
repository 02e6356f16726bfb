// The dataset page's preview: one keyset page of rows (cost does not grow with the
// position), sensitive values hidden from whoever may not see them.
import { z } from "zod";
import { canSeeColumnValues, type Actor } from "../auth/permissions";
import type { CurrentUser } from "../auth/current-user";
import { REDACTED } from "../export/plan";
import { wholeNumber, ZPositiveIdSchema } from "../params";
import { planFiltersRows, planOptions } from "../exports/prepare-export";
import { datasetSource } from "../sources";
import type { DatasetColumnInfo, DatasetInfo } from "./dataset-store";

/** The preview's query string: `?after=&before=&limit=`. */
export const ZPreviewQuerySchema = z
  .object({
    after: ZPositiveIdSchema.optional(),
    before: ZPositiveIdSchema.optional(),
    limit: wholeNumber(1, 200).default(25),
  })
  .refine((q) => q.after === undefined || q.before === undefined, {
    message: "Give either after or before, not both",
    path: ["before"],
  });

/** The answer of `GET /api/datasets/{id}/records` (the route names the page's fields so). */
export const ZRecordsPage = z.object({
  dataset_id: z.number().int(),
  /** Records the preview pages through: the dataset's, or those the options select. */
  total: z.number().int(),
  /** 1-based position of the first row on this page within those records. */
  first_position: z.number().int(),
  has_previous: z.boolean(),
  has_next: z.boolean(),
  /** The columns shown, in order: every column, or those the options export, as they name them. */
  columns: z.array(z.object({ key: z.string(), header: z.string(), redacted: z.boolean() })),
  /** Values by column key; a sensitive value the caller may not see is hidden. */
  rows: z.array(z.object({ id: z.number().int(), values: z.record(z.string(), z.unknown()) })),
});

export type PreviewPage = {
  rows: Array<{ id: number; values: Record<string, unknown> }>;
  columns: Array<{ key: string; header: string; redacted: boolean }>;
  /** Records the preview pages through. */
  total: number;
  /** 1-based position of the first row on this page within those records. */
  firstPosition: number;
  hasPrevious: boolean;
  hasNext: boolean;
};

/** Sensitive values hidden from whoever may not see them (canSeeColumnValues). */
export function redactValues(
  data: Record<string, unknown>,
  columns: readonly DatasetColumnInfo[],
  actor: Actor,
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const column of columns) {
    const value = data[column.key] ?? null;
    values[column.key] = value !== null && !canSeeColumnValues(actor, column) ? REDACTED : value;
  }
  return values;
}

/**
 * `after` pages forward from a row id, `before` pages back; neither gives the first page.
 * With export options (`rawOptions`), the preview is of what that export would carry: its
 * rows (the same plan as the export, lib/exports/prepare-export.ts), its columns in its
 * order and headers, and its redaction of sensitive columns.
 */
export async function previewDataset(
  dataset: DatasetInfo,
  actor: CurrentUser,
  page: { after?: number; before?: number; limit: number },
  rawOptions: Record<string, unknown> | null = null,
): Promise<PreviewPage> {
  const planned = rawOptions ? planOptions(actor, dataset, rawOptions).plan : null;
  const source = datasetSource(dataset);
  const [result, total] = await Promise.all([
    source.preview({ ...page, plan: planned }),
    planned && planFiltersRows(planned) ? source.count(planned) : dataset.recordCount,
  ]);
  const { rows, precedingRows, hasNext } = result;
  const columns = planned
    ? planned.columns.map(({ key, header, redacted }) => ({ key, header, redacted }))
    : dataset.columns.map((c) => ({ key: c.key, header: c.label, redacted: !canSeeColumnValues(actor, c) }));
  const present = (data: Record<string, unknown>): Record<string, unknown> => {
    if (!planned) return redactValues(data, dataset.columns, actor);
    const values: Record<string, unknown> = {};
    for (const column of planned.columns) {
      const value = data[column.key] ?? null;
      values[column.key] = value !== null && column.redacted ? REDACTED : value;
    }
    return values;
  };
  if (rows.length === 0) return { rows: [], columns, total, firstPosition: 0, hasPrevious: false, hasNext: false };
  return {
    rows: rows.map((row) => ({ id: row.id, values: present(row.data) })),
    columns,
    total,
    firstPosition: precedingRows + 1,
    hasPrevious: precedingRows > 0,
    hasNext,
  };
}
