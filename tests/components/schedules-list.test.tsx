// The schedules page with the server stubbed at fetch: each schedule's facts (when in
// words, zone, recipients, next run, last result), a paused schedule's reason, the runs
// with their trigger, state, delivery and file links, the note when mail is only written
// to files, the owner for an admin, and the actions' requests: Run now (its toast, the
// export limit's wait, a refusal), Pause / Resume, Delete after a confirmation.
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SchedulesView } from "@/components/schedules/schedules-view";
import type { TMailSettings, TSchedule } from "@/lib/schedules/schedule-schemas";
import { renderWithProviders } from "../helpers/render";
import { DATASETS, FILES_MAIL, run, schedule, SHA, SMTP_MAIL } from "./schedules-fixtures";

type Call = { url: string; method: string; body: unknown };
let calls: Call[];
let listed: TSchedule[];
let mail: TMailSettings;
let runAnswer: () => Response;

beforeEach(() => {
  calls = [];
  listed = [schedule()];
  mail = FILES_MAIL;
  runAnswer = () => Response.json({ run_id: "run-new", job_id: "job-new" }, { status: 202 });
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init: RequestInit = {}) => {
      const method = init.method ?? "GET";
      const body = init.body ? (JSON.parse(String(init.body)) as unknown) : undefined;
      calls.push({ url, method, body });
      if (url === "/api/schedules" && method === "GET") return Response.json({ schedules: listed, mail });
      const one = /^\/api\/schedules\/([^/]+)$/.exec(url);
      if (one && method === "PATCH") {
        listed = listed.map((s) => (s.id === one[1] ? { ...s, ...(body as Partial<TSchedule>) } : s));
        return Response.json(listed.find((s) => s.id === one[1]));
      }
      if (one && method === "DELETE") {
        listed = listed.filter((s) => s.id !== one[1]);
        return new Response(null, { status: 204 });
      }
      if (/^\/api\/schedules\/[^/]+\/run$/.test(url) && method === "POST") return runAnswer();
      return Response.json({ detail: "No such schedule." }, { status: 404 });
    }),
  );
});

afterEach(() => vi.unstubAllGlobals());

const render = (isAdmin = false, locale: "en" | "ko" = "en") =>
  renderWithProviders(<SchedulesView datasets={DATASETS} isAdmin={isAdmin} userEmail="manager@outport.local" />, {
    locale,
  });

async function card(title = "Q1 Sales"): Promise<HTMLElement> {
  const cards = await screen.findAllByTestId("schedule");
  const found = cards.find((element) => within(element).queryByRole("heading", { name: new RegExp(title) }));
  if (!found) throw new Error(`no schedule of ${title}`);
  return found;
}

