// The real `outport` command (bin/outport.mjs, a child process) against the built app on a
// database of its own (migrated and seeded here), with tokens made by the token use case:
// login, datasets, a direct CSV parsed back, an Excel job's progress lines, 2 datasets × 2
// formats at once, a filter and a rename, --no-wait then status and download, a tampered
// file on the server (exit 4, no file left), Ctrl-C (the job is cancelled), a bad token
// (exit 2), and one run under a real pseudo-terminal (script) redrawing its bar.
import { execFile } from "node:child_process";
import { appendFileSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { rm } from "node:fs/promises";
import Papa from "papaparse";
import pg from "pg";
import { inject } from "vitest";
import { startApp, type RunningApp } from "@/bench/support";
import { applyMigrations } from "@/lib/data/migrate";
import { closePgPool, pgPool } from "@/lib/data/pg";
import { disconnectPrisma, prisma } from "@/lib/data/prisma";
import { seedDemoData } from "@/lib/data/seed/seed";
import { createToken } from "@/lib/tokens/tokens";
import { removeTempDirs, spawnCli, tempDir, waitFor, type Run } from "./run-cli";

const PORT = Number(process.env.CLI_TEST_PORT ?? 3163);
const exportDir = tempDir("outport-cli-exports-");
let app: RunningApp;
let databaseName: string;
let managerToken: string;
let adminToken: string;
let xdg: string;

function adminUrl(): string {
  const url = new URL(inject("databaseUrl"));
  url.pathname = "/postgres";
  return url.toString();
}

async function tokenFor(email: string): Promise<string> {
  const { rows } = await pgPool().query<{ id: number; name: string; role: "admin" | "manager" }>(
    "SELECT id, name, role FROM users WHERE email = $1",
    [email],
  );
  const user = rows[0];
  if (!user) throw new Error(`no user ${email}`);
  const created = await createToken(
    { ...user, email, credential: { kind: "session" } },
    { name: "cli test", scope: "export" },
  );
  return created.token;
}

beforeAll(async () => {
  databaseName = `outport_cli_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${databaseName}"`);
  await admin.end();
  const url = new URL(inject("databaseUrl"));
  url.pathname = `/${databaseName}`;
  await closePgPool();
  await disconnectPrisma();
  process.env.DATABASE_URL = url.toString();
  await applyMigrations(url.toString());
  await seedDemoData(prisma(), pgPool());
  managerToken = await tokenFor("manager@outport.local");
  adminToken = await tokenFor("admin@outport.local");
  app = await startApp(PORT, url.toString(), {
    OUTPORT_EXPORT_DIR: exportDir,
    OUTPORT_EXPORTS_PER_MINUTE: "100",
    OUTPORT_ACTIVE_JOBS_PER_USER: "4",
  });
  xdg = tempDir("outport-cli-xdg-");
}, 180_000);

afterAll(async () => {
  await app?.stop();
  await rm(exportDir, { recursive: true, force: true });
  removeTempDirs();
  await closePgPool();
  await disconnectPrisma();
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
  await admin.end();
});

