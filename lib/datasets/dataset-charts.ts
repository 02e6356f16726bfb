// The dataset page's two charts: records per category (the ten largest, the rest as one
// "other" bar) and per month, over the whole dataset. A chart whose column holds values
// the viewer may not see (canSeeColumnValues) is not drawn at all, rather than drawn with
// its labels blanked: the bars' number and heights would still tell how many distinct
// secrets there are and how often each recurs. The page says why the chart is missing.
import { canSeeColumnValues, type Actor } from "../auth/permissions";
import { datasetSource, type CategorySeries, type ChartSeries } from "../sources";
import type { DatasetInfo } from "./dataset-store";

export type { ChartSeries };

export type DatasetChartData = {
  byCategory: CategorySeries;
  byMonth: ChartSeries;
  /** Charts left out because their column is sensitive and the viewer may not see it. */
  hidden: { category: boolean; month: boolean };
};

const NO_SERIES: ChartSeries = { labels: [], counts: [] };

export async function datasetCharts(dataset: DatasetInfo, actor: Actor): Promise<DatasetChartData> {
  const isHidden = (key: string | null) => {
    const column = key ? dataset.columns.find((c) => c.key === key) : undefined;
    return !!column && !canSeeColumnValues(actor, column);
  };
  const hidden = { category: isHidden(dataset.categoryColumn), month: isHidden(dataset.dateColumn) };
  const { byCategory, byMonth } = await datasetSource(dataset).charts({
    category: hidden.category ? null : dataset.categoryColumn,
    date: hidden.month ? null : dataset.dateColumn,
  });
  return { byCategory: byCategory ?? { ...NO_SERIES, otherCount: 0 }, byMonth: byMonth ?? NO_SERIES, hidden };
}
