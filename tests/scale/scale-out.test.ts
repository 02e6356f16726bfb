// Many processes on one PostgreSQL server: 2 web processes (no workers of their own) and 3
// `npm run worker` processes against a separately-run server (Debian's PostgreSQL in CI,
// scripts/ci-postgres.sh), all with the same export folder. 60 export jobs from 6 users in
// every format, asked for through both web processes, while workers are SIGKILLed at random
// moments and started again. Then: every job completed exactly once, every file's SHA-256
// matches its row, no orphan or temporary file is left, each download served by the web
// process that did not ask for it succeeds, no user ever had more jobs at once than the
// limit (a burst through both processes gets exactly the limit), and a schedule ticking in
// all three workers ran its slot once.
// It needs TEST_SCALE_DATABASE_URL (a superuser URL); without it, it is skipped with the
// reason printed. It runs after the build (npm run test:scale).
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireBuild, startApp, type RunningApp } from "@/bench/support";
import { applyMigrations } from "@/lib/data/migrate";
import { closePgPool, pgPool } from "@/lib/data/pg";
import { disconnectPrisma, prisma } from "@/lib/data/prisma";
import { seedDemoData } from "@/lib/data/seed/seed";
import { EXPORT_FORMATS, type ExportFormat } from "@/lib/export/formats";
import { stopJobQueue } from "@/lib/jobs/queue";
import { createToken } from "@/lib/tokens/tokens";

const SERVER_URL = process.env.TEST_SCALE_DATABASE_URL;
if (!SERVER_URL) {
  console.warn(
    "scale-out test skipped: TEST_SCALE_DATABASE_URL is not set (.ci/run starts Debian's PostgreSQL and sets it; locally: scripts/ci-postgres.sh prints one).",
  );
}

const JOBS_PER_USER = 10;
const ACTIVE_LIMIT = 3;
const WEB_PORTS = [3171, 3172];
const SEED = 20261202;

