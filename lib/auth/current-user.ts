// Who is asking, read from the database on every request (role, active flag and whether
// the password must be changed first are never trusted from the session token alone).
import { pgPool } from "../data/pg";
import { AppError } from "../errors";
import type { Role } from "../generated/prisma/enums";
import type { Locale } from "../i18n";

/** How a request proved who it is: the browser session, or a personal access token. */
export type Credential = { kind: "session" } | { kind: "token"; tokenId: string; scope: "read" | "export" };

export type CurrentUser = {
  id: number;
  email: string;
  name: string;
  role: Role;
  /** Set by route handlers' authentication; absent for pages, actions and jobs (a session or none). */
  credential?: Credential;
};

/**
 * A signed-in user as stored, with whether they must change their password before anything
 * else and the language kept on their account (what a page without a language cookie uses).
 */
export type SignedInUser = CurrentUser & { mustChangePassword: boolean; locale: Locale };

/** Where a user who must change their password is sent. */
export const CHANGE_PASSWORD_PATH = "/account/password";

/** The refusal of anything but the password change, for a user who must change it first. */
export function passwordChangeRequired(): AppError {
  return new AppError("forbidden", "error.passwordChangeRequired", { reason: "must_change_password" });
}

/** An active user with their must-change-password flag (for a request's session), else null. */
export async function loadSignedInUser(id: unknown): Promise<SignedInUser | null> {
  const userId = typeof id === "string" ? Number(id) : id;
  if (typeof userId !== "number" || !Number.isInteger(userId) || userId <= 0) return null;
  // On every request: plain SQL, far cheaper than a Prisma query here.
  const { rows } = await pgPool().query<SignedInUser & { active: boolean }>(
    `SELECT id, email, name, role, active, must_change_password AS "mustChangePassword", locale
       FROM users WHERE id = $1`,
    [userId],
  );
  const user = rows[0];
  if (!user?.active) return null;
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    mustChangePassword: user.mustChangePassword,
    locale: user.locale,
  };
}

/**
 * An active user, else null. The flag is not looked at: this is for work a user asked for
 * before (a job, a signed download link); a session goes through loadSignedInUser.
 */
export async function loadActiveUser(id: unknown): Promise<CurrentUser | null> {
  const user = await loadSignedInUser(id);
  return user && { id: user.id, email: user.email, name: user.name, role: user.role };
}

/** The user a session may act as: a user who must change their password is refused (403). */
export function sessionActor(user: SignedInUser | null): CurrentUser | null {
  if (!user) return null;
  if (user.mustChangePassword) throw passwordChangeRequired();
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}
