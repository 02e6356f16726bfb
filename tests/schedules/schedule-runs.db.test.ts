// Scheduled runs end to end on a real PostgreSQL with a real SMTP server started here
// (smtp-server) and real workers: the clock claims a due slot once, the run exports as
// the owner through the request path, and the mail arrives with the right subject, link
// and hash — the link downloads that file without a session, and no other. Also: the
// daylight-saving days, the 31st in a 30-day month, one catch-up after downtime, an owner
// demoted to viewer, a file too big to attach, a mail server that refuses, no SMTP at all.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { GET as download } from "@/app/api/export/download/[jobId]/route";
import { pgPool } from "@/lib/data/pg";
import { prisma } from "@/lib/data/prisma";
import { exportJob } from "@/lib/exports/export-job";
import { resetExportRequests } from "@/lib/exports/export-rate-limit";
import { stopJobQueue } from "@/lib/jobs/queue";
import { startWorker, type Worker } from "@/lib/jobs/worker";
import { claimDueRuns } from "@/lib/schedules/claim-due-runs";
import { runScheduleNow } from "@/lib/schedules/run-schedule-now";
import { createSchedule } from "@/lib/schedules/create-schedule";
import { scheduleRunJob } from "@/lib/schedules/schedule-run-job";
import type { TSchedule } from "@/lib/schedules/schedule-schemas";
import { demoUser, routeContext } from "../helpers/auth";
import { waitUntil } from "../helpers/wait";

const varDir = mkdtempSync(path.join(os.tmpdir(), "outport-schedule-runs-"));
process.env.OUTPORT_VAR_DIR = varDir;
process.env.OUTPORT_EXPORT_DIR = path.join(varDir, "exports");
process.env.OUTPORT_PUBLIC_URL = "http://outport.test:3000";
process.env.DATABASE_URL = inject("scheduleRunsDatabaseUrl");
process.env.OUTPORT_MAIL_FROM = "Outport Reports <reports@outport.test>";
process.env.OUTPORT_MAIL_RETRY_SECONDS = "0.05,0.05";

type Received = { from: string; to: string[]; raw: string; mail: ParsedMail };

/** A real SMTP server: what it accepts, and a switch to refuse every message (451, or 550). */
const smtp = {
  server: null as SMTPServer | null,
  port: 0,
  received: [] as Received[],
  refuse: null as null | { code: number; text: string },
  refusals: 0,
};

function startSmtp(): Promise<void> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        if (smtp.refuse) {
          smtp.refusals++;
          const error = Object.assign(new Error(smtp.refuse.text), { responseCode: smtp.refuse.code });
          callback(error);
          return;
        }
        const raw = Buffer.concat(chunks).toString("utf8");
        void simpleParser(raw).then((mail) => {
          smtp.received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            to: session.envelope.rcptTo.map((r) => r.address),
            raw,
            mail,
          });
          callback();
        });
      });
    },
  });
  smtp.server = server;
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      smtp.port = (server.server.address() as { port: number }).port;
      resolve();
    }),
  );
}

let worker: Worker;
let q1Sales: number;
let managerId: number;

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

async function scheduleAs(
  who: "manager" | "admin",
  fields: Partial<{ cron: string; timezone: string; format: string; recipients: string[] }>,
  now: Date,
): Promise<TSchedule> {
  const user = await demoUser(who);
  return createSchedule(
    { id: user.id, email: user.email, name: user.name, role: user.role },
    {
      dataset_id: q1Sales,
      format: fields.format ?? "csv",
      cron: fields.cron ?? "0 9 * * *",
      timezone: fields.timezone ?? "UTC",
      recipients: fields.recipients ?? ["team@example.com"],
    },
    "en",
    null,
    now,
  );
}

function managerCaller() {
  return { id: managerId, email: "manager@outport.local", name: "Manager", role: "manager" as const };
}

async function nextRunAt(id: string): Promise<Date | null> {
  return (await prisma().schedule.findUniqueOrThrow({ where: { id } })).nextRunAt;
}

