// The schedules API on a real PostgreSQL through the real route handlers: who may do what
// (viewer 403, signed out 401, someone else's schedule 404), every field a person can get
// wrong answered 422 with the field and the reason, pausing and resuming, the next run, and
// the audit events of each change.
import { afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { DELETE as deleteRoute, GET as getRoute, PATCH as patchRoute } from "@/app/api/schedules/[id]/route";
import { POST as runRoute } from "@/app/api/schedules/[id]/run/route";
import { GET as listRoute, POST as createRoute } from "@/app/api/schedules/route";
import { pgPool } from "@/lib/data/pg";
import { prisma } from "@/lib/data/prisma";
import { resetExportRequests } from "@/lib/exports/export-rate-limit";
import type { TSchedule } from "@/lib/schedules/schedule-schemas";
import { demoUser, requestAs, routeContext, type DemoWho } from "../helpers/auth";

process.env.DATABASE_URL = inject("schedulesDatabaseUrl");

type ErrorBody = { detail: string; errors?: Array<{ field: string; message: string }> };

let q1Sales: number;
let adminDataset: number;

async function datasetId(title: string): Promise<number> {
  return (await prisma().dataset.findFirstOrThrow({ where: { title } })).id;
}

function body(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    dataset_id: q1Sales,
    format: "excel",
    options: {},
    cron: "0 9 * * 1",
    timezone: "Asia/Seoul",
    recipients: ["team@example.com"],
    ...overrides,
  };
}

async function create(who: DemoWho | null, payload: Record<string, unknown>): Promise<Response> {
  const req = await requestAs(who, "/api/schedules", {
    method: "POST",
    body: JSON.stringify(payload),
    headers: { "content-type": "application/json" },
  });
  return createRoute(req, routeContext({}));
}

async function created(who: DemoWho, payload: Record<string, unknown> = body()): Promise<TSchedule> {
  const response = await create(who, payload);
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as TSchedule;
}

async function patch(who: DemoWho, id: string, payload: Record<string, unknown>): Promise<Response> {
  const req = await requestAs(who, `/api/schedules/${id}`, {
    method: "PATCH",
    body: JSON.stringify(payload),
    headers: { "content-type": "application/json" },
  });
  return patchRoute(req, routeContext({ id }));
}

async function get(who: DemoWho | null, id: string): Promise<Response> {
  return getRoute(await requestAs(who, `/api/schedules/${id}`), routeContext({ id }));
}

async function fieldErrors(response: Response): Promise<Record<string, string>> {
  expect(response.status).toBe(422);
  const errors = ((await response.json()) as ErrorBody).errors ?? [];
  return Object.fromEntries(errors.map((e) => [e.field, e.message]));
}

async function auditOf(scheduleId: string): Promise<Array<{ action: string; details: Record<string, unknown> }>> {
  const { rows } = await pgPool().query<{ action: string; details: Record<string, unknown> }>(
    `SELECT action::text, details FROM audit_events WHERE target_type = 'schedule' AND target_id = $1 ORDER BY id`,
    [scheduleId],
  );
  return rows;
}

beforeAll(async () => {
  q1Sales = await datasetId("Q1 Sales");
  adminDataset = await datasetId("All Students 2024-2025");
});

afterEach(() => {
  delete process.env.OUTPORT_MAIL_ALLOWED_DOMAINS;
});

