// The one place that decides which storage a dataset's rows are read from.
import type { DatasetSource, SourceDataset } from "./dataset-source";
import { recordsSource } from "./records/records-source";

export type * from "./dataset-source";

export function datasetSource(dataset: SourceDataset): DatasetSource {
  return recordsSource(dataset);
}
