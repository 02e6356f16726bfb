// Password hashing with bcrypt (bcryptjs: pure JS, nothing to compile).
import bcrypt from "bcryptjs";

const COST = 10;

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, COST);
}

// Compared against when the e-mail is unknown, so that unknown and known accounts take
// the same time to refuse (no account enumeration by timing).
let dummyHash: Promise<string> | undefined;

export async function verifyPassword(password: string, hash: string | null | undefined): Promise<boolean> {
  dummyHash ??= bcrypt.hash("outport-no-such-user", COST);
  const ok = await bcrypt.compare(password, hash ?? (await dummyHash));
  return ok && typeof hash === "string";
}
