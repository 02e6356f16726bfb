// Who is asking, read from the database on every request (role and active flag are never
// trusted from the session token alone).
import { prisma } from "../data/prisma";
import type { Role } from "../generated/prisma/enums";

export type CurrentUser = { id: number; email: string; name: string; role: Role };

export async function loadActiveUser(id: unknown): Promise<CurrentUser | null> {
  const userId = typeof id === "string" ? Number(id) : id;
  if (typeof userId !== "number" || !Number.isInteger(userId) || userId <= 0) return null;
  const user = await prisma().user.findUnique({
    where: { id: userId },
    select: { id: true, email: true, name: true, role: true, active: true },
  });
  if (!user?.active) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}
