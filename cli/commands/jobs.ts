// outport status JOB, outport download JOB [--out], outport cancel JOB, outport history:
// one export job at a time, through the status, download, cancel and history routes.
import type { HistoryPage, JobStatus } from "../api-types";
import { table, type Context } from "../context";
import { headerDigests, resolveTarget, saveResponse } from "../download";
import { CliError, EXIT } from "../errors";
import { t } from "../messages";

const jobPath = (id: string) => encodeURIComponent(id.trim());

export function statusLines(job: JobStatus): string[] {
  const lines = [
    t("cli.status.line", {
      id: job.job_id,
      status: job.status,
      progress: job.progress,
      format: job.format,
      title: job.dataset_title ?? String(job.dataset_id ?? ""),
    }),
    t("cli.status.rows", { processed: job.processed_rows ?? 0, total: job.total_rows ?? "?" }),
  ];
  if (job.file_name) {
    lines.push(t("cli.status.file", { name: job.file_name, size: job.file_size ?? 0, sha256: job.sha256 ?? "" }));
  }
  if (job.error_message) lines.push(t("cli.status.error", { message: job.error_message }));
  return lines;
}

export async function status(ctx: Context, id: string, flags: { json?: boolean }): Promise<number> {
  const job = await ctx.api.json<JobStatus>("GET", `/api/export/status/${jobPath(id)}`);
  if (flags.json) ctx.print(JSON.stringify(job, null, 2));
  else for (const line of statusLines(job)) ctx.print(line);
  return EXIT.ok;
}

/** A completed job's file, to `target`, checked against the job's SHA-256. */
export async function downloadJob(
  ctx: Context,
  job: JobStatus,
  target: Awaited<ReturnType<typeof resolveTarget>>,
  signal?: AbortSignal,
) {
  if (job.status !== "completed" || !job.download_url) {
    throw new CliError(t("cli.error.notDownloadable", { id: job.job_id, status: job.status }), EXIT.failed);
  }
  const first = await ctx.api.request("GET", job.download_url, { signal, pass: [302] });
  // With presigned downloads the app answers 302 to object storage; its digest still counts.
  const response = first.status === 302 ? await ctx.api.followRedirect(first, signal) : first;
  return saveResponse(response, {
    target,
    fallbackName: job.file_name ?? `${job.job_id}.${job.format}`,
    expectedSha256: job.sha256,
    expectedDigests: first === response ? [] : headerDigests(first.headers),
    stdout: ctx.stdout,
  });
}

export async function download(ctx: Context, id: string, flags: { out?: string; json?: boolean }): Promise<number> {
  const target = await resolveTarget(flags.out, 1);
  const job = await ctx.api.json<JobStatus>("GET", `/api/export/status/${jobPath(id)}`);
  const saved = await downloadJob(ctx, job, target);
  const report = flags.out === "-" ? ctx.warn : ctx.print;
  if (flags.json) report(JSON.stringify({ job_id: job.job_id, ...saved }));
  else report(t("cli.export.saved", { label: job.job_id, ...saved }));
  return EXIT.ok;
}

export async function cancel(ctx: Context, id: string, flags: { json?: boolean }): Promise<number> {
  const job = await ctx.api.json<JobStatus>("POST", `/api/export/jobs/${jobPath(id)}/cancel`);
  if (flags.json) ctx.print(JSON.stringify(job, null, 2));
  else for (const line of statusLines(job)) ctx.print(line);
  return EXIT.ok;
}

export type HistoryFlags = { status?: string; format?: string; page?: string; pageSize?: string; json?: boolean };

export async function history(ctx: Context, flags: HistoryFlags): Promise<number> {
  const page = await ctx.api.json<HistoryPage>("GET", "/api/export/history", {
    query: { status: flags.status, format: flags.format, page: flags.page, page_size: flags.pageSize },
  });
  if (flags.json) {
    ctx.print(JSON.stringify(page, null, 2));
    return EXIT.ok;
  }
  if (page.items.length === 0) {
    ctx.print(t("cli.table.empty"));
    return EXIT.ok;
  }
  ctx.print(
    table(
      [
        t("cli.table.job"),
        t("cli.table.status"),
        t("cli.table.format"),
        t("cli.table.rows"),
        t("cli.table.created"),
        t("cli.table.dataset"),
      ],
      page.items.map((job) => [
        job.job_id,
        job.status,
        job.format,
        job.total_rows ?? job.processed_rows ?? "",
        job.created_at.slice(0, 19).replace("T", " "),
        job.dataset_title ?? "",
      ]),
    ),
  );
  ctx.print(t("cli.table.page", { page: page.page, pages: page.pages, total: page.total }));
  return EXIT.ok;
}