async function runsOf(id: string) {
  return prisma().scheduleRun.findMany({ where: { scheduleId: id }, orderBy: { createdAt: "asc" } });
}

async function finished(runId: string) {
  const seen = await waitUntil(
    () => prisma().scheduleRun.findUniqueOrThrow({ where: { id: runId } }),
    (run) => ["completed", "failed", "cancelled"].includes(run.status),
    60_000,
    100,
  );
  return seen.at(-1)!;
}

/** Only the schedules of the test at hand are due: the others are paused first. */
async function pauseAllSchedules(): Promise<void> {
  await pgPool().query(`UPDATE schedules SET enabled = false, next_run_at = NULL`);
}

beforeAll(async () => {
  await startSmtp();
  process.env.OUTPORT_SMTP_URL = `smtp://127.0.0.1:${smtp.port}`;
  q1Sales = (await prisma().dataset.findFirstOrThrow({ where: { title: "Q1 Sales" } })).id;
  managerId = (await demoUser("manager")).id;
  worker = await startWorker([exportJob, scheduleRunJob], { pollMs: 500, concurrency: 2 });
});

afterAll(async () => {
  await worker.stop();
  await stopJobQueue({ graceful: false });
  await new Promise<void>((resolve) => smtp.server?.close(() => resolve()));
  rmSync(varDir, { recursive: true, force: true });
});

beforeEach(async () => {
  await pauseAllSchedules();
  await resetExportRequests((await demoUser("manager")).id);
  smtp.received.length = 0;
  smtp.refuse = null;
  smtp.refusals = 0;
});

/** The mail of a run: the one that names its export's hash. */
async function mailOf(run: { exportJobId: string | null }): Promise<Received> {
  const job = await prisma().exportJob.findUniqueOrThrow({ where: { id: run.exportJobId ?? "" } });
  const mail = smtp.received.find((m) => m.mail.text?.includes(job.sha256 ?? "none"));
  if (!mail) throw new Error(`no mail names ${job.sha256}`);
  return mail;
}

afterEach(async () => {
  // Every run a test claimed ends before the next test starts: no mail arrives in another's.
  await waitUntil(
    () => prisma().scheduleRun.count({ where: { status: { in: ["pending", "processing"] } } }),
    (n) => n === 0,
    60_000,
    100,
  );
  process.env.OUTPORT_SMTP_URL = `smtp://127.0.0.1:${smtp.port}`;
  delete process.env.OUTPORT_MAIL_ATTACHMENT_MAX_BYTES;
});

