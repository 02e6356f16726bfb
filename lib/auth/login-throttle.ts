// Slows down repeated failed sign-ins for one e-mail address. Failures are the
// `login_failed` audit events, so the count holds across processes and restarts; the
// answer text never changes, so nothing reveals whether an account exists.
import { config } from "../config";
import { prisma } from "../data/prisma";

export function loginDelayMs(
  recentFailures: number,
  { freeAttempts, maxDelayMs }: { freeAttempts: number; maxDelayMs: number } = config.loginThrottle,
): number {
  if (recentFailures < freeAttempts) return 0;
  return Math.min(maxDelayMs, 500 * 2 ** (recentFailures - freeAttempts));
}

export async function recentLoginFailures(email: string): Promise<number> {
  const since = new Date(Date.now() - config.loginThrottle.windowMinutes * 60_000);
  return prisma().auditEvent.count({
    where: { action: "login_failed", createdAt: { gt: since }, details: { path: ["email"], equals: email } },
  });
}
