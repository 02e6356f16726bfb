// outport upload FILE [--title T]: the file as the body of POST /api/datasets (settings in
// the query), then the import followed until its rows are committed.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import type { ImportStatus } from "../api-types";
import { pollMs, sleep, type Context } from "../context";
import { CliError, EXIT } from "../errors";
import { t } from "../messages";
import { createProgress } from "../progress";

const TYPES: Record<string, string> = {
  ".csv": "text/csv",
  ".tsv": "text/tab-separated-values",
  ".tab": "text/tab-separated-values",
  ".json": "application/json",
  ".ndjson": "application/x-ndjson",
  ".jsonl": "application/x-ndjson",
  ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  ".parquet": "application/vnd.apache.parquet",
};

export function contentTypeFor(file: string): string {
  return TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream";
}

export type UploadFlags = { title?: string; description?: string; json?: boolean; quiet?: boolean; wait?: boolean };

export async function upload(ctx: Context, file: string, flags: UploadFlags): Promise<number> {
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) throw new CliError(t("cli.error.noFile", { path: file }), EXIT.usage);
  const name = path.basename(file);
  const title = flags.title ?? name.replace(/\.[^.]+$/, "");
  const body = Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>;
  const accepted = await ctx.api.json<{ job_id: string; status_url: string; dataset_id: number }>(
    "POST",
    "/api/datasets",
    {
      query: { title, description: flags.description, file_name: name },
      headers: { "content-type": contentTypeFor(file), "content-length": String(info.size) },
      body,
    },
  );
  const progress = createProgress({ quiet: flags.quiet, stream: ctx.stderr });
  const bar = progress.add(name);
  bar.log(t("cli.upload.sent", { file: name, dataset: accepted.dataset_id, id: accepted.job_id }));
  if (flags.wait === false) {
    progress.stop();
    ctx.print(flags.json ? JSON.stringify(accepted) : accepted.job_id);
    return EXIT.ok;
  }
  const poll = pollMs(ctx.env);
  let job: ImportStatus;
  for (;;) {
    job = await ctx.api.json<ImportStatus>("GET", `/api/imports/${encodeURIComponent(accepted.job_id)}`);
    bar.update({ status: job.status, progress: job.progress, processed: job.processed_rows, total: job.total_rows });
    if (job.status === "completed" || job.status === "failed" || job.status === "cancelled") break;
    await sleep(poll);
  }
  bar.stop();
  progress.stop();
  if (flags.json) ctx.print(JSON.stringify(job, null, 2));
  if (job.status !== "completed") {
    throw new CliError(t("cli.upload.failed", { status: job.status, message: job.error_message ?? "" }), EXIT.failed);
  }
  if (!flags.json) {
    ctx.print(
      t("cli.upload.done", {
        dataset: job.dataset_id ?? accepted.dataset_id,
        rows: job.processed_rows ?? 0,
        rejected: job.rejected_rows ?? 0,
      }),
    );
  }
  return EXIT.ok;
}
