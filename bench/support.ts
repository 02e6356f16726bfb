// What the benchmarks share: the database (joining a running `npm start`'s embedded one),
// the built app started on a port of its own, a session cookie for it, and the resident
// memory of a process tree.
import { spawn } from "node:child_process";
import http from "node:http";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { encode } from "next-auth/jwt";
import { varDir } from "../lib/config";
import { openDatabase, type OpenDatabase } from "../lib/data/bootstrap";
import { isOrphan } from "../lib/data/embedded-postgres";
import { runningEmbeddedUrl, runningPostmaster } from "../lib/data/embedded-server";
import { isPortFree } from "../lib/net/ports";

/**
 * The database for a benchmark: DATABASE_URL when set; else the embedded PostgreSQL under
 * var/ that a running launcher owns, joined as `npm run worker` joins it (never stopped
 * here); else the embedded one, started (and stopped) by this process.
 */
export async function openBenchDatabase(log: (line: string) => void): Promise<OpenDatabase> {
  if (!process.env.DATABASE_URL) {
    const dataDir = path.join(varDir(), "postgres");
    const running = runningPostmaster(dataDir);
    const url = runningEmbeddedUrl(dataDir);
    if (running && url && !isOrphan(running.pid)) {
      log(`Joining the embedded PostgreSQL of the running app (postmaster pid ${running.pid}).`);
      process.env.DATABASE_URL = url;
    }
  }
  return openDatabase(log);
}

/** The HTTP benchmarks measure the production build: without one, say so before anything runs. */
export function requireBuild(): void {
  if (!existsSync(path.resolve(".next/BUILD_ID"))) {
    throw new Error("No build of the app (.next/BUILD_ID): run `npm run build` first.");
  }
}

/** The process and all its descendants, as they are now. */
export function processTree(rootPid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended while we looked
    }
  }
  const tree: number[] = [];
  const visit = (pid: number) => {
    tree.push(pid);
    for (const child of children.get(pid) ?? []) visit(child);
  };
  visit(rootPid);
  return tree;
}

/** The summed VmRSS (or VmHWM) of these processes, in MB (1024² bytes). */
export function rssMb(pids: readonly number[], field: "VmRSS" | "VmHWM" = "VmRSS"): number {
  const pattern = new RegExp(`${field}:\\s+(\\d+)`);
  let kb = 0;
  for (const pid of pids) {
    try {
      kb += Number(pattern.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return kb / 1024;
}

export function processTreeRssMb(rootPid: number, field: "VmRSS" | "VmHWM" = "VmRSS"): number {
  return rssMb(processTree(rootPid), field);
}

/** Runs `node --import tsx <args>` and resolves with the JSON object on its last stdout line. */
export function runJsonChild<T>(args: string[], label: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", ...args], {
      stdio: ["ignore", "pipe", "inherit"],
      env: process.env,
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.on("exit", (code) => {
      const line = out.trim().split("\n").at(-1) ?? "";
      if (code === 0 && line.startsWith("{")) resolve(JSON.parse(line) as T);
      else reject(new Error(`${label}: exit ${code}\n${out}`));
    });
  });
}

export type RunningApp = {
  base: string;
  pid: number;
  cookieFor: (userId: number) => Promise<string>;
  stop: () => Promise<void>;
};

/**
 * The built app (scripts/server.ts, as the launcher runs it) on its own port against the
 * given database, which the benchmark has already opened and migrated. Not the launcher:
 * handed a DATABASE_URL it counts the database as not its own and locks the demo accounts
 * still on their published passwords, the ones a benchmark signs in as.
 */
export async function startApp(
  port: number,
  databaseUrl: string,
  env: Record<string, string> = {},
  /** Extra options for the app's node (e.g. `--expose-gc`); none by default. */
  { nodeArgs = [] }: { nodeArgs?: readonly string[] } = {},
): Promise<RunningApp> {
  requireBuild(); // the launcher would build it; here that would be minutes inside a measurement
  // Else the health check below could be answered by whatever holds the port.
  if (!(await isPortFree(port, "127.0.0.1"))) throw new Error(`port ${port} is in use: stop what holds it first`);
  // The session secret the server is given, so that cookieFor makes cookies it accepts.
  const secret = env.NEXTAUTH_SECRET ?? randomBytes(16).toString("hex");
  const server = spawn(
    process.execPath,
    [...nodeArgs, "--require", path.resolve("scripts/exit-with-parent.cjs"), "--import", "tsx", "scripts/server.ts"],
    {
      stdio: ["ignore", "ignore", "inherit"],
      env: {
        ...process.env,
        HOST: "127.0.0.1",
        PORT: String(port),
        DATABASE_URL: databaseUrl,
        NEXTAUTH_SECRET: secret,
        NEXT_TELEMETRY_DISABLED: "1",
        ...env,
      },
    },
  );
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (server.exitCode !== null) return;
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
  };
  try {
    for (;;) {
      if (server.exitCode !== null) throw new Error("the app did not start");
      if (
        await fetch(`${base}/api/health`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      await new Promise((r) => setTimeout(r, 250));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    base,
    pid: server.pid ?? 0,
    cookieFor: async (userId) => `next-auth.session-token=${await encode({ token: { sub: String(userId) }, secret })}`,
    stop,
  };
}

const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 256 });

/**
 * A small HTTP/1.1 request on kept-alive sockets, for latency bursts: the bench shares the
 * two cores with the server, and fetch (undici, web streams) costs the client several times
 * what node:http does, which would be counted as the server's latency.
 */
export function request(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: init.method ?? "GET", headers: init.headers, agent: keepAlive }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(init.body);
  });
}
