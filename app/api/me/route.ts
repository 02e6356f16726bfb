// GET /api/me – who the caller is: the user and how the request proved it (the session, or
// a personal access token and its scope). `outport login` and `outport whoami` ask it.
import { otherMethods, withUser } from "@/lib/http/handler";
import type { TMe } from "@/lib/tokens/token-schemas";

export const GET = withUser(
  async ({ user }) => {
    const credential = user.credential ?? { kind: "session" as const };
    const me: TMe = {
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      credential:
        credential.kind === "token"
          ? { kind: "token", token_id: credential.tokenId, scope: credential.scope }
          : { kind: "session" },
    };
    return Response.json(me, { headers: { "cache-control": "private, no-store" } });
  },
  { can: "datasets.view" },
);

export const { HEAD, OPTIONS, PUT, PATCH, POST, DELETE } = otherMethods({ GET });
