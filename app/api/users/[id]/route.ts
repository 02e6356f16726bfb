// PATCH /api/users/:id – {name?, role?, active?} (admins) → 200 with the user. Demoting or
// deactivating the last active admin → 409; an unknown id → 404. Takes effect on the
// user's next request, sessions and tokens alike.
import { otherMethods, withUser } from "@/lib/http/handler";
import { clientIp, readJsonBody } from "@/lib/http/request";
import { updateUser } from "@/lib/users/manage-users";

export const PATCH = withUser<{ id: string }>(
  async ({ req, user, params }) =>
    Response.json(await updateUser(user, params.id, await readJsonBody(req), clientIp(req.headers))),
  { can: "users.manage" },
);

export const { GET, HEAD, OPTIONS, POST, PUT, DELETE } = otherMethods({ PATCH });