/** With CLI_TRANSCRIPT=FILE, every command and what it printed is appended to FILE. */
async function cli(args: string[], env: Record<string, string> = {}, input = ""): Promise<Run> {
  const run = await spawnCli(args, { XDG_CONFIG_HOME: xdg, OUTPORT_POLL_MS: "200", ...env }, input).done;
  if (process.env.CLI_TRANSCRIPT) {
    const shown = args.map((a) =>
      a === managerToken || a === adminToken ? "$TOKEN" : /[\s<>*']/.test(a) ? `'${a}'` : a,
    );
    appendFileSync(
      process.env.CLI_TRANSCRIPT,
      `$ outport ${shown.join(" ")}\n${run.stdout}${run.stderr}[exit ${run.code}]\n\n`,
    );
  }
  return run;
}

const asManager = () => ({ OUTPORT_URL: app.base, OUTPORT_TOKEN: managerToken });

function parseCsv(file: string): string[][] {
  const text = readFileSync(file, "utf8").replace(/^\uFEFF/, "");
  return Papa.parse<string[]>(text.trim()).data;
}

describe("outport against the built app", () => {
  it("login with a token on stdin, whoami, datasets", async () => {
    const empty = await cli(["login", "--url", app.base]);
    expect(empty.code).toBe(1); // nothing on stdin
    const login = await cli(["login", "--url", app.base], {}, `${managerToken}\n`);
    expect(login.code, login.stderr).toBe(0);
    expect(login.stdout).toContain("as manager@outport.local (manager)");
    expect(statSync(path.join(xdg, "outport", "config.json")).mode & 0o777).toBe(0o600);
    const who = await cli(["whoami"]);
    expect(who.stdout).toMatch(
      /^manager@outport.local \(Mina Manager\), role manager\ntoken [0-9a-f-]+, scope export\n/,
    );
    const list = await cli(["datasets"]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/Q1 Sales\s+\d+\s+manager@outport.local\s+yes/);
  });

  it("a bad token: exit 2, run `outport login`", async () => {
    const run = await cli(["datasets"], { OUTPORT_URL: app.base, OUTPORT_TOKEN: "outport_pat_nottherightone" });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("run `outport login`");
  });

  it("a direct CSV with a filter and a rename, parsed back", async () => {
    const file = path.join(tempDir(), "negative.csv");
    const run = await cli(
      [
        "export",
        "Q1 Sales",
        "--format",
        "csv",
        "--columns",
        "order_id,amount",
        "--filter",
        "amount<0",
        "--rename",
        "amount=Total",
        "--out",
        file,
      ],
      asManager(),
    );
    expect(run.code, run.stderr).toBe(0);
    const [header, ...rows] = parseCsv(file);
    expect(header).toEqual(["Order ID", "Total"]);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(Number(row[1])).toBeLessThan(0);
    expect(readdirSync(path.dirname(file))).toEqual(["negative.csv"]);
  });

  it("an Excel job: progress lines off a terminal, the file checked and saved", async () => {
    const dir = tempDir();
    const run = await cli(["export", "1", "--format", "excel", "--job", "--out", dir], asManager());
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/Q1 Sales \(excel\): queued as job [0-9a-f-]+/);
    expect(run.stderr).toMatch(/Q1 Sales \(excel\): completed 100% \(\d+\/\d+ rows\)/);
    const [file] = readdirSync(dir);
    expect(file).toMatch(/\.xlsx$/);
    expect(
      readFileSync(path.join(dir, file as string))
        .subarray(0, 2)
        .toString(),
    ).toBe("PK");
  });

  it("two datasets × two formats at once", async () => {
    const dir = tempDir();
    const run = await cli(
      ["export", "Q1 Sales", "Student Enrollment 2024", "--format", "csv,json", "--job", "--out", dir, "--json"],
      asManager(),
    );
    expect(run.code, run.stderr).toBe(0);
    const results = JSON.parse(run.stdout) as Array<{ status: string; sha256: string; path: string }>;
    expect(results).toHaveLength(4);
    expect(results.every((r) => r.status === "completed")).toBe(true);
    expect(readdirSync(dir).filter((f) => !f.startsWith("."))).toHaveLength(4);
    const json = results.find((r) => r.path.endsWith(".json"));
    expect(Array.isArray(JSON.parse(readFileSync(json?.path ?? "", "utf8")))).toBe(true);
  });

  it("--no-wait, then status and download", async () => {
    const queued = await cli(["export", "1", "--format", "ndjson", "--no-wait"], asManager());
    expect(queued.code, queued.stderr).toBe(0);
    const id = queued.stdout.trim();
    let status = "";
    for (let i = 0; i < 100 && status !== "completed"; i++) {
      const run = await cli(["status", id, "--json"], asManager());
      status = (JSON.parse(run.stdout) as { status: string }).status;
      if (status !== "completed") await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe("completed");
    const shown = await cli(["status", id], asManager());
    expect(shown.stdout).toContain(`${id}: completed 100%`);
    const dir = tempDir();
    const got = await cli(["download", id, "--out", dir], asManager());
    expect(got.code, got.stderr).toBe(0);
    const [file] = readdirSync(dir);
    expect(readFileSync(path.join(dir, file as string), "utf8").split("\n")[0]).toMatch(/^\{/);
    const history = await cli(["history"], asManager());
    expect(history.stdout).toMatch(new RegExp(`${id}\\s+completed\\s+ndjson`));
  });

  it("a file tampered with on the server: exit 4, nothing left", async () => {
    const queued = await cli(["export", "1", "--format", "csv", "--job", "--no-wait"], asManager());
    const id = queued.stdout.trim();
    let fileName: string | null = null;
    for (let i = 0; i < 100 && !fileName; i++) {
      const run = await cli(["status", id, "--json"], asManager());
      fileName = (JSON.parse(run.stdout) as { file_name: string | null; status: string }).file_name;
      if (!fileName) await new Promise((r) => setTimeout(r, 200));
    }
    expect(fileName).toBeTruthy();
    const { rows } = await pgPool().query<{ storage_key: string }>(
      "SELECT storage_key FROM export_jobs WHERE id = $1",
      [id],
    );
    const onDisk = path.join(exportDir, rows[0]?.storage_key ?? "missing");
    expect(statSync(onDisk).isFile()).toBe(true);
    appendFileSync(onDisk as string, "tampered\n");
    const dir = tempDir();
    const run = await cli(["download", id, "--out", dir], asManager());
    expect(run.code).toBe(4);
    expect(readdirSync(dir)).toEqual([]);
  });

  it.each(Array.from({ length: Number(process.env.CLI_SIGINT_REPEAT ?? 1) }, (_, i) => i))(
    "Ctrl-C cancels the job it started, exit 130 (%i)",
    async () => {
      const dir = tempDir();
      const child = spawnCli(["export", "All Students", "--format", "excel", "--job", "--out", dir], {
        XDG_CONFIG_HOME: xdg,
        OUTPORT_URL: app.base,
        OUTPORT_TOKEN: adminToken,
        OUTPORT_POLL_MS: "200",
      });
      await waitFor(() => /queued as job/.test(child.output().stderr), 30_000);
      const id = /queued as job ([0-9a-f-]+)/.exec(child.output().stderr)?.[1] ?? "";
      child.kill("SIGINT");
      const run = await child.done;
      expect(run.code, run.stderr).toBe(130);
      expect(run.stderr).toContain(`Cancelled ${id}.`);
      const status = await cli(["status", id, "--json"], { OUTPORT_URL: app.base, OUTPORT_TOKEN: adminToken });
      expect((JSON.parse(status.stdout) as { status: string }).status).toBe("cancelled");
      expect(readdirSync(dir)).toEqual([]);
    },
  );

  it("upload: a CSV becomes a dataset, then exports like any other", async () => {
    const file = path.join(tempDir(), "cli-upload.csv");
    writeFileSync(file, "region,amount\nNorth,-3\nSouth,4\nEast,5\n");
    const run = await cli(["upload", file, "--title", "CLI upload"], asManager());
    expect(run.code, run.stderr).toBe(0);
    const id = /Dataset (\d+) imported: 3 rows/.exec(run.stdout)?.[1];
    expect(id).toBeTruthy();
    const out = path.join(tempDir(), "back.csv");
    const back = await cli(
      ["export", "CLI upload", "--format", "csv", "--filter", "amount<0", "--out", out],
      asManager(),
    );
    expect(back.code, back.stderr).toBe(0);
    expect(parseCsv(out)).toEqual([
      ["region", "amount"],
      ["North", "-3"],
    ]);
  });

  it("under a pseudo-terminal the bar redraws in place", async () => {
    const dir = tempDir();
    const command = [
      process.execPath,
      path.resolve("bin/outport.mjs"),
      "export",
      "All Students",
      "--format",
      "csv",
      "--job",
      "--out",
      dir,
    ]
      .map((part) => `'${part}'`)
      .join(" ");
    const { stdout } = await promisify(execFile)("script", ["-qec", command, "/dev/null"], {
      env: {
        ...process.env,
        XDG_CONFIG_HOME: xdg,
        OUTPORT_URL: app.base,
        OUTPORT_TOKEN: adminToken,
        OUTPORT_POLL_MS: "200",
      },
      maxBuffer: 16 * 1024 * 1024,
    });
    if (process.env.CLI_TRANSCRIPT) {
      appendFileSync(
        process.env.CLI_TRANSCRIPT,
        `$ script -qec 'outport export "All Students" --format csv --job --out DIR'\n${JSON.stringify(stdout.slice(0, 1500))}\n\n`,
      );
    }
    // cli-progress moves the cursor back over its lines (ESC [ … G / ESC [ … A) to redraw.
    expect(stdout).toMatch(/\u001b\[\d*[AG]/);
    expect(stdout).toMatch(/All Students 2024-2025 \(csv\) \|[█░]+\| 100%/);
    expect(readdirSync(dir).filter((f) => f.endsWith(".csv"))).toHaveLength(1);
  }, 120_000);
});
