// Retrying a failed or cancelled export: a new job with the same dataset, format and
// options, asked for as a new request — the rate limit, the caller's role, the dataset
// and the options are checked as they are now.
import { AppError } from "../errors";
import { findExportFor } from "./find-export";
import { requestExport, type ExportCaller, type ExportRequestResult } from "./request-export";

export async function retryExport(
  caller: ExportCaller,
  rawId: string,
): Promise<Extract<ExportRequestResult, { delivery: "job" }>> {
  const job = await findExportFor(caller.user, rawId, "manage");
  if (job.status !== "failed" && job.status !== "cancelled") throw new AppError("conflict", "job.notRetryable");
  const result = await requestExport(
    caller,
    { datasetId: job.datasetId, format: job.format, options: () => job.options },
    "job",
    { retryOf: job.id },
  );
  if (result.delivery !== "job") throw new Error("a retry asked for as a job was not queued");
  return result;
}
