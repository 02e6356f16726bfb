import { act, fireEvent, screen, within } from "@testing-library/react";
import { useState } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ExportProgressModal } from "@/components/export/export-progress-modal";
import { resetTrackedExportJobs } from "@/components/export/running-exports-store";
import { cancelJob } from "@/components/history/history-api";
import type * as historyApi from "@/components/history/history-api";
import { RunningExports } from "@/components/layout/running-exports";
import type { ExportJobJson } from "@/lib/exports/present-export";
import { renderWithProviders } from "../helpers/render";

vi.mock("@/app/actions/export", () => ({ startExport: vi.fn(), cancelExport: vi.fn(), retryExport: vi.fn() }));

// The real call, watched: the top bar cancels through the history's one client call.
vi.mock("@/components/history/history-api", async (importOriginal) => {
  const actual = await importOriginal<typeof historyApi>();
  return { ...actual, cancelJob: vi.fn(actual.cancelJob) };
});

function job(overrides: Partial<ExportJobJson> = {}): ExportJobJson {
  return {
    job_id: "j1",
    status: "processing",
    format: "excel",
    dataset_id: 2,
    dataset_title: "Student Enrollment 2024",
    progress: 40,
    processed_rows: 3400,
    total_rows: 8500,
    skipped_rows: 0,
    eta_seconds: 10,
    stalled: false,
    download_url: null,
    error_message: null,
    warnings: [],
    file_name: null,
    file_size: null,
    sha256: null,
    attempts: 1,
    download_count: 0,
    retry_of: null,
    created_at: "2026-01-01T00:00:00.000Z",
    started_at: "2026-01-01T00:00:01.000Z",
    completed_at: null,
    finished_at: null,
    expires_at: null,
    ...overrides,
  } as ExportJobJson;
}

const completed = (id = "j1") =>
  job({
    job_id: id,
    status: "completed",
    progress: 100,
    processed_rows: 8500,
    download_url: `/api/export/download/${id}`,
    file_name: "student-enrollment-2024.xlsx",
  });

/** The server as the indicator sees it: every job by id; the history lists the active ones. */
let jobs: Record<string, ExportJobJson>;
let cancelAnswer: { status: number; body: unknown } | null;
const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
  const url = String(input);
  const answer = (status: number, body: unknown) =>
    ({ ok: status < 400, status, json: async () => structuredClone(body) }) as Response;
  if (url.startsWith("/api/export/history?")) {
    const items = Object.values(jobs).filter((j) => j.status === "pending" || j.status === "processing");
    return answer(200, { items, total: items.length, page: 1, page_size: 50, pages: 1, hidden_expired: 0 });
  }
  const cancel = /^\/api\/export\/jobs\/([^/]+)\/cancel$/.exec(url);
  if (cancel && init?.method === "POST") {
    if (cancelAnswer) return answer(cancelAnswer.status, cancelAnswer.body);
    const id = cancel[1] as string;
    jobs[id] = { ...(jobs[id] as ExportJobJson), status: "cancelled" };
    return answer(200, jobs[id]);
  }
  const status = /^\/api\/export\/status\/(.+)$/.exec(url);
  const found = status ? jobs[status[1] as string] : undefined;
  return found ? answer(200, found) : answer(404, { detail: "Export not found." });
});
const historyCalls = () => fetchMock.mock.calls.filter(([url]) => String(url).startsWith("/api/export/history?"));

const advance = (ms = 0) =>
  act(async () => {
    await vi.advanceTimersByTimeAsync(ms);
    for (let i = 0; i < 5; i++) await vi.advanceTimersByTimeAsync(1);
  });

const openPanel = async () => {
  fireEvent.click(screen.getByRole("button", { name: /^Exports/ }));
  await advance();
  return screen.getByRole("region", { name: "Your exports" });
};

