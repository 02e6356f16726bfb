// next-auth configuration: e-mail + password, JWT sessions that carry the user's id and
// role (the server re-reads both from the database on every request). Attempts are counted
// and throttled before next-auth runs (lib/auth/auth-route.ts).
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { recordAudit } from "../audit/audit";
import { prisma } from "../data/prisma";
import { clientIp } from "../http/request";
import { normalizeEmail } from "./login-throttle";
import { sameOriginTarget } from "./origin";
import { verifyPassword } from "./password";

// next-auth takes its origin from NEXTAUTH_URL, else (with AUTH_TRUST_HOST) from the Host
// header it is given. The sign-in route hands it a Host it has checked against the hosts
// the app is served on (lib/auth/auth-route.ts); the session reads of pages build no URL.
// Without AUTH_TRUST_HOST next-auth would assume http://localhost:3000.
process.env.AUTH_TRUST_HOST ||= "1";

const SESSION_MAX_AGE_S = 12 * 60 * 60;

function requestHeaders(headers: Record<string, unknown> | undefined): Headers {
  const result = new Headers();
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (typeof value === "string") result.set(name, value);
  }
  return result;
}

export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
  pages: { signIn: "/login" },
  logger: {
    // A session cookie that does not decrypt (forged, or signed with an old secret) is read
    // as no session; it is worth a line in the log, not a stack trace per request.
    error(code, metadata) {
      if (code === "JWT_SESSION_ERROR") console.warn("[next-auth] A session cookie could not be read; ignored.");
      else console.error(`[next-auth] ${code}`, metadata);
    },
    warn(code) {
      console.warn(`[next-auth] ${code}`);
    },
    debug() {},
  },
  providers: [
    CredentialsProvider({
      name: "E-mail",
      credentials: { email: { type: "email" }, password: { type: "password" } },
      async authorize(credentials, req) {
        const email = normalizeEmail(credentials?.email);
        const password = credentials?.password ?? "";
        if (!email || !password || email.length > 320 || password.length > 1024) return null;
        const ip = clientIp(requestHeaders(req?.headers));
        try {
          const user = await prisma().user.findUnique({ where: { email } });
          const passwordOk = await verifyPassword(password, user?.passwordHash);
          if (!user || !passwordOk || !user.active) {
            const reason = !user ? "unknown_user" : !passwordOk ? "wrong_password" : "inactive";
            await recordAudit({ action: "login_failed", actorId: user?.id, details: { email, reason }, ip });
            return null;
          }
          await recordAudit({ action: "login_succeeded", actorId: user.id, targetId: user.id, ip });
          return { id: String(user.id), email: user.email, name: user.name, role: user.role };
        } catch (error) {
          // next-auth would hand the client this error's message in its `?error=`: the
          // cause (a database that cannot be reached) is logged here, the client told only
          // that signing in failed.
          console.error("Sign-in could not be checked:", error);
          throw new Error("SignInUnavailable");
        }
      },
    }),
  ],
  callbacks: {
    /** Only targets on the app's own origin are followed; anything else goes home. */
    redirect({ url, baseUrl }) {
      return sameOriginTarget(url, baseUrl) ?? baseUrl;
    },
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
