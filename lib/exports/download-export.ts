// Handing out a finished export: only to whoever may download the job, only while it has
// not expired, and only after the file's SHA-256 matches the one recorded when it was
// written (checked through the very handle that is then streamed, so what was verified is
// what is sent). Every download is counted, recorded and audited in one transaction
// before the first byte (one whose client has gone by then is not: it gets nothing), and
// its body is cancelled when the client goes, sent or not yet. Asked only to check (`send: false`, an HTTP HEAD), it runs the
// same checks and counts nothing: the history page asks first, so a refused file gets a
// message on the page instead of a broken download. With S3 and presigned downloads on,
// the checks and the count are the same, the SHA-256 compared is the one recorded on the
// object (reading it all would be the very transfer the redirect saves), and the answer is
// a short-lived URL to fetch the bytes from instead of the bytes.
import { recordAudit } from "../audit/audit";
import { loadActiveUser, type CurrentUser } from "../auth/current-user";
import { inTransaction } from "../data/pg";
import { AppError } from "../errors";
import { FORMATS, isExportFormat } from "../export/formats";
import { storageConfig } from "../config";
import { exportStore } from "../files/export-store";
import { storageFailure } from "../files/storage-failure";
import { contentDisposition } from "../http/content-disposition";
import { verifyDownloadToken } from "../files/signed-url";
import { storedFileName, type ExportFileName } from "./export-file-name";
import { recordDownload } from "./export-job-store";
import { findExportFor } from "./find-export";
import { isExpired } from "./present-export";

export type Downloader = { user: CurrentUser; ip: string | null; userAgent: string | null };

export type ExportDownload = {
  fileName: ExportFileName;
  contentType: string;
  size: number;
  sha256: string;
  /** The verified bytes; null when only the checks were asked for, when redirected, or when the client has gone. */
  body: ReadableStream<Uint8Array> | null;
  /** A presigned URL to fetch the bytes from (S3 with presigned downloads on), else null. */
  redirect: string | null;
};

/**
 * The user a signed download link was made for. A bad, expired or revoked link is refused
 * with 403 whatever session the request also carries.
 */
/**
 * A storage that cannot be reached or refuses, before the first byte: 503 in words, retried
 * later (a download cut off mid-way is the client's failed download). Anything else as it was.
 */
function unavailableStorage(error: unknown): never {
  const failure = storageFailure(error);
  if (failure === "storage_unreachable") {
    throw new AppError("unavailable", "error.storageUnavailable", { retryAfterSeconds: 30 });
  }
  if (failure === "storage_refused") throw new AppError("unavailable", "error.storageRefused");
  throw error;
}

export async function signedLinkUser(jobId: string, token: string): Promise<CurrentUser> {
  const check = verifyDownloadToken(jobId, token);
  if (!check.ok) {
    throw new AppError("forbidden", check.reason === "expired" ? "download.linkExpired" : "download.linkInvalid");
  }
  const user = await loadActiveUser(check.userId);
  if (!user) throw new AppError("forbidden", "download.linkInvalid");
  return user;
}

export async function downloadExport(
  { user, ip, userAgent }: Downloader,
  rawJobId: string,
  { send, signal }: { send: boolean; signal?: AbortSignal },
): Promise<ExportDownload> {
  const job = await findExportFor(user, rawJobId, "manage");
  // A deleted dataset's exports stay in the history by title only: their files are gone.
  if (job.dataset.deletedAt) throw new AppError("not_found", "error.notFound");
  // A direct download was never stored: there is nothing to fetch again (only to export again).
  if (job.delivery === "direct") throw new AppError("not_found", "error.notFound");
  const audit = { actorId: user.id, targetId: job.id, ip };
  if (isExpired(job)) throw new AppError("gone", "job.expired");
  if (job.status !== "completed" || !job.storageKey || !job.sha256) throw new AppError("conflict", "job.notReady");

  const store = exportStore();
  const settings = storageConfig();
  const presign = settings.kind === "s3" && settings.presignedDownloads ? store.presignedUrl?.bind(store) : undefined;
  const file = await store.open(job.storageKey).catch(unavailableStorage);
  if (!file) {
    await recordAudit({ ...audit, action: "integrity_failure", details: { reason: "file_missing" } });
    throw new AppError("gone", "job.fileMissing");
  }
  let handedOver = false;
  try {
    const sha256 = presign ? (file.recordedSha256 ?? "") : await file.sha256().catch(unavailableStorage);
    if (sha256 !== job.sha256) {
      await recordAudit({
        ...audit,
        action: "integrity_failure",
        details: { reason: "sha256_mismatch", expected: job.sha256, actual: sha256, bytes: file.size },
      });
      throw new AppError("conflict", "job.integrityFailure");
    }
    const spec = isExportFormat(job.format) ? FORMATS[job.format] : null;
    const gz = job.fileName?.endsWith(".gz") ?? false;
    const described = {
      fileName: storedFileName(job.fileName ?? `export.${spec?.extension ?? "bin"}`),
      contentType: gz ? "application/gzip" : (spec?.contentType ?? "application/octet-stream"),
      size: file.size,
      sha256,
    };
    // Asked only to check, or asked by a client that has gone already (hashing a big file
    // takes a while): nothing to send, and nothing was downloaded, so nothing is counted.
    if (!send || signal?.aborted) return { ...described, body: null, redirect: null };

    await inTransaction(async (client) => {
      await recordDownload(client, { jobId: job.id, userId: user.id, ip, userAgent: userAgent?.slice(0, 500) ?? null });
      await recordAudit(
        {
          ...audit,
          action: "export_downloaded",
          details: { format: job.format, bytes: file.size, owner_id: job.userId },
        },
        client,
      );
    });
    if (presign) {
      const url = await presign(job.storageKey, contentDisposition(described.fileName)).catch(unavailableStorage);
      return { ...described, body: null, redirect: url };
    }
    if (signal?.aborted) return { ...described, body: null, redirect: null }; // gone while it was counted
    handedOver = true;
    return { ...described, body: cancelledOnAbort(file.stream(), signal), redirect: null };
  } finally {
    if (!handedOver) await file.close();
  }
}

/**
 * The body, cancelled (its file closed, its GET ended) once the client goes (`signal`, the
 * request's). Next cancels a body it pipes when its client leaves, but one whose client
 * left before the answer started is dropped unread and never cancelled, and would keep its
 * file open for good. A body being piped is locked, so cancelling it here fails: its pipe
 * cancels it itself. (Not cancelled at once when the client has gone already: a cancelled
 * body cannot make a Response; the caller sends none then.)
 */
function cancelledOnAbort(body: ReadableStream<Uint8Array>, signal: AbortSignal | undefined) {
  signal?.addEventListener("abort", () => void body.cancel(signal.reason).catch(() => {}), { once: true });
  return body;
}
