// GET /api/audit/export?actor=&action=&target_type=&target_id=&dataset=&from=&to= – the
// filtered audit trail as a CSV file, streamed while it is written, for admins only; the
// export is itself recorded in the trail, so a HEAD is refused rather than run it.
import { exportAuditTrail } from "@/lib/audit/export-audit-trail";
import { ZAuditFilterSchema } from "@/lib/audit/list";
import { streamedFileResponse } from "@/lib/http/export-responses";
import { otherMethods, withUser } from "@/lib/http/handler";
import { clientIp, searchParamsObject } from "@/lib/http/request";

export const GET = withUser(
  async ({ req, user, locale }) => {
    const filter = ZAuditFilterSchema.parse(searchParamsObject(req.url));
    const file = await exportAuditTrail({ user, ip: clientIp(req.headers), locale }, filter, req.signal);
    return streamedFileResponse(file);
  },
  { can: "audit.view", sideEffects: true },
);

export const { HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = otherMethods({ GET });
