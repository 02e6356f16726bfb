// Who is asking, read from the database on every request (role and active flag are never
// trusted from the session token alone).
import { pgPool } from "../data/pg";
import type { Role } from "../generated/prisma/enums";

export type CurrentUser = { id: number; email: string; name: string; role: Role };

export async function loadActiveUser(id: unknown): Promise<CurrentUser | null> {
  const userId = typeof id === "string" ? Number(id) : id;
  if (typeof userId !== "number" || !Number.isInteger(userId) || userId <= 0) return null;
  // On every request: plain SQL, far cheaper than a Prisma query here.
  const { rows } = await pgPool().query<CurrentUser & { active: boolean }>(
    "SELECT id, email, name, role, active FROM users WHERE id = $1",
    [userId],
  );
  const user = rows[0];
  if (!user?.active) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}
