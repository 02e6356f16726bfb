// Requests as a given user: a real next-auth session cookie, signed with the test secret.
import { encode } from "next-auth/jwt";
import { prisma } from "../../lib/data/prisma";

export const DEMO_EMAILS = {
  admin: "admin@outport.local",
  manager: "manager@outport.local",
  manager2: "manager2@outport.local",
  viewer: "viewer@outport.local",
} as const;

export type DemoWho = keyof typeof DEMO_EMAILS;

export async function demoUser(who: DemoWho) {
  return prisma().user.findUniqueOrThrow({ where: { email: DEMO_EMAILS[who] } });
}

export async function sessionCookie(userId: number, extra: Record<string, unknown> = {}): Promise<string> {
  const token = await encode({
    token: { sub: String(userId), ...extra },
    secret: process.env.NEXTAUTH_SECRET ?? "",
  });
  return `next-auth.session-token=${token}`;
}

/** A Request as `who` would send it (or anonymously with `null`). */
export async function requestAs(who: DemoWho | null, url: string, init: RequestInit = {}): Promise<Request> {
  const headers = new Headers(init.headers);
  if (who) headers.set("cookie", await sessionCookie((await demoUser(who)).id));
  return new Request(new URL(url, "http://127.0.0.1:3000"), { ...init, headers });
}

export function routeContext<P>(params: P): { params: Promise<P> } {
  return { params: Promise.resolve(params) };
}
