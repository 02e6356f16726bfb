// An export job as someone who asked for it by id may have it: only when they may see it
// (anyone else gets 404, as if it did not exist, so ids cannot be probed), never once
// deleted. `manage` (download, delete, cancel, retry) also needs the role to allow it: 403
// for a job one may see but not touch.
import { canManageExport, canSeeExport } from "../auth/permissions";
import type { CurrentUser } from "../auth/current-user";
import { AppError } from "../errors";
import { parseUuid } from "../params";
import { findExportJob, type ExportJobRow } from "./export-job-store";

export async function findExportFor(
  user: CurrentUser,
  rawId: string,
  need: "see" | "manage" = "see",
): Promise<ExportJobRow> {
  const id = parseUuid(rawId, "jobId");
  if (!id) throw new AppError("not_found", "error.notFound");
  const job = await findExportJob(id);
  if (!job || job.deletedAt || !canSeeExport(user, job)) throw new AppError("not_found", "error.notFound");
  if (need === "manage" && !canManageExport(user, job)) throw new AppError("forbidden", "job.manageForbidden");
  return job;
}
