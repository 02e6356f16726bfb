// GET /api/tokens – the caller's personal access tokens (an admin's: everyone's), never a secret
// POST /api/tokens – {name, expires_in_days?, scope} → 201 with the secret, shown this once;
// only with the browser session (a token cannot create tokens: 403)
import { otherMethods, withUser } from "@/lib/http/handler";
import { clientIp, readJsonBody } from "@/lib/http/request";
import { createToken, listTokens } from "@/lib/tokens/tokens";

export const GET = withUser(async ({ user }) => Response.json(await listTokens(user)), { can: "tokens.own" });

export const POST = withUser(
  async ({ req, user, locale }) => {
    const created = await createToken(user, await readJsonBody(req), locale, clientIp(req.headers));
    return Response.json(created, { status: 201, headers: { "Cache-Control": "no-store" } });
  },
  { can: "tokens.own" },
);

export const { HEAD, OPTIONS, PUT, PATCH, DELETE } = otherMethods({ GET, POST });
