// Calling the job API's route handlers as a signed-in user, and waiting for job states.
import { GET as directGet, POST as directPost } from "@/app/api/export/[format]/[datasetId]/route";
import { POST as createAsync } from "@/app/api/export/async/route";
import { GET as download, HEAD as downloadHead } from "@/app/api/export/download/[jobId]/route";
import { DELETE as deleteFromHistory } from "@/app/api/export/history/[jobId]/route";
import { GET as history } from "@/app/api/export/history/route";
import { POST as cancel } from "@/app/api/export/jobs/[jobId]/cancel/route";
import { POST as retry } from "@/app/api/export/jobs/[jobId]/retry/route";
import { GET as status } from "@/app/api/export/status/[jobId]/route";
import { prisma } from "@/lib/data/prisma";
import type { ExportJobJson } from "@/lib/exports/present-export";
import { requestAs, routeContext, type DemoWho } from "../helpers/auth";

export type Accepted = { job_id: string; status: string; status_url: string; warning?: string };

export async function datasetIdOf(title: string): Promise<number> {
  return (await prisma().dataset.findFirstOrThrow({ where: { title } })).id;
}

export async function createJob(
  who: DemoWho,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Response> {
  const req = await requestAs(who, "/api/export/async", {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json", ...headers },
  });
  return createAsync(req, routeContext({}));
}

export async function createdJob(
  who: DemoWho,
  title: string,
  format: string,
  options?: Record<string, unknown>,
): Promise<Accepted> {
  const response = await createJob(who, {
    dataset_id: await datasetIdOf(title),
    format,
    ...(options ? { options } : {}),
  });
  if (response.status !== 202) throw new Error(`expected 202, got ${response.status}: ${await response.text()}`);
  return (await response.json()) as Accepted;
}

/** A direct download through the route: a GET without options, else a POST of them as JSON. */
export async function directExportAs(
  who: DemoWho | null,
  format: string,
  title: string,
  options?: Record<string, unknown>,
  init: RequestInit = {},
): Promise<Response> {
  const id = await datasetIdOf(title);
  const params = routeContext({ format, datasetId: String(id) });
  const url = `/api/export/${format}/${id}`;
  if (options === undefined) return directGet(await requestAs(who, url, init), params);
  return directPost(await requestAs(who, url, { ...init, method: "POST", body: JSON.stringify(options) }), params);
}

export async function statusOf(who: DemoWho, jobId: string, headers: Record<string, string> = {}): Promise<Response> {
  return status(await requestAs(who, `/api/export/status/${jobId}`, { headers }), routeContext({ jobId }));
}

export async function jobJson(who: DemoWho, jobId: string): Promise<ExportJobJson> {
  const response = await statusOf(who, jobId);
  if (response.status !== 200) throw new Error(`status ${response.status}: ${await response.text()}`);
  return (await response.json()) as ExportJobJson;
}

export async function cancelAs(who: DemoWho, jobId: string): Promise<Response> {
  return cancel(await requestAs(who, `/api/export/jobs/${jobId}/cancel`, { method: "POST" }), routeContext({ jobId }));
}

export async function retryAs(who: DemoWho, jobId: string): Promise<Response> {
  return retry(await requestAs(who, `/api/export/jobs/${jobId}/retry`, { method: "POST" }), routeContext({ jobId }));
}

export async function downloadAs(who: DemoWho | null, jobId: string): Promise<Response> {
  return download(await requestAs(who, `/api/export/download/${jobId}`), routeContext({ jobId }));
}

export async function headAs(who: DemoWho | null, jobId: string, query = ""): Promise<Response> {
  return downloadHead(
    await requestAs(who, `/api/export/download/${jobId}${query}`, { method: "HEAD" }),
    routeContext({ jobId }),
  );
}

/** A download as the browser's download manager makes it: the URL only, no session. */
export async function downloadUrlAs(who: DemoWho | null, url: string, init: RequestInit = {}): Promise<Response> {
  const jobId = new URL(url, "http://127.0.0.1:3000").pathname.split("/").pop() ?? "";
  return download(await requestAs(who, url, init), routeContext({ jobId }));
}

export async function historyAs(who: DemoWho | null, query: Record<string, string> = {}): Promise<Response> {
  const search = new URLSearchParams(query).toString();
  return history(await requestAs(who, `/api/export/history${search ? `?${search}` : ""}`), routeContext({}));
}

export async function deleteAs(who: DemoWho | null, jobId: string): Promise<Response> {
  return deleteFromHistory(
    await requestAs(who, `/api/export/history/${jobId}`, { method: "DELETE" }),
    routeContext({ jobId }),
  );
}
