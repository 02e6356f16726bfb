// A dataset as the API and the pages show it (snake_case), with what the caller may do.
import { exportDenial, type Actor, type ExportDenial } from "../auth/permissions";
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