describe("creating a schedule", () => {
  it("answers 201 with the schedule, its next run in its time zone, and audits it", async () => {
    const schedule = await created(
      "manager",
      body({ recipients: [" Team@Example.COM ", "team@example.com", "boss@example.com"] }),
    );
    expect(schedule).toMatchObject({
      dataset_id: q1Sales,
      dataset_title: "Q1 Sales",
      format: "excel",
      cron: "0 9 * * 1",
      timezone: "Asia/Seoul",
      enabled: true,
      paused_reason: null,
      runs: [],
    });
    // The domain is lower-cased, the same address kept once.
    expect(schedule.recipients).toEqual(["Team@example.com", "boss@example.com"]);
    // Monday 09:00 in Seoul is Monday 00:00 UTC.
    const next = new Date(schedule.next_run_at ?? "");
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect(next.getUTCDay()).toBe(1);
    expect(next.getUTCHours()).toBe(0);
    expect(next.getUTCMinutes()).toBe(0);
    const audit = await auditOf(schedule.id);
    expect(audit.map((e) => e.action)).toEqual(["schedule_created"]);
    expect(audit[0]?.details).toMatchObject({ dataset_id: q1Sales, format: "excel", cron: "0 9 * * 1" });
  });

  it("refuses a bad cron, time zone, recipient and option at once, each by its field", async () => {
    const errors = await fieldErrors(
      await create(
        "manager",
        body({
          cron: "61 9 * * *",
          timezone: "Mars/Olympus",
          recipients: ["ok@example.com", "not an address"],
          options: { columns: ["no_such_column"] },
        }),
      ),
    );
    expect(Object.keys(errors).sort()).toEqual(["cron", "options.columns.0", "recipients.1", "timezone"].sort());
    expect(errors["recipients.1"]).toContain("not an address");
    expect(errors.timezone).toContain("Mars/Olympus");
  });

  it("refuses cron expressions that are not five fields, or never run", async () => {
    for (const cron of ["0 9 * *", "0 0 9 * * 1", "@daily", "0 9 31 4 *", ""]) {
      const errors = await fieldErrors(await create("manager", body({ cron })));
      expect(Object.keys(errors), cron).toContain("cron");
    }
  });

  it("refuses a recipient outside the allowed domains, naming the address", async () => {
    process.env.OUTPORT_MAIL_ALLOWED_DOMAINS = "example.com, outport.local";
    const errors = await fieldErrors(
      await create("manager", body({ recipients: ["a@example.com", "leak@gmail.com", "b@sub.example.com"] })),
    );
    expect(errors["recipients.1"]).toBe("leak@gmail.com is not at an allowed domain (example.com, outport.local)");
    expect(errors["recipients.2"]).toContain("b@sub.example.com");
    expect(errors["recipients.0"]).toBeUndefined();
    expect((await create("manager", body({ recipients: ["a@example.com", "x@outport.local"] }))).status).toBe(201);
  });

  it("refuses the shape itself: no recipients, unknown fields, wrong types", async () => {
    expect(Object.keys(await fieldErrors(await create("manager", body({ recipients: [] }))))).toEqual(["recipients"]);
    expect(Object.keys(await fieldErrors(await create("manager", body({ colour: "red" }))))).toEqual(["colour"]);
    expect(Object.keys(await fieldErrors(await create("manager", body({ format: "docx" }))))).toEqual(["format"]);
    const tooMany = Array.from({ length: 21 }, (_, i) => `p${i}@example.com`);
    expect(Object.keys(await fieldErrors(await create("manager", body({ recipients: tooMany }))))).toEqual([
      "recipients",
    ]);
  });

  it("refuses browser chart images and an unknown dataset by their fields", async () => {
    const charts = await fieldErrors(
      await create("manager", body({ format: "pdf", options: { chart_images: ["data:image/png;base64,AAAA"] } })),
    );
    expect(Object.keys(charts)).toContain("options.chart_images");
    const missing = await fieldErrors(await create("manager", body({ dataset_id: 987_654 })));
    expect(missing.dataset_id).toBe("no such dataset");
    // Past what an id can be: the field, not a database error.
    const huge = await fieldErrors(await create("manager", body({ dataset_id: 3_000_000_000 })));
    expect(huge.dataset_id).toBe("must be a dataset id");
  });

  it("refuses a manager another's dataset (403), a viewer (403) and nobody (401)", async () => {
    expect((await create("manager", body({ dataset_id: adminDataset }))).status).toBe(403);
    expect((await create("viewer", body())).status).toBe(403);
    expect((await create(null, body())).status).toBe(401);
    // An admin may schedule any dataset.
    expect((await create("admin", body({ dataset_id: adminDataset }))).status).toBe(201);
  });
});

