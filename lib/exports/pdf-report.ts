// Everything a PDF report needs besides its rows: the words in the requester's language,
// the configured logo, the checked chart images, and the summary — read in the same
// snapshot as the rows, so the record count, the statistics and the "Page X of Y" footers
// describe exactly the table that follows.
import { readFile } from "node:fs/promises";
import { config } from "../config";
import type { DatasetInfo } from "../datasets/dataset-store";
import type { DatasetReader } from "../sources";
import { filtersText } from "./filters-text";
import type { PreparedExport } from "./prepare-export";
import { checkPng, decodeChartImage } from "../export/chart-images";
import type { PdfWriterOptions } from "../export/formats/pdf";
import type { ExportPlan } from "../export/plan";
import type { Frame } from "../export/pdf/report";
import type { PdfLabels, PdfSummary } from "../export/pdf/types";
import type { ColumnType } from "../export/types";
import { formatDateTime } from "../export/values";
import { formatNumber, isLocale, translate, type Locale } from "../i18n";

export function pdfLabels(locale: Locale, year: number): PdfLabels {
  const t = (key: Parameters<typeof translate>[1], params?: Parameters<typeof translate>[2]) =>
    translate(locale, key, params);
  const integer = (n: number) => formatNumber(locale, n);
  const tag = locale === "ko" ? "ko-KR" : "en-US";
  const decimals = new Intl.NumberFormat(tag, { maximumFractionDigits: 2 });
  const small = new Intl.NumberFormat(tag, { maximumSignificantDigits: 3 });
  return {
    page: (page, pages) => t("pdf.page", { page, pages }),
    copyright: t("pdf.copyright", { year, organisation: config.organisation }),
    generated: (date) => t("pdf.generated", { date }),
    summary: t("pdf.summary"),
    records: t("pdf.records"),
    filters: t("pdf.filters"),
    exportedBy: t("pdf.exportedBy"),
    columns: t("pdf.columns"),
    statsTitle: t("pdf.stats"),
    statsContinued: t("pdf.statsContinued"),
    column: t("pdf.column"),
    min: t("pdf.min"),
    average: t("pdf.average"),
    max: t("pdf.max"),
    byCategory: (column) => t("pdf.byCategory", { column }),
    byMonth: (column) => t("pdf.byMonth", { column }),
    peak: (count) => t("pdf.peak", { count }),
    noChartData: t("pdf.noChartData"),
    other: t("dataset.chart.other"),
    browserChart: (n) => t("pdf.browserChart", { n }),
    noRecords: t("pdf.noRecords"),
    yes: t("value.yes"),
    no: t("value.no"),
    formatInteger: integer,
    formatStat: (n: number | null, type: ColumnType) => {
      if (n === null) return "—";
      if (type === "integer" && Number.isInteger(n)) return integer(n);
      return n !== 0 && Math.abs(n) < 1 ? small.format(n) : decimals.format(n);
    },
  };
}

let logo: Promise<Frame["logo"]> | null = null;

/** The configured logo (OUTPORT_PDF_LOGO: a PNG or JPEG file), read once; null means the Outport mark. */
export function pdfLogo(): Promise<Frame["logo"]> {
  logo ??= (async () => {
    const path = config.export.pdfLogo;
    if (!path) return null;
    try {
      const data = await readFile(path);
      if (checkPng(data).ok) return { data, format: "png" as const };
      if (data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return { data, format: "jpg" as const };
      console.error(`OUTPORT_PDF_LOGO (${path}) is not a PNG or JPEG file; PDF reports use the Outport logo.`);
    } catch (error) {
      console.error(`OUTPORT_PDF_LOGO (${path}) could not be read; PDF reports use the Outport logo:`, error);
    }
    return null;
  })();
  return logo;
}

/** Summary figures from SQL, with labels and headers as the report prints them. */
export async function pdfSummary(
  reader: DatasetReader,
  dataset: DatasetInfo,
  plan: ExportPlan,
  labels: PdfLabels,
): Promise<PdfSummary> {
  const figures = await reader.summary(plan);
  const label = (key: string) => dataset.columns.find((c) => c.key === key)?.label ?? key;
  const category = figures.byCategory;
  return {
    records: figures.records,
    columnCount: plan.columns.length,
    numeric: figures.numeric.map(({ header, type, min, avg, max }) => ({ header, type, min, avg, max })),
    byCategory:
      category && dataset.categoryColumn
        ? {
            column: label(dataset.categoryColumn),
            labels: category.otherCount > 0 ? [...category.labels, labels.other] : category.labels,
            counts: category.otherCount > 0 ? [...category.counts, category.otherCount] : category.counts,
          }
        : null,
    byMonth: figures.byMonth && dataset.dateColumn ? { column: label(dataset.dateColumn), ...figures.byMonth } : null,
  };
}

/**
 * The writer's inputs for a prepared PDF export, in the requester's language. `reader`
 * should be the snapshot the rows are then read from, so the summary describes them.
 */
export async function pdfWriterInput(
  reader: DatasetReader,
  requesterLocale: string,
  prepared: Pick<PreparedExport, "dataset" | "plan" | "options" | "info">,
): Promise<Omit<PdfWriterOptions, "info" | "onRowsLaidOut">> {
  const locale: Locale = isLocale(requesterLocale) ? requesterLocale : "en";
  const { dataset, options, info, plan } = prepared;
  const stamp = formatDateTime(info.generatedAt, options.timezone);
  const labels = pdfLabels(locale, Number(stamp.slice(0, 4)));
  const summary = await pdfSummary(reader, dataset, plan, labels);
  const chartImages = (options.include_charts ? (options.chart_images ?? []) : []).flatMap((url) => {
    const check = decodeChartImage(url);
    return check.ok ? [check.image] : []; // checked when the job was requested
  });
  return {
    filters: filtersText(locale, prepared),
    summary,
    labels,
    dateText: labels.generated(`${stamp.slice(0, 16)} ${options.timezone}`),
    language: locale,
    landscape: options.landscape,
    charts: options.include_charts,
    chartImages,
    logo: await pdfLogo(),
  };
}
