// Many Outport processes on one separately-run PostgreSQL server (Debian's, started by
// scripts/ci-postgres.sh): a database of their own on it, migrated and seeded, web processes
// of the built app without workers, and `npm run worker` processes that can be SIGKILLed
// and started again. The scale-out and fault tests (tests/scale) and the scale benchmark
// (bench/scale.ts) share it. The caller's own connection (pgPool, prisma) is pointed at the
// cluster's database, so it can read what the processes wrote.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { promisify } from "node:util";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { applyMigrations } from "@/lib/data/migrate";
import { closePgPool, pgPool } from "@/lib/data/pg";
import { disconnectPrisma, prisma } from "@/lib/data/prisma";
import { seedDemoData } from "@/lib/data/seed/seed";
import { stopJobQueue } from "@/lib/jobs/queue";
import { createToken } from "@/lib/tokens/tokens";
import { requireBuild, startApp, type RunningApp } from "./support";

/** A user of the cluster with an export token and a dataset of their own. */
export type ClusterUser = {
  id: number;
  email: string;
  name: string;
  role: "admin" | "manager";
  token: string;
  datasetId: number;
};

export type ClusterOptions = {
  /** A superuser URL of the server (its database is replaced by one of the cluster's own). */
  serverUrl: string;
  /** Names the database and the temporary folders. */
  name: string;
  webPorts: readonly number[];
  workers: number;
  /** Settings of every process beyond the cluster's own (limits, lease, storage …). */
  env?: Record<string, string>;
  /** Users to make, each with a dataset of their own (at most 6). */
  users?: number;
  /**
   * Each worker in a process group of its own, so one can be paused (SIGSTOP): a stopped
   * process in the caller's own group would have the kernel hang up the whole group once
   * that group has no parent left, as when the caller runs in the background.
   */
  detachedWorkers?: boolean;
};

