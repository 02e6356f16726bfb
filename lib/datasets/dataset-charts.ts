// The dataset page's two charts: records per category (the ten largest, the rest as one
// "other" bar) and per month, over the whole dataset.
import { datasetSource, type CategorySeries, type ChartSeries } from "../sources";
import type { DatasetInfo } from "./dataset-store";

export type { ChartSeries };

const NO_SERIES: ChartSeries = { labels: [], counts: [] };

export async function datasetCharts(
  dataset: DatasetInfo,
): Promise<{ byCategory: CategorySeries; byMonth: ChartSeries }> {
  const { byCategory, byMonth } = await datasetSource(dataset).charts({
    category: dataset.categoryColumn,
    date: dataset.dateColumn,
  });
  return { byCategory: byCategory ?? { ...NO_SERIES, otherCount: 0 }, byMonth: byMonth ?? NO_SERIES };
}
