// Many processes on one PostgreSQL server, with S3 storage: 2 web processes (no workers of
// their own) and 3 `npm run worker` processes against a separately-run server (Debian's
// PostgreSQL in CI, scripts/ci-postgres.sh) and one S3-protocol server (s3rver, started
// here). 60 export jobs from 6 users in every format, asked for through both web
// processes, while workers are SIGKILLed at random moments and started again. Then: every
// job completed exactly once (one completion event each), every object's SHA-256 matches
// its row, no orphan object and no local file is left, each download served by the web
// process that did not ask for it succeeds, no user ever had more jobs at once than the
// limit (a burst through both processes gets exactly the limit), the per-minute limit
// holds across both, the cleanup expires each file once though every worker runs it at
// start, and a schedule ticking in all three workers ran its slot once. The metrics
// scraped at the end agree with the database.
// It needs TEST_SCALE_DATABASE_URL (a superuser URL); without it, it is skipped with the
// reason printed. It runs after the build (npm run test:scale).
import { createHash } from "node:crypto";
import { readdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, type Cluster, type ClusterUser } from "@/bench/cluster";
import { pgPool } from "@/lib/data/pg";
import { EXPORT_FORMATS, type ExportFormat } from "@/lib/export/formats";
import { resetExportRequests } from "@/lib/exports/export-rate-limit";
import { S3ExportStore } from "@/lib/files/s3-export-store";
import { startS3Server, type S3TestServer } from "../helpers/s3-server";

const SERVER_URL = process.env.TEST_SCALE_DATABASE_URL;
if (!SERVER_URL) {
  console.warn(
    "scale-out test skipped: TEST_SCALE_DATABASE_URL is not set (.ci/run starts Debian's PostgreSQL and sets it; locally: scripts/ci-postgres.sh prints one).",
  );
}

const JOBS_PER_USER = 10;
const ACTIVE_LIMIT = 3;
/** Export requests per user per minute: above what the 60 jobs need, checked on its own at the end. */
const PER_MINUTE = 40;
const WEB_PORTS = [3171, 3172];
const SEED = 20261202;
const PREFIX = "scale/";
const METRICS_TOKEN = "scale-metrics-token";

/** A small deterministic random source, so a failing run can be repeated. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function activeJobs(userId: number): Promise<number> {
  const { rows } = await pgPool().query<{ n: number }>(
    `SELECT count(*)::int AS n FROM export_jobs WHERE user_id = $1 AND delivery = 'job' AND status IN ('pending', 'processing')`,
    [userId],
  );
  return rows[0]?.n ?? 0;
}

/** The samples of one metric in Prometheus text: labels and value. */
function metricLines(text: string, name: string): Array<{ labels: Record<string, string>; value: number }> {
  return text
    .split("\n")
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .map((line) => {
      const labels = Object.fromEntries(
        [...(line.match(/\{(.*)\}/)?.[1] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] ?? "", m[2] ?? ""]),
      );
      return { labels, value: Number(line.split(" ").at(-1)) };
    });
}

async function objectKeys(store: S3ExportStore): Promise<string[]> {
  const keys: string[] = [];
  for await (const entry of store.list()) keys.push(entry.key);
  return keys.sort();
}

