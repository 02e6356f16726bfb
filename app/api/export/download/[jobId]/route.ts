// GET /api/export/download/:jobId – the finished file of an export job, its SHA-256
// verified before the first byte (404 for anyone else's job, 410 once expired). With the
// session, or a signed `?token=` URL (403 when expired or tampered with). HEAD runs the
// same checks and sends nothing, counts nothing. With S3 presigned downloads on, GET answers
// 302 to a URL valid for a minute instead of streaming. Every answer carries the file's
// SHA-256 as Repr-Digest.
import { downloadExport, signedLinkUser } from "@/lib/exports/download-export";
import { downloadResponse } from "@/lib/http/export-responses";
import { otherMethods, withUser, type HandlerArgs } from "@/lib/http/handler";
import { clientIp, searchParamsOf } from "@/lib/http/request";

type Params = { jobId: string };

/** A `?token=` link proves its user; without one the session decides. */
async function authenticate(req: Request, params: Params) {
  const token = searchParamsOf(req.url).get("token");
  return token === null ? undefined : signedLinkUser(params.jobId, token);
}

const serve =
  (send: boolean) =>
  async ({ req, user, params }: HandlerArgs<Params>) => {
    const downloader = { user, ip: clientIp(req.headers), userAgent: req.headers.get("user-agent") };
    const download = await downloadExport(downloader, params.jobId, { send, signal: req.signal });
    if (download.redirect === null) return downloadResponse(download);
    return new Response(null, {
      status: 302,
      headers: {
        Location: download.redirect,
        "Cache-Control": "private, no-store",
        "Repr-Digest": `sha-256=:${Buffer.from(download.sha256, "hex").toString("base64")}:`,
      },
    });
  };

export const GET = withUser<Params>(serve(true), { can: "history.own", authenticate });
export const HEAD = withUser<Params>(serve(false), { can: "history.own", authenticate });

export const { OPTIONS, POST, PUT, PATCH, DELETE } = otherMethods({ GET, HEAD });
