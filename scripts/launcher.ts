// `npm start` (and `npm run dev`, and Playwright's web server): one command that brings
// up everything. Starts the embedded PostgreSQL unless DATABASE_URL is set, applies the
// migrations, gives an empty database its first data (the demo on loopback with the
// embedded database, else one admin account: lib/data/seed/initial-data.ts), builds the
// app when there is no build, then runs the app (scripts/server.ts: Next behind our HTTP
// edge) on 127.0.0.1 with the export workers inside. Ctrl-C / SIGTERM stop Next first and the
// database last.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { config, varDir } from "../lib/config";
import { openDatabase, type OpenDatabase } from "../lib/data/bootstrap";
import { EmbeddedDatabaseError } from "../lib/data/embedded-postgres";
import { readOrCreateSecret } from "../lib/data/embedded-secret-file";
import { closePgPool, pgPool } from "../lib/data/pg";
import { disconnectPrisma, prisma } from "../lib/data/prisma";
import { planInitialData, type InitialData } from "../lib/data/seed/initial-data";
import { isDatabaseEmpty, loadInitialData, lockPublishedDemoPasswords } from "../lib/data/seed/seed";
import { log as logger } from "../lib/log";
import { isPortFree } from "../lib/net/ports";

const started = Date.now();
const dev = process.argv.includes("--dev");
// --fresh: start from an empty database (Playwright's throw-away data directory).
const fresh = process.argv.includes("--fresh");
const host = process.env.HOST ?? "127.0.0.1";
const port = Number(process.env.PORT ?? 3000);
// `npm run dev` logs for a person at a terminal unless told otherwise; the app inherits it.
if (dev) process.env.OUTPORT_LOG_FORMAT ??= "text";
const log = (line: string) => logger.info(line, { process: "launcher" });

// embedded-postgres installs SIGINT/SIGTERM hooks that stop the database at once; we
// stop it ourselves, after Next, so in-flight requests can finish.
process.removeAllListeners("SIGINT");
process.removeAllListeners("SIGTERM");

function fail(message: string): never {
  logger.error(message, { process: "launcher" });
  process.exit(1);
}

/** NEXTAUTH_SECRET from the environment, else one generated once and kept in var/. */
function authSecret(): string {
  if (process.env.NEXTAUTH_SECRET) return process.env.NEXTAUTH_SECRET;
  return readOrCreateSecret(path.join(varDir(), "auth-secret"));
}

function nextBin(): string {
  return createRequire(import.meta.url).resolve("next/dist/bin/next");
}

function runNext(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const preload = path.resolve("scripts/exit-with-parent.cjs");
  return spawn(process.execPath, ["--require", preload, nextBin(), ...args], { stdio: "inherit", env });
}

async function build(env: NodeJS.ProcessEnv): Promise<void> {
  log("No build found: building the app (about a minute, once) …");
  const code = await new Promise<number>((resolve) => runNext(["build"], env).on("exit", (c) => resolve(c ?? 1)));
  if (code !== 0) throw new Error("`next build` failed; see the output above.");
}

async function waitUntilHealthy(url: string, child: ChildProcess): Promise<boolean> {
  while (child.exitCode === null) {
    try {
      const response = await fetch(url);
      if (response.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return false;
}

async function main() {
  if (!Number.isInteger(port) || port <= 0 || port > 65535)
    fail(`PORT must be a port number, got "${process.env.PORT}".`);
  if (!(await isPortFree(port, host))) {
    fail(
      `Port ${port} on ${host} is already in use (another Outport or another program?). Stop it, or start on another port: PORT=3001 npm start`,
    );
  }

  if (fresh) {
    if (!process.env.OUTPORT_VAR_DIR) fail("--fresh deletes the database: it needs its own OUTPORT_VAR_DIR.");
    rmSync(path.join(varDir(), "postgres"), { recursive: true, force: true });
  }

  // Checked before the database starts, so a mistyped OUTPORT_ADMIN_* / OUTPORT_DEMO fails at once.
  let initialData: InitialData;
  try {
    initialData = planInitialData({ host, embedded: !process.env.DATABASE_URL, env: process.env });
  } catch (error) {
    fail((error as Error).message);
  }

  let db: OpenDatabase;
  try {
    db = await openDatabase(log);
  } catch (error) {
    fail(error instanceof EmbeddedDatabaseError || error instanceof Error ? error.message : String(error));
  }

  try {
    if (await isDatabaseEmpty(prisma())) await loadInitialData(prisma(), pgPool(), initialData, log);
    else if (!initialData.local) {
      const flagged = await lockPublishedDemoPasswords(pgPool());
      if (flagged.length > 0) {
        log(
          `Reachable by others: ${flagged.join(", ")} still use the README's demo passwords and must change them at sign-in.`,
        );
      }
    }
  } finally {
    await disconnectPrisma();
    await closePgPool();
  }

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: db.url,
    NEXTAUTH_SECRET: authSecret(),
    // The address the server listens on: without NEXTAUTH_URL, the sign-in answers only for
    // hosts it is served on (lib/auth/origin.ts), e.g. 127.0.0.1 and localhost on loopback.
    HOST: host,
    PORT: String(port),
    NEXT_TELEMETRY_DISABLED: "1",
  };
  if (!dev && !existsSync(path.resolve(".next/BUILD_ID"))) {
    try {
      await build(env);
    } catch (error) {
      await db.stop();
      fail((error as Error).message);
    }
  }

  // The export workers run inside the server (instrumentation.ts): they, not Next, handle
  // SIGTERM, so that shutdown lets running jobs finish or hands them back first.
  const serverEnv = config.jobs.inProcessWorkers > 0 ? { ...env, NEXT_MANUAL_SIG_HANDLE: "1" } : env;
  // Our server (scripts/server.ts) runs Next's request handler behind the HTTP edge.
  const child = spawn(
    process.execPath,
    ["--require", path.resolve("scripts/exit-with-parent.cjs"), "--import", "tsx", "scripts/server.ts"].concat(
      dev ? ["--dev"] : [],
    ),
    { stdio: "inherit", env: { ...serverEnv, HOST: host, PORT: String(port) } },
  );
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping …`);
    child.kill(signal);
    setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  // npm does not pass SIGTERM on to its script: when `npm start` is stopped that way, its
  // shell dies and we are left behind. Stop as if we had been sent the signal.
  if (process.env.npm_lifecycle_event) {
    const parent = process.ppid;
    setInterval(() => process.ppid !== parent && stop("SIGTERM"), 1000).unref();
  }

  child.on("exit", async (code, signal) => {
    await db.stop();
    if (db.embedded) log("Embedded PostgreSQL stopped.");
    process.exit(stopping ? 0 : (code ?? (signal ? 1 : 0)));
  });

  const url = `http://${host}:${port}`;
  if (await waitUntilHealthy(`${url}/api/health`, child)) {
    log(`Outport is ready on ${url} (started in ${((Date.now() - started) / 1000).toFixed(1)} s).`);
  }
}

main().catch((error: unknown) => fail(error instanceof Error ? (error.stack ?? error.message) : String(error)));
