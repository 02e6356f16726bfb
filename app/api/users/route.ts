// GET /api/users – every user with their last sign-in, datasets and exports (admins)
// POST /api/users – {email, name, role, password?} → 201 {user, password}: `password` is the
// generated one-time password, shown this once (null when one was given); taken e-mail → 409
import { otherMethods, withUser } from "@/lib/http/handler";
import { clientIp, readJsonBody } from "@/lib/http/request";
import { createUser, listUsers } from "@/lib/users/manage-users";

export const GET = withUser(async () => Response.json(await listUsers()), { can: "users.manage" });

export const POST = withUser(
  async ({ req, user, locale }) => {
    const created = await createUser(user, await readJsonBody(req), locale, clientIp(req.headers));
    return Response.json(created, { status: 201, headers: { "Cache-Control": "no-store" } });
  },
  { can: "users.manage" },
);

export const { HEAD, OPTIONS, PUT, PATCH, DELETE } = otherMethods({ GET, POST });