describe("a daily schedule whose slot is due", () => {
  it("runs once, mails subject, link and hash; the link downloads that file without a session, and no other", async () => {
    const created = await scheduleAs(
      "manager",
      { cron: "0 9 * * *", recipients: ["team@example.com", "boss@example.com"] },
      new Date("2030-01-01T08:00:00Z"),
    );
    expect((await nextRunAt(created.id))?.toISOString()).toBe("2030-01-01T09:00:00.000Z");

    const early = await claimDueRuns(new Date("2030-01-01T08:59:59Z"));
    expect(early).toEqual([]);
    const claimed = await claimDueRuns(new Date("2030-01-01T09:00:05Z"));
    expect(claimed).toHaveLength(1);
    expect(claimed[0]).toMatchObject({ scheduleId: created.id, trigger: "slot", missedSlots: 0 });
    expect(await claimDueRuns(new Date("2030-01-01T09:00:10Z"))).toEqual([]);
    expect((await nextRunAt(created.id))?.toISOString()).toBe("2030-01-02T09:00:00.000Z");

    const run = await finished(claimed[0]!.runId);
    expect(run.status, run.errorMessage ?? "").toBe("completed");
    expect(run.delivery).toBe("sent");
    expect(run.deliveryAttempts).toBe(1);
    const job = await prisma().exportJob.findUniqueOrThrow({ where: { id: run.exportJobId ?? "" } });
    expect(job).toMatchObject({ userId: managerId, format: "csv", status: "completed" });

    expect(smtp.received).toHaveLength(1);
    const { mail, to, from } = smtp.received[0]!;
    expect(from).toBe("reports@outport.test");
    expect(to.sort()).toEqual(["boss@example.com", "team@example.com"]);
    expect(mail.subject).toContain("Q1 Sales");
    expect(mail.text).toContain(job.sha256);
    expect(mail.html).toContain(job.sha256);
    const link = /http:\/\/outport\.test:3000\/api\/export\/download\/[0-9a-f-]{36}\?token=[^\s"<>]+/.exec(
      mail.text ?? "",
    )?.[0];
    expect(link, mail.text).toBeDefined();
    const url = new URL(link!);
    expect(url.pathname).toBe(`/api/export/download/${job.id}`);
    // A small file is attached too: its bytes are the file's.
    expect(mail.attachments).toHaveLength(1);
    expect(sha256(mail.attachments[0]!.content)).toBe(job.sha256);

    // The link, without any cookie: the file, whose hash is the mailed one.
    const signed = await download(
      new Request(`http://127.0.0.1:3000${url.pathname}${url.search}`),
      routeContext({ jobId: job.id }),
    );
    expect(signed.status).toBe(200);
    expect(sha256(Buffer.from(await signed.arrayBuffer()))).toBe(job.sha256);
    // The same token for another file of the same owner: refused.
    const second = await scheduleAs("manager", { format: "json" }, new Date("2030-01-01T08:00:00Z"));
    const { job_id: otherId, run_id: otherRun } = await runScheduleNow(managerCaller(), second.id);
    expect((await finished(otherRun)).status).toBe("completed");
    const refused = await download(
      new Request(`http://127.0.0.1:3000/api/export/download/${otherId}${url.search}`),
      routeContext({ jobId: otherId }),
    );
    expect(refused.status).toBe(403);
    const own = await download(
      new Request(`http://127.0.0.1:3000/api/export/download/${otherId}`),
      routeContext({ jobId: otherId }),
    );
    expect(own.status).toBe(401);

    const audit = await pgPool().query<{ details: Record<string, unknown> }>(
      `SELECT details FROM audit_events WHERE action = 'schedule_run' AND target_id = $1`,
      [created.id],
    );
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0]?.details).toMatchObject({
      outcome: "delivered",
      delivery: "sent",
      job_id: job.id,
      attached: true,
    });
  });
});

describe("every slot once", () => {
  it("claims a slot once when eight claims race in one process", async () => {
    const created = await scheduleAs("manager", {}, new Date("2030-02-01T08:00:00Z"));
    const results = await Promise.all(Array.from({ length: 8 }, () => claimDueRuns(new Date("2030-02-01T09:00:01Z"))));
    expect(results.flat().filter((c) => c.scheduleId === created.id)).toHaveLength(1);
    expect(await runsOf(created.id)).toHaveLength(1);
  });

  it("claims a slot once when two worker processes race for it", async () => {
    const created = await scheduleAs("manager", {}, new Date("2030-03-01T08:00:00Z"));
    const at = Date.now() + 3000;
    const child = () =>
      new Promise<string>((resolve, reject) => {
        const proc = spawn(
          process.execPath,
          ["--import", "tsx", path.join(__dirname, "claim-runs-child.ts"), "2030-03-01T09:00:02Z", String(at)],
          {
            env: { ...process.env },
            stdio: ["ignore", "pipe", "inherit"],
          },
        );
        let out = "";
        proc.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
        proc.on("error", reject);
        proc.on("close", (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`child exited ${code}`))));
      });
    const outputs = await Promise.all([child(), child()]);
    const claimedIds = outputs.flatMap((out) => JSON.parse(out) as string[]);
    expect(claimedIds.filter((id) => id === created.id)).toHaveLength(1);
    expect(await runsOf(created.id)).toHaveLength(1);
  }, 60_000);
});

