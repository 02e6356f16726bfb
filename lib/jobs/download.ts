// Serving a finished export: only to whoever may download the job, only while it has not
// expired, and only after the file's SHA-256 matches the one recorded when it was written
// (checked through the very handle that is then streamed, so what was verified is what is
// sent). Every download is counted, recorded and audited. A HEAD request runs the same
// checks without sending, counting or recording anything: the history page asks first, so
// a refused file gets a message on the page instead of a broken download.
import { recordAudit } from "../audit/audit";
import { loadActiveUser, type CurrentUser } from "../auth/current-user";
import { pgPool } from "../data/pg";
import { FORMATS, isExportFormat } from "../export/formats";
import { exportStore, type StoredFile } from "../files/storage";
import { contentDisposition, storedFileName } from "../http/content-disposition";
import { AppError } from "../errors";
import { findJobFor, isExpired } from "./jobs";
import { verifyDownloadToken } from "./signed-url";

type Requester = { user: CurrentUser; ip: string | null; userAgent: string | null };

/**
 * The user a `?token=` download URL was signed for; undefined without a token (the session
 * decides). A bad, expired or revoked token is refused with 403 whatever the session says.
 */
export async function signedUrlUser(req: Request, jobId: string): Promise<CurrentUser | undefined> {
  const token = new URL(req.url).searchParams.get("token");
  if (token === null) return undefined;
  const check = verifyDownloadToken(jobId, token);
  if (!check.ok)
    throw new AppError("forbidden", check.reason === "expired" ? "download.linkExpired" : "download.linkInvalid");
  const user = await loadActiveUser(check.userId);
  if (!user) throw new AppError("forbidden", "download.linkInvalid");
  return user;
}

export async function downloadExport(
  { user, ip, userAgent }: Requester,
  rawJobId: string,
  method: "GET" | "HEAD" = "GET",
): Promise<Response> {
  const job = await findJobFor(user, rawJobId, "manage");
  const audit = { actorId: user.id, targetType: "export_job", targetId: job.id, ip };
  if (isExpired(job)) throw new AppError("gone", "job.expired");
  if (job.status !== "completed" || !job.storageKey || !job.sha256) throw new AppError("conflict", "job.notReady");

  const file = await exportStore().open(job.storageKey);
  if (!file) {
    await recordAudit({ ...audit, action: "integrity_failure", details: { reason: "file_missing" } });
    throw new AppError("gone", "job.fileMissing");
  }
  let handedOver = false;
  try {
    const sha256 = await file.sha256();
    if (sha256 !== job.sha256) {
      await recordAudit({
        ...audit,
        action: "integrity_failure",
        details: { reason: "sha256_mismatch", expected: job.sha256, actual: sha256, bytes: file.size },
      });
      throw new AppError("conflict", "job.integrityFailure");
    }
    const headers = fileHeaders(job, file, sha256);
    if (method === "HEAD") return new Response(null, { status: 200, headers });

    // Counted, recorded and audited in one statement (one commit) before the first byte.
    await pgPool().query(
      `WITH counted AS (UPDATE export_jobs SET download_count = download_count + 1 WHERE id = $1 RETURNING id),
            recorded AS (INSERT INTO export_downloads (job_id, user_id, ip, user_agent)
                         SELECT id, $2, $3, $4 FROM counted RETURNING job_id)
       INSERT INTO audit_events (action, actor_id, target_type, target_id, details, ip)
       SELECT 'export_downloaded', $2, 'export_job', job_id::text, $5::jsonb, $3 FROM recorded`,
      [
        job.id,
        user.id,
        ip,
        userAgent?.slice(0, 500) ?? null,
        JSON.stringify({ format: job.format, bytes: file.size, owner_id: job.userId }),
      ],
    );
    handedOver = true;
    return new Response(file.stream(), { status: 200, headers });
  } finally {
    if (!handedOver) await file.close();
  }
}

function fileHeaders(job: { format: string; fileName: string | null }, file: StoredFile, sha256: string): Headers {
  const spec = isExportFormat(job.format) ? FORMATS[job.format] : null;
  const gz = job.fileName?.endsWith(".gz") ?? false;
  return new Headers({
    "Content-Type": gz ? "application/gzip" : (spec?.contentType ?? "application/octet-stream"),
    "Content-Length": String(file.size),
    "Content-Disposition": contentDisposition(storedFileName(job.fileName ?? `export.${spec?.extension ?? "bin"}`)),
    "Cache-Control": "private, no-store, no-transform",
    "X-Content-Type-Options": "nosniff",
    "X-Checksum-SHA256": sha256,
    "Repr-Digest": `sha-256=:${Buffer.from(sha256, "hex").toString("base64")}:`,
  });
}
