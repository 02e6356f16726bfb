// What the schedules page asks the server: the list (with how mail leaves), creating,
// changing and deleting a schedule, and "Run now". The browser session authenticates these
// calls; a refusal comes back as a ScheduleRequestError with the server's words, its field
// errors, and for the export rate limit how many seconds to wait.
import type { z } from "zod";
import { retryAfterSeconds } from "../export/rate-limit";
import type {
  TCreateSchedule,
  TMailSettings,
  TSchedule,
  TUpdateSchedule,
  ZRunStarted,
} from "@/lib/schedules/schedule-schemas";

export type ScheduleList = { schedules: TSchedule[]; mail: TMailSettings };
export type RunStarted = z.infer<typeof ZRunStarted>;
export type FieldError = { field: string; message: string };

export class ScheduleRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly fields: FieldError[] = [],
    /** Seconds until the server allows another export (a 429's Retry-After). */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
    this.name = "ScheduleRequestError";
  }
}

async function failure(response: Response, fallback: string): Promise<ScheduleRequestError> {
  const body = (await response.json().catch(() => null)) as { detail?: string; errors?: FieldError[] } | null;
  return new ScheduleRequestError(
    body?.detail ?? fallback,
    response.status,
    Array.isArray(body?.errors) ? body.errors : [],
    response.status === 429 ? retryAfterSeconds(response.headers.get("Retry-After")) : null,
  );
}

async function call(url: string, init: RequestInit, fallback: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, {
      cache: "no-store",
      ...init,
      headers: { Accept: "application/json", ...init.headers },
    });
  } catch {
    throw new ScheduleRequestError(fallback, 0);
  }
  if (!response.ok) throw await failure(response, fallback);
  return response;
}

const json = (body: unknown): RequestInit => ({
  body: JSON.stringify(body),
  headers: { "Content-Type": "application/json" },
});

const one = (id: string) => `/api/schedules/${encodeURIComponent(id)}`;

export async function getSchedules(fallback: string): Promise<ScheduleList> {
  return (await (await call("/api/schedules", {}, fallback)).json()) as ScheduleList;
}

export async function createSchedule(body: TCreateSchedule, fallback: string): Promise<TSchedule> {
  return (await (await call("/api/schedules", { method: "POST", ...json(body) }, fallback)).json()) as TSchedule;
}

export async function updateSchedule(id: string, body: TUpdateSchedule, fallback: string): Promise<TSchedule> {
  return (await (await call(one(id), { method: "PATCH", ...json(body) }, fallback)).json()) as TSchedule;
}

export async function deleteSchedule(id: string, fallback: string): Promise<void> {
  await call(one(id), { method: "DELETE" }, fallback);
}

export async function runSchedule(id: string, fallback: string): Promise<RunStarted> {
  return (await (await call(`${one(id)}/run`, { method: "POST" }, fallback)).json()) as RunStarted;
}
