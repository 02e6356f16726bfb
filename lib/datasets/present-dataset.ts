// A dataset as the API and the pages show it (snake_case), with what the caller may do.
import { z } from "zod";
import { exportDenial, type Actor, type ExportDenial } from "../auth/permissions";
import { COLUMN_TYPES } from "../export/types";
import type { DatasetInfo } from "./dataset-store";

export function presentDataset(dataset: DatasetInfo, actor: Actor) {
  const denial: ExportDenial | null = exportDenial(actor, dataset);
  return {
    id: dataset.id,
    title: dataset.title,
    description: dataset.description,
    owner_id: dataset.ownerId,
    owner_email: dataset.owner.email,
    owner_name: dataset.owner.name,
    record_count: dataset.recordCount,
    date_column: dataset.dateColumn,
    category_column: dataset.categoryColumn,
    columns: dataset.columns.map((c) => ({ key: c.key, label: c.label, type: c.type, sensitive: c.sensitive })),
    can_export: denial === null,
    export_denied_reason: denial,
    created_at: dataset.createdAt.toISOString(),
  };
}

export type DatasetJson = ReturnType<typeof presentDataset>;

/** `presentDataset` as a zod schema, for the API document (lib/http/openapi). */
export const ZDatasetResponse = z.object({
  id: z.number().int(),
  title: z.string(),
  description: z.string(),
  owner_id: z.number().int(),
  owner_email: z.string(),
  owner_name: z.string(),
  record_count: z.number().int(),
  date_column: z.string().nullable(),
  category_column: z.string().nullable(),
  columns: z.array(
    z.object({ key: z.string(), label: z.string(), type: z.enum(COLUMN_TYPES), sensitive: z.boolean() }),
  ),
  can_export: z.boolean(),
  /** Why the caller may not export it; null when they may. */
  export_denied_reason: z.enum(["signed_out", "role", "not_owner"]).nullable(),
  created_at: z.string(),
});

/** `DELETE /api/datasets/{id}`: how many of its exports lost their files. */
export const ZDatasetDeleted = z.object({ deleted: z.literal(true), exports: z.number().int() });
