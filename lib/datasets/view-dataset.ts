// Loads a dataset for someone who asked for it by id: unknown ids are 404.
import { can, type Actor } from "../auth/permissions";
import { AppError } from "../errors";
import { findDataset, type DatasetInfo } from "./dataset-store";

export async function datasetForViewer(actor: Actor, id: number): Promise<DatasetInfo> {
  if (!can(actor, "datasets.view")) throw new AppError("forbidden");
  const dataset = await findDataset(id);
  if (!dataset) throw new AppError("not_found", "error.datasetNotFound");
  return dataset;
}