export type Cluster = {
  databaseUrl: string;
  exportDir: string;
  webs: RunningApp[];
  /** The worker processes by index; null while one is down. */
  workers: Array<ChildProcess | null>;
  users: ClusterUser[];
  /** Every line the workers printed, prefixed with their index and pid. */
  log: string[];
  startWorker(index: number): ChildProcess;
  stopWorker(index: number, signal: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
};

// Six owners of a dataset the PDF report can hold (the admin may export any).
const OWNERS: ReadonlyArray<readonly [string, string]> = [
  ["admin@outport.local", "Q1 Sales"],
  ["manager@outport.local", "Q1 Sales"],
  ["manager2@outport.local", "Student Enrollment 2024"],
  ["scale3@outport.local", "Course Evaluations"],
  ["scale4@outport.local", "Evaluation Results"],
  ["scale5@outport.local", "Agent Interactions (confidential)"],
];

/** A PostgreSQL server for a benchmark to make its cluster's database on. */
export type BenchServer = { url: string; startedHere: boolean; stop(): Promise<void> };

/**
 * BENCH_DATABASE_URL (or TEST_SCALE_DATABASE_URL) when set, a superuser URL of a server
 * run by someone else (left running); else Debian's PostgreSQL started with
 * scripts/ci-postgres.sh in a temporary folder, which stop() stops and removes.
 */
export async function benchPostgresServer(log: (line: string) => void): Promise<BenchServer> {
  const given = process.env.BENCH_DATABASE_URL || process.env.TEST_SCALE_DATABASE_URL;
  if (given) {
    log(`PostgreSQL: the server given by ${process.env.BENCH_DATABASE_URL ? "BENCH" : "TEST_SCALE"}_DATABASE_URL.`);
    return { url: given, startedHere: false, stop: async () => {} };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "outport-bench-pg-"));
  const script = path.resolve("scripts/ci-postgres.sh");
  const { stdout } = await promisify(execFile)(script, [dir]);
  const url = stdout.trim();
  log(`PostgreSQL: started with scripts/ci-postgres.sh in ${dir} (stopped at the end).`);
  return {
    url,
    startedHere: true,
    stop: async () => {
      await promisify(execFile)(script, ["stop", dir]).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function onServer(serverUrl: string, sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/** Ends a child process with the signal and waits for it to be gone (SIGKILL after 15 s). */
export async function stopProcess(child: ChildProcess | null, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill(signal);
  const late = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(late);
}

async function makeUsers(count: number): Promise<ClusterUser[]> {
  const users: ClusterUser[] = [];
  for (const [email, title] of OWNERS.slice(0, count)) {
    const user = await prisma().user.upsert({
      where: { email },
      update: {},
      create: { email, name: email.split("@")[0] ?? email, role: "manager", passwordHash: "x" },
    });
    const dataset = await prisma().dataset.findFirstOrThrow({ where: { title } });
    if (user.role !== "admin") await prisma().dataset.update({ where: { id: dataset.id }, data: { ownerId: user.id } });
    const role = user.role === "admin" ? "admin" : "manager";
    const created = await createToken(
      { id: user.id, email, name: user.name, role, credential: { kind: "session" } },
      { name: "cluster", scope: "export" },
    );
    users.push({ id: user.id, email, name: user.name, role, token: created.token, datasetId: dataset.id });
  }
  return users;
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  requireBuild();
  const databaseName = `outport_${options.name}_${process.pid}`;
  await onServer(options.serverUrl, `DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
  await onServer(options.serverUrl, `CREATE DATABASE "${databaseName}"`);
  const url = new URL(options.serverUrl);
  url.pathname = `/${databaseName}`;
  const databaseUrl = url.toString();
  process.env.DATABASE_URL = databaseUrl;
  let users: ClusterUser[];
  try {
    await applyMigrations(databaseUrl);
    await seedDemoData(prisma(), pgPool());
    users = await makeUsers(options.users ?? 0);
  } catch (error) {
    await closePgPool();
    await disconnectPrisma();
    await onServer(options.serverUrl, `DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`).catch(() => {});
    throw error;
  }

  const exportDir = mkdtempSync(path.join(os.tmpdir(), `outport-${options.name}-exports-`));
  const varDir = mkdtempSync(path.join(os.tmpdir(), `outport-${options.name}-var-`));
  const env: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    NEXTAUTH_SECRET: createHash("sha256").update(`${options.name} ${process.pid}`).digest("hex"),
    OUTPORT_EXPORT_DIR: exportDir,
    OUTPORT_VAR_DIR: varDir,
    OUTPORT_WORKERS: "0",
    ...options.env,
  };
  const log: string[] = [];
  const workers: Array<ChildProcess | null> = Array.from({ length: options.workers }, () => null);
  const webs: RunningApp[] = [];

  const startWorker = (index: number): ChildProcess => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: options.detachedWorkers ?? false,
    });
    // Whole lines only: a line can arrive in two chunks.
    const keeper = () => {
      let partial = "";
      return (chunk: Buffer) => {
        const lines = (partial + chunk.toString()).split("\n");
        partial = lines.pop() ?? "";
        for (const line of lines) if (line.trim()) log.push(`[w${index} ${child.pid}] ${line}`);
      };
    };
    child.stdout?.on("data", keeper());
    child.stderr?.on("data", keeper());
    workers[index] = child;
    return child;
  };
  const stopWorker = async (index: number, signal: NodeJS.Signals) => {
    await stopProcess(workers[index] ?? null, signal);
    workers[index] = null;
  };
  // Every step runs even when one before it fails; the first failure is thrown at the end.
  const stop = async () => {
    const steps: Array<() => Promise<unknown>> = [
      ...webs.map((web) => () => web.stop()),
      ...workers.map((_, i) => () => stopWorker(i, "SIGTERM")),
      () => stopJobQueue({ graceful: false }).catch(() => {}), // none may have started here
      () => closePgPool(),
      () => disconnectPrisma(),
      () => onServer(options.serverUrl, `DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`),
      async () => rmSync(exportDir, { recursive: true, force: true }),
      async () => rmSync(varDir, { recursive: true, force: true }),
    ];
    const failures: unknown[] = [];
    for (const step of steps) await step().catch((error: unknown) => failures.push(error));
    if (failures.length > 0) throw failures[0];
  };

  try {
    for (const port of options.webPorts) webs.push(await startApp(port, databaseUrl, env));
    for (let i = 0; i < options.workers; i++) startWorker(i);
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
  return { databaseUrl, exportDir, webs, workers, users, log, startWorker, stopWorker, stop };
}

/** Resolves once the worker process has said its workers run (it takes jobs from then on). */
export async function workerReady(cluster: Cluster, index: number, timeoutMs = 60_000): Promise<void> {
  const child = cluster.workers[index];
  if (!child) throw new Error(`worker ${index} is not running`);
  const mark = `[w${index} ${child.pid}] `;
  const deadline = Date.now() + timeoutMs;
  while (!cluster.log.some((line) => line.startsWith(mark) && line.includes("Workers running"))) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const said = cluster.log.filter((line) => line.startsWith(mark)).slice(-20);
      throw new Error(
        `worker ${index} exited (${child.exitCode ?? child.signalCode}) while starting:\n${said.join("\n")}`,
      );
    }
    if (Date.now() > deadline) throw new Error(`worker ${index} did not start within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
