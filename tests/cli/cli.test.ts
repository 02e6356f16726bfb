// The CLI end to end against a stand-in HTTP API (tests/cli/fake-server.ts): the config
// file, every command's requests, the checked download, 429, 401/422 and their exit codes,
// and Ctrl-C through the real bin/outport.mjs as a child process.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { configPath, readConfig, writeConfig } from "@/cli/config";
import { startFake, TOKEN, type Fake } from "./fake-server";
import { removeTempDirs, runCli, spawnCli, tempDir, waitFor } from "./run-cli";

let fake: Fake;
let env: Record<string, string>;

beforeEach(async () => {
  fake = await startFake();
  env = { OUTPORT_URL: fake.url, OUTPORT_TOKEN: TOKEN, XDG_CONFIG_HOME: tempDir("outport-xdg-") };
});
afterEach(() => fake.close());
afterAll(() => removeTempDirs());

describe("config", () => {
  it("lives under XDG_CONFIG_HOME, else ~/.config, and is written 0600", async () => {
    expect(configPath({ XDG_CONFIG_HOME: "/x/y", HOME: "/h" })).toBe("/x/y/outport/config.json");
    expect(configPath({ XDG_CONFIG_HOME: "relative", HOME: "/h" })).toBe("/h/.config/outport/config.json");
    expect(configPath({ HOME: "/h" })).toBe("/h/.config/outport/config.json");
    const file = path.join(tempDir(), "outport", "config.json");
    await writeConfig(file, { url: "http://a", token: "t" });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(await readConfig(file)).toEqual({ url: "http://a", token: "t" });
  });

  it("login checks the token (stdin), saves it 0600; OUTPORT_TOKEN/URL override it", async () => {
    const xdg = env.XDG_CONFIG_HOME as string;
    const file = path.join(xdg, "outport", "config.json");
    writeFileSync(path.join(tempDir(), "x"), "");
    const run = await runCli(["login", "--url", `${fake.url}/`], {
      env: { XDG_CONFIG_HOME: xdg },
      input: `${TOKEN}\n`,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("as manager@outport.local (manager)");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ url: fake.url, token: TOKEN });
    expect(fake.state.requests.at(-1)).toMatchObject({ path: "/api/me" });
    expect(fake.state.requests.at(-1)?.headers.authorization).toBe(`Bearer ${TOKEN}`);

    const who = await runCli(["whoami"], { env: { XDG_CONFIG_HOME: xdg } });
    expect(who.stdout).toBe(
      `manager@outport.local (Mina Manager), role manager\ntoken tok1, scope export\nat ${fake.url}\n`,
    );
    // The environment wins over the file.
    const bad = await runCli(["whoami"], { env: { XDG_CONFIG_HOME: xdg, OUTPORT_TOKEN: "outport_pat_bad" } });
    expect(bad.code).toBe(2);
  });

  it("a bad token: login refuses and saves nothing, exit 2 with the hint", async () => {
    const run = await runCli(["login", "--url", fake.url, "--token", "outport_pat_wrong"], {
      env: { XDG_CONFIG_HOME: env.XDG_CONFIG_HOME as string },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Token expired or revoked: run `outport login`.");
    expect(readdirSync(env.XDG_CONFIG_HOME as string)).toEqual([]);
    const none = await runCli(["login", "--url", fake.url], {
      env: { XDG_CONFIG_HOME: env.XDG_CONFIG_HOME as string },
    });
    expect(none.code).toBe(1);
  });

  it("without a token: exit 2, run `outport login`", async () => {
    const run = await runCli(["datasets"], { env: { XDG_CONFIG_HOME: tempDir() } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("outport login");
  });
});

describe("commands", () => {
  it("datasets: a table, or JSON", async () => {
    const run = await runCli(["datasets"], { env });
    expect(run.code).toBe(0);
    expect(run.stdout.split("\n")[0]).toMatch(/^ID\s+Title\s+Rows\s+Owner\s+Export$/);
    expect(run.stdout).toMatch(/1\s+Q1 Sales\s+2\s+manager@outport.local\s+yes/);
    const json = await runCli(["datasets", "--json"], { env });
    expect((JSON.parse(json.stdout) as unknown[]).length).toBe(3);
  });

  it("--help on every command; unknown options are usage errors", async () => {
    for (const command of [
      "login",
      "whoami",
      "datasets",
      "history",
      "status",
      "download",
      "cancel",
      "upload",
      "export",
    ]) {
      const run = await runCli([command, "--help"], { env });
      expect(run.code, command).toBe(0);
      expect(run.stdout, command).toContain(`Usage: outport ${command}`);
    }
    expect((await runCli(["export", "1"], { env })).code).toBe(1);
    expect((await runCli(["datasets", "--bogus"], { env })).code).toBe(1);
    expect((await runCli(["nope"], { env })).code).toBe(1);
  });

  it("export: a direct CSV (streamed) to a file, with a filter and a rename", async () => {
    fake.state.streamDirect = true;
    const dir = tempDir();
    const file = path.join(dir, "out.csv");
    const run = await runCli(
      ["export", "Q1 Sales", "--format", "csv", "--filter", "amount<0", "--rename", "amount=Total", "--out", file],
      { env },
    );
    expect(run.code).toBe(0);
    expect(readFileSync(file, "utf8")).toBe("order_id,Total\nD1-1,-5\nD1-2,10\n");
    const request = fake.state.requests.find((r) => r.path === "/api/export/csv/1");
    expect(request?.headers.prefer).toBe("respond-async");
    expect(JSON.parse(request?.body ?? "")).toEqual({
      rename: { amount: "Total" },
      filters: [{ column: "amount", op: "lt", value: 0 }],
    });
    expect(readdirSync(dir)).toEqual(["out.csv"]); // no temporary file left
  });

  it("export --job: polled with plain progress lines, downloaded and checked", async () => {
    const dir = tempDir();
    const run = await runCli(["export", "1", "--format", "excel", "--job", "--out", dir], { env });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/Q1 Sales \(excel\): queued as job /);
    expect(run.stderr).toContain("Q1 Sales (excel): processing 40% (1/2 rows)");
    expect(run.stderr).toContain("Q1 Sales (excel): completed 100% (2/2 rows)");
    expect(readFileSync(path.join(dir, "d1.xlsx"), "utf8")).toBe("excel of 1");
    expect(run.stdout).toMatch(/saved .*d1\.xlsx \(10 bytes, sha256 [0-9a-f]{64}\)/);
  });

  it("two datasets × two formats at once, into one folder", async () => {
    const dir = tempDir();
    const run = await runCli(
      ["export", "1", "2", "--format", "csv,json", "--job", "--out", `${dir}/`, "--json", "-q"],
      {
        env,
      },
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    const results = JSON.parse(run.stdout) as Array<{ path: string; status: string }>;
    expect(results.map((r) => r.status)).toEqual(["completed", "completed", "completed", "completed"]);
    expect(readdirSync(dir).sort()).toEqual(["d1.csv", "d1.json", "d2.csv", "d2.json"]);
    expect(readFileSync(path.join(dir, "d2.csv"), "utf8")).toContain("D2-1,-5");
  });

  it("--out FILE with several files is a usage error", async () => {
    const run = await runCli(["export", "1", "2", "--format", "csv", "--out", path.join(tempDir(), "one.csv")], {
      env,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("give a directory");
  });

  it("ambiguous DATASET lists the candidates (exit 1); an unknown one is exit 3", async () => {
    const run = await runCli(["export", "Sales", "--format", "csv"], { env });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("1  Q1 Sales");
    expect(run.stderr).toContain("2  Q2 Sales");
    expect((await runCli(["export", "Nothing", "--format", "csv"], { env })).code).toBe(3);
  });

  it("429: waits Retry-After, says so, and asks again", async () => {
    fake.state.rateLimit = { count: 1, retryAfter: "1" };
    const started = Date.now();
    const run = await runCli(["export", "1", "--format", "csv", "--job", "--out", tempDir()], { env });
    expect(run.code).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(run.stderr).toContain("waiting 1 s");
    expect(fake.state.requests.filter((r) => r.path === "/api/export/async")).toHaveLength(2);
  });

  it("422: the server's field reasons, exit 1", async () => {
    fake.state.invalid = [{ field: "filters.0.op", message: 'contains does not apply to number column "amount"' }];
    const run = await runCli(["export", "1", "--format", "csv", "--filter", "amount~1", "-q"], { env });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('filters.0.op: contains does not apply to number column "amount"');
  });

  it("a SHA-256 mismatch: exit 4, and no file left", async () => {
    fake.state.tamper = true;
    const dir = tempDir();
    const run = await runCli(["export", "1", "--format", "csv", "--job", "--out", dir], { env });
    expect(run.code).toBe(4);
    expect(run.stderr).toContain("is not the server's");
    expect(readdirSync(dir)).toEqual([]);
  });

  it("a Repr-Digest that does not match the bytes: exit 4, the message, and no file left", async () => {
    fake.state.wrongReprDigest = true;
    const dir = tempDir();
    const run = await runCli(["export", "1", "--format", "csv", "--job", "--out", dir], { env });
    expect(run.code).toBe(4);
    const wrong = createHash("sha256").update("other bytes").digest("hex");
    expect(run.stderr).toContain(`is not the server's (${wrong})`);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("a 302 to a presigned URL: followed without the token, checked against the redirect's Repr-Digest", async () => {
    fake.state.presign = true;
    const dir = tempDir();
    const run = await runCli(["export", "1", "--format", "csv", "--job", "--out", dir], { env });
    expect(run.code).toBe(0);
    expect(readdirSync(dir)).toHaveLength(1);
    const fetched = fake.state.requests.filter((r) => r.path.startsWith("/presigned/"));
    expect(fetched).toHaveLength(1);
    expect(fetched[0]?.headers.authorization).toBeUndefined();

    fake.state.wrongReprDigest = true;
    const other = tempDir();
    const wrong = await runCli(["export", "1", "--format", "csv", "--job", "--out", other], { env });
    expect(wrong.code).toBe(4);
    expect(wrong.stderr).toContain("is not the server's");
    expect(readdirSync(other)).toEqual([]);
  });

  it("--no-wait prints the job ids; status, download and history follow them", async () => {
    const queued = await runCli(["export", "1", "--format", "csv", "--no-wait"], { env });
    expect(queued.code).toBe(0);
    const id = queued.stdout.trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const first = await runCli(["status", id], { env });
    expect(first.stdout).toContain(`${id}: processing 40%`);
    await runCli(["status", id], { env });
    const json = JSON.parse((await runCli(["status", id, "--json"], { env })).stdout) as { status: string };
    expect(json.status).toBe("completed");
    const dir = tempDir();
    const got = await runCli(["download", id, "--out", dir], { env });
    expect(got.code).toBe(0);
    expect(readFileSync(path.join(dir, "d1.csv"), "utf8")).toContain("D1-1");
    const toStdout = await runCli(["download", id, "--out", "-"], { env });
    expect(toStdout.stdout).toBe(readFileSync(path.join(dir, "d1.csv"), "utf8"));
    const history = await runCli(["history"], { env });
    expect(history.stdout).toMatch(new RegExp(`${id}\\s+completed\\s+csv`));
    expect((await runCli(["status", "nope"], { env })).code).toBe(3);
  });

  it("cancel: the job's status after it", async () => {
    fake.state.pollsToFinish = Infinity;
    const id = (await runCli(["export", "2", "--format", "pdf", "--no-wait"], { env })).stdout.trim();
    const run = await runCli(["cancel", id], { env });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${id}: cancelled`);
    expect((await runCli(["cancel", id], { env })).code).toBe(4); // 409: not running any more
    const failed = await runCli(["download", id, "--out", tempDir()], { env });
    expect(failed.code).toBe(4);
  });

  it("upload: the file as the body, the title in the query, then the import followed", async () => {
    const file = path.join(tempDir(), "sales.csv");
    writeFileSync(file, "a,b\n1,2\n");
    const run = await runCli(["upload", file, "--title", "Sales 2026"], { env });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Dataset 9 imported");
    const request = fake.state.requests.find((r) => r.method === "POST" && r.path.startsWith("/api/datasets"));
    expect(request?.path).toBe("/api/datasets?title=Sales+2026&file_name=sales.csv");
    expect(request?.headers["content-type"]).toBe("text/csv");
    expect(request?.body).toBe("a,b\n1,2\n");
    expect((await runCli(["upload", "/no/such/file.csv"], { env })).code).toBe(1);
  });
});

describe("Ctrl-C (the real bin/outport.mjs)", () => {
  it("cancels the jobs it started and exits 130", async () => {
    fake.state.pollsToFinish = Infinity;
    const dir = tempDir();
    const child = spawnCli(["export", "1", "2", "--format", "csv", "--job", "--out", dir], env);
    await waitFor(() => fake.state.jobs.size === 2 && [...fake.state.jobs.values()].every((j) => j.polls > 0), 20_000);
    child.kill("SIGINT");
    const run = await child.done;
    expect(run.code).toBe(130);
    expect(run.stderr).toContain("cancelling 2 export(s)");
    expect(fake.state.cancelled.sort()).toEqual([...fake.state.jobs.keys()].sort());
    expect(readdirSync(dir)).toEqual([]);
  }, 30_000);

  it("--detach leaves them running", async () => {
    fake.state.pollsToFinish = Infinity;
    const child = spawnCli(["export", "1", "--format", "csv", "--job", "--detach", "--out", tempDir()], env);
    await waitFor(() => [...fake.state.jobs.values()].some((j) => j.polls > 0), 20_000);
    child.kill("SIGINT");
    const run = await child.done;
    expect(run.code).toBe(130);
    expect(run.stderr).toContain("keep running");
    expect(fake.state.cancelled).toEqual([]);
  }, 30_000);
});
