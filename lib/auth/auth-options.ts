// next-auth configuration: e-mail + password, JWT sessions that carry the user's id and
// role (the server re-reads both from the database on every request).
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { recordAudit } from "../audit/audit";
import { prisma } from "../data/prisma";
import { loginDelayMs, recentLoginFailures } from "./login-throttle";
import { verifyPassword } from "./password";

const SESSION_MAX_AGE_S = 12 * 60 * 60;

function headerValue(headers: Record<string, unknown> | undefined, name: string): string | null {
  const value = headers?.[name];
  return typeof value === "string" ? value : null;
}

export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
  pages: { signIn: "/login" },
  providers: [
    CredentialsProvider({
      name: "E-mail",
      credentials: { email: { type: "email" }, password: { type: "password" } },
      async authorize(credentials, req) {
        const email = (credentials?.email ?? "").trim().toLowerCase();
        const password = credentials?.password ?? "";
        if (!email || !password || email.length > 320 || password.length > 1024) return null;
        const ip = headerValue(req?.headers, "x-forwarded-for")?.split(",")[0]?.trim() ?? null;

        const delay = loginDelayMs(await recentLoginFailures(email));
        if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));

        const user = await prisma().user.findUnique({ where: { email } });
        const passwordOk = await verifyPassword(password, user?.passwordHash);
        if (!user || !passwordOk || !user.active) {
          const reason = !user ? "unknown_user" : !passwordOk ? "wrong_password" : "inactive";
          await recordAudit({ action: "login_failed", actorId: user?.id, details: { email, reason }, ip });
          return null;
        }
        await recordAudit({ action: "login_succeeded", actorId: user.id, targetId: user.id, ip });
        return { id: String(user.id), email: user.email, name: user.name, role: user.role };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.sub = user.id;
        token.role = user.role;
      }
      return token;
    },
    session({ session, token }) {
      session.user = {
        id: token.sub ?? "",
        name: token.name ?? "",
        email: token.email ?? "",
        role: token.role,
      };
      return session;
    },
  },
};