describe("SchedulesView: the list", () => {
  it("shows each schedule's dataset, format, when in words, zone, recipients, next run and last result", async () => {
    listed = [
      schedule({ runs: [run({ state: "failed", error: "The export failed: disk full", file: null })] }),
      schedule({
        id: "sch-2",
        dataset_id: 2,
        dataset_title: "Student Enrollment 2024",
        format: "csv",
        cron: "30 7 * * *",
      }),
      schedule({ id: "sch-3", dataset_title: "Monthly report", cron: "0 9 31 * *", format: "pdf" }),
      schedule({ id: "sch-4", dataset_title: "Odd one", cron: "*/15 8-18 * * 1-5" }),
    ];
    render();
    const q1 = await card("Q1 Sales");
    expect(within(q1).getByRole("link", { name: "Q1 Sales" })).toHaveAttribute("href", "/datasets/1");
    expect(within(q1).getByTestId("schedule-format")).toHaveTextContent("Excel");
    expect(within(q1).getByTestId("schedule-when")).toHaveTextContent("Every Monday and Wednesday at 09:00");
    expect(within(q1).getByTestId("schedule-timezone")).toHaveTextContent("Asia/Seoul");
    expect(within(q1).getByTestId("schedule-recipients")).toHaveTextContent("manager@outport.local, team@example.com");
    expect(within(q1).getByTestId("schedule-next-run").querySelector("time")).toHaveAttribute(
      "dateTime",
      "2026-12-07T00:00:00.000Z",
    );
    // Read in the schedule's zone, as its "when" is: Monday 09:00 in Seoul, whatever the browser's zone.
    expect(within(q1).getByTestId("schedule-next-run")).toHaveTextContent("9:00 AM");
    expect(within(q1).getByTestId("schedule-last-result")).toHaveTextContent("Failed");
    expect(within(q1).getByTestId("schedule-enabled")).toHaveTextContent("Active");
    expect(within(q1).getByTestId("run-error")).toHaveTextContent("The export failed: disk full");
    // A manager's list names no owner.
    expect(within(q1).queryByTestId("schedule-owner")).toBeNull();

    expect(within(await card("Student Enrollment 2024")).getByTestId("schedule-when")).toHaveTextContent(
      "Daily at 07:30",
    );
    expect(within(await card("Student Enrollment 2024")).getByTestId("schedule-last-result")).toHaveTextContent(
      "No runs yet",
    );
    expect(within(await card("Monthly report")).getByTestId("schedule-when")).toHaveTextContent(
      "Monthly on day 31 at 09:00",
    );
    expect(within(await card("Odd one")).getByTestId("schedule-when")).toHaveTextContent("Cron: */15 8-18 * * 1-5");
  });

  it("puts a schedule's own pause and its reason in view, with no next run", async () => {
    listed = [
      schedule({
        enabled: false,
        next_run_at: null,
        paused_reason: "Paused: its owner may no longer export this dataset.",
      }),
    ];
    render();
    const q1 = await card();
    expect(within(q1).getByTestId("schedule-paused-reason")).toHaveTextContent(
      "Paused: its owner may no longer export this dataset.",
    );
    expect(within(q1).getByTestId("schedule-enabled")).toHaveTextContent("Paused");
    expect(within(q1).getByTestId("schedule-next-run")).toHaveTextContent("None while paused");
    expect(within(q1).getByRole("button", { name: "Resume: Q1 Sales" })).toBeInTheDocument();
  });

  it("lists the runs newest first with trigger, state, delivery and the file's download and history link", async () => {
    listed = [
      schedule({
        runs: [
          run({ id: "run-3", trigger: "manual", state: "exporting", file: null, export_job_id: "job-11" }),
          run({
            id: "run-2",
            trigger: "catch_up",
            missed_slots: 3,
            state: "failed",
            error: "The mail could not be sent after 3 attempts (550 refused). The file is in the history.",
            delivery: { status: "failed", attempts: 3, error: "550 refused", delivered_at: null },
          }),
          run({ id: "run-1" }),
        ],
      }),
    ];
    render();
    const runs = within(await card()).getAllByTestId("run");
    expect(runs.map((r) => r.dataset.runId)).toEqual(["run-3", "run-2", "run-1"]);

    const [manual, catchUp, delivered] = runs as [HTMLElement, HTMLElement, HTMLElement];
    expect(within(manual).getByTestId("run-trigger")).toHaveTextContent("Run now");
    expect(within(manual).getByTestId("run-state")).toHaveTextContent("Exporting");
    expect(within(manual).queryByTestId("run-file")).toBeNull();

    expect(within(catchUp).getByTestId("run-trigger")).toHaveTextContent("Catch-up for 3 missed runs");
    expect(within(catchUp).getByTestId("run-state")).toHaveTextContent("Failed");
    expect(within(catchUp).getByTestId("run-delivery")).toHaveTextContent("Mail failed after 3 attempts (550 refused)");
    expect(within(catchUp).getByTestId("run-error")).toHaveTextContent("after 3 attempts");
    // The file stays in the history though the mail failed.
    expect(within(catchUp).getByTestId("run-download")).toHaveAttribute("href", "/api/export/download/job-9");

    expect(within(delivered).queryByTestId("run-trigger")).toBeNull();
    expect(within(delivered).getByTestId("run-state")).toHaveTextContent("Delivered");
    expect(within(delivered).getByTestId("run-delivery")).toHaveTextContent("Written as a mail file");
    const file = within(delivered).getByTestId("run-file");
    expect(file).toHaveTextContent("q1-sales.xlsx");
    expect(file).toHaveTextContent("2.0 KB");
    expect(file).toHaveTextContent("1,200 rows");
    const sha = within(delivered).getByTestId("run-sha256");
    expect(sha).toHaveTextContent("SHA-256 ab12cd34ef56…");
    expect(sha).toHaveAttribute("title", SHA);
    expect(within(delivered).getByTestId("run-history")).toHaveAttribute("href", "/export/history?job=job-9");
  });

  it("says delivery is off when mail is written to files, and nothing when an SMTP server is set", async () => {
    const first = render();
    expect(await screen.findByTestId("mail-off")).toHaveTextContent(
      "E-mail delivery is off: no mail server is configured, so each mail is written as a file on the server.",
    );
    first.unmount();
    mail = SMTP_MAIL;
    render();
    await card();
    expect(screen.queryByTestId("mail-off")).toBeNull();
  });

  it("names each schedule's owner for an admin", async () => {
    render(true);
    expect(within(await card()).getByTestId("schedule-owner")).toHaveTextContent("Mina Park (manager@outport.local)");
  });

  it("says so when there is no schedule", async () => {
    listed = [];
    render();
    expect(await screen.findByTestId("schedules-empty")).toHaveTextContent("No schedules yet.");
  });

  it("reads in Korean", async () => {
    listed = [schedule({ runs: [run({ trigger: "catch_up", missed_slots: 2 })] })];
    render(false, "ko");
    const q1 = await card();
    expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent("예약 내보내기");
    expect(within(q1).getByTestId("schedule-when")).toHaveTextContent("매주 월요일, 수요일 09:00");
    expect(within(q1).getByTestId("run-trigger")).toHaveTextContent("놓친 2회 보충 실행");
    expect(within(q1).getByTestId("run-state")).toHaveTextContent("전달됨");
    expect(within(q1).getByRole("button", { name: "지금 실행: Q1 Sales" })).toBeInTheDocument();
    expect(screen.getByTestId("mail-off")).toHaveTextContent("메일 발송이 꺼져 있습니다");
  });
});

