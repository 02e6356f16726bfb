// The one guard of an export: turns "this user wants this dataset in this format with
// these options" into a checked, planned export — or into the precise refusal (an
// AppError, whose reason the request path audits). Every path goes through it: the
// direct download, a job being requested, and a job about to run (with its stored
// options, since roles and data may have changed since it was queued).
import { canSeeSensitive, exportDenial } from "../auth/permissions";
import type { CurrentUser } from "../auth/current-user";
import { config } from "../config";
import { findDataset, type DatasetInfo } from "../datasets/dataset-store";
import { AppError, invalidFields } from "../errors";
import { decodeChartImage } from "../export/chart-images";
import { FORMATS, type ExportFormat } from "../export/formats";
import { ZExportOptionsSchema, type TExportOptions } from "../export/options";
import { describeFilters, planExport, type ExportPlan } from "../export/plan";
import type { ExportColumn, ExportInfo } from "../export/types";
import { datasetSource } from "../sources";

export type PreparedExport = {
  format: ExportFormat;
  dataset: DatasetInfo;
  options: TExportOptions;
  plan: ExportPlan;
  columns: ExportColumn[];
  info: ExportInfo;
  /** Rows the export will carry, when they had to be counted (datasets past the direct limit). */
  rowCount: number | null;
  /** At least as many rows as the export carries: the count, else the dataset's size. */
  rowBound: number;
  /** The filters as the audit trail keeps them: values on sensitive columns masked. */
  auditFilters: string;
};

/** The largest export of a format the UI downloads directly (configuration). */
export function directRowLimit(format: ExportFormat): number {
  const limit = FORMATS[format].directLimit;
  if (limit === "none") return 0;
  return limit === "excel" ? config.export.directRowsExcel : config.export.directRowsText;
}

/**
 * The most rows an export of a format may carry: every export stops at the row cap, a PDF
 * report at its own cap as well (so at the lower of the two). The dataset page warns with
 * the same number the server refuses at.
 */
export function exportRowCap(format: ExportFormat): number {
  const { pdfRowCap, rowCap } = config.export;
  return format === "pdf" ? Math.min(pdfRowCap, rowCap) : rowCap;
}

function refuse(
  messageKey: "export.denied.role" | "export.denied.not_owner" | "export.denied.sensitive",
  reason: string,
) {
  return new AppError("forbidden", messageKey, { reason });
}

/** `chart_images` belong to PDF reports, and each must be a sound PNG (422 naming the bad ones). */
function checkChartImages(format: ExportFormat, options: TExportOptions): void {
  const images = options.chart_images ?? [];
  if (images.length === 0) return;
  const errors =
    format === "pdf"
      ? images.flatMap((url, i) => {
          const check = decodeChartImage(url);
          return check.ok ? [] : [{ field: `chart_images.${i}`, message: check.reason }];
        })
      : [{ field: "chart_images", message: "chart images apply to PDF reports only" }];
  if (errors.length > 0) throw invalidFields(errors);
}

function checkCaps(format: ExportFormat, rowCount: number | null): void {
  if (rowCount === null) return;
  const { pdfRowCap, rowCap } = config.export;
  if (format === "pdf" && rowCount > pdfRowCap) {
    throw new AppError("invalid", "export.pdfTooManyRows", {
      params: { rows: rowCount.toLocaleString("en"), cap: pdfRowCap.toLocaleString("en") },
      errors: [
        {
          field: "format",
          message: `a PDF report holds at most ${pdfRowCap} rows; this export has ${rowCount}: use CSV or Excel`,
        },
      ],
    });
  }
  if (rowCount > rowCap) {
    throw new AppError("invalid", "export.tooManyRows", {
      params: { rows: rowCount.toLocaleString("en"), cap: rowCap.toLocaleString("en") },
      errors: [{ field: "filters", message: `the export would have ${rowCount} rows; the limit is ${rowCap}` }],
    });
  }
}

/**
 * Options read with the one schema and checked against the dataset for this user: the
 * export, its record count and the preview all select rows through this.
 */
export function planOptions(
  user: CurrentUser,
  dataset: DatasetInfo,
  rawOptions: unknown,
): { options: TExportOptions; plan: ExportPlan } {
  const options = ZExportOptionsSchema.parse(rawOptions ?? {});
  if (options.include_sensitive && !canSeeSensitive(user)) throw refuse("export.denied.sensitive", "sensitive");
  const plan = planExport(options, dataset, { mayIncludeSensitive: canSeeSensitive(user) });
  return { options, plan };
}

/** Whether a plan leaves rows out (else the dataset's stored record count is its count). */
export function planFiltersRows(plan: ExportPlan): boolean {
  return plan.dateRange !== null || plan.filters.length > 0;
}

export async function prepareExport(
  user: CurrentUser,
  datasetId: number,
  format: ExportFormat,
  rawOptions: unknown,
): Promise<PreparedExport> {
  const dataset = await findDataset(datasetId);
  if (!dataset) throw new AppError("not_found", "error.datasetNotFound");

  const denial = exportDenial(user, dataset);
  if (denial === "role" || denial === "signed_out") throw refuse("export.denied.role", denial);
  if (denial === "not_owner") throw refuse("export.denied.not_owner", denial);

  const { options, plan } = planOptions(user, dataset, rawOptions);
  if (options.compression === "gzip" && !FORMATS[format].compressible) {
    throw invalidFields([{ field: "compression", message: "gzip applies to CSV, JSON and NDJSON only" }]);
  }
  checkChartImages(format, options);

  const columns = plan.columns.map(({ key, header, type }) => ({
    key,
    header,
    type,
    jsonKey: options.rename?.[key] ?? key,
  }));
  const info: ExportInfo = {
    datasetTitle: dataset.title,
    filters: describeFilters(plan),
    user: `${user.name} <${user.email}>`,
    generatedAt: new Date(),
  };
  // Count only when a limit could be crossed (the direct-download limit or a cap): the
  // stored record count bounds the result, and with no filter it is the result.
  const filtered = planFiltersRows(plan);
  const cap = exportRowCap(format);
  const mustCount = dataset.recordCount > Math.min(directRowLimit(format), cap);
  const rowCount = !mustCount ? null : filtered ? await datasetSource(dataset).count(plan) : dataset.recordCount;
  checkCaps(format, rowCount);
  const sensitive = new Set(dataset.columns.filter((c) => c.sensitive).map((c) => c.key));
  const auditFilters = describeFilters(plan, (key) => sensitive.has(key));
  return {
    format,
    dataset,
    options,
    plan,
    columns,
    info,
    rowCount,
    rowBound: rowCount ?? dataset.recordCount,
    auditFilters,
  };
}
