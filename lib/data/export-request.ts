// Turns "this user wants this dataset in this format with these options" into a checked
// export ready to run — or into the precise refusal (403/404/422), audited. Shared by the
// direct download route and, later, the job system.
import { recordAudit } from "../audit/audit";
import { canSeeSensitive, exportDenial } from "../auth/permissions";
import type { CurrentUser } from "../auth/current-user";
import { config } from "../config";
import { FORMAT_SPECS, type FormatSpec } from "../export/formats";
import { ZExportOptionsSchema, type ExportFormat, type TExportOptions } from "../export/options";
import { describeFilters, planExport, type ExportPlan } from "../export/plan";
import type { ExportColumn, ExportInfo } from "../export/types";
import { AppError } from "../http/errors";
import { findDataset, type DatasetInfo } from "./datasets";
import { countRecords } from "./export-source";
import { pgPool } from "./pg";

export type PreparedExport = {
  format: ExportFormat;
  spec: FormatSpec;
  dataset: DatasetInfo;
  options: TExportOptions;
  plan: ExportPlan;
  columns: ExportColumn[];
  info: ExportInfo;
  /** Rows the export will carry, when it had to be counted (large datasets, Excel). */
  rowCount: number | null;
};

type Caller = { user: CurrentUser; ip: string | null };

async function deny(caller: Caller, datasetId: number, format: ExportFormat, reason: string, error: AppError): Promise<never> {
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
  const spec = FORMAT_SPECS[format];
  if (options.compression === "gzip" && !spec.compressible) {
    throw new AppError("invalid", "error.invalid", {
      errors: [{ field: "compression", message: "gzip applies to CSV, JSON and NDJSON only" }],
    });
  }
  if (format === "pdf") throw new AppError("invalid", "export.pdfUnavailable");

  const plan = planExport(options, dataset, { mayIncludeSensitive: canSeeSensitive(user) });

  // Count only when a limit could be crossed: the stored record count bounds the result.
  const excelLimit = config.export.directRowsExcel;
  const mustCount = dataset.recordCount > config.export.rowCap || (format === "excel" && dataset.recordCount > excelLimit);
  const rowCount = mustCount ? await countRecords(pgPool(), dataset.id, plan) : null;
  if (rowCount !== null && rowCount > config.export.rowCap) {
    throw new AppError("invalid", "export.tooManyRows", {
      params: { rows: rowCount.toLocaleString("en"), cap: config.export.rowCap.toLocaleString("en") },
      errors: [{ field: "filters", message: `the export would have ${rowCount} rows; the limit is ${config.export.rowCap}` }],
    });
  }
  if (format === "excel" && rowCount !== null && rowCount > excelLimit) {
    throw new AppError("invalid", "export.excelTooLarge", { params: { limit: excelLimit.toLocaleString("en") } });
  }

  const info: ExportInfo = {
    datasetTitle: dataset.title,
    filters: describeFilters(plan),
    user: `${user.name} <${user.email}>`,
    generatedAt: new Date(),
  };
  const columns = plan.columns.map(({ key, header, type }) => ({ key, header, type, jsonKey: options.rename?.[key] ?? key }));
  return { format, spec, dataset, options, plan, columns, info, rowCount };
}
