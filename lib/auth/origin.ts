// The origin the sign-in answers for, so that a forged Host header cannot steer its
// redirects. NEXTAUTH_URL, when set, is the one origin. Otherwise the app is reachable on
// the address it listens on (HOST, PORT, which the launcher passes on): a request naming
// one of those hosts is answered for it, any other gets the canonical origin.
import os from "node:os";

/** The variables the origin is worked out from. */
export type OriginEnv = { NEXTAUTH_URL?: string; HOST?: string; PORT?: string };

export type AppOrigins = { canonical: string; hosts: ReadonlySet<string>; fixed: boolean };

const LOOPBACK_NAMES = ["127.0.0.1", "localhost", "::1"];

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function isWildcard(host: string): boolean {
  return host === "0.0.0.0" || host === "::" || host === "";
}

/** A host name as it appears in a Host header: IPv6 in brackets, lower case. */
function hostName(name: string): string {
  const bare = name.replace(/^\[|\]$/g, "").toLowerCase();
  return bare.includes(":") ? `[${bare}]` : bare;
}

function hostsFor(names: Iterable<string>, port: string): string[] {
  return [...names].flatMap((name) => {
    const host = hostName(name);
    return port === "80" ? [host, `${host}:80`] : [`${host}:${port}`];
  });
}

function machineAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flatMap((entries) => entries ?? [])
    .map((entry) => entry.address);
}

function originOf(host: string): string {
  return `http://${host}`;
}

let cached: { key: string; origins: AppOrigins } | undefined;

export function appOrigins(env: OriginEnv = process.env): AppOrigins {
  const key = [env.NEXTAUTH_URL, env.HOST, env.PORT].join("\n");
  if (cached?.key === key) return cached.origins;
  let origins: AppOrigins;
  if (env.NEXTAUTH_URL) {
    const url = new URL(env.NEXTAUTH_URL);
    origins = { canonical: url.origin, hosts: new Set([url.host]), fixed: true };
  } else {
    const listen = (env.HOST ?? "127.0.0.1").trim();
    const port = env.PORT?.trim() || "3000";
    let names: string[];
    let canonicalName: string;
    if (isWildcard(listen)) {
      const external = Object.values(os.networkInterfaces())
        .flatMap((entries) => entries ?? [])
        .find((entry) => entry.family === "IPv4" && !entry.internal);
      names = [...LOOPBACK_NAMES, ...machineAddresses(), os.hostname()];
      canonicalName = external?.address ?? "127.0.0.1";
    } else if (isLoopback(listen)) {
      names = [...LOOPBACK_NAMES, listen];
      canonicalName = listen;
    } else {
      names = [listen];
      canonicalName = listen;
    }
    origins = {
      canonical: originOf(hostsFor([canonicalName], port)[0]!),
      hosts: new Set(hostsFor(names, port)),
      fixed: false,
    };
  }
  cached = { key, origins };
  return origins;
}

/** The origin to answer a request for: its own host when the app is served there, else the canonical one. */
export function requestOrigin(headers: Headers, env: OriginEnv = process.env): string {
  const origins = appOrigins(env);
  if (origins.fixed) return origins.canonical;
  const host = headers.get("host")?.trim().toLowerCase();
  return host && origins.hosts.has(host) ? originOf(host) : origins.canonical;
}

/**
 * A sign-in callback target that stays on `origin`: a same-site path or a URL of that
 * origin, else null. Protocol-relative (`//host`), backslash and scheme tricks are refused.
 */
export function sameOriginTarget(target: unknown, origin: string): string | null {
  if (typeof target !== "string" || target.length === 0 || target.length > 2048) return null;
  if (/[\u0000-\u001f\\]/.test(target)) return null;
  if (target.startsWith("/")) {
    if (target.startsWith("//")) return null;
    return `${origin}${target}`;
  }
  try {
    const url = new URL(target);
    return url.origin === origin ? url.href : null;
  } catch {
    return null;
  }
}
