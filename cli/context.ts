// What every command is given: the API client for the saved (or overriding) settings, the
// streams to write to, and helpers to print results and tables.
import { loadSettings, type Settings } from "./config";
import type { Env } from "./errors";
import { Api } from "./http";

export type Io = {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: Env;
  fetch: typeof fetch;
  /** Where Ctrl-C is heard (the process; a test may pass its own emitter). */
  signals: Pick<NodeJS.EventEmitter, "once" | "off">;
};

export type Context = Io & { settings: Settings; api: Api; print(line?: string): void; warn(line: string): void };

export async function createContext(io: Io): Promise<Context> {
  const settings = await loadSettings(io.env);
  return {
    ...io,
    settings,
    api: new Api(settings.url, settings.token, io.fetch),
    print: (line = "") => void io.stdout.write(`${line}\n`),
    warn: (line) => void io.stderr.write(`${line}\n`),
  };
}

/** Columns padded to their widest cell (display width: a Hangul syllable counts two). */
export function table(header: readonly string[], rows: ReadonlyArray<readonly (string | number)[]>): string {
  const cells = [header, ...rows].map((row) => row.map((cell) => String(cell)));
  const widths = header.map((_, i) => Math.max(...cells.map((row) => displayWidth(row[i] ?? ""))));
  return cells
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell + " ".repeat((widths[i] ?? 0) - displayWidth(cell))))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    // Hangul, CJK and full-width forms take two columns in a terminal.
    width +=
      (code >= 0x1100 && code <= 0x115f) ||
      (code >= 0x2e80 && code <= 0xa4cf) ||
      (code >= 0xac00 && code <= 0xd7a3) ||
      (code >= 0xf900 && code <= 0xfaff) ||
      (code >= 0xff00 && code <= 0xff60)
        ? 2
        : 1;
  }
  return width;
}

/** Waits, or stops waiting at once when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** How often jobs are polled (OUTPORT_POLL_MS, default 1 s). */
export function pollMs(env: Env): number {
  const value = Number(env.OUTPORT_POLL_MS);
  return Number.isFinite(value) && value >= 50 ? value : 1000;
}
