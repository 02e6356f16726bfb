// outport export DATASET… --format csv[,excel,…]: every dataset × format at once (at most
// three at a time, the server's limit of jobs per user), each either streamed at once (the
// server's choice for small exports, as the dataset page's buttons get) or run as a job
// that is polled with a progress bar and downloaded with its SHA-256 checked. 429 waits
// (Retry-After, or until a job of ours ends). Ctrl-C cancels the jobs started here unless
// --detach.
import type { Accepted, Dataset, JobStatus } from "../api-types";
import { FINISHED } from "../api-types";
import { pollMs, sleep, type Context } from "../context";
import { pendingFiles, resolveTarget, saveResponse, type Saved, type Target } from "../download";
import { CliError, EXIT, type ExitCode } from "../errors";
import { buildOptions, parseFormats, type ExportFlags, type Format } from "../export-options";
import { t } from "../messages";
import { createProgress, type ProgressHandle } from "../progress";
import { resolveDataset } from "./datasets";
import { downloadJob } from "./jobs";
import { rm } from "node:fs/promises";

export type ExportCommandFlags = ExportFlags & {
  format: string;
  out?: string;
  wait?: boolean; // commander's --no-wait
  json?: boolean;
  detach?: boolean;
  job?: boolean;
  quiet?: boolean;
};

type Result = {
  dataset_id: number;
  dataset_title: string;
  format: Format;
  job_id: string | null;
  status: string;
  path?: string;
  size?: number;
  sha256?: string;
  error?: string;
  fields?: { field: string; message: string }[];
  exitCode: ExitCode;
};

const EXTENSIONS: Record<Format, string> = {
  csv: "csv",
  excel: "xlsx",
  pdf: "pdf",
  json: "json",
  ndjson: "ndjson",
  parquet: "parquet",
};

/** At most this many exports in flight at once (the server runs three jobs per user). */
const CONCURRENCY = 3;

/** What a request body for one dataset × format is (exported for the tests). */
export function exportRequests(
  datasetArgs: readonly string[],
  flags: ExportCommandFlags,
  list: readonly Dataset[],
): Array<{
  dataset: Dataset;
  format: Format;
  body: { dataset_id: number; format: Format; options: Record<string, unknown> };
}> {
  const formats = parseFormats(flags.format);
  const datasets = [...new Map(datasetArgs.map((arg) => resolveDataset(arg, list)).map((d) => [d.id, d])).values()];
  return datasets.flatMap((dataset) =>
    formats.map((format) => ({
      dataset,
      format,
      body: { dataset_id: dataset.id, format, options: buildOptions(flags, dataset.columns) },
    })),
  );
}

