// Personal access tokens, the use cases: create (from the browser session only), list,
// revoke, and verify a request's `Authorization: Bearer` header. The secret is 32 random
// bytes (256 bits) after TOKEN_PREFIX; only its SHA-256 is stored, and it is shown once —
// in the answer that creates it — never in a list, a log or the audit trail.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { recordAudit } from "../audit/audit";
import { passwordChangeRequired, type CurrentUser } from "../auth/current-user";
import { can } from "../auth/permissions";
import { inTransaction } from "../data/pg";
import { AppError, invalidFields } from "../errors";
import { translate, type Locale } from "../i18n";
import { TOKEN_PREFIX, ZCreateToken, type TokenScope, type ZTokenCreated, type ZTokenListItem } from "./token-schemas";
import {
  findTokenByHash,
  findTokenById,
  insertToken,
  listTokenRows,
  markTokenRevoked,
  touchTokenLastUsed,
  type TokenRow,
} from "./token-store";
import type { z } from "zod";

type TokenCreated = z.infer<typeof ZTokenCreated>;
type TokenListItem = z.infer<typeof ZTokenListItem>;

/** The random part of a secret: 32 bytes in base64url, 43 characters. */
const SECRET_PATTERN = new RegExp(`^${TOKEN_PREFIX}[A-Za-z0-9_-]{43}$`);
const HINT_LENGTH = 6;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** SHA-256 (hex) of the whole secret: what the table keeps. */
export function hashToken(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

export function newTokenSecret(): string {
  return TOKEN_PREFIX + randomBytes(32).toString("base64url");
}

/**
 * The 401 of a bearer token that is malformed, unknown, revoked or expired (or whose user is
 * gone); its answer carries `WWW-Authenticate: Bearer error="invalid_token"` (error-response.ts).
 */
export function invalidToken(reason: string): AppError {
  return new AppError("unauthenticated", "error.token.invalid", { reason: `invalid_token: ${reason}` });
}

function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

function listItem(row: TokenRow): TokenListItem {
  return {
    id: row.id,
    name: row.name,
    scope: row.scope,
    hint: row.hint,
    user_id: row.userId,
    user_email: row.userEmail,
    created_at: row.createdAt.toISOString(),
    expires_at: iso(row.expiresAt),
    last_used_at: iso(row.lastUsedAt),
    revoked_at: iso(row.revokedAt),
  };
}

/**
 * Creates a token for the caller and answers its secret, this once. Only from the browser
 * session: a token cannot mint tokens (403). A viewer's token can only read (422 on scope).
 */
export async function createToken(
  caller: CurrentUser,
  body: unknown,
  locale: Locale = "en",
  ip: string | null = null,
): Promise<TokenCreated> {
  if (caller.credential?.kind === "token") {
    throw new AppError("forbidden", "error.token.sessionOnly", { reason: "token_cannot_create_tokens" });
  }
  const input = ZCreateToken.parse(body);
  if (input.scope === "export" && !can(caller, "export.own")) {
    throw invalidFields([{ field: "scope", message: translate(locale, "error.token.viewerReadOnly") }]);
  }
  const secret = newTokenSecret();
  const id = randomUUID();
  const row = await inTransaction(async (db) => {
    const created = await insertToken(
      {
        id,
        userId: caller.id,
        name: input.name,
        scope: input.scope,
        tokenHash: hashToken(secret),
        hint: secret.slice(TOKEN_PREFIX.length, TOKEN_PREFIX.length + HINT_LENGTH),
        expiresInDays: input.expires_in_days ?? null,
      },
      db,
    );
    await recordAudit(
      {
        action: "token_created",
        actorId: caller.id,
        targetId: id,
        details: { name: created.name, scope: created.scope, user_id: caller.id, expires_at: iso(created.expiresAt) },
        ip,
      },
      db,
    );
    return created;
  });
  return {
    id: row.id,
    name: row.name,
    scope: row.scope,
    token: secret,
    created_at: row.createdAt.toISOString(),
    expires_at: iso(row.expiresAt),
  };
}

/** The caller's tokens, newest first; an admin's list holds everyone's. Never a secret. */
export async function listTokens(caller: CurrentUser): Promise<TokenListItem[]> {
  const rows = await listTokenRows(can(caller, "tokens.any") ? null : caller.id);
  return rows.map(listItem);
}

/**
 * Revokes a token: one's own, or anyone's for an admin (another's token is 404 to others,
 * as if it did not exist). Revoking a revoked token again changes nothing.
 */
export async function revokeToken(caller: CurrentUser, id: string, ip: string | null = null): Promise<void> {
  const row = UUID_PATTERN.test(id) ? await findTokenById(id) : null;
  if (!row || (row.userId !== caller.id && !can(caller, "tokens.any"))) throw new AppError("not_found");
  await inTransaction(async (db) => {
    if (!(await markTokenRevoked(row.id, caller.id, db))) return;
    await recordAudit(
      {
        action: "token_revoked",
        actorId: caller.id,
        targetId: row.id,
        details: { name: row.name, scope: row.scope, user_id: row.userId },
        ip,
      },
      db,
    );
  });
}

/** When each token's last use was last written, so most requests write nothing at all. */
const lastTouched = new Map<string, number>();
const TOUCH_INTERVAL_MS = 60_000;
const TOUCH_CACHE_MAX = 10_000;

function touch(id: string): void {
  const now = Date.now();
  const last = lastTouched.get(id);
  if (last !== undefined && now - last < TOUCH_INTERVAL_MS) return;
  if (lastTouched.size >= TOUCH_CACHE_MAX) lastTouched.clear();
  lastTouched.set(id, now);
  // The UPDATE itself writes at most once a minute per token, across processes too. It is
  // bookkeeping: a failure is logged, the request goes on.
  touchTokenLastUsed(id).catch((error: unknown) => {
    lastTouched.delete(id);
    console.error("Could not record a token's last use:", error);
  });
}

/** Forgets the in-process last-use cache (tests). */
export function resetTokenUseCache(): void {
  lastTouched.clear();
}

/**
 * The user an `Authorization` header's bearer token stands for, read from the database now
 * (role, active flag, must-change-password). 401 (invalidToken) for a header that is not a
 * well-formed token of ours, or a token unknown, revoked, expired or whose user is inactive;
 * 403 when the user must change their password first, as for a session.
 */
export async function verifyBearer(header: string): Promise<CurrentUser> {
  const match = /^bearer[ \t]+(\S+)[ \t]*$/i.exec(header.trim());
  const secret = match?.[1];
  if (!secret || !SECRET_PATTERN.test(secret)) throw invalidToken("malformed");
  const token = await findTokenByHash(hashToken(secret));
  if (!token) throw invalidToken("unknown");
  if (token.revoked) throw invalidToken("revoked");
  if (token.expired) throw invalidToken("expired");
  if (!token.user.active) throw invalidToken("inactive_user");
  if (token.user.mustChangePassword) throw passwordChangeRequired();
  touch(token.id);
  const { id, email, name, role } = token.user;
  return { id, email, name, role, credential: { kind: "token", tokenId: token.id, scope: token.scope as TokenScope } };
}

/** Whether a request's Authorization header asks for bearer authentication (then nothing else is tried). */
export function isBearerHeader(header: string | null): header is string {
  return header !== null && /^\s*bearer(\s|$)/i.test(header);
}