describe("the calendar", () => {
  it("runs a 02:30 slot once at 03:00 on the spring-forward day, and once on the fall-back day", async () => {
    const spring = await scheduleAs(
      "manager",
      { cron: "30 2 * * *", timezone: "Europe/Berlin" },
      new Date("2030-03-30T12:00:00Z"),
    );
    // 31 March 2030: 02:00 CET jumps to 03:00 CEST (01:00 UTC).
    expect((await nextRunAt(spring.id))?.toISOString()).toBe("2030-03-31T01:00:00.000Z");
    const springRuns = await claimDueRuns(new Date("2030-03-31T01:00:30Z"));
    expect(springRuns.map((r) => [r.scheduleId, r.slotAt.toISOString(), r.trigger])).toEqual([
      [spring.id, "2030-03-31T01:00:00.000Z", "slot"],
    ]);
    expect((await nextRunAt(spring.id))?.toISOString()).toBe("2030-04-01T00:30:00.000Z");
    await pauseAllSchedules();

    const fall = await scheduleAs(
      "manager",
      { cron: "30 2 * * *", timezone: "Europe/Berlin" },
      new Date("2030-10-26T12:00:00Z"),
    );
    // 27 October 2030: 02:30 happens at 00:30 UTC (CEST) and again at 01:30 UTC (CET): once.
    expect((await nextRunAt(fall.id))?.toISOString()).toBe("2030-10-27T00:30:00.000Z");
    expect(await claimDueRuns(new Date("2030-10-27T00:30:30Z"))).toHaveLength(1);
    expect(await claimDueRuns(new Date("2030-10-27T01:30:30Z"))).toEqual([]);
    expect((await nextRunAt(fall.id))?.toISOString()).toBe("2030-10-28T01:30:00.000Z");
    expect(await runsOf(fall.id)).toHaveLength(1);
  });

  it("runs monthly-on-the-31st on the 30th of a 30-day month", async () => {
    const monthly = await scheduleAs(
      "manager",
      { cron: "0 9 31 * *", timezone: "Asia/Seoul" },
      new Date("2030-04-02T00:00:00Z"),
    );
    // 30 April 09:00 in Seoul = 00:00 UTC.
    expect((await nextRunAt(monthly.id))?.toISOString()).toBe("2030-04-30T00:00:00.000Z");
    expect(await claimDueRuns(new Date("2030-04-30T00:00:05Z"))).toHaveLength(1);
    expect((await nextRunAt(monthly.id))?.toISOString()).toBe("2030-05-31T00:00:00.000Z");
  });

  it("after downtime runs one catch-up, marked as such, then carries on", async () => {
    const daily = await scheduleAs("manager", { cron: "0 9 * * *" }, new Date("2030-05-01T08:00:00Z"));
    // Down from before 1 May 09:00 until 4 May 10:00: four slots missed.
    const claimed = await claimDueRuns(new Date("2030-05-04T10:00:00Z"));
    expect(claimed).toHaveLength(1);
    expect(claimed[0]).toMatchObject({ trigger: "catch_up", missedSlots: 4 });
    expect(claimed[0]?.slotAt.toISOString()).toBe("2030-05-04T09:00:00.000Z");
    expect(await claimDueRuns(new Date("2030-05-04T10:00:30Z"))).toEqual([]);
    expect((await nextRunAt(daily.id))?.toISOString()).toBe("2030-05-05T09:00:00.000Z");
    const run = await finished(claimed[0]!.runId);
    expect(run.status, run.errorMessage ?? "").toBe("completed");
    expect((await mailOf(run)).mail.subject?.toLowerCase()).toContain("catch-up");
  });
});

