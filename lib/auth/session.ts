// The signed-in user for pages (Server Components), server actions and route handlers. A
// user who must change their password is sent to the change-password page by every page
// and refused (403, saying so) by every action and API route but the change itself.
import { getServerSession } from "next-auth";
import { getToken } from "next-auth/jwt";
import { redirect } from "next/navigation";
import { cache } from "react";
import { parseCookies } from "../http/request";
import { authOptions } from "./auth-options";
import {
  CHANGE_PASSWORD_PATH,
  loadSignedInUser,
  sessionActor,
  type CurrentUser,
  type SignedInUser,
} from "./current-user";

export type { CurrentUser, SignedInUser };

/** The session's user whatever their flag (the change-password page and action): deduplicated per request. */
export const getSignedInUser = cache(async (): Promise<SignedInUser | null> => {
  const session = await getServerSession(authOptions);
  return session ? loadSignedInUser(session.user.id) : null;
});

/** For server actions: null when signed out; throws the 403 AppError when the password must be changed first. */
export async function getPageUser(): Promise<CurrentUser | null> {
  return sessionActor(await getSignedInUser());
}

/** For pages: redirects to sign-in, or to the change-password page when that comes first. */
export async function requirePageUser(): Promise<CurrentUser> {
  const user = await getSignedInUser();
  if (!user) redirect("/login");
  if (user.mustChangePassword) redirect(CHANGE_PASSWORD_PATH);
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}

/** For route handlers: reads the session cookie straight from the request (403 when the password must be changed). */
export async function getRequestUser(req: Request): Promise<CurrentUser | null> {
  const token = await getToken({
    req: { cookies: parseCookies(req.headers.get("cookie")), headers: req.headers } as unknown as Parameters<
      typeof getToken
    >[0]["req"],
  });
  return token ? sessionActor(await loadSignedInUser(token.sub)) : null;
}
