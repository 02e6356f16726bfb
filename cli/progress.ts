// Progress per export: on a terminal a cli-progress bar each (rows, %, time left, rows per
// second), redrawn in place; otherwise one plain line whenever the state or the percentage
// changes; with --quiet nothing. Everything goes to standard error, so standard output
// holds only results.
import { MultiBar, Presets, type SingleBar } from "cli-progress";
import { t } from "./messages";

export type ProgressState = {
  status: string;
  progress?: number | null;
  processed?: number | null;
  total?: number | null;
  /** The server's estimate of the time left, in seconds. */
  eta?: number | null;
};

export interface ProgressHandle {
  update(state: ProgressState): void;
  /** A line that stays (saved, failed, queued). */
  log(line: string): void;
  stop(): void;
}

export interface Progress {
  add(label: string): ProgressHandle;
  /** A line outside any bar. */
  log(line: string): void;
  stop(): void;
}

type Stream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

export function createProgress({ quiet, stream = process.stderr }: { quiet?: boolean; stream?: Stream }): Progress {
  if (quiet) return quietProgress();
  return stream.isTTY ? barProgress(stream) : lineProgress(stream);
}

function quietProgress(): Progress {
  const handle: ProgressHandle = { update() {}, log() {}, stop() {} };
  return { add: () => handle, log() {}, stop() {} };
}

/** Plain lines for logs and pipes: one per change of status or percentage. */
export function lineProgress(stream: Stream): Progress {
  const write = (line: string) => void stream.write(`${line}\n`);
  return {
    add(label) {
      let last = "";
      return {
        update(state) {
          const line = progressLine(label, state);
          if (line !== last) write(line);
          last = line;
        },
        log: write,
        stop() {},
      };
    },
    log: write,
    stop() {},
  };
}

export function progressLine(label: string, state: ProgressState): string {
  const processed = state.processed ?? 0;
  if (state.total == null) return t("cli.export.progressUnknown", { label, status: state.status, processed });
  return t("cli.export.progress", {
    label,
    status: state.status,
    progress: state.progress ?? 0,
    processed,
    total: state.total,
  });
}

function barProgress(stream: Stream): Progress {
  const multibar = new MultiBar(
    {
      stream: stream as NodeJS.WritableStream,
      format: t("cli.export.bar"),
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      forceRedraw: true,
      etaBuffer: 20,
      barsize: 24,
      noTTYOutput: false,
    },
    Presets.shades_classic,
  );
  return {
    add(label) {
      const started = Date.now();
      const bar: SingleBar = multibar.create(1, 0, { label, status: "pending", speed: 0, time_left: "" });
      return {
        update(state) {
          const total = Math.max(1, state.total ?? state.processed ?? 1);
          const processed = state.processed ?? 0;
          const seconds = Math.max(0.001, (Date.now() - started) / 1000);
          bar.setTotal(total);
          bar.update(Math.min(processed, total), {
            label,
            status: state.status,
            speed: Math.round(processed / seconds),
            time_left: formatEta(state.eta),
          });
        },
        log: (line) => multibar.log(`${line}\n`),
        stop: () => bar.stop(),
      };
    },
    log: (line) => multibar.log(`${line}\n`),
    stop: () => multibar.stop(),
  };
}

/** `1m 05s left`, `12s left`; nothing when the server has no estimate. */
export function formatEta(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds) || seconds < 0) return "";
  const whole = Math.round(seconds);
  const text = whole >= 60 ? `${Math.floor(whole / 60)}m ${String(whole % 60).padStart(2, "0")}s` : `${whole}s`;
  return t("cli.export.timeLeft", { time: text });
}
