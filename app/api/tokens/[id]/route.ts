// DELETE /api/tokens/:id – revoke a personal access token (one's own; an admin: anyone's;
// anyone else's id → 404) → 204. Revoking it again is a 204 too.
import { otherMethods, withUser } from "@/lib/http/handler";
import { clientIp } from "@/lib/http/request";
import { revokeToken } from "@/lib/tokens/tokens";

export const DELETE = withUser<{ id: string }>(
  async ({ req, user, params }) => {
    await revokeToken(user, params.id, clientIp(req.headers));
    return new Response(null, { status: 204 });
  },
  { can: "tokens.own" },
);

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH } = otherMethods({ DELETE });