beforeEach(() => {
  vi.useFakeTimers();
  jobs = {};
  cancelAnswer = null;
  resetTrackedExportJobs();
  fetchMock.mockClear();
  vi.stubGlobal("fetch", fetchMock);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe("RunningExports", () => {
  it("shows nothing while nothing runs, and does not keep polling", async () => {
    renderWithProviders(<RunningExports userId={7} />);
    await advance();
    expect(historyCalls()).toHaveLength(1);
    expect(historyCalls()[0]?.[0]).toBe("/api/export/history?status=active&delivery=job&user=7&page_size=50");
    expect(screen.queryByTestId("running-exports")).not.toBeInTheDocument();
    await advance(20_000);
    expect(historyCalls()).toHaveLength(1);
  });

  it("lists a running job with its progress and a count, and polls every 2 s while it runs", async () => {
    jobs.j1 = job();
    renderWithProviders(<RunningExports userId={7} />);
    await advance();
    expect(screen.getByTestId("running-exports-count")).toHaveTextContent("1");
    const panel = await openPanel();
    const entry = within(panel).getByTestId("running-export");
    expect(entry).toHaveTextContent("Student Enrollment 2024 · Excel");
    expect(entry).toHaveTextContent("40% · 3,400 records");
    expect(within(entry).getByRole("progressbar")).toHaveAttribute("aria-valuenow", "40");
    // On a phone it is pinned below the bar at the bar's measured height, not at a fixed 4rem.
    expect(panel.className).toMatch(/(^|\s)top-\[var\(--topbar-h,4rem\)\](\s|$)/);
    expect(panel.className).not.toMatch(/(^|\s)top-16(\s|$)/);

    jobs.j1 = job({ progress: 80, processed_rows: 6800 });
    await advance(2000);
    expect(historyCalls()).toHaveLength(2);
    expect(within(panel).getByTestId("running-export")).toHaveTextContent("80% · 6,800 records");
  });

  it("cancels through the API and drops the job", async () => {
    jobs.j1 = job();
    renderWithProviders(<RunningExports userId={7} />);
    await advance();
    const panel = await openPanel();
    fireEvent.click(within(panel).getByRole("button", { name: "Cancel" }));
    await advance();
    expect(fetchMock).toHaveBeenCalledWith("/api/export/jobs/j1/cancel", expect.objectContaining({ method: "POST" }));
    expect(cancelJob).toHaveBeenCalledWith("j1", expect.any(String));
    expect(within(panel).queryByTestId("running-export")).not.toBeInTheDocument();
    expect(within(panel).getByText("No export is running.")).toBeInTheDocument();
  });

  it("says why a cancel was refused and keeps the job", async () => {
    jobs.j1 = job();
    cancelAnswer = { status: 409, body: { detail: "This export has already finished." } };
    renderWithProviders(<RunningExports userId={7} />);
    await advance();
    const panel = await openPanel();
    fireEvent.click(within(panel).getByRole("button", { name: "Cancel" }));
    await advance();
    expect(screen.getByRole("alert")).toHaveTextContent(
      "The export could not be cancelled: This export has already finished.",
    );
    expect(within(panel).getByTestId("running-export")).toBeInTheDocument();
  });

  it("offers a finished job's download in a toast and keeps it as Ready until downloaded", async () => {
    jobs.j1 = job();
    renderWithProviders(<RunningExports userId={7} />);
    await advance();
    jobs.j1 = completed();
    await advance(2000);

    const toast = screen
      .getByText("Your export is ready: Student Enrollment 2024 · Excel")
      .closest("[data-testid=toast]");
    if (!(toast instanceof HTMLElement)) throw new Error("no toast");
    const toastLink = within(toast).getByRole("link", { name: "Download" });
    expect(toastLink).toHaveAttribute("href", "/api/export/download/j1");
    expect(toastLink).toHaveAttribute("download", "student-enrollment-2024.xlsx");

    // Polling ends with the last running job; the entry stays until it is used.
    const calls = historyCalls().length;
    await advance(20_000);
    expect(historyCalls()).toHaveLength(calls);
    const panel = await openPanel();
    const entry = within(panel).getByTestId("running-export");
    expect(entry).toHaveTextContent("Ready");
    fireEvent.click(within(entry).getByRole("link", { name: "Download" }));
    expect(within(panel).queryByTestId("running-export")).not.toBeInTheDocument();
  });

  it("keeps a failed job, with its reason, until dismissed", async () => {
    jobs.j1 = job();
    renderWithProviders(<RunningExports userId={7} />);
    await advance();
    jobs.j1 = job({ status: "failed", error_message: "Not enough disk space to write the export file." });
    await advance(2000);
    expect(screen.getByRole("alert")).toHaveTextContent("The export of Student Enrollment 2024 · Excel failed.");
    const panel = await openPanel();
    expect(within(panel).getByTestId("running-export")).toHaveTextContent("Not enough disk space");
    fireEvent.click(within(panel).getByRole("button", { name: "Dismiss" }));
    expect(within(panel).queryByTestId("running-export")).not.toBeInTheDocument();
  });

  it("closes its panel on Escape, giving the focus back, and on a click outside", async () => {
    jobs.j1 = job();
    renderWithProviders(<RunningExports userId={7} />);
    await advance();
    const button = screen.getByRole("button", { name: /^Exports/ });
    expect(button).toHaveAttribute("aria-expanded", "false");
    const panel = await openPanel();
    expect(button).toHaveAttribute("aria-expanded", "true");
    fireEvent.keyDown(within(panel).getByRole("button", { name: "Cancel" }), { key: "Escape" });
    expect(screen.queryByRole("region", { name: "Your exports" })).not.toBeInTheDocument();
    expect(button).toHaveFocus();

    await openPanel();
    fireEvent.pointerDown(document.body);
    expect(screen.queryByRole("region", { name: "Your exports" })).not.toBeInTheDocument();
  });

  it("names itself in Korean", async () => {
    jobs.j1 = job();
    renderWithProviders(<RunningExports userId={7} />, { locale: "ko" });
    await advance();
    fireEvent.click(screen.getByRole("button", { name: /^내보내기/ }));
    expect(screen.getByRole("region", { name: "내 내보내기" })).toHaveTextContent("취소");
  });
});

describe("RunningExports with the progress modal", () => {
  /** The page: the layout's indicator, and the modal until it is closed. */
  function Page() {
    const [open, setOpen] = useState(true);
    return (
      <>
        <RunningExports userId={7} />
        {open ? <ExportProgressModal jobId="j1" onClose={() => setOpen(false)} onRetried={vi.fn()} /> : null}
      </>
    );
  }
  const renderBoth = () => renderWithProviders(<Page />);

  it("takes over a job whose modal was closed: says where it went, then offers the download", async () => {
    jobs.j1 = job();
    renderBoth();
    await advance();
    fireEvent.click(screen.getByRole("button", { name: "Close" }));
    expect(screen.queryByTestId("export-progress")).not.toBeInTheDocument();
    expect(screen.getByText("Still exporting — follow it in the top bar.")).toBeInTheDocument();
    await advance();
    expect(screen.getByTestId("running-exports-count")).toHaveTextContent("1");

    jobs.j1 = completed();
    await advance(2000);
    expect(screen.getByText("Your export is ready: Student Enrollment 2024 · Excel")).toBeInTheDocument();
  });

  it("leaves a job that finishes while its modal is open to the modal", async () => {
    vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(() => {});
    jobs.j1 = job();
    renderBoth();
    await advance();
    jobs.j1 = completed();
    await advance(2000);
    expect(screen.getByText("Download complete")).toBeInTheDocument();
    expect(screen.queryByText(/Your export is ready/)).not.toBeInTheDocument();
    expect(screen.queryByText(/Still exporting/)).not.toBeInTheDocument();
    expect(screen.queryByTestId("running-exports")).not.toBeInTheDocument();
  });
});