/** A small deterministic random source, so a failing run can be repeated. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

type User = { id: number; email: string; name: string; role: "admin" | "manager"; token: string; datasetId: number };

const exportDir = mkdtempSync(path.join(os.tmpdir(), "outport-scale-exports-"));
const varDir = mkdtempSync(path.join(os.tmpdir(), "outport-scale-var-"));
const databaseName = `outport_scale_${process.pid}`;
let databaseUrl = "";
const webs: RunningApp[] = [];
const workers: Array<ChildProcess | null> = [null, null, null];
const log: string[] = [];
const secret = createHash("sha256").update(`scale ${process.pid}`).digest("hex");

const processEnv = (): Record<string, string> => ({
  DATABASE_URL: databaseUrl,
  NEXTAUTH_SECRET: secret,
  OUTPORT_EXPORT_DIR: exportDir,
  OUTPORT_VAR_DIR: varDir,
  OUTPORT_WORKERS: "0",
  OUTPORT_WORKER_CONCURRENCY: "2",
  OUTPORT_JOB_LEASE_SECONDS: "4",
  OUTPORT_JOB_HEARTBEAT_MS: "500",
  OUTPORT_JOB_MAX_ATTEMPTS: "10",
  OUTPORT_EXPORTS_PER_MINUTE: "1000",
  OUTPORT_ACTIVE_JOBS_PER_USER: String(ACTIVE_LIMIT),
  OUTPORT_SCHEDULE_TICK_SECONDS: "2",
});

function startWorkerProcess(index: number): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], {
    env: { ...process.env, ...processEnv() },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) if (line.trim()) log.push(`[w${index} ${child.pid}] ${line}`);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  workers[index] = child;
  return child;
}

async function stopProcess(child: ChildProcess | null, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill(signal);
  await exited;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function activeJobs(userId: number): Promise<number> {
  const { rows } = await pgPool().query<{ n: number }>(
    `SELECT count(*)::int AS n FROM export_jobs WHERE user_id = $1 AND delivery = 'job' AND status IN ('pending', 'processing')`,
    [userId],
  );
  return rows[0]?.n ?? 0;
}

describe.skipIf(!SERVER_URL)("scale-out: 2 web processes, 3 workers, one PostgreSQL server", () => {
  const users: User[] = [];
  const jobs: Array<{ id: string; user: User; format: ExportFormat; web: number }> = [];
  let kills = 0;
  let refusals = 0;
  let mostActive = 0;

  beforeAll(async () => {
    requireBuild();
    const admin = new pg.Client({ connectionString: SERVER_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${databaseName}"`);
    await admin.end();
    const url = new URL(SERVER_URL ?? "");
    url.pathname = `/${databaseName}`;
    databaseUrl = url.toString();
    process.env.DATABASE_URL = databaseUrl;
    await applyMigrations(databaseUrl);
    await seedDemoData(prisma(), pgPool());

    // Six users, each owning one dataset the PDF report can hold (the admin may export any).
    const owners: Array<[string, string]> = [
      ["manager@outport.local", "Q1 Sales"],
      ["manager2@outport.local", "Student Enrollment 2024"],
      ["scale3@outport.local", "Course Evaluations"],
      ["scale4@outport.local", "Evaluation Results"],
      ["scale5@outport.local", "Agent Interactions (confidential)"],
      ["admin@outport.local", "Q1 Sales"],
    ];
    for (const [email, title] of owners) {
      const user = await prisma().user.upsert({
        where: { email },
        update: {},
        create: { email, name: email.split("@")[0] ?? email, role: "manager", passwordHash: "x" },
      });
      const dataset = await prisma().dataset.findFirstOrThrow({ where: { title } });
      if (user.role !== "admin")
        await prisma().dataset.update({ where: { id: dataset.id }, data: { ownerId: user.id } });
      const role = user.role === "admin" ? "admin" : "manager";
      const created = await createToken(
        { id: user.id, email, name: user.name, role, credential: { kind: "session" } },
        { name: "scale", scope: "export" },
      );
      users.push({ id: user.id, email, name: user.name, role, token: created.token, datasetId: dataset.id });
    }

    for (const port of WEB_PORTS) webs.push(await startApp(port, databaseUrl, processEnv()));
    for (let i = 0; i < workers.length; i++) startWorkerProcess(i);
  }, 300_000);

  afterAll(async () => {
    for (const web of webs) await web.stop();
    for (const worker of workers) await stopProcess(worker, "SIGTERM");
    await stopJobQueue({ graceful: false }).catch(() => {});
    await closePgPool();
    await disconnectPrisma();
    if (SERVER_URL) {
      const admin = new pg.Client({ connectionString: SERVER_URL });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
      await admin.end();
    }
    rmSync(exportDir, { recursive: true, force: true });
    rmSync(varDir, { recursive: true, force: true });
  }, 120_000);

  it("runs 60 jobs from 6 users exactly once while workers are killed, and every file is whole", async () => {
    const rand = random(SEED);
    let submitting = true;

    // Workers killed at random moments while jobs run, each started again half a second later.
    const killer = (async () => {
      await sleep(2000);
      while (
        submitting ||
        (await pgPool().query(`SELECT 1 FROM export_jobs WHERE status IN ('pending','processing') LIMIT 1`)).rowCount
      ) {
        await sleep(1500 + rand() * 2500);
        if (kills >= 8) break;
        const index = Math.floor(rand() * workers.length);
        await stopProcess(workers[index] ?? null, "SIGKILL");
        kills++;
        await sleep(500);
        startWorkerProcess(index);
      }
    })();

    // No user ever has more jobs waiting or running than the limit, whichever process asked.
    const watcher = (async () => {
      while (submitting || jobs.length < users.length * JOBS_PER_USER) {
        const { rows } = await pgPool().query<{ n: number }>(
          `SELECT count(*)::int AS n FROM export_jobs WHERE delivery = 'job' AND status IN ('pending','processing') GROUP BY user_id ORDER BY 1 DESC LIMIT 1`,
        );
        mostActive = Math.max(mostActive, rows[0]?.n ?? 0);
        await sleep(100);
      }
    })();

    // The limit of jobs at once holds across the web processes: a burst of 8 requests by one
    // user, half to each process at the same moment, gets exactly 3 jobs.
    const burster = users[1];
    if (!burster) throw new Error("no user");
    const burst = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        fetch(`${webs[i % webs.length]?.base}/api/export/async`, {
          method: "POST",
          headers: { Authorization: `Bearer ${burster.token}`, "Content-Type": "application/json" },
          body: JSON.stringify({ dataset_id: burster.datasetId, format: "pdf", options: {} }),
        }).then(async (response) => ({
          status: response.status,
          body: (await response.json()) as { job_id?: string },
          web: i % webs.length,
        })),
      ),
    );
    const accepted = burst.filter((r) => r.status === 202);
    expect(burst.map((r) => r.status).sort()).toEqual([202, 202, 202, 429, 429, 429, 429, 429]);
    for (const r of accepted) jobs.push({ id: r.body.job_id ?? "", user: burster, format: "pdf", web: r.web });

    // Each user asks for their jobs through both web processes in turn, every format.
    await Promise.all(
      users.map(async (user, u) => {
        for (let i = user === burster ? accepted.length : 0; i < JOBS_PER_USER; i++) {
          const format = EXPORT_FORMATS[(i + u) % EXPORT_FORMATS.length] ?? "csv";
          const web = (i + u) % webs.length;
          for (;;) {
            while ((await activeJobs(user.id)) >= ACTIVE_LIMIT) await sleep(200);
            const response = await fetch(`${webs[web]?.base}/api/export/async`, {
              method: "POST",
              headers: { Authorization: `Bearer ${user.token}`, "Content-Type": "application/json" },
              body: JSON.stringify({ dataset_id: user.datasetId, format, options: {} }),
            });
            if (response.status === 429) {
              refusals++;
              await sleep(300);
              continue;
            }
            expect(response.status, await response.clone().text()).toBe(202);
            const body = (await response.json()) as { job_id: string };
            jobs.push({ id: body.job_id, user, format, web });
            break;
          }
        }
      }),
    );
    submitting = false;

    // Every job ends, completed.
    const deadline = Date.now() + 240_000;
    for (;;) {
      const { rows } = await pgPool().query<{ status: string; n: number }>(
        `SELECT status::text, count(*)::int AS n FROM export_jobs WHERE id = ANY($1::uuid[]) GROUP BY status`,
        [jobs.map((j) => j.id)],
      );
      const open = rows.filter((r) => r.status === "pending" || r.status === "processing").reduce((a, r) => a + r.n, 0);
      if (open === 0) break;
      if (Date.now() > deadline)
        throw new Error(`jobs still open: ${JSON.stringify(rows)}\n${log.slice(-40).join("\n")}`);
      await sleep(500);
    }
    await killer;
    await watcher;

    const { rows } = await pgPool().query<{
      id: string;
      status: string;
      attempts: number;
      sha256: string | null;
      storage_key: string | null;
      completed_events: number;
    }>(
      `SELECT j.id, j.status::text, j.attempts, j.sha256, j.storage_key,
              (SELECT count(*)::int FROM audit_events a
                WHERE a.action = 'export_completed' AND a.details->>'job_id' = j.id::text) AS completed_events
         FROM export_jobs j WHERE j.id = ANY($1::uuid[])`,
      [jobs.map((j) => j.id)],
    );
    const attempts = new Map<number, number>();
    for (const row of rows) attempts.set(row.attempts, (attempts.get(row.attempts) ?? 0) + 1);
    const files = readdirSync(exportDir);
    console.log(
      `scale-out: ${jobs.length} jobs from ${users.length} users, ${kills} workers SIGKILLed, a burst of 8 got ${accepted.length} jobs and ${burst.length - accepted.length} refusals across both web processes, ${refusals} later requests refused for the limit of ${ACTIVE_LIMIT} at once (most at once: ${mostActive}); attempts per job: ${[
        ...attempts,
      ]
        .sort((a, b) => a[0] - b[0])
        .map(([n, count]) => `${n}×${count}`)
        .join(", ")}; files in the folder: ${files.length}`,
    );

    expect(rows).toHaveLength(users.length * JOBS_PER_USER);
    expect(rows.filter((r) => r.status !== "completed").map((r) => `${r.id} ${r.status}`)).toEqual([]);
    // Exactly once: one completion each, one file each.
    expect(rows.filter((r) => r.completed_events !== 1).map((r) => `${r.id} ${r.completed_events}`)).toEqual([]);
    const keys = rows.map((r) => r.storage_key ?? "");
    expect(new Set(keys).size).toBe(rows.length);
    // No orphan file and no temporary file left behind by a killed attempt.
    expect(files.sort()).toEqual([...keys].sort());
    // Every file's bytes are the ones its row promises.
    for (const row of rows) {
      expect(
        createHash("sha256")
          .update(readFileSync(path.join(exportDir, row.storage_key ?? "")))
          .digest("hex"),
      ).toBe(row.sha256);
    }
    expect(mostActive).toBeLessThanOrEqual(ACTIVE_LIMIT);
    expect(kills).toBeGreaterThan(0);

    // A download from the web process that did not take the request succeeds, byte for byte.
    for (const job of jobs) {
      const other = webs[(job.web + 1) % webs.length];
      const response = await fetch(`${other?.base}/api/export/download/${job.id}`, {
        headers: { Authorization: `Bearer ${job.user.token}` },
      });
      expect(response.status).toBe(200);
      const bytes = Buffer.from(await response.arrayBuffer());
      const row = rows.find((r) => r.id === job.id);
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(row?.sha256);
    }
  }, 600_000);

  it("runs each slot of a schedule once with three workers ticking", async () => {
    const owner = users[0];
    if (!owner) throw new Error("no user");
    const created = await fetch(`${webs[0]?.base}/api/schedules`, {
      method: "POST",
      headers: { Authorization: `Bearer ${owner.token}`, "Content-Type": "application/json" },
      body: JSON.stringify({
        dataset_id: owner.datasetId,
        format: "csv",
        cron: "* * * * *",
        timezone: "UTC",
        recipients: ["team@example.com"],
      }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const schedule = (await created.json()) as { id: string; next_run_at: string };
    // Its first slot made due now, with three workers ticking every 2 s (one killed meanwhile).
    await pgPool().query(`UPDATE schedules SET next_run_at = date_trunc('minute', now()) WHERE id = $1`, [schedule.id]);
    await sleep(2500);
    await stopProcess(workers[1] ?? null, "SIGKILL");
    startWorkerProcess(1);
    await sleep(5000);
    const { rows } = await pgPool().query<{ slot_at: Date; n: number }>(
      `SELECT slot_at, count(*)::int AS n FROM schedule_runs WHERE schedule_id = $1 GROUP BY slot_at ORDER BY slot_at`,
      [schedule.id],
    );
    console.log(
      `scale-out: schedule runs per slot: ${rows.map((r) => `${r.slot_at.toISOString()}×${r.n}`).join(", ")}`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows.every((r) => r.n === 1)).toBe(true);
    // Consecutive minutes, if a second slot came meanwhile: none skipped.
    for (let i = 1; i < rows.length; i++) {
      expect((rows[i]?.slot_at.getTime() ?? 0) - (rows[i - 1]?.slot_at.getTime() ?? 0)).toBe(60_000);
    }
    await fetch(`${webs[0]?.base}/api/schedules/${schedule.id}`, {
      method: "DELETE",
      headers: { Authorization: `Bearer ${owner.token}` },
    });
  }, 180_000);
});
