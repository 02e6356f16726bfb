// Serving a finished export: only to whoever may see the job, only while it has not
// expired, and only after the file's SHA-256 matches the one recorded when it was written
// (checked through the very handle that is then streamed, so what was verified is what
// is sent). Every download is counted, recorded and audited.
import fs from "node:fs/promises";
import { Readable } from "node:stream";
import { recordAudit } from "../audit/audit";
import type { CurrentUser } from "../auth/current-user";
import { prisma } from "../data/prisma";
import { FORMAT_SPECS } from "../export/formats";
import { isExportFormat } from "../export/options";
import { hashHandle, storedPath } from "../files/storage";
import { contentDisposition, storedFileName } from "../http/content-disposition";
import { AppError } from "../http/errors";
import { findJobFor } from "./jobs";

type Requester = { user: CurrentUser; ip: string | null; userAgent: string | null };

export async function downloadExport({ user, ip, userAgent }: Requester, rawJobId: string): Promise<Response> {
  const job = await findJobFor(user, rawJobId);
  const audit = { actorId: user.id, targetType: "export_job", targetId: job.id, ip };
  if (job.status === "expired" || (job.status === "completed" && job.expiresAt && job.expiresAt <= new Date())) {
    throw new AppError("gone", "job.expired");
  }
  if (job.status !== "completed" || !job.storageKey || !job.sha256) throw new AppError("conflict", "job.notReady");

  let handle: fs.FileHandle;
  try {
    handle = await fs.open(storedPath(job.storageKey), "r");
  } catch (error) {
    await recordAudit({ ...audit, action: "integrity_failure", details: { reason: "file_missing", code: (error as NodeJS.ErrnoException).code ?? null } });
    throw new AppError("gone", "job.expired");
  }
  try {
    const sha256 = await hashHandle(handle);
    if (sha256 !== job.sha256) {
      await recordAudit({ ...audit, action: "integrity_failure", details: { reason: "sha256_mismatch", expected: job.sha256, actual: sha256 } });
      throw new AppError("conflict", "job.integrityFailure");
    }
    const { size } = await handle.stat();
    await prisma().$transaction([
      prisma().exportJob.update({ where: { id: job.id }, data: { downloadCount: { increment: 1 } } }),
      prisma().exportDownload.create({ data: { jobId: job.id, userId: user.id, ip, userAgent: userAgent?.slice(0, 500) ?? null } }),
    ]);
    await recordAudit({ ...audit, action: "export_downloaded", details: { format: job.format, bytes: size, owner_id: job.userId } });

    const spec = isExportFormat(job.format) ? FORMAT_SPECS[job.format] : null;
    const gz = job.fileName?.endsWith(".gz") ?? false;
    const body = Readable.toWeb(handle.createReadStream({ start: 0, autoClose: true })) as ReadableStream<Uint8Array>;
    return new Response(body, {
      status: 200,
      headers: {
        "Content-Type": gz ? "application/gzip" : (spec?.contentType ?? "application/octet-stream"),
        "Content-Length": String(size),
        "Content-Disposition": contentDisposition(storedFileName(job.fileName ?? `export.${spec?.extension ?? "bin"}`)),
        "Cache-Control": "private, no-store, no-transform",
        "X-Content-Type-Options": "nosniff",
        "X-Checksum-SHA256": sha256,
        "Repr-Digest": `sha-256=:${Buffer.from(sha256, "hex").toString("base64")}:`,
      },
    });
  } catch (error) {
    await handle.close().catch(() => {});
    throw error;
  }
}
