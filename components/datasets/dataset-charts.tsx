"use client";

import {
  BarElement,
  CategoryScale,
  Chart as ChartJS,
  Filler,
  LinearScale,
  LineElement,
  PointElement,
  Tooltip,
  type ChartOptions,
} from "chart.js";
import { useEffect, useState } from "react";
import { Bar, Line } from "react-chartjs-2";
import { formatNumber, type MessageKey } from "@/lib/i18n";
import type { ChartSeries } from "@/lib/sources";
import { useI18n } from "../i18n/i18n-provider";

ChartJS.register(CategoryScale, LinearScale, BarElement, LineElement, PointElement, Filler, Tooltip);

const BRAND = "#4472C4";
// A trend line over two or three points says less than bars do.
const FEW_MONTHS = 6;

const baseOptions: ChartOptions<"bar" | "line"> = {
  responsive: true,
  maintainAspectRatio: false,
  animation: false,
  plugins: { legend: { display: false } },
  scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
};

/**
 * The page's font stack for the text drawn on the canvas, once the glyphs of `text` have
 * loaded (null before). Chart.js draws with Helvetica/Arial by default, which have no
 * Korean or Chinese glyphs: a Korean category came out as empty boxes, on the page and in
 * the PDF report that copies the canvas. The web fonts load per script (unicode-range),
 * so the labels' own characters are asked for before the charts are drawn with them.
 */
function usePageFont(text: string): string | null {
  const [family, setFamily] = useState<string | null>(null);
  useEffect(() => {
    const found = getComputedStyle(document.body).fontFamily;
    // Without a font loading API (jsdom) the default font stays.
    if (!found || typeof document.fonts?.load !== "function") return;
    let live = true;
    void document.fonts
      .load(`12px ${found}`, text)
      .catch(() => [])
      .then(() => {
        if (!live) return;
        ChartJS.defaults.font.family = found;
        setFamily(found);
      });
    return () => {
      live = false;
    };
  }, [text]);
  return family;
}

export function DatasetCharts({
  byCategory,
  byMonth,
  hidden = { category: false, month: false },
  categoryLabel,
  unset = { category: false, month: false },
}: {
  byCategory: ChartSeries & { otherCount: number };
  byMonth: ChartSeries;
  /** Charts whose column is sensitive and not the viewer's to see: a note instead, no bars. */
  hidden?: { category: boolean; month: boolean };
  categoryLabel: string;
  /** The dataset names no column for a chart (an imported one may not): said so, no bars. */
  unset?: { category: boolean; month: boolean };
}) {
  const { locale, t } = useI18n();
  const categoryLabels = byCategory.otherCount ? [...byCategory.labels, t("dataset.chart.other")] : byCategory.labels;
  const categoryCounts = byCategory.otherCount ? [...byCategory.counts, byCategory.otherCount] : byCategory.counts;
  const records = t("dataset.chart.records");
  const font = usePageFont([...categoryLabels, ...byMonth.labels, records].join(""));
  // A canvas says nothing to a screen reader: each chart's canvas (role="img") is named by
  // its bars ("Records per Tier: Gold 120, Silver 300.").
  const summary = (title: string, labels: string[], counts: number[]) =>
    t("dataset.chart.summary", {
      title,
      items: labels
        .map((label, at) => t("dataset.chart.summaryItem", { label, count: formatNumber(locale, counts[at] ?? 0) }))
        .join(", "),
    });
  const categoryTitle = unset.category
    ? t("dataset.chart.byCategoryUnset")
    : t("dataset.chart.byCategory", { column: categoryLabel });
  const monthTitle = t("dataset.chart.byMonth");
  return (
    // A new font draws the charts anew (Chart.js reads its default font when it starts).
    <div key={font ?? "default"} className="grid gap-6 lg:grid-cols-2">
      <ChartCard
        title={categoryTitle}
        testId="chart-category"
        empty={categoryCounts.length === 0}
        hidden={hidden.category}
        unset={unset.category ? "dataset.chart.noCategoryColumn" : null}
      >
        <Bar
          aria-label={summary(categoryTitle, categoryLabels, categoryCounts)}
          options={baseOptions as ChartOptions<"bar">}
          data={{
            labels: categoryLabels,
            datasets: [{ label: records, data: categoryCounts, backgroundColor: BRAND, borderRadius: 4 }],
          }}
        />
      </ChartCard>
      <ChartCard
        title={monthTitle}
        testId="chart-month"
        empty={byMonth.counts.length === 0}
        hidden={hidden.month}
        unset={unset.month ? "dataset.chart.noDateColumn" : null}
      >
        {byMonth.labels.length <= FEW_MONTHS ? (
          <Bar
            aria-label={summary(monthTitle, byMonth.labels, byMonth.counts)}
            options={baseOptions as ChartOptions<"bar">}
            data={{
              labels: byMonth.labels,
              datasets: [{ label: records, data: byMonth.counts, backgroundColor: BRAND, borderRadius: 4 }],
            }}
          />
        ) : (
          <Line
            aria-label={summary(monthTitle, byMonth.labels, byMonth.counts)}
            options={baseOptions as ChartOptions<"line">}
            data={{
              labels: byMonth.labels,
              datasets: [
                {
                  label: records,
                  data: byMonth.counts,
                  borderColor: BRAND,
                  backgroundColor: "rgba(68, 114, 196, 0.15)",
                  fill: true,
                  tension: 0.25,
                  pointRadius: 3,
                },
              ],
            }}
          />
        )}
      </ChartCard>
    </div>
  );
}

function ChartCard({
  title,
  testId,
  empty,
  hidden,
  unset,
  children,
}: {
  title: string;
  testId: string;
  empty: boolean;
  hidden: boolean;
  unset: MessageKey | null;
  children: React.ReactNode;
}) {
  const { t } = useI18n();
  // Neither an empty nor a hidden chart is offered to a PDF report (data-export-chart).
  const drawn = !empty && !hidden && !unset;
  return (
    <section
      // min-w-0: a grid item is otherwise as wide as the canvas drawn for a wider window,
      // and Chart.js never gets the narrower size to redraw at (the window made narrow).
      className="min-w-0 rounded-lg border border-slate-200 bg-white p-5 shadow-sm"
      data-testid={testId}
      data-export-chart={drawn ? "" : undefined}
      data-hidden={hidden ? "sensitive" : undefined}
    >
      <h2 className="mb-3 text-sm font-semibold text-slate-700">{title}</h2>
      <div className="relative h-64">
        {drawn ? (
          children
        ) : (
          <p className="pt-24 text-center text-sm text-slate-500">
            {t(unset ?? (hidden ? "dataset.chart.hiddenSensitive" : "dataset.chart.none"))}
          </p>
        )}
      </div>
    </section>
  );
}
