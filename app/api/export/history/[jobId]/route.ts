// DELETE /api/export/history/:jobId – remove an export and its file (owner or admin;
// anyone else's id → 404, a running export → 409 until it is cancelled) → 204
import { deleteExport } from "@/lib/exports/delete-export";
import { otherMethods, withUser } from "@/lib/http/handler";
import { clientIp } from "@/lib/http/request";

export const DELETE = withUser<{ jobId: string }>(
  async ({ req, user, params }) => {
    await deleteExport({ user, ip: clientIp(req.headers) }, params.jobId);
    return new Response(null, { status: 204 });
  },
  { can: "history.own" },
);

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH } = otherMethods({ DELETE });
