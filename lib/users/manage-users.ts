// User management by admins, the use cases: list, create, change (name, role, active) and
// reset a password. Nothing here is cached anywhere: every request reads its user's role
// and active flag from the database (lib/auth/current-user.ts, lib/tokens/tokens.ts), so a
// change takes effect on that user's next request — their sessions and tokens included.
// The last active admin can be neither demoted nor deactivated (409): the check and the
// change run in one transaction that holds every active admin's row locked.
import { recordAudit } from "../audit/audit";
import { generatePassword, hashPassword } from "../auth/password";
import type { Actor } from "../auth/permissions";
import { inTransaction } from "../data/pg";
import { AppError } from "../errors";
import { translate, type Locale } from "../i18n";
import { pathParam, ZPositiveIdSchema } from "../params";
import {
  ZCreateUser,
  ZResetPassword,
  ZUpdateUser,
  type TUser,
  type TUserWithPassword,
  type TUpdateUser,
} from "./user-schemas";
import {
  findUserRow,
  insertUser,
  listUserRows,
  lockUserAndAdmins,
  setPasswordHash,
  updateUserRow,
  type UserRow,
  type UserState,
} from "./user-store";

function answer(row: UserRow): TUser {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    active: row.active,
    must_change_password: row.mustChangePassword,
    created_at: row.createdAt.toISOString(),
    last_sign_in_at: row.lastSignInAt ? row.lastSignInAt.toISOString() : null,
    datasets: row.datasets,
    exports: row.exports,
  };
}

function notFound(): AppError {
  return new AppError("not_found", "error.user.notFound");
}

/** A user id from a path: text that cannot be one is simply not found. */
export function parseUserId(raw: string): number {
  pathParam(raw, "id");
  const parsed = ZPositiveIdSchema.safeParse(raw);
  if (!parsed.success || !/^\d+$/.test(raw)) throw notFound();
  return parsed.data;
}

async function reload(id: number): Promise<TUser> {
  const row = await findUserRow(id);
  if (!row) throw notFound();
  return answer(row);
}

/** Everyone, by e-mail, with their last sign-in, the datasets they own and the exports they started. */
export async function listUsers(): Promise<TUser[]> {
  return (await listUserRows()).map(answer);
}

/**
 * Creates an account. Without a password, a one-time one is generated and answered this
 * once; the user must change it at the first sign-in. A taken e-mail: 409 naming `email`.
 */
export async function createUser(
  caller: Actor,
  body: unknown,
  locale: Locale = "en",
  ip: string | null = null,
): Promise<TUserWithPassword> {
  const input = ZCreateUser.parse(body);
  const oneTime = input.password === undefined ? generatePassword() : null;
  const passwordHash = await hashPassword(input.password ?? oneTime!);
  const id = await inTransaction(async (db) => {
    const created = await insertUser(
      { email: input.email, name: input.name, role: input.role, passwordHash, mustChangePassword: oneTime !== null },
      db,
    );
    if (created === null) {
      throw new AppError("conflict", "error.user.emailTaken", {
        errors: [{ field: "email", message: translate(locale, "error.user.emailTakenField") }],
      });
    }
    await recordAudit(
      {
        action: "user_created",
        actorId: caller.id,
        targetId: created,
        details: { email: input.email, name: input.name, role: input.role, one_time_password: oneTime !== null },
        ip,
      },
      db,
    );
    return created;
  });
  return { user: await reload(id), password: oneTime };
}

type Changes = { before: Record<string, string | boolean>; after: Record<string, string | boolean> };

function changesOf(current: UserState, patch: TUpdateUser): Changes {
  const changes: Changes = { before: {}, after: {} };
  for (const field of ["name", "role", "active"] as const) {
    const next = patch[field];
    if (next !== undefined && next !== current[field]) {
      changes.before[field] = current[field];
      changes.after[field] = next;
    }
  }
  return changes;
}

/**
 * Changes a user's name, role or active flag. Unknown id: 404. Demoting or deactivating the
 * last active admin: 409, checked against the locked rows of every active admin, so two
 * such changes at once cannot both pass. Audited: user_updated with the changed fields
 * before and after, and user_deactivated when the account is deactivated.
 */
export async function updateUser(
  caller: Actor,
  rawId: string,
  body: unknown,
  ip: string | null = null,
): Promise<TUser> {
  const id = parseUserId(rawId);
  const patch = ZUpdateUser.parse(body);
  await inTransaction(async (db) => {
    const { user, activeAdmins } = await lockUserAndAdmins(id, db);
    if (!user) throw notFound();
    const changes = changesOf(user, patch);
    if (Object.keys(changes.after).length === 0) return;
    const losesAdmin =
      user.role === "admin" && user.active && (changes.after.role !== undefined || changes.after.active === false);
    if (losesAdmin && activeAdmins <= 1) {
      throw new AppError("conflict", "error.user.lastAdmin", { reason: "last_active_admin" });
    }
    await updateUserRow(id, patch, db);
    await recordAudit(
      { action: "user_updated", actorId: caller.id, targetId: id, details: { email: user.email, ...changes }, ip },
      db,
    );
    if (changes.after.active === false) {
      await recordAudit(
        { action: "user_deactivated", actorId: caller.id, targetId: id, details: { email: user.email }, ip },
        db,
      );
    }
  });
  return reload(id);
}

/**
 * Resets a user's password: to the one given, or to a new one-time password answered this
 * once (the user must change it at the next sign-in). Unknown id: 404. Audited: password_reset.
 */
export async function resetPassword(
  caller: Actor,
  rawId: string,
  body: unknown,
  ip: string | null = null,
): Promise<TUserWithPassword> {
  const id = parseUserId(rawId);
  const input = ZResetPassword.parse(body);
  const oneTime = input.password === undefined ? generatePassword() : null;
  const hash = await hashPassword(input.password ?? oneTime!);
  await inTransaction(async (db) => {
    const user = await setPasswordHash(id, hash, oneTime !== null, db);
    if (!user) throw notFound();
    await recordAudit(
      {
        action: "password_reset",
        actorId: caller.id,
        targetId: id,
        details: { email: user.email, one_time_password: oneTime !== null },
        ip,
      },
      db,
    );
  });
  return { user: await reload(id), password: oneTime };
}
