// The dataset page's preview: one keyset page of rows (cost does not grow with the
// position), sensitive values hidden from whoever may not see them.
import { z } from "zod";
import { canSeeColumnValues, type Actor } from "../auth/permissions";
import { REDACTED } from "../export/plan";
import { wholeNumber, ZPositiveIdSchema } from "../params";
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
  total: z.number().int(),
  /** 1-based position of the first row on this page within the dataset. */
  first_position: z.number().int(),
  has_previous: z.boolean(),
  has_next: z.boolean(),
  /** Values by column key; a sensitive value the caller may not see is hidden. */
  rows: z.array(z.object({ id: z.number().int(), values: z.record(z.string(), z.unknown()) })),
});

export type PreviewPage = {
  rows: Array<{ id: number; values: Record<string, unknown> }>;
  /** 1-based position of the first row on this page within the dataset. */
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

/** `after` pages forward from a row id, `before` pages back; neither gives the first page. */
export async function previewDataset(
  dataset: DatasetInfo,
  actor: Actor,
  page: { after?: number; before?: number; limit: number },
): Promise<PreviewPage> {
  const { rows, precedingRows, hasNext } = await datasetSource(dataset).preview(page);
  if (rows.length === 0) return { rows: [], firstPosition: 0, hasPrevious: false, hasNext: false };
  return {
    rows: rows.map((row) => ({ id: row.id, values: redactValues(row.data, dataset.columns, actor) })),
    firstPosition: precedingRows + 1,
    hasPrevious: precedingRows > 0,
    hasNext,
  };
}
