// The only SQL on personal_access_tokens. Plain pg: verifying a bearer token runs on every
// request a script makes, and a lookup by the unique hash is one index probe.
import { pgPool, type Db } from "../data/pg";
import type { Role } from "../generated/prisma/enums";
import type { TokenScope } from "./token-schemas";

export type TokenRow = {
  id: string;
  userId: number;
  userEmail: string;
  name: string;
  scope: TokenScope;
  hint: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

/** A token found by its hash, with what its request needs of its user (read now, never cached). */
export type TokenWithUser = {
  id: string;
  scope: TokenScope;
  expired: boolean;
  revoked: boolean;
  user: { id: number; email: string; name: string; role: Role; active: boolean; mustChangePassword: boolean };
};

const COLUMNS = `t.id, t.user_id AS "userId", u.email AS "userEmail", t.name, t.scope, t.hint,
                 t.created_at AS "createdAt", t.expires_at AS "expiresAt",
                 t.last_used_at AS "lastUsedAt", t.revoked_at AS "revokedAt"`;

export type NewToken = {
  id: string;
  userId: number;
  name: string;
  scope: TokenScope;
  tokenHash: string;
  hint: string;
  /** Days until it expires; null: never. */
  expiresInDays: number | null;
};

export async function insertToken(token: NewToken, db: Db = pgPool()): Promise<TokenRow> {
  const { rows } = await db.query<TokenRow>(
    `WITH t AS (
       INSERT INTO personal_access_tokens (id, user_id, name, scope, token_hash, hint, expires_at)
       VALUES ($1, $2, $3, $4::"TokenScope", $5, $6,
               CASE WHEN $7::int IS NULL THEN NULL ELSE now() + make_interval(days => $7::int) END)
       RETURNING *)
     SELECT ${COLUMNS} FROM t JOIN users u ON u.id = t.user_id`,
    [token.id, token.userId, token.name, token.scope, token.tokenHash, token.hint, token.expiresInDays],
  );
  return rows[0] as TokenRow;
}

/** The token with this hash and its user, whatever its state (the caller decides), or null. */
export async function findTokenByHash(tokenHash: string): Promise<TokenWithUser | null> {
  const { rows } = await pgPool().query<{
    id: string;
    scope: TokenScope;
    expired: boolean;
    revoked: boolean;
    userId: number;
    email: string;
    name: string;
    role: Role;
    active: boolean;
    mustChangePassword: boolean;
  }>(
    `SELECT t.id, t.scope, (t.expires_at IS NOT NULL AND t.expires_at <= now()) AS expired,
            (t.revoked_at IS NOT NULL) AS revoked,
            u.id AS "userId", u.email, u.name, u.role, u.active, u.must_change_password AS "mustChangePassword"
       FROM personal_access_tokens t JOIN users u ON u.id = t.user_id
      WHERE t.token_hash = $1`,
    [tokenHash],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id,
    scope: row.scope,
    expired: row.expired,
    revoked: row.revoked,
    user: {
      id: row.userId,
      email: row.email,
      name: row.name,
      role: row.role,
      active: row.active,
      mustChangePassword: row.mustChangePassword,
    },
  };
}

/** Tokens newest first: one user's, or everyone's (null). */
export async function listTokenRows(userId: number | null): Promise<TokenRow[]> {
  const { rows } = await pgPool().query<TokenRow>(
    `SELECT ${COLUMNS} FROM personal_access_tokens t JOIN users u ON u.id = t.user_id
      WHERE $1::int IS NULL OR t.user_id = $1::int
      ORDER BY t.created_at DESC, t.id`,
    [userId],
  );
  return rows;
}

export async function findTokenById(id: string): Promise<TokenRow | null> {
  const { rows } = await pgPool().query<TokenRow>(
    `SELECT ${COLUMNS} FROM personal_access_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = $1::uuid`,
    [id],
  );
  return rows[0] ?? null;
}

/** Marks the token revoked (once): true when this call revoked it. */
export async function markTokenRevoked(id: string, revokedBy: number, db: Db = pgPool()): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE personal_access_tokens SET revoked_at = now(), revoked_by = $2
      WHERE id = $1::uuid AND revoked_at IS NULL`,
    [id, revokedBy],
  );
  return (rowCount ?? 0) > 0;
}

/** Records a use: writes only when the last one written is a minute old or more. */
export async function touchTokenLastUsed(id: string): Promise<void> {
  await pgPool().query(
    `UPDATE personal_access_tokens SET last_used_at = now()
      WHERE id = $1::uuid AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
    [id],
  );
}
