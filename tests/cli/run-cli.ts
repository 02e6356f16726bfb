// Runs the CLI in the test's process (main() with its own streams, environment and signal
// emitter) or as a child process through bin/outport.mjs, and collects what it printed.
import { spawn } from "node:child_process";
import { EventEmitter } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { main } from "@/cli/main";

export type Run = { code: number; stdout: string; stderr: string };

const made: string[] = [];

export function tempDir(prefix = "outport-cli-"): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes every folder tempDir made (call it in afterAll). */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export async function runCli(
  args: string[],
  {
    env = {},
    input = "",
    signals = new EventEmitter(),
  }: { env?: Record<string, string>; input?: string; signals?: EventEmitter } = {},
): Promise<Run> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const code = await main(["node", "outport", ...args], {
    stdout,
    stderr,
    stdin: Readable.from(input ? [input] : []),
    env: { HOME: tempDir("outport-home-"), OUTPORT_POLL_MS: "50", LANG: "C", ...env },
    fetch: globalThis.fetch,
    signals,
  });
  return { code, stdout: out, stderr: err };
}

export type Child = {
  done: Promise<Run>;
  output(): { stdout: string; stderr: string };
  kill(signal: NodeJS.Signals): void;
};

/** The real command (bin/outport.mjs) as a child process. */
export function spawnCli(args: string[], env: Record<string, string>, input = ""): Child {
  const child = spawn(process.execPath, [path.resolve("bin/outport.mjs"), ...args], {
    env: {
      ...process.env,
      OUTPORT_URL: "",
      OUTPORT_TOKEN: "",
      HOME: tempDir("outport-home-"),
      OUTPORT_POLL_MS: "50",
      LANG: "C",
      ...env,
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(input);
  const done = new Promise<Run>((resolve) =>
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr })),
  );
  return { done, output: () => ({ stdout, stderr }), kill: (signal) => void child.kill(signal) };
}

export async function waitFor(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}
