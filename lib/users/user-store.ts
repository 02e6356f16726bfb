// The SQL of user management: the list with each user's last sign-in and counts, inserting
// an account, locking and changing one. Plain pg, so a change and its audit event share a
// transaction.
import { pgPool, type Db } from "../data/pg";
import type { Role } from "../generated/prisma/enums";

export type UserRow = {
  id: number;
  email: string;
  name: string;
  role: Role;
  active: boolean;
  mustChangePassword: boolean;
  createdAt: Date;
  lastSignInAt: Date | null;
  datasets: number;
  exports: number;
};

/** A user's own columns, as a change reads and writes them. */
export type UserState = { id: number; email: string; name: string; role: Role; active: boolean };

const LIST_SQL = `
  SELECT u.id, u.email, u.name, u.role, u.active,
         u.must_change_password AS "mustChangePassword", u.created_at AS "createdAt",
         (SELECT max(a.created_at) FROM audit_events a
           WHERE a.action = 'login_succeeded' AND a.target_type = 'user' AND a.target_id = u.id::text) AS "lastSignInAt",
         (SELECT count(*)::int FROM datasets d WHERE d.owner_id = u.id AND d.deleted_at IS NULL) AS datasets,
         (SELECT count(*)::int FROM export_jobs j WHERE j.user_id = u.id) AS exports
    FROM users u`;

export async function listUserRows(db: Db = pgPool()): Promise<UserRow[]> {
  const { rows } = await db.query<UserRow>(`${LIST_SQL} ORDER BY u.email`);
  return rows;
}

export async function findUserRow(id: number, db: Db = pgPool()): Promise<UserRow | null> {
  const { rows } = await db.query<UserRow>(`${LIST_SQL} WHERE u.id = $1`, [id]);
  return rows[0] ?? null;
}

export type NewUser = { email: string; name: string; role: Role; passwordHash: string; mustChangePassword: boolean };

/** Inserts an account; null when the e-mail is already taken (nothing is written). */
export async function insertUser(user: NewUser, db: Db = pgPool()): Promise<number | null> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO users (email, name, role, password_hash, must_change_password, updated_at)
     VALUES ($1, $2, $3::"Role", $4, $5, now())
     ON CONFLICT (email) DO NOTHING
     RETURNING id`,
    [user.email, user.name, user.role, user.passwordHash, user.mustChangePassword],
  );
  return rows[0]?.id ?? null;
}

/**
 * Locks every active admin's row and the target's, in id order (so two changes never wait
 * on each other crosswise), and answers the target's state and how many active admins there
 * are. Inside a transaction: the locks hold until it ends.
 */
export async function lockUserAndAdmins(id: number, db: Db): Promise<{ user: UserState | null; activeAdmins: number }> {
  const { rows } = await db.query<UserState>(
    `SELECT id, email, name, role, active FROM users
      WHERE id = $1 OR (role = 'admin' AND active)
      ORDER BY id
      FOR UPDATE`,
    [id],
  );
  return {
    user: rows.find((row) => row.id === id) ?? null,
    activeAdmins: rows.filter((row) => row.role === "admin" && row.active).length,
  };
}

export async function updateUserRow(
  id: number,
  patch: { name?: string; role?: Role; active?: boolean },
  db: Db,
): Promise<void> {
  await db.query(
    `UPDATE users SET name = COALESCE($2, name), role = COALESCE($3::"Role", role),
                      active = COALESCE($4, active), updated_at = now()
      WHERE id = $1`,
    [id, patch.name ?? null, patch.role ?? null, patch.active ?? null],
  );
}

/** Sets a new password hash; null when there is no such user. */
export async function setPasswordHash(
  id: number,
  hash: string,
  mustChange: boolean,
  db: Db,
): Promise<UserState | null> {
  const { rows } = await db.query<UserState>(
    `UPDATE users SET password_hash = $2, must_change_password = $3, updated_at = now()
      WHERE id = $1
      RETURNING id, email, name, role, active`,
    [id, hash, mustChange],
  );
  return rows[0] ?? null;
}

/** A user's own settings, as the account page reads and changes them. */
export type AccountRow = { id: number; email: string; name: string; locale: "en" | "ko" };

/** Locks an active user's row for a change of their own settings; null when there is no such active user. */
export async function lockAccount(id: number, db: Db): Promise<AccountRow | null> {
  const { rows } = await db.query<AccountRow>(
    `SELECT id, email, name, locale FROM users WHERE id = $1 AND active FOR UPDATE`,
    [id],
  );
  return rows[0] ?? null;
}

export async function findAccount(id: number, db: Db = pgPool()): Promise<AccountRow | null> {
  const { rows } = await db.query<AccountRow>(`SELECT id, email, name, locale FROM users WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

export async function updateAccountRow(
  id: number,
  patch: { name?: string; locale?: "en" | "ko" },
  db: Db,
): Promise<AccountRow> {
  const { rows } = await db.query<AccountRow>(
    `UPDATE users SET name = COALESCE($2, name), locale = COALESCE($3, locale), updated_at = now()
      WHERE id = $1
      RETURNING id, email, name, locale`,
    [id, patch.name ?? null, patch.locale ?? null],
  );
  return rows[0]!;
}

/** Joins a user's row as `alias` (for a table that names its user by `idExpression`). */
export function joinUserSql(alias: string, idExpression: string): string {
  return `JOIN users ${alias} ON ${alias}.id = ${idExpression}`;
}

/** The active administrators, to tell them what an owner can no longer be told. */
export async function activeAdmins(db: Db = pgPool()): Promise<AccountRow[]> {
  const { rows } = await db.query<AccountRow>(
    `SELECT id, email, name, locale FROM users WHERE role = 'admin' AND active ORDER BY id`,
  );
  return rows;
}
