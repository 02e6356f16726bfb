// Turns "this user wants this dataset in this format with these options" into a checked
// export ready to run — or into the precise refusal (403/404/422), audited. Shared by the
// direct download route, the job API and the server actions.
import { recordAudit } from "../audit/audit";
import { canSeeSensitive, exportDenial } from "../auth/permissions";
import type { CurrentUser } from "../auth/current-user";
import { config } from "../config";
import { decodeChartImage } from "../export/chart-images";
import { FORMATS, type ExportFormat, type FormatSpec } from "../export/formats";
import { ZExportOptionsSchema, type TExportOptions } from "../export/options";
import { describeFilters, planExport, type ExportPlan } from "../export/plan";
import type { ExportColumn, ExportInfo } from "../export/types";
import { AppError } from "../errors";
import { findDataset, type DatasetInfo } from "../datasets/dataset-store";
import { datasetSource } from "../sources";

export type PreparedExport = {
  format: ExportFormat;
  spec: FormatSpec;
  dataset: DatasetInfo;
  options: TExportOptions;
  plan: ExportPlan;
  columns: ExportColumn[];
  info: ExportInfo;
  /** Rows the export will carry, when it had to be counted (datasets past the direct limit). */
  rowCount: number | null;
  /** At least as many rows as the export carries: the count, else the dataset's size. */
  rowBound: number;
};

type Caller = { user: CurrentUser; ip: string | null };

async function deny(
  caller: Caller,
  datasetId: number,
  format: ExportFormat,
  reason: string,
  error: AppError,
): Promise<never> {
  await recordAudit({
    action: "export_denied",
    actorId: caller.user.id,
    targetType: "dataset",
    targetId: datasetId,
    details: { format, reason },
    ip: caller.ip,
  });
  throw error;
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
  if (errors.length > 0) throw new AppError("invalid", "error.invalid", { errors });
}

/** Where an export is produced: streamed in the response, or by a background job. */
export type Delivery = "direct" | "job";

/** The largest export of a format the UI downloads directly (configuration). */
export function directRowLimit(format: ExportFormat): number {
  const limit = FORMATS[format].directLimit;
  if (limit === "none") return 0;
  return limit === "excel" ? config.export.directRowsExcel : config.export.directRowsText;
}

/**
 * How an export is delivered. A format that never downloads directly (PDF) is always a
 * job; one that does not stream (Excel) is a job past its limit; a streaming one is a job
 * past its limit only when the caller lets the server decide (the UI does; a plain GET
 * streams whatever its size, up to the row cap).
 */
export function chooseDelivery(format: ExportFormat, rows: number, serverDecides: boolean): Delivery {
  const spec = FORMATS[format];
  if (spec.directLimit === "none") return "job";
  if (rows <= directRowLimit(format)) return "direct";
  return spec.streams && !serverDecides ? "direct" : "job";
}

/** The export's plan, columns and info sheet for a user and a dataset (no checks). */
export function buildExport(
  user: CurrentUser,
  dataset: DatasetInfo,
  format: ExportFormat,
  options: TExportOptions,
  generatedAt = new Date(),
): Omit<PreparedExport, "rowCount" | "rowBound"> {
  const plan = planExport(options, dataset, { mayIncludeSensitive: canSeeSensitive(user) });
  const info: ExportInfo = {
    datasetTitle: dataset.title,
    filters: describeFilters(plan),
    user: `${user.name} <${user.email}>`,
    generatedAt,
  };
  const columns = plan.columns.map(({ key, header, type }) => ({
    key,
    header,
    type,
    jsonKey: options.rename?.[key] ?? key,
  }));
  return { format, spec: FORMATS[format], dataset, options, plan, columns, info };
}

/** The rows a plan selects: the stored count when nothing filters, else counted. */
export async function exactRowCount(dataset: DatasetInfo, plan: ExportPlan): Promise<number> {
  if (!plan.dateRange && plan.filters.length === 0) return dataset.recordCount;
  return datasetSource(dataset).count(plan);
}

export async function prepareExport(
  caller: Caller,
  datasetId: number,
  format: ExportFormat,
  rawOptions: unknown,
): Promise<PreparedExport> {
  const { user } = caller;
  const dataset = await findDataset(datasetId);
  if (!dataset) throw new AppError("not_found", "error.datasetNotFound");

  const denial = exportDenial(user, dataset);
  if (denial === "role" || denial === "signed_out") {
    await deny(caller, dataset.id, format, denial, new AppError("forbidden", "export.denied.role"));
  } else if (denial === "not_owner") {
    await deny(caller, dataset.id, format, denial, new AppError("forbidden", "export.denied.not_owner"));
  }

  const options = ZExportOptionsSchema.parse(rawOptions ?? {});
  if (options.include_sensitive && !canSeeSensitive(user)) {
    await deny(caller, dataset.id, format, "sensitive", new AppError("forbidden", "export.denied.sensitive"));
  }
  const spec = FORMATS[format];
  if (options.compression === "gzip" && !spec.compressible) {
    throw new AppError("invalid", "error.invalid", {
      errors: [{ field: "compression", message: "gzip applies to CSV, JSON and NDJSON only" }],
    });
  }
  checkChartImages(format, options);

  const built = buildExport(user, dataset, format, options);
  // Count only when a limit could be crossed: the stored record count bounds the result,
  // and with no filter it is the result.
  const mustCount = dataset.recordCount > directRowLimit(format);
  const rowCount = mustCount ? await exactRowCount(dataset, built.plan) : null;
  if (format === "pdf" && rowCount !== null && rowCount > config.export.pdfRowCap) {
    throw new AppError("invalid", "export.pdfTooManyRows", {
      params: { rows: rowCount.toLocaleString("en"), cap: config.export.pdfRowCap.toLocaleString("en") },
      errors: [
        {
          field: "format",
          message: `a PDF report holds at most ${config.export.pdfRowCap} rows; this export has ${rowCount}: use CSV or Excel`,
        },
      ],
    });
  }
  if (rowCount !== null && rowCount > config.export.rowCap) {
    throw new AppError("invalid", "export.tooManyRows", {
      params: { rows: rowCount.toLocaleString("en"), cap: config.export.rowCap.toLocaleString("en") },
      errors: [
        { field: "filters", message: `the export would have ${rowCount} rows; the limit is ${config.export.rowCap}` },
      ],
    });
  }
  return { ...built, rowCount, rowBound: rowCount ?? dataset.recordCount };
}
