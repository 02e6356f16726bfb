// GET /api/export/history – the caller's exports (an admin's: everyone's), newest first:
// ?format=&status=&delivery=&user=&include_expired=&page=&page_size= → {items, total, page, …}
// status: one status, or active (waiting or running: the top bar's running exports);
// delivery: job (background jobs, each with a file while kept) or direct (direct downloads).
import { listExports, ZHistoryQuerySchema } from "@/lib/exports/list-exports";
import { otherMethods, withUser } from "@/lib/http/handler";
import { searchParamsObject } from "@/lib/http/request";

export const GET = withUser(
  async ({ req, user, locale }) => {
    const query = ZHistoryQuerySchema.parse(searchParamsObject(req.url));
    return Response.json(await listExports(user, query, locale), { headers: { "Cache-Control": "no-store" } });
  },
  { can: "history.own" },
);

export const { HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = otherMethods({ GET });
