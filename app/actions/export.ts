"use server";
// Server actions behind the dataset page's export buttons and the progress modal. Each
// one: parse (the shared schemas) → guard (the signed-in user, re-read from the database)
// → a use case in lib/exports → a plain value; errors come back as `{ error, status }`,
// never thrown.
import { headers } from "next/headers";
import { z } from "zod";
import { getPageUser } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { ZExportRequestSchema } from "@/lib/export/options";
import { cancelExport as cancel } from "@/lib/exports/cancel-export";
import { presentAccepted, showExport, type ExportJobJson } from "@/lib/exports/present-export";
import { requestExport } from "@/lib/exports/request-export";
import { retryExport as retry } from "@/lib/exports/retry-export";
import { actionError, type ActionError } from "@/lib/http/error-response";
import { clientIp } from "@/lib/http/request";
import { getLocale } from "@/lib/i18n/server";
import { assertSafeInput } from "@/lib/text";

export type StartExportResult =
  { mode: "direct" } | { mode: "job"; job_id: string; status_url: string; warning?: string } | ActionError;

async function caller() {
  const [user, locale] = await Promise.all([getPageUser(), getLocale()]);
  if (!user) throw new AppError("unauthenticated");
  return { user, ip: clientIp(await headers()), locale };
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
    const request = ZExportRequestSchema.parse(assertSafeInput(input));
    const result = await requestExport(
      who,
      { datasetId: request.dataset_id, format: request.format, options: () => request.options ?? {} },
      "auto",
      { countDirect: false },
    );
    if (result.delivery === "direct") return { mode: "direct" };
    return { mode: "job", ...presentAccepted(result, locale) };
  } catch (error) {
    return actionError(error, locale);
  }
}

const ZJobIdInputSchema = z.string().max(64);

export async function cancelExport(jobId: unknown): Promise<{ job: ExportJobJson } | ActionError> {
  const locale = await getLocale();
  try {
    const who = await caller();
    const job = await cancel(who, ZJobIdInputSchema.parse(assertSafeInput(jobId, "jobId")));
    return { job: await showExport(job, who.user, locale) };
  } catch (error) {
    return actionError(error, locale);
  }
}

export async function retryExport(jobId: unknown): Promise<StartExportResult> {
  const locale = await getLocale();
  try {
    const who = await caller();
    const result = await retry(who, ZJobIdInputSchema.parse(assertSafeInput(jobId, "jobId")));
    return { mode: "job", ...presentAccepted(result, locale) };
  } catch (error) {
    return actionError(error, locale);
  }
}
