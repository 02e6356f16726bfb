// Password hashing with bcrypt (bcryptjs: pure JS, nothing to compile), and the rules a
// password someone chooses must follow.
import { randomBytes } from "node:crypto";
import bcrypt from "bcryptjs";

const COST = 10;

export { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "./password-rules";

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