describe("reading, changing and deleting", () => {
  it("lists a manager's own and an admin's all; another's id is a 404 for every verb", async () => {
    const mine = await created("manager");
    const admins = await created("admin", body({ dataset_id: adminDataset }));
    const list = async (who: DemoWho) =>
      (await (await listRoute(await requestAs(who, "/api/schedules"), routeContext({}))).json()) as {
        schedules: TSchedule[];
        mail: { mode: string };
      };
    const managerIds = (await list("manager")).schedules.map((s) => s.id);
    expect(managerIds).toContain(mine.id);
    expect(managerIds).not.toContain(admins.id);
    const adminList = await list("admin");
    expect(adminList.schedules.map((s) => s.id)).toEqual(expect.arrayContaining([mine.id, admins.id]));
    expect(adminList.mail.mode).toBe("files");
    expect((await listRoute(await requestAs("viewer", "/api/schedules"), routeContext({}))).status).toBe(403);

    expect((await get("manager", admins.id)).status).toBe(404);
    expect((await get("manager", "not-a-uuid")).status).toBe(404);
    expect((await get("manager", "00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await patch("manager", admins.id, { enabled: false })).status).toBe(404);
    const del = await deleteRoute(
      await requestAs("manager", `/api/schedules/${admins.id}`, {
        method: "DELETE",
      }),
      routeContext({ id: admins.id }),
    );
    expect(del.status).toBe(404);
    const run = await runRoute(
      await requestAs("manager", `/api/schedules/${admins.id}/run`, {
        method: "POST",
      }),
      routeContext({ id: admins.id }),
    );
    expect(run.status).toBe(404);
    // The admin may read the manager's.
    expect((await get("admin", mine.id)).status).toBe(200);
  });

  it("pauses and resumes: no next run while paused, a fresh one after, each change audited", async () => {
    const schedule = await created("manager");
    const paused = (await (await patch("manager", schedule.id, { enabled: false })).json()) as TSchedule;
    expect(paused).toMatchObject({ enabled: false, next_run_at: null });
    const resumed = (await (await patch("manager", schedule.id, { enabled: true })).json()) as TSchedule;
    expect(resumed.enabled).toBe(true);
    expect(new Date(resumed.next_run_at ?? "").getTime()).toBeGreaterThan(Date.now());
    const changed = (await (
      await patch("manager", schedule.id, { cron: "30 7 * * *", timezone: "UTC", recipients: ["x@example.com"] })
    ).json()) as TSchedule;
    expect(changed).toMatchObject({ cron: "30 7 * * *", timezone: "UTC", recipients: ["x@example.com"] });
    const next = new Date(changed.next_run_at ?? "");
    expect([next.getUTCHours(), next.getUTCMinutes()]).toEqual([7, 30]);

    const audit = await auditOf(schedule.id);
    expect(audit.map((e) => e.action)).toEqual([
      "schedule_created",
      "schedule_updated",
      "schedule_updated",
      "schedule_updated",
    ]);
    expect(audit[1]?.details).toEqual({ changes: { enabled: { from: true, to: false } } });
    expect(audit[3]?.details.changes).toMatchObject({
      cron: { from: "0 9 * * 1", to: "30 7 * * *" },
      timezone: { from: "Asia/Seoul", to: "UTC" },
    });
  });

  it("refuses a bad change by its field and keeps the schedule as it was", async () => {
    const schedule = await created("manager");
    const errors = await fieldErrors(await patch("manager", schedule.id, { cron: "every monday", enabled: "yes" }));
    expect(Object.keys(errors).sort()).toEqual(["enabled"]);
    const cron = await fieldErrors(await patch("manager", schedule.id, { cron: "every monday" }));
    expect(Object.keys(cron)).toEqual(["cron"]);
    const kept = (await (await get("manager", schedule.id)).json()) as TSchedule;
    expect(kept.cron).toBe("0 9 * * 1");
    // A manager cannot move it to a dataset they may not export.
    expect((await patch("manager", schedule.id, { dataset_id: adminDataset })).status).toBe(403);
  });

  it("deletes: 204, gone for everyone, audited", async () => {
    const schedule = await created("manager");
    const response = await deleteRoute(
      await requestAs("manager", `/api/schedules/${schedule.id}`, {
        method: "DELETE",
      }),
      routeContext({ id: schedule.id }),
    );
    expect(response.status).toBe(204);
    expect((await get("admin", schedule.id)).status).toBe(404);
    expect((await auditOf(schedule.id)).map((e) => e.action)).toEqual(["schedule_created", "schedule_deleted"]);
  });

  it("runs now as the owner: 202 with the export job, which is the owner's", async () => {
    await resetExportRequests((await demoUser("manager")).id);
    const schedule = await created("manager");
    const response = await runRoute(
      await requestAs("admin", `/api/schedules/${schedule.id}/run`, {
        method: "POST",
      }),
      routeContext({ id: schedule.id }),
    );
    expect(response.status).toBe(202);
    const started = (await response.json()) as { run_id: string; job_id: string };
    const job = await prisma().exportJob.findUniqueOrThrow({ where: { id: started.job_id } });
    expect(job.userId).toBe((await demoUser("manager")).id);
    expect(job.format).toBe("excel");
    const listed = (await (await get("manager", schedule.id)).json()) as TSchedule;
    expect(listed.runs).toHaveLength(1);
    expect(listed.runs[0]).toMatchObject({ id: started.run_id, trigger: "manual", export_job_id: started.job_id });
    expect(["waiting", "exporting"]).toContain(listed.runs[0]?.state);
  });
});
