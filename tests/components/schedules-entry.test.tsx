// The ways into and out of the schedules page: "Schedule…" beside a dataset's export
// buttons (a link to the form with that dataset; disabled with the export buttons' reason
// for a viewer and for a manager on another's dataset), the history marking the row a
// run's link names (?job=), and the list being read again only while a run is on its way.
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ExportButtons } from "@/components/export/export-buttons";
import * as historyApi from "@/components/history/history-api";
import { ExportHistory } from "@/components/history/export-history";
import { runsOnTheWay } from "@/components/schedules/schedules-view";
import type { HistoryItem } from "@/lib/exports/list-exports";
import { renderWithProviders } from "../helpers/render";
import { DATASETS, FILES_MAIL, run, schedule } from "./schedules-fixtures";

vi.mock("@/app/actions/export", () => ({ startExport: vi.fn(), cancelExport: vi.fn(), retryExport: vi.fn() }));
vi.mock("@/components/history/history-api", async (importOriginal) => {
  const actual = await importOriginal<typeof historyApi>();
  return { ...actual, getHistory: vi.fn() };
});

const dataset = DATASETS[0]!;

function renderButtons(denial: "role" | "not_owner" | null, locale: "en" | "ko" = "en") {
  return renderWithProviders(
    <ExportButtons
      dataset={{ ...dataset, can_export: denial === null, export_denied_reason: denial }}
      isAdmin={false}
      scheduling
    />,
    { locale },
  );
}

beforeEach(() => vi.stubGlobal("fetch", vi.fn()));
afterEach(() => {
  vi.unstubAllGlobals();
  window.history.replaceState(null, "", "/");
});

describe("Schedule… on a dataset page", () => {
  it("goes to the schedules page's form for this dataset", () => {
    renderButtons(null);
    expect(screen.getByRole("link", { name: "Schedule…" })).toHaveAttribute("href", "/schedules?new=1");
  });

  it("is disabled for a viewer, with the reason, and a click only explains", async () => {
    renderButtons("role");
    expect(screen.queryByRole("link", { name: "Schedule…" })).toBeNull();
    const button = screen.getByRole("button", { name: "Schedule…" });
    expect(button).toHaveAttribute("aria-disabled", "true");
    expect(button).toHaveAttribute("title", "You don't have permission to export");
    await userEvent.click(button);
    expect(await screen.findByRole("alert")).toHaveTextContent("You don't have permission to export");
    expect(fetch).not.toHaveBeenCalled();
  });

  it("is disabled for a manager on another's dataset, in Korean too", () => {
    renderButtons("not_owner", "ko");
    const button = screen.getByRole("button", { name: "예약…" });
    expect(button).toHaveAttribute("aria-disabled", "true");
    expect(button).toHaveAttribute("title", "데이터셋 소유자 또는 관리자만 내보낼 수 있습니다");
  });
});

function historyItem(jobId: string): HistoryItem {
  return {
    job_id: jobId,
    delivery: "job",
    status: "completed",
    format: "excel",
    dataset_id: 1,
    dataset_title: "Q1 Sales",
    dataset_deleted: false,
    progress: 100,
    processed_rows: 10,
    total_rows: 10,
    skipped_rows: 0,
    eta_seconds: 0,
    stalled: false,
    download_url: `/api/export/download/${jobId}`,
    signed_download_url: null,
    signed_url_expires_at: null,
    error_message: null,
    warnings: [],
    file_name: `${jobId}.xlsx`,
    file_size: 100,
    sha256: "0".repeat(64),
    attempts: 1,
    download_count: 0,
    retry_of: null,
    options: {},
    options_masked: false,
    options_summary: null,
    created_at: "2026-12-01T10:30:00.000Z",
    started_at: "2026-12-01T10:30:00.000Z",
    completed_at: "2026-12-01T10:31:00.000Z",
    finished_at: "2026-12-01T10:31:00.000Z",
    expires_at: "2030-01-27T10:31:00.000Z",
    expired: false,
    user_id: 2,
    user_name: "Mina Park",
    user_email: "manager@outport.local",
  } as HistoryItem;
}

describe("the history's ?job= link", () => {
  it("marks the row it names and scrolls to it, and no other", async () => {
    const items = ["job-1", "job-2", "job-3"].map(historyItem);
    vi.mocked(historyApi.getHistory).mockResolvedValue({
      items,
      total: 3,
      page: 1,
      page_size: 25,
      pages: 1,
      hidden_expired: 0,
    });
    const scrolled: string[] = [];
    const scrollIntoView = vi.fn(function (this: HTMLElement) {
      scrolled.push(this.dataset.jobId ?? "");
    });
    Object.defineProperty(HTMLElement.prototype, "scrollIntoView", { value: scrollIntoView, configurable: true });
    window.history.replaceState(null, "", "/export/history?job=job-2");
    renderWithProviders(<ExportHistory isAdmin={false} canDelete retentionDays={7} />);
    const rows = await screen.findAllByTestId("history-row");
    const linked = rows.find((row) => row.dataset.jobId === "job-2")!;
    expect(await within(linked).findByText("Q1 Sales")).toBeInTheDocument();
    expect(linked).toHaveAttribute("aria-current", "true");
    expect(rows.filter((row) => row.getAttribute("aria-current") === "true")).toHaveLength(1);
    expect(scrolled).toEqual(["job-2"]);
    delete (HTMLElement.prototype as { scrollIntoView?: unknown }).scrollIntoView;
  });

  it("marks nothing without one", async () => {
    vi.mocked(historyApi.getHistory).mockResolvedValue({
      items: [historyItem("job-1")],
      total: 1,
      page: 1,
      page_size: 25,
      pages: 1,
      hidden_expired: 0,
    });
    renderWithProviders(<ExportHistory isAdmin={false} canDelete retentionDays={7} />);
    const [row] = await screen.findAllByTestId("history-row");
    expect(row).not.toHaveAttribute("aria-current");
  });
});

describe("reading the schedules again", () => {
  it("happens only while a run waits, exports or delivers", () => {
    const list = (...states: Parameters<typeof run>[0][]) => ({
      schedules: [schedule({ runs: states.map((s) => run(s)) })],
      mail: FILES_MAIL,
    });
    expect(runsOnTheWay(undefined)).toBe(false);
    expect(runsOnTheWay(list())).toBe(false);
    expect(runsOnTheWay(list({ state: "delivered" }, { state: "failed" }, { state: "cancelled" }))).toBe(false);
    for (const state of ["waiting", "exporting", "delivering"] as const)
      expect(runsOnTheWay(list({ state: "delivered" }, { state }))).toBe(true);
  });
});