export async function exportCommand(ctx: Context, datasetArgs: string[], flags: ExportCommandFlags): Promise<number> {
  const noWait = flags.wait === false;
  if (noWait && flags.out === "-") throw new CliError(t("cli.error.noWaitStdout"), EXIT.usage);
  const list = await ctx.api.json<Dataset[]>("GET", "/api/datasets");
  const requests = exportRequests(datasetArgs, flags, list);
  const target = noWait ? null : await resolveTarget(flags.out, requests.length);
  const progress = createProgress({ quiet: flags.quiet, stream: ctx.stderr });
  const controller = new AbortController();
  const { signal } = controller;
  /** Jobs started here that have not finished: what Ctrl-C cancels. */
  const running = new Set<string>();
  const poll = pollMs(ctx.env);

  const runOne = async (request: (typeof requests)[number]): Promise<Result> => {
    const { dataset, format, body } = request;
    const label = `${dataset.title} (${format})`;
    const base = { dataset_id: dataset.id, dataset_title: dataset.title, format };
    const bar = progress.add(label);
    let jobId: string | null = null;
    try {
      // 1. Ask for it: streamed at once (200) or queued (202); 429 → wait and ask again.
      for (;;) {
        if (signal.aborted) throw new CliError("", EXIT.interrupted);
        const direct = !flags.job && !noWait;
        const response = direct
          ? await ctx.api.request("POST", `/api/export/${format}/${dataset.id}`, {
              json: body.options,
              headers: { prefer: "respond-async" },
              pass: [429],
              signal,
            })
          : await ctx.api.request("POST", "/api/export/async", { json: body, pass: [429], signal });
        if (response.status === 429) {
          const wait = Number(response.headers.get("retry-after"));
          await response.body?.cancel();
          if (Number.isFinite(wait) && wait > 0) {
            bar.log(t("cli.error.rateLimited", { seconds: wait }));
            await sleep(wait * 1000, signal);
          } else {
            bar.log(t("cli.error.concurrentLimit"));
            await sleep(Math.max(poll, 2000), signal);
          }
          continue;
        }
        if (response.status === 200) {
          bar.log(t("cli.export.streaming", { label }));
          const saved = await saveResponse(response, {
            target: target as Target,
            fallbackName: `${dataset.title.replace(/[^\p{L}\p{N}]+/gu, "-").toLowerCase()}.${EXTENSIONS[format]}`,
            stdout: ctx.stdout,
          });
          const rows = numberHeader(response, "x-export-rows");
          if (rows !== null) bar.update({ status: "completed", progress: 100, processed: rows, total: rows });
          return { ...base, job_id: null, status: "completed", ...saved, exitCode: EXIT.ok };
        }
        const accepted = (await response.json()) as Accepted;
        jobId = accepted.job_id;
        running.add(jobId);
        if (accepted.warning) bar.log(`${label}: ${accepted.warning}`);
        bar.log(t("cli.export.queued", { label, id: jobId }));
        break;
      }
      if (noWait) {
        running.delete(jobId);
        return { ...base, job_id: jobId, status: "pending", exitCode: EXIT.ok };
      }
      // 2. Follow it.
      const job = await follow(ctx, jobId, bar, signal, poll);
      running.delete(jobId);
      if (job.status !== "completed") {
        const reason = job.error_message ?? job.status;
        bar.log(t("cli.export.failed", { label, status: job.status, reason }));
        return { ...base, job_id: jobId, status: job.status, error: reason, exitCode: EXIT.failed };
      }
      // 3. Fetch it, checked.
      const saved: Saved = await downloadJob(ctx, job, target as Target, signal);
      return { ...base, job_id: jobId, status: "completed", ...saved, exitCode: EXIT.ok };
    } catch (error) {
      if (signal.aborted) return { ...base, job_id: jobId, status: "interrupted", exitCode: EXIT.interrupted };
      if (jobId) running.delete(jobId);
      if (!(error instanceof CliError)) throw error;
      bar.log(t("cli.export.failed", { label, status: "error", reason: error.message }));
      for (const field of error.fields) bar.log(`  ${field.field}: ${field.message}`);
      return {
        ...base,
        job_id: jobId,
        status: "failed",
        error: error.message,
        fields: error.fields,
        exitCode: error.exitCode,
      };
    } finally {
      bar.stop();
    }
  };

  // Ctrl-C: stop polling and downloading, cancel what was started (unless --detach), exit
  // 130 once that is done, without waiting for whatever the abort left hanging.
  let interrupted!: (code: number) => void;
  const whenInterrupted = new Promise<number>((resolve) => (interrupted = resolve));
  const onInterrupt = () => {
    controller.abort();
    void (async () => {
      progress.stop();
      const ids = [...running];
      await Promise.all([...pendingFiles].map((file) => rm(file, { force: true })));
      if (flags.detach) {
        if (ids.length > 0) ctx.warn(t("cli.export.detached", { ids: ids.join(" ") }));
      } else if (ids.length > 0) {
        ctx.warn(t("cli.export.interrupted", { count: ids.length }));
        await Promise.all(
          ids.map((id) =>
            ctx.api.request("POST", `/api/export/jobs/${encodeURIComponent(id)}/cancel`, { pass: [404, 409] }).then(
              () => ctx.warn(t("cli.export.cancelled", { id })),
              (error: Error) => ctx.warn(error.message),
            ),
          ),
        );
      }
      interrupted(EXIT.interrupted);
    })();
  };
  ctx.signals.once("SIGINT", onInterrupt);
  let results: Result[];
  try {
    const outcome = await Promise.race([pool(requests, CONCURRENCY, runOne), whenInterrupted]);
    if (typeof outcome === "number") return outcome;
    // The work may end just as Ctrl-C comes: the cancelling still finishes first.
    if (signal.aborted) return await whenInterrupted;
    results = outcome;
  } finally {
    ctx.signals.off("SIGINT", onInterrupt);
    progress.stop();
  }

  const report = flags.out === "-" ? ctx.warn : ctx.print;
  if (flags.json) {
    report(
      JSON.stringify(
        results.map(({ exitCode, ...result }) => (void exitCode, result)),
        null,
        2,
      ),
    );
  } else {
    for (const result of results) {
      const label = `${result.dataset_title} (${result.format})`;
      if (result.path)
        report(
          t("cli.export.saved", { label, path: result.path, size: result.size ?? 0, sha256: result.sha256 ?? "" }),
        );
      else if (result.exitCode === EXIT.ok && result.job_id) report(result.job_id);
      else if (flags.quiet && result.error) {
        ctx.warn(t("cli.export.failed", { label, status: result.status, reason: result.error }));
        for (const field of result.fields ?? []) ctx.warn(`  ${field.field}: ${field.message}`);
      }
    }
  }
  return results.find((r) => r.exitCode !== EXIT.ok)?.exitCode ?? EXIT.ok;
}

async function follow(
  ctx: Context,
  id: string,
  bar: ProgressHandle,
  signal: AbortSignal,
  poll: number,
): Promise<JobStatus> {
  for (;;) {
    const job = await ctx.api.json<JobStatus>("GET", `/api/export/status/${encodeURIComponent(id)}`, { signal });
    bar.update({
      status: job.status,
      progress: job.progress,
      processed: job.processed_rows,
      total: job.total_rows,
      eta: job.eta_seconds,
    });
    if (FINISHED.has(job.status)) return job;
    await sleep(poll, signal);
    if (signal.aborted) throw new CliError("", EXIT.interrupted);
  }
}

function numberHeader(response: Response, name: string): number | null {
  const value = Number(response.headers.get(name));
  return response.headers.has(name) && Number.isFinite(value) ? value : null;
}

/** Runs `work` on every item, at most `limit` at a time, results in the items' order. */
export async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  });
  await Promise.all(workers);
  return results;
}
