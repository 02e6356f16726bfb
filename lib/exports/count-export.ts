// How many records an export with these options would carry, for the options dialog's
// live "≈ N records" and for scripts. The options go through the export's own schema and
// plan (planOptions), so the count is of exactly the rows the export selects. Anyone who
// may view the dataset may count: a filter on a sensitive column is refused by the plan
// for whoever may not see its values, so the number tells nothing of them.
import { z } from "zod";
import type { CurrentUser } from "../auth/current-user";
import { datasetForViewer } from "../datasets/view-dataset";
import { datasetSource } from "../sources";
import { planFiltersRows, planOptions } from "./prepare-export";

/** The answer of `GET /api/datasets/{id}/count`. */
export const ZExportCount = z
  .object({
    dataset_id: z.number().int(),
    /** Records the options select. */
    count: z.number().int(),
    /** Records in the dataset. */
    total: z.number().int(),
  })
  .meta({ id: "ExportCount" });
export type ExportCountJson = z.infer<typeof ZExportCount>;

export async function countExport(user: CurrentUser, datasetId: number, rawOptions: unknown): Promise<ExportCountJson> {
  const dataset = await datasetForViewer(user, datasetId);
  const { plan } = planOptions(user, dataset, rawOptions);
  const count = planFiltersRows(plan) ? await datasetSource(dataset).count(plan) : dataset.recordCount;
  return { dataset_id: dataset.id, count, total: dataset.recordCount };
}
