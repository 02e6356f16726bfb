// What an empty database is given at first start (the launcher and `npm run db:seed` ask
// here). The demo data, whose passwords the README prints, only where nobody else can
// reach it by default: the app on a loopback address with its own embedded database. Any
// other deployment gets one admin account instead, and the demo only when asked for
// (OUTPORT_DEMO=1), its accounts then locked until their passwords are changed.
import { z } from "zod";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "../../auth/password";
import { DEMO_USERS } from "./demo-datasets";

export const DEFAULT_ADMIN_EMAIL = "admin@outport.local";

export type InitialAdmin = {
  email: string;
  /** Given in OUTPORT_ADMIN_PASSWORD, or null: one is generated and shown once. */
  password: string | null;
  /** A generated password must be changed at first sign-in; a chosen one need not. */
  mustChangePassword: boolean;
};

export type InitialData = {
  /** Load the demo data; its users must change their passwords when `mustChangePassword`. */
  demo: { mustChangePassword: boolean } | null;
  /** Create one admin account (besides the demo's, when both). */
  admin: InitialAdmin | null;
  /** Whether the app is reachable only from this machine with its own database. */
  local: boolean;
};

/** A setting that cannot be used; its message names the variable and says what it needs. */
export class InitialDataError extends Error {
  override name = "InitialDataError";
}

const LOOPBACK_NAMES = new Set(["localhost", "::1", "[::1]", "0:0:0:0:0:0:0:1"]);

/** Whether a listen address reaches only this machine (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string | undefined): boolean {
  if (host === undefined || host.trim() === "") return true; // the launcher's default, 127.0.0.1
  const name = host.trim().toLowerCase();
  if (LOOPBACK_NAMES.has(name)) return true;
  const parts = name.split(".");
  return (
    parts.length === 4 && parts[0] === "127" && parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255)
  );
}

function isLoopbackUrl(raw: string): boolean {
  try {
    return isLoopbackHost(new URL(raw).hostname);
  } catch {
    return false;
  }
}

function demoSetting(raw: string | undefined): boolean | null {
  if (raw === undefined || raw.trim() === "") return null;
  const value = raw.trim().toLowerCase();
  if (["1", "true", "yes", "on"].includes(value)) return true;
  if (["0", "false", "no", "off"].includes(value)) return false;
  throw new InitialDataError(`OUTPORT_DEMO must be 1 (load the demo data) or 0 (do not), got "${raw}".`);
}

const ZEmail = z.email();

function adminEmail(raw: string | undefined): string | null {
  if (raw === undefined || raw.trim() === "") return null;
  const email = raw.trim().toLowerCase();
  // Sign-in refuses longer e-mails (lib/auth/auth-options.ts).
  if (email.length > 320 || !ZEmail.safeParse(email).success) {
    throw new InitialDataError(`OUTPORT_ADMIN_EMAIL must be an e-mail address, got "${raw}".`);
  }
  return email;
}

function adminPassword(raw: string | undefined): string | null {
  if (raw === undefined || raw === "") return null;
  if (raw.length < PASSWORD_MIN_LENGTH) {
    throw new InitialDataError(
      `OUTPORT_ADMIN_PASSWORD must have at least ${PASSWORD_MIN_LENGTH} characters (it has ${raw.length}).`,
    );
  }
  if (raw.length > PASSWORD_MAX_LENGTH) {
    throw new InitialDataError(`OUTPORT_ADMIN_PASSWORD can have at most ${PASSWORD_MAX_LENGTH} characters.`);
  }
  if (raw.trim() !== raw) {
    throw new InitialDataError("OUTPORT_ADMIN_PASSWORD starts or ends with a space: remove it (or quote it as meant).");
  }
  return raw;
}

/**
 * Decides what an empty database is given. `host` is the address the app listens on
 * (HOST), `embedded` whether it runs on its own embedded PostgreSQL (no DATABASE_URL).
 * Every setting is checked whatever the answer, so a mistyped one fails the start at once.
 */
export function planInitialData(input: {
  host: string | undefined;
  embedded: boolean;
  env: Partial<Record<string, string>>;
}): InitialData {
  const demoAsked = demoSetting(input.env.OUTPORT_DEMO);
  const email = adminEmail(input.env.OUTPORT_ADMIN_EMAIL);
  const password = adminPassword(input.env.OUTPORT_ADMIN_PASSWORD);
  // Behind a proxy (trusted proxies named, or a public NEXTAUTH_URL) the app is reachable by
  // others even on a loopback address.
  const publicUrl = input.env.NEXTAUTH_URL ? !isLoopbackUrl(input.env.NEXTAUTH_URL) : false;
  const local =
    isLoopbackHost(input.host) && input.embedded && !input.env.OUTPORT_TRUSTED_PROXIES?.trim() && !publicUrl;

  const demo = (demoAsked ?? local) ? { mustChangePassword: !local } : null;
  // With the demo, its own admin is there: another one only when one is asked for.
  const wantAdmin = !demo || email !== null || password !== null;
  const admin: InitialAdmin | null = wantAdmin
    ? { email: email ?? DEFAULT_ADMIN_EMAIL, password, mustChangePassword: password === null }
    : null;

  if (demo && admin && DEMO_USERS.some((user) => user.email === admin.email)) {
    throw new InitialDataError(
      `OUTPORT_ADMIN_EMAIL: ${admin.email} is a demo account's e-mail; with the demo data, ` +
        `set OUTPORT_ADMIN_EMAIL to another e-mail for the admin account.`,
    );
  }
  return { demo, admin, local };
}