describe.skipIf(!SERVER_URL)("scale-out: 2 web processes, 3 workers, one PostgreSQL server, S3 storage", () => {
  let s3: S3TestServer;
  let store: S3ExportStore;
  let cluster: Cluster;
  let users: ClusterUser[] = [];
  const jobs: Array<{ id: string; user: ClusterUser; format: ExportFormat; web: number }> = [];
  let kills = 0;
  let refusals = 0;
  let mostActive = 0;
  const webBase = (i: number) => cluster.webs[i % cluster.webs.length]?.base ?? "";
  /** The metrics as a scraper with the metrics token reads them from a web process. */
  const scrape = async (web: number) => {
    const response = await fetch(`${webBase(web)}/api/metrics`, {
      headers: { Authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(response.status).toBe(200);
    return response.text();
  };
  let midRun = "";

  beforeAll(async () => {
    s3 = await startS3Server("outport-scale");
    store = new S3ExportStore(s3.settings(PREFIX));
    cluster = await startCluster({
      serverUrl: SERVER_URL ?? "",
      name: "scale",
      webPorts: WEB_PORTS,
      workers: 3,
      users: 6,
      env: {
        ...s3.env(PREFIX),
        OUTPORT_WORKER_CONCURRENCY: "2",
        OUTPORT_JOB_LEASE_SECONDS: "4",
        OUTPORT_JOB_HEARTBEAT_MS: "500",
        OUTPORT_JOB_MAX_ATTEMPTS: "10",
        OUTPORT_EXPORTS_PER_MINUTE: String(PER_MINUTE),
        OUTPORT_ACTIVE_JOBS_PER_USER: String(ACTIVE_LIMIT),
        OUTPORT_SCHEDULE_TICK_SECONDS: "2",
        OUTPORT_METRICS_TOKEN: METRICS_TOKEN,
        // The workers' own lines (a cleanup skipped for another's) are read below.
        OUTPORT_LOG_LEVEL: "info",
      },
    });
    users = cluster.users;
  }, 300_000);

  afterAll(async () => {
    await cluster?.stop();
    await s3?.stop();
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
        const index = Math.floor(rand() * cluster.workers.length);
        await cluster.stopWorker(index, "SIGKILL");
        kills++;
        await sleep(500);
        cluster.startWorker(index);
      }
    })();

    // No user ever has more jobs waiting or running than the limit, whichever process asked.
    const watcher = (async () => {
      while (submitting || jobs.length < users.length * JOBS_PER_USER) {
        const { rows } = await pgPool().query<{ n: number }>(
          `SELECT count(*)::int AS n FROM export_jobs WHERE delivery = 'job' AND status IN ('pending','processing') GROUP BY user_id ORDER BY 1 DESC LIMIT 1`,
        );
        mostActive = Math.max(mostActive, rows[0]?.n ?? 0);
        if (!midRun && jobs.length >= (users.length * JOBS_PER_USER) / 2) midRun = await scrape(1);
        await sleep(100);
      }
    })();

    // The limit of jobs at once holds across the web processes: a burst of 8 requests by one
    // user, half to each process at the same moment, gets exactly 3 jobs.
    const burster = users[1];
    if (!burster) throw new Error("no user");
    const burst = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        fetch(`${webBase(i)}/api/export/async`, {
          method: "POST",
          headers: { Authorization: `Bearer ${burster.token}`, "Content-Type": "application/json" },
          body: JSON.stringify({ dataset_id: burster.datasetId, format: "pdf", options: {} }),
        }).then(async (response) => ({
          status: response.status,
          body: (await response.json()) as { job_id?: string },
          web: i % cluster.webs.length,
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
          const web = (i + u) % cluster.webs.length;
          for (;;) {
            while ((await activeJobs(user.id)) >= ACTIVE_LIMIT) await sleep(200);
            const response = await fetch(`${webBase(web)}/api/export/async`, {
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
        throw new Error(`jobs still open: ${JSON.stringify(rows)}\n${cluster.log.slice(-40).join("\n")}`);
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
    const objects = await objectKeys(store);
    const localFiles = readdirSync(cluster.exportDir);
    console.log(
      `scale-out: ${jobs.length} jobs from ${users.length} users, ${kills} workers SIGKILLed, a burst of 8 got ${accepted.length} jobs and ${burst.length - accepted.length} refusals across both web processes, ${refusals} later requests refused for the limit of ${ACTIVE_LIMIT} at once (most at once: ${mostActive}); attempts per job: ${[
        ...attempts,
      ]
        .sort((a, b) => a[0] - b[0])
        .map(([n, count]) => `${n}×${count}`)
        .join(", ")}; objects in the bucket: ${objects.length}, local files: ${localFiles.length}`,
    );

    expect(rows).toHaveLength(users.length * JOBS_PER_USER);
    expect(rows.filter((r) => r.status !== "completed").map((r) => `${r.id} ${r.status}`)).toEqual([]);
    // Exactly once: one completion each, one file each.
    expect(rows.filter((r) => r.completed_events !== 1).map((r) => `${r.id} ${r.completed_events}`)).toEqual([]);
    const keys = rows.map((r) => r.storage_key ?? "");
    expect(new Set(keys).size).toBe(rows.length);
    // No orphan object left behind by a killed attempt, and nothing written to local disk.
    expect(objects).toEqual([...keys].sort());
    expect(localFiles).toEqual([]);
    // Every object's bytes are the ones its row promises, and the hash recorded with it too.
    for (const row of rows) {
      const file = await store.open(row.storage_key ?? "");
      expect(file?.recordedSha256).toBe(row.sha256);
      expect(await file?.sha256()).toBe(row.sha256);
      await file?.close();
    }
    expect(mostActive).toBeLessThanOrEqual(ACTIVE_LIMIT);
    expect(kills).toBeGreaterThan(0);

    // A download from the web process that did not take the request succeeds, byte for byte.
    for (const job of jobs) {
      const response = await fetch(`${webBase(job.web + 1)}/api/export/download/${job.id}`, {
        headers: { Authorization: `Bearer ${job.user.token}` },
      });
      expect(response.status).toBe(200);
      const bytes = Buffer.from(await response.arrayBuffer());
      const row = rows.find((r) => r.id === job.id);
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(row?.sha256);
    }

    // The metrics: any web process answers the whole installation's numbers, from the database.
    const metrics = await scrape(0);
    const completedJobs = metricLines(metrics, "outport_exports_total").filter(
      (line) => line.labels.status === "completed" && line.labels.delivery === "job",
    );
    const { rows: counted } = await pgPool().query<{ n: number }>(
      `SELECT count(*)::int AS n FROM export_jobs WHERE status = 'completed' AND delivery = 'job'`,
    );
    expect(completedJobs.reduce((sum, line) => sum + line.value, 0)).toBe(counted[0]?.n);
    expect(metricLines(metrics, "outport_live_workers")[0]?.value).toBe(3);
    expect(metricLines(metrics, "outport_queue_depth").every((line) => line.value === 0)).toBe(true);
    const shown = (text: string) =>
      text
        .split("\n")
        .filter((line) =>
          /^outport_(exports_total|queue_depth|active_jobs|live_workers|downloads_total|export_bytes_total)\b/.test(
            line,
          ),
        )
        .join("\n");
    console.log(
      `scale-out: metrics halfway through:\n${shown(midRun)}\nscale-out: metrics at the end:\n${shown(metrics)}`,
    );
  }, 600_000);

  it("holds the per-minute limit across both web processes", async () => {
    const user = users[2];
    if (!user) throw new Error("no user");
    await resetExportRequests(user.id);
    // Direct CSV downloads, alternating between the processes, two at a time: the limit's
    // count is in the database, so the two together give exactly the limit.
    const statuses: number[] = [];
    for (let i = 0; i < PER_MINUTE + 6; i += 2) {
      statuses.push(
        ...(await Promise.all(
          [i, i + 1].map(async (n) => {
            const response = await fetch(`${webBase(n)}/api/export/csv/${user.datasetId}`, {
              headers: { Authorization: `Bearer ${user.token}` },
            });
            await response.arrayBuffer();
            return response.status;
          }),
        )),
      );
    }
    console.log(
      `scale-out: per-minute limit ${PER_MINUTE}: ${statuses.filter((s) => s === 200).length} answered, ${statuses.filter((s) => s === 429).length} refused, across 2 web processes`,
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(PER_MINUTE);
    expect(statuses.filter((s) => s === 429)).toHaveLength(6);
    // The refused ones are the last: the limit is reached, not a process's own share of it.
    expect(statuses.slice(PER_MINUTE).every((s) => s === 429)).toBe(true);
  }, 120_000);

  it("expires each file once though every worker runs the cleanup at start", async () => {
    const { rows: chosen } = await pgPool().query<{ id: string; storage_key: string }>(
      `SELECT id, storage_key FROM export_jobs WHERE status = 'completed' AND delivery = 'job' ORDER BY id LIMIT 10`,
    );
    expect(chosen).toHaveLength(10);
    await pgPool().query(`UPDATE export_jobs SET expires_at = now() - interval '1 minute' WHERE id = ANY($1::uuid[])`, [
      chosen.map((row) => row.id),
    ]);
    const before = await objectKeys(store);
    const { rows: mark } = await pgPool().query<{ at: Date }>(`SELECT now() AS at`);
    // Only what the restarted workers say counts (earlier starts skipped it too).
    const logMark = cluster.log.length;
    // All three workers started again at the same moment: each runs the cleanup at start.
    await Promise.all(cluster.workers.map((_, i) => cluster.stopWorker(i, "SIGKILL")));
    cluster.workers.forEach((_, i) => cluster.startWorker(i));
    const startup = async () =>
      (
        await pgPool().query<{ details: { expired_jobs: number; files_removed: number; trigger: string } }>(
          `SELECT details FROM audit_events WHERE action = 'retention_purge' AND created_at > $1`,
          [mark[0]?.at],
        )
      ).rows;
    const skipped = () =>
      cluster.log.slice(logMark).filter((line) => line.includes("another process is running it")).length;
    const deadline = Date.now() + 60_000;
    // Each worker either ran it or found another running it.
    while ((await startup()).length + skipped() < 3 && Date.now() < deadline) await sleep(250);
    const runs = await startup();
    const expiredOnce = runs.reduce((sum, run) => sum + run.details.expired_jobs, 0);
    const removed = runs.reduce((sum, run) => sum + run.details.files_removed, 0);
    console.log(
      `scale-out: cleanup at the start of 3 workers: ${runs.length} ran, ${skipped()} skipped, ${expiredOnce} jobs expired, ${removed} objects removed`,
    );
    expect(runs.length + skipped(), cluster.log.slice(-30).join("\n")).toBe(3);
    expect(expiredOnce).toBe(10);
    expect(removed).toBe(10);
    const { rows: statuses } = await pgPool().query<{ status: string }>(
      `SELECT status::text FROM export_jobs WHERE id = ANY($1::uuid[])`,
      [chosen.map((row) => row.id)],
    );
    expect(statuses.every((row) => row.status === "expired")).toBe(true);
    const gone = new Set(chosen.map((row) => row.storage_key));
    expect(await objectKeys(store)).toEqual(before.filter((key) => !gone.has(key)));
  }, 120_000);

  it("runs each slot of a schedule once with three workers ticking", async () => {
    const owner = users[0];
    if (!owner) throw new Error("no user");
    const created = await fetch(`${webBase(0)}/api/schedules`, {
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
    await cluster.stopWorker(1, "SIGKILL");
    cluster.startWorker(1);
    // Its slot's run appears once the workers tick (they may still be starting on a busy machine).
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const { rowCount } = await pgPool().query(`SELECT 1 FROM schedule_runs WHERE schedule_id = $1`, [schedule.id]);
      if (rowCount) break;
      await sleep(250);
    }
    // Then a few more ticks of all three, which must not run that slot again.
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
    await fetch(`${webBase(0)}/api/schedules/${schedule.id}`, {
      method: "DELETE",
      headers: { Authorization: `Bearer ${owner.token}` },
    });
  }, 180_000);
});