describe("the clock's edges", () => {
  it("runs a slot found long after it came as a catch-up for that one slot", async () => {
    await scheduleAs("manager", {}, new Date("2030-05-10T08:00:00Z"));
    const [claimed] = await claimDueRuns(new Date("2030-05-10T09:30:00Z"));
    expect(claimed).toMatchObject({ trigger: "catch_up", missedSlots: 1 });
    expect(claimed?.slotAt.toISOString()).toBe("2030-05-10T09:00:00.000Z");
  });

  it("after a very long downtime still runs the latest slot, counting the missed ones up to its limit", async () => {
    const minutely = await scheduleAs("manager", { cron: "* * * * *" }, new Date("2030-05-11T00:00:00Z"));
    // Eight days of minutes: past the 10,000 slots that are counted.
    const [claimed] = await claimDueRuns(new Date("2030-05-19T00:00:30Z"));
    expect(claimed).toMatchObject({ scheduleId: minutely.id, trigger: "catch_up", missedSlots: 10_001 });
    expect(claimed?.slotAt.toISOString()).toBe("2030-05-19T00:00:00.000Z");
    expect((await nextRunAt(minutely.id))?.toISOString()).toBe("2030-05-19T00:01:00.000Z");
  });

  it("pauses a schedule whose stored timing cannot be read, and still runs the others", async () => {
    const broken = await scheduleAs("manager", {}, new Date("2030-05-20T08:00:00Z"));
    const fine = await scheduleAs("manager", {}, new Date("2030-05-20T08:00:00Z"));
    await pgPool().query(`UPDATE schedules SET timezone = 'Atlantis/Capital', next_run_at = $2 WHERE id = $1`, [
      broken.id,
      new Date("2030-05-20T08:59:00Z"),
    ]);
    const claimed = await claimDueRuns(new Date("2030-05-20T09:00:05Z"));
    expect(claimed.map((c) => c.scheduleId)).toEqual([fine.id]);
    const paused = await prisma().schedule.findUniqueOrThrow({ where: { id: broken.id } });
    expect(paused).toMatchObject({ enabled: false, pausedReason: "schedule.paused.invalidTiming" });
  });

  it("does not run a slot claimed just before its schedule was paused", async () => {
    const created = await scheduleAs("manager", {}, new Date("2030-05-21T08:00:00Z"));
    // No worker takes the run between its claim and the pause.
    await worker.stop();
    const [claimed] = await claimDueRuns(new Date("2030-05-21T09:00:05Z")).finally(async () => {
      await pgPool().query(`UPDATE schedules SET enabled = false, next_run_at = NULL WHERE id = $1`, [created.id]);
      worker = await startWorker([exportJob, scheduleRunJob], { pollMs: 500, concurrency: 2 });
    });
    const run = await finished(claimed!.runId);
    expect(run).toMatchObject({ status: "failed", errorMessage: "schedule.run.error.paused", exportJobId: null });
  });

  it("a run taken over after its mail went out finishes without mailing or exporting again", async () => {
    const created = await scheduleAs("manager", {}, new Date("2030-05-23T08:00:00Z"));
    const done = await prisma().exportJob.findFirstOrThrow({ where: { userId: managerId, status: "completed" } });
    const exportsBefore = await prisma().exportJob.count({ where: { userId: managerId } });
    // As an attempt leaves it when it dies after the server took the mail: export and delivery recorded.
    await worker.stop();
    const [claimed] = await claimDueRuns(new Date("2030-05-23T09:00:05Z")).finally(async () => {
      await pgPool().query(`UPDATE schedule_runs SET export_job_id = $2, delivery = 'sent' WHERE schedule_id = $1`, [
        created.id,
        done.id,
      ]);
      worker = await startWorker([exportJob, scheduleRunJob], { pollMs: 500, concurrency: 2 });
    });
    const run = await finished(claimed!.runId);
    expect(run).toMatchObject({ status: "completed", delivery: "sent", exportJobId: done.id });
    expect(smtp.received).toHaveLength(0);
    expect(await prisma().exportJob.count({ where: { userId: managerId } })).toBe(exportsBefore);
  });

  it("refuses Run now when no recipient is allowed any more (409), and asks for nothing", async () => {
    const created = await scheduleAs("manager", { recipients: ["team@example.com"] }, new Date("2030-05-22T08:00:00Z"));
    process.env.OUTPORT_MAIL_ALLOWED_DOMAINS = "outport.local";
    try {
      await expect(runScheduleNow(managerCaller(), created.id)).rejects.toMatchObject({
        code: "conflict",
        messageKey: "error.schedule.noRecipients",
      });
      expect(await runsOf(created.id)).toHaveLength(0);
    } finally {
      delete process.env.OUTPORT_MAIL_ALLOWED_DOMAINS;
    }
  });
});

