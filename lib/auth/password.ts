// Password hashing with bcrypt (bcryptjs: pure JS, nothing to compile), and the rules a
// password someone chooses must follow.
import { randomBytes } from "node:crypto";
import bcrypt from "bcryptjs";

const COST = 10;

/** The shortest password anyone may choose (the change-password form, OUTPORT_ADMIN_PASSWORD). */
export const PASSWORD_MIN_LENGTH = 12;
/** The longest: sign-in refuses anything longer before hashing it. */
export const PASSWORD_MAX_LENGTH = 1024;

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, COST);
}

/** A strong random password (24 URL-safe characters, 144 bits), for an account made at first start. */
export function generatePassword(): string {
  return randomBytes(18).toString("base64url");
}

// Compared against when the e-mail is unknown, so that unknown and known accounts take
// the same time to refuse (no account enumeration by timing).
let dummyHash: Promise<string> | undefined;

export async function verifyPassword(password: string, hash: string | null | undefined): Promise<boolean> {
  dummyHash ??= bcrypt.hash("outport-no-such-user", COST);
  const ok = await bcrypt.compare(password, hash ?? (await dummyHash));
  return ok && typeof hash === "string";
}
