// The signed-in user for pages (Server Components) and for route handlers.
import { getServerSession } from "next-auth";
import { getToken } from "next-auth/jwt";
import { redirect } from "next/navigation";
import { cache } from "react";
import { parseCookies } from "../http/request";
import { authOptions } from "./auth-options";
import { loadActiveUser, type CurrentUser } from "./current-user";

export type { CurrentUser };

/** For Server Components: deduplicated per request. */
export const getPageUser = cache(async (): Promise<CurrentUser | null> => {
  const session = await getServerSession(authOptions);
  return session ? loadActiveUser(session.user.id) : null;
});

export async function requirePageUser(): Promise<CurrentUser> {
  const user = await getPageUser();
  if (!user) redirect("/login");
  return user;
}

/** For route handlers: reads the session cookie straight from the request. */
export async function getRequestUser(req: Request): Promise<CurrentUser | null> {
  const token = await getToken({
    req: { cookies: parseCookies(req.headers.get("cookie")), headers: req.headers } as unknown as Parameters<
      typeof getToken
    >[0]["req"],
  });
  return token ? loadActiveUser(token.sub) : null;
}