describe("an owner who lost the right", () => {
  it("fails the run, pauses the schedule and tells the owner", async () => {
    const created = await scheduleAs("manager", {}, new Date("2030-06-01T08:00:00Z"));
    await prisma().user.update({ where: { id: managerId }, data: { role: "viewer" } });
    try {
      const [claimed] = await claimDueRuns(new Date("2030-06-01T09:00:05Z"));
      const run = await finished(claimed!.runId);
      expect(run.status).toBe("failed");
      expect(run.errorMessage).toBe("schedule.run.error.notAllowed");
      expect(run.exportJobId).toBeNull();
      const schedule = await prisma().schedule.findUniqueOrThrow({ where: { id: created.id } });
      expect(schedule).toMatchObject({ enabled: false, pausedReason: "schedule.paused.notAllowed", nextRunAt: null });
      await waitUntil(
        async () => smtp.received.length,
        (n) => n >= 1,
        10_000,
      );
      const notice = smtp.received[0]!;
      expect(notice.to).toEqual(["manager@outport.local"]);
      expect(notice.mail.text).toContain("Q1 Sales");
      expect(notice.mail.attachments).toHaveLength(0);
      const audit = await pgPool().query(
        `SELECT 1 FROM audit_events WHERE action = 'schedule_paused' AND target_id = $1`,
        [created.id],
      );
      expect(audit.rowCount).toBe(1);
    } finally {
      await prisma().user.update({ where: { id: managerId }, data: { role: "manager" } });
    }
  });
});

describe("an owner who cannot be told", () => {
  it("a deactivated owner's run fails, the schedule pauses, and the admins are told instead", async () => {
    const created = await scheduleAs("manager", {}, new Date("2030-06-02T08:00:00Z"));
    await prisma().user.update({ where: { id: managerId }, data: { active: false } });
    try {
      const [claimed] = await claimDueRuns(new Date("2030-06-02T09:00:05Z"));
      const run = await finished(claimed!.runId);
      expect(run).toMatchObject({
        status: "failed",
        errorMessage: "schedule.run.error.ownerInactive",
        exportJobId: null,
      });
      const schedule = await prisma().schedule.findUniqueOrThrow({ where: { id: created.id } });
      expect(schedule).toMatchObject({ enabled: false, pausedReason: "schedule.paused.ownerInactive" });
      await waitUntil(
        async () => smtp.received.length,
        (n) => n >= 1,
        10_000,
      );
      expect(smtp.received.map((m) => m.to).flat()).toEqual(["admin@outport.local"]);
      expect(smtp.received[0]?.mail.text).toContain("manager@outport.local");
    } finally {
      await prisma().user.update({ where: { id: managerId }, data: { active: true } });
    }
  });

  it("pauses a schedule none of whose recipients is at an allowed domain any more", async () => {
    const created = await scheduleAs("manager", { recipients: ["team@example.com"] }, new Date("2030-06-03T08:00:00Z"));
    process.env.OUTPORT_MAIL_ALLOWED_DOMAINS = "outport.local";
    try {
      const [claimed] = await claimDueRuns(new Date("2030-06-03T09:00:05Z"));
      const run = await finished(claimed!.runId);
      expect(run).toMatchObject({ status: "failed", errorMessage: "schedule.run.error.recipientsNotAllowed" });
      const schedule = await prisma().schedule.findUniqueOrThrow({ where: { id: created.id } });
      expect(schedule.pausedReason).toBe("schedule.paused.recipientsNotAllowed");
    } finally {
      delete process.env.OUTPORT_MAIL_ALLOWED_DOMAINS;
    }
  });
});

