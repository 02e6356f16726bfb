// A user changes their own password: the current one proves it is them, the new one is
// given twice and follows the length rule. The change clears the must-change-password
// flag and is audited in the same transaction. Wrong current passwords count as failed
// sign-ins (lib/auth/login-throttle.ts).
import { z } from "zod";
import { recordAudit } from "../audit/audit";
import { inTransaction, pgPool } from "../data/pg";
import { AppError, fieldErrorsFromZod } from "../errors";
import { claimSignInAttempt, signInSucceeded } from "./login-throttle";
import { hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, verifyPassword } from "./password";

export const ZChangePasswordSchema = z
  .object({
    current_password: z.string().max(PASSWORD_MAX_LENGTH),
    new_password: z.string(),
    confirm_password: z.string(),
  })
  .strict();

type PasswordErrorKey =
  | "password.error.wrongCurrent"
  | "password.error.mismatch"
  | "password.error.tooShort"
  | "password.error.tooLong"
  | "password.error.sameAsCurrent";

/** A 422 naming the field, its message saying why in the reader's language. */
function refuse(field: string, message: string, messageKey: PasswordErrorKey): never {
  throw new AppError("invalid", messageKey, {
    errors: [{ field, message }],
    params: { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH },
  });
}

export async function changePassword(
  user: { id: number; email: string },
  input: unknown,
  ip: string | null = null,
): Promise<void> {
  const parsed = ZChangePasswordSchema.safeParse(input);
  if (!parsed.success) throw new AppError("invalid", "error.invalid", { errors: fieldErrorsFromZod(parsed.error) });
  const { current_password: current, new_password: next, confirm_password: confirm } = parsed.data;

  if (next.length < PASSWORD_MIN_LENGTH) {
    refuse("new_password", `must have at least ${PASSWORD_MIN_LENGTH} characters`, "password.error.tooShort");
  }
  if (next.length > PASSWORD_MAX_LENGTH) {
    refuse("new_password", `can have at most ${PASSWORD_MAX_LENGTH} characters`, "password.error.tooLong");
  }
  if (next !== confirm) refuse("confirm_password", "is not the same as new_password", "password.error.mismatch");

  const { rows } = await pgPool().query<{ hash: string; must_change: boolean }>(
    `SELECT password_hash AS hash, must_change_password AS must_change FROM users WHERE id = $1 AND active`,
    [user.id],
  );
  const stored = rows[0];
  if (!stored) throw new AppError("unauthenticated");
  // The current password is guessed no faster here than at sign-in: the same counters,
  // claimed before it is checked (past the limit, a 429 with Retry-After).
  const claim = await claimSignInAttempt({ ip, email: user.email.toLowerCase() });
  if (!(await verifyPassword(current, stored.hash))) {
    refuse("current_password", "is not the current password", "password.error.wrongCurrent");
  }
  await signInSucceeded(claim);
  if (next === current) refuse("new_password", "is the current password", "password.error.sameAsCurrent");

  const hash = await hashPassword(next);
  await inTransaction(async (db) => {
    // Only over the hash that was checked: a change made meanwhile is not overwritten.
    const updated = await db.query(
      `UPDATE users SET password_hash = $1, must_change_password = false, updated_at = now()
        WHERE id = $2 AND password_hash = $3`,
      [hash, user.id, stored.hash],
    );
    if (updated.rowCount !== 1) {
      refuse("current_password", "is not the current password", "password.error.wrongCurrent");
    }
    await recordAudit(
      {
        action: "password_changed",
        actorId: user.id,
        targetId: user.id,
        details: { required: stored.must_change },
        ip,
      },
      db,
    );
  });
}
