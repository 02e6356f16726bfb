// GET /api/audit?actor=&action=&target_type=&target_id=&from=&to=&page=&page_size= – the
// audit trail, newest first, for admins only; never cached.
import { listAuditEvents, ZAuditQuerySchema } from "@/lib/audit/list";
import { otherMethods, withUser } from "@/lib/http/handler";
import { searchParamsObject } from "@/lib/http/request";

export const GET = withUser(
  async ({ req }) => {
    const query = ZAuditQuerySchema.parse(searchParamsObject(req.url));
    const result = await listAuditEvents(query);
    return Response.json(result, { headers: { "Cache-Control": "no-store" } });
  },
  { can: "audit.view" },
);

export const { HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = otherMethods({ GET });