describe("the owner's language", () => {
  it("writes the mail in Korean for an owner who reads Korean", async () => {
    await prisma().user.update({ where: { id: managerId }, data: { locale: "ko" } });
    try {
      await scheduleAs("manager", { cron: "0 9 * * *", timezone: "Asia/Seoul" }, new Date("2030-06-04T00:00:00Z"));
      const [claimed] = await claimDueRuns(new Date("2030-06-05T00:00:05Z"));
      const run = await finished(claimed!.runId);
      expect(run.status, run.errorMessage ?? "").toBe("completed");
      const { mail } = await mailOf(run);
      expect(mail.subject).toMatch(/[가-힣]/);
      expect(mail.text).toMatch(/[가-힣]/);
      expect(mail.html).toContain('lang="ko"');
    } finally {
      await prisma().user.update({ where: { id: managerId }, data: { locale: "en" } });
    }
  });
});

describe("delivery", () => {
  it("links and does not attach a file whose base64 is over the limit, and says why", async () => {
    process.env.OUTPORT_MAIL_ATTACHMENT_MAX_BYTES = "2000";
    const created = await scheduleAs("manager", {}, new Date("2030-07-01T08:00:00Z"));
    const [claimed] = await claimDueRuns(new Date("2030-07-01T09:00:05Z"));
    const run = await finished(claimed!.runId);
    expect(run.status, run.errorMessage ?? "").toBe("completed");
    const { mail } = await mailOf(run);
    expect(mail.attachments).toHaveLength(0);
    expect(mail.text).toMatch(/attachment/i);
    expect(mail.text).toContain("/api/export/download/");
    expect(created.id).toBeTruthy();
  });

  it("retries a refusing server with backoff, then the run says so and the file stays in the history", async () => {
    smtp.refuse = { code: 451, text: "4.3.0 Mailbox temporarily unavailable" };
    await scheduleAs("manager", {}, new Date("2030-08-01T08:00:00Z"));
    const [claimed] = await claimDueRuns(new Date("2030-08-01T09:00:05Z"));
    const run = await finished(claimed!.runId);
    expect(run.status).toBe("failed");
    expect(run.errorMessage).toBe("schedule.run.error.mailFailed");
    expect(run.delivery).toBe("failed");
    expect(run.deliveryAttempts).toBe(3);
    expect(smtp.refusals).toBe(3);
    expect(run.deliveryError).toContain("451");
    const job = await prisma().exportJob.findUniqueOrThrow({ where: { id: run.exportJobId ?? "" } });
    expect(job.status).toBe("completed");
    expect(job.deletedAt).toBeNull();
  });

  it("without SMTP writes the mail as an .eml file under var/mail", async () => {
    delete process.env.OUTPORT_SMTP_URL;
    const created = await scheduleAs("manager", {}, new Date("2030-09-01T08:00:00Z"));
    const exportsBefore = await prisma().exportJob.count({ where: { userId: managerId } });
    const { run_id, job_id } = await runScheduleNow(managerCaller(), created.id);
    const run = await finished(run_id);
    expect(run.status, run.errorMessage ?? "").toBe("completed");
    expect(run.delivery).toBe("written");
    // The run waited for the export Run now asked for, and asked for no other.
    expect(run.exportJobId).toBe(job_id);
    expect(await prisma().exportJob.count({ where: { userId: managerId } })).toBe(exportsBefore + 1);
    const dir = path.join(varDir, "mail");
    expect(existsSync(path.join(dir, run.messageId ?? "missing"))).toBe(true);
    expect(readdirSync(dir).some((name) => name.endsWith(".eml"))).toBe(true);
    expect(smtp.received).toHaveLength(0);
  });
});
