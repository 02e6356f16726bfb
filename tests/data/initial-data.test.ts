// What an empty database is given at first start: the demo only on loopback with the
// embedded database (or when asked for), one admin account anywhere else.
import { describe, expect, it } from "vitest";
import { DEFAULT_ADMIN_EMAIL, InitialDataError, isLoopbackHost, planInitialData } from "@/lib/data/seed/initial-data";

const plan = (host: string | undefined, embedded: boolean, env: Record<string, string> = {}) =>
  planInitialData({ host, embedded, env });

describe("isLoopbackHost", () => {
  it("takes unset, 127.0.0.0/8, localhost and ::1 for loopback", () => {
    for (const host of [undefined, "", "127.0.0.1", "127.1.2.3", "localhost", "LocalHost", "::1", "[::1]"]) {
      expect(isLoopbackHost(host), String(host)).toBe(true);
    }
  });

  it("takes every other address for a reachable one", () => {
    for (const host of [
      "0.0.0.0",
      "::",
      "192.168.1.20",
      "10.0.0.1",
      "example.com",
      "127.0.0.1.example.com",
      "128.0.0.1",
    ]) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });
});

describe("planInitialData", () => {
  it("loads the demo, unlocked and without another admin, on loopback with the embedded database", () => {
    for (const host of [undefined, "127.0.0.1", "localhost", "::1"]) {
      expect(plan(host, true)).toEqual({ demo: { mustChangePassword: false }, admin: null, local: true });
    }
  });

  it("creates one admin with a generated password to change, and no demo, on any other host", () => {
    expect(plan("0.0.0.0", true)).toEqual({
      demo: null,
      admin: { email: DEFAULT_ADMIN_EMAIL, password: null, mustChangePassword: true },
      local: false,
    });
  });

  it("takes a loopback app behind a proxy (trusted proxies, a public NEXTAUTH_URL) for a reachable one", () => {
    const on = (env: Record<string, string>) => planInitialData({ host: "127.0.0.1", embedded: true, env });
    expect(on({ OUTPORT_TRUSTED_PROXIES: "loopback" })).toMatchObject({ demo: null, local: false });
    expect(on({ NEXTAUTH_URL: "https://outport.example.com" })).toMatchObject({ demo: null, local: false });
    expect(on({ NEXTAUTH_URL: "http://localhost:3000" })).toMatchObject({ local: true });
  });

  it("does the same with an external database, even on loopback", () => {
    expect(plan("127.0.0.1", false)).toMatchObject({ demo: null, admin: { password: null, mustChangePassword: true } });
    expect(plan(undefined, false).demo).toBeNull();
  });

  it("takes the admin's e-mail and password from the environment; a chosen password need not be changed", () => {
    const env = { OUTPORT_ADMIN_EMAIL: "  Ops@Example.COM ", OUTPORT_ADMIN_PASSWORD: "a long passphrase" };
    expect(plan("0.0.0.0", false, env).admin).toEqual({
      email: "ops@example.com",
      password: "a long passphrase",
      mustChangePassword: false,
    });
    expect(plan("0.0.0.0", false, { OUTPORT_ADMIN_EMAIL: "ops@example.com" }).admin).toEqual({
      email: "ops@example.com",
      password: null,
      mustChangePassword: true,
    });
  });

  it("loads the demo off loopback only with OUTPORT_DEMO=1, its accounts then to be changed", () => {
    expect(plan("0.0.0.0", true, { OUTPORT_DEMO: "1" })).toEqual({
      demo: { mustChangePassword: true },
      admin: null,
      local: false,
    });
    expect(plan("127.0.0.1", false, { OUTPORT_DEMO: "true" }).demo).toEqual({ mustChangePassword: true });
  });

  it("leaves the demo out on loopback with OUTPORT_DEMO=0, creating the admin instead", () => {
    expect(plan(undefined, true, { OUTPORT_DEMO: "0" })).toMatchObject({
      demo: null,
      admin: { email: DEFAULT_ADMIN_EMAIL, mustChangePassword: true },
    });
  });

  it("adds an asked-for admin next to the demo, but not on a demo account's e-mail", () => {
    expect(plan(undefined, true, { OUTPORT_ADMIN_EMAIL: "ops@example.com" })).toMatchObject({
      demo: { mustChangePassword: false },
      admin: { email: "ops@example.com" },
    });
    expect(() => plan(undefined, true, { OUTPORT_ADMIN_EMAIL: "viewer@outport.local" })).toThrow(
      /OUTPORT_ADMIN_EMAIL: viewer@outport\.local is a demo account's e-mail/,
    );
    // A password alone would go to the default admin e-mail, which the demo's admin has.
    expect(() => plan(undefined, true, { OUTPORT_ADMIN_PASSWORD: "a long passphrase" })).toThrow(
      /set OUTPORT_ADMIN_EMAIL to another e-mail/,
    );
    expect(() => plan(undefined, true, { OUTPORT_ADMIN_PASSWORD: "a long passphrase" })).toThrow(InitialDataError);
  });

  it("refuses a bad OUTPORT_ADMIN_EMAIL, naming it", () => {
    for (const email of ["admin", "admin@", "@example.com", "a b@example.com", `${"x".repeat(320)}@example.com`]) {
      expect(() => plan("0.0.0.0", false, { OUTPORT_ADMIN_EMAIL: email }), email).toThrow(
        /^OUTPORT_ADMIN_EMAIL must be an e-mail address/,
      );
    }
  });

  it("refuses a short, overlong or space-padded OUTPORT_ADMIN_PASSWORD without echoing it", () => {
    const short = () => plan("0.0.0.0", false, { OUTPORT_ADMIN_PASSWORD: "secret-pw11" });
    expect(short).toThrow("OUTPORT_ADMIN_PASSWORD must have at least 12 characters (it has 11).");
    expect(short).not.toThrow(/secret-pw11/);
    expect(() => plan("0.0.0.0", false, { OUTPORT_ADMIN_PASSWORD: "x".repeat(1025) })).toThrow(/at most 1024/);
    expect(() => plan("0.0.0.0", false, { OUTPORT_ADMIN_PASSWORD: " a long passphrase" })).toThrow(/space/);
  });

  it("refuses an OUTPORT_DEMO it does not understand, whatever the host", () => {
    expect(() => plan(undefined, true, { OUTPORT_DEMO: "maybe" })).toThrow(
      'OUTPORT_DEMO must be 1 (load the demo data) or 0 (do not), got "maybe".',
    );
  });

  it("checks the settings even where they are not used (the demo on loopback)", () => {
    expect(() => plan(undefined, true, { OUTPORT_ADMIN_PASSWORD: "short" })).toThrow(/at least 12/);
  });
});
