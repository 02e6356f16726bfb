// GET /api/audit?actor=&action=&target_type=&target_id=&from=&to=&page=&page_size= – the
// audit trail, newest first, for admins only (SPEC §7); never cached.
import { listAuditEvents, ZAuditQuerySchema } from "@/lib/audit/list";
import { can } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import { withUser } from "@/lib/http/handler";
import { searchParamsObject } from "@/lib/http/params";

export const GET = withUser(async ({ req, user }) => {
  if (!can(user, "audit.view")) throw new AppError("forbidden");
  const query = ZAuditQuerySchema.parse(searchParamsObject(req.url));
  const result = await listAuditEvents(query);
  return Response.json(result, { headers: { "Cache-Control": "no-store" } });
});
