// The one place that decides which storage a dataset's rows are read from: the dataset's
// typed table (release 1's `records` are moved into those at start-up, lib/data/move-records.ts).
import type { DatasetSource, SourceDataset } from "./dataset-source";
import { typedSource } from "./typed/typed-source";

export type * from "./dataset-source";

export function datasetSource(dataset: SourceDataset): DatasetSource {
  return typedSource(dataset);
}
