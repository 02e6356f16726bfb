// POST /api/users/:id/password – {password?} (admins) → 200 {user, password}: without a
// password, a new one-time one, shown this once, that must be changed at the next sign-in.
import { otherMethods, withUser } from "@/lib/http/handler";
import { clientIp, readJsonBody } from "@/lib/http/request";
import { resetPassword } from "@/lib/users/manage-users";

export const POST = withUser<{ id: string }>(
  async ({ req, user, params }) => {
    const reset = await resetPassword(user, params.id, await readJsonBody(req), clientIp(req.headers));
    return Response.json(reset, { headers: { "Cache-Control": "no-store" } });
  },
  { can: "users.manage" },
);

export const { GET, HEAD, OPTIONS, PUT, PATCH, DELETE } = otherMethods({ POST });