describe("SchedulesView: the actions", () => {
  it("Run now asks the server, says the run started and reads the list again", async () => {
    render();
    fireEvent.click(within(await card()).getByRole("button", { name: "Run now: Q1 Sales" }));
    expect(await screen.findByText("Run started")).toBeInTheDocument();
    expect(calls.filter((c) => c.method === "POST").map((c) => c.url)).toEqual(["/api/schedules/sch-1/run"]);
    await waitFor(() => expect(calls.filter((c) => c.url === "/api/schedules").length).toBe(2));
  });

  it("Run now over the export limit says how long to wait", async () => {
    runAnswer = () => Response.json({ detail: "Too many exports." }, { status: 429, headers: { "Retry-After": "42" } });
    render();
    fireEvent.click(within(await card()).getByRole("button", { name: "Run now: Q1 Sales" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Too many exports in a short time: you can run it again in 42 s.",
    );
  });

  it("Run now refused shows the server's reason", async () => {
    runAnswer = () => Response.json({ detail: "No such schedule." }, { status: 404 });
    render();
    fireEvent.click(within(await card()).getByRole("button", { name: "Run now: Q1 Sales" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("The run could not start: No such schedule.");
  });

  it("Pause and Resume change enabled only", async () => {
    render();
    fireEvent.click(within(await card()).getByRole("button", { name: "Pause: Q1 Sales" }));
    expect(await screen.findByText("Schedule paused")).toBeInTheDocument();
    const resume = await within(await card()).findByRole("button", { name: "Resume: Q1 Sales" });
    fireEvent.click(resume);
    expect(await screen.findByText("Schedule resumed")).toBeInTheDocument();
    expect(calls.filter((c) => c.method === "PATCH")).toEqual([
      { url: "/api/schedules/sch-1", method: "PATCH", body: { enabled: false } },
      { url: "/api/schedules/sch-1", method: "PATCH", body: { enabled: true } },
    ]);
  });

  it("Delete asks first; Cancel keeps the schedule, confirming deletes it", async () => {
    render();
    fireEvent.click(within(await card()).getByRole("button", { name: "Delete: Q1 Sales" }));
    const dialog = await screen.findByRole("dialog", { name: "Delete this schedule?" });
    expect(dialog).toHaveTextContent("The schedule of Q1 Sales stops");
    fireEvent.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(calls.some((c) => c.method === "DELETE")).toBe(false);

    fireEvent.click(within(await card()).getByRole("button", { name: "Delete: Q1 Sales" }));
    fireEvent.click(
      within(await screen.findByRole("dialog", { name: "Delete this schedule?" })).getByRole("button", {
        name: "Delete schedule",
      }),
    );
    expect(await screen.findByText("Schedule deleted")).toBeInTheDocument();
    expect(calls.filter((c) => c.method === "DELETE").map((c) => c.url)).toEqual(["/api/schedules/sch-1"]);
    expect(await screen.findByTestId("schedules-empty")).toBeInTheDocument();
  });
});
