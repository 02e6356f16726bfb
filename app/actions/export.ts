"use server";
// Server actions behind the dataset page's export buttons and the progress modal. Each
// one: parse (the shared schemas) → guard (the signed-in user, re-read from the database)
// → lib → a plain value; errors come back as `{ error, status }`, never thrown.
import { headers } from "next/headers";
import { z } from "zod";
import { getPageUser } from "@/lib/auth/session";
import { ZExportRequestSchema } from "@/lib/export/options";
import { AppError } from "@/lib/errors";
import { actionError, type ActionError } from "@/lib/http/error-response";
import { clientIp } from "@/lib/http/request";
import { consumeExportRequest } from "@/lib/http/rate-limit";
import { getLocale } from "@/lib/i18n/server";
import { acceptedBody, requestExport } from "@/lib/jobs/request-export";
import { cancelJob, presentJob, retryJob, type ExportJobJson } from "@/lib/jobs/jobs";

export type StartExportResult =
  { mode: "direct" } | { mode: "job"; job_id: string; status_url: string; warning?: string } | ActionError;

async function caller() {
  const user = await getPageUser();
  if (!user) throw new AppError("unauthenticated");
  return { user, ip: clientIp(await headers()) };
}

/**
 * The export buttons ask here first: small exports are downloaded directly by the browser
 * (this check is not counted against the rate limit; the download is), larger ones and
 * every Excel past its limit become a background job.
 */
export async function startExport(input: unknown): Promise<StartExportResult> {
  const locale = await getLocale();
  try {
    const who = await caller();
    const request = ZExportRequestSchema.parse(input);
    const result = await requestExport(
      { ...who, locale },
      { datasetId: request.dataset_id, format: request.format, options: () => request.options ?? {} },
      "auto",
      { countDirect: false },
    );
    if (result.delivery === "direct") return { mode: "direct" };
    return { mode: "job", ...acceptedBody(result, locale) };
  } catch (error) {
    return actionError(error, locale);
  }
}

const ZJobIdInputSchema = z.string().max(64);

export async function cancelExport(jobId: unknown): Promise<{ job: ExportJobJson } | ActionError> {
  const locale = await getLocale();
  try {
    const who = await caller();
    const job = await cancelJob(who.user, ZJobIdInputSchema.parse(jobId), who.ip);
    return { job: presentJob(job, who.user, locale) };
  } catch (error) {
    return actionError(error, locale);
  }
}

export async function retryExport(jobId: unknown): Promise<StartExportResult> {
  const locale = await getLocale();
  try {
    const who = await caller();
    await consumeExportRequest(who.user.id);
    const { created, prepared } = await retryJob(who.user, ZJobIdInputSchema.parse(jobId), who.ip, locale);
    return { mode: "job", ...acceptedBody({ delivery: "job", job: created, prepared }, locale) };
  } catch (error) {
    return actionError(error, locale);
  }
}
