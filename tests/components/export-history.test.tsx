// The history page's table, adapted from the seed's ExportHistoryPage tests: sizes, badges,
// download counts, the delete confirmation, failed rows, the format filter — with the
// server's answers mocked at the API module. Direct downloads, "Export again" (through the
// export action and the download helper, both mocked) and Cancel on waiting or running jobs.
import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import type { ReactElement } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startExport } from "@/app/actions/export";
import { downloadExport } from "@/components/export/download-export";
import type * as downloads from "@/components/export/download-export";
import { noteRateLimit } from "@/components/export/rate-limit";
import type * as rateLimit from "@/components/export/rate-limit";
import { ExportHistory, RECOUNT_AFTER_MS } from "@/components/history/export-history";
import { formatFileSize } from "@/lib/format-size";
import * as api from "@/components/history/history-api";
import { ToastProvider } from "@/components/ui/toast";
import type { HistoryItem, HistoryPage } from "@/lib/exports/list-exports";
import { renderWithProviders } from "../helpers/render";

vi.mock("@/components/history/history-api", async (importOriginal) => {
  const actual = await importOriginal<typeof api>();
  return {
    ...actual,
    getHistory: vi.fn(),
    deleteExport: vi.fn(),
    checkDownload: vi.fn(),
    startBrowserDownload: vi.fn(),
    cancelJob: vi.fn(),
  };
});

vi.mock("@/app/actions/export", () => ({
  startExport: vi.fn(),
  cancelExport: vi.fn(),
  retryExport: vi.fn(),
}));

vi.mock("@/components/export/rate-limit", async (importOriginal) => {
  const actual = await importOriginal<typeof rateLimit>();
  return { ...actual, noteRateLimit: vi.fn() };
});

vi.mock("@/components/export/download-export", async (importOriginal) => {
  const actual = await importOriginal<typeof downloads>();
  return { ...actual, downloadExport: vi.fn() };
});

function item(overrides: Partial<HistoryItem>): HistoryItem {
  const id = overrides.job_id ?? "job-1";
  return {
    job_id: id,
    delivery: "job",
    status: "completed",
    format: "excel",
    dataset_id: 1,
    dataset_title: "Student Records",
    progress: 100,
    processed_rows: 100,
    total_rows: 100,
    skipped_rows: 0,
    eta_seconds: 0,
    stalled: false,
    download_url: `/api/export/download/${id}`,
    signed_download_url: `/api/export/download/${id}?token=1.2.abc`,
    signed_url_expires_at: "2030-01-01T00:00:00.000Z",
    error_message: null,
    warnings: [],
    file_name: `${id}.xlsx`,
    file_size: 0,
    sha256: "0".repeat(64),
    attempts: 1,
    download_count: 0,
    retry_of: null,
    options: {},
    options_masked: false,
    options_summary: null,
    created_at: "2025-01-20T10:30:00.000Z",
    started_at: "2025-01-20T10:30:00.000Z",
    completed_at: "2025-01-20T10:31:00.000Z",
    finished_at: "2025-01-20T10:31:00.000Z",
    expires_at: "2030-01-27T10:31:00.000Z",
    expired: false,
    user_id: 2,
    user_name: "Mina Park",
    user_email: "manager@outport.local",
    ...overrides,
  } as HistoryItem;
}

const HISTORY = [
  item({ job_id: "job-1", dataset_title: "Student Records", format: "excel", file_size: 6291456, download_count: 2 }),
  item({
    job_id: "job-2",
    dataset_title: "Course Evaluations",
    format: "pdf",
    file_size: 2097152,
    download_count: 0,
    created_at: "2025-01-18T14:15:00Z",
  }),
  item({
    job_id: "job-3",
    dataset_title: "Large Dataset",
    format: "csv",
    status: "failed",
    file_size: null,
    download_url: null,
    signed_download_url: null,
    error_message: "Processing timeout",
    created_at: "2025-01-17T09:00:00Z",
  }),
];

function page(items: HistoryItem[], extra: Partial<HistoryPage> = {}): HistoryPage {
  return { items, total: items.length, page: 1, page_size: 25, pages: 1, hidden_expired: 0, ...extra };
}

/** The server: filters applied as the API applies them. */
function serve(items: HistoryItem[]) {
  vi.mocked(api.getHistory).mockImplementation(async (filters) => {
    const kept = items.filter((i) => !filters.format || i.format === filters.format);
    return page(kept);
  });
}

function renderPage(
  ui: ReactElement = <ExportHistory isAdmin={false} canDelete retentionDays={7} />,
  locale: "en" | "ko" = "ko",
) {
  return renderWithProviders(<ToastProvider>{ui}</ToastProvider>, { locale });
}

const rowOf = (title: string) => screen.getAllByTestId("history-row").find((row) => row.textContent?.includes(title));

beforeEach(() => {
  vi.clearAllMocks();
  serve(HISTORY);
});

afterEach(() => {
  vi.useRealTimers();
});

describe("ExportHistory", () => {
  it("displays export history in a table", async () => {
    renderPage();
    expect(await screen.findByText("Student Records")).toBeInTheDocument();
    expect(screen.getByText("Course Evaluations")).toBeInTheDocument();
    expect(screen.getByText("Large Dataset")).toBeInTheDocument();
    expect(screen.getAllByTestId("history-row")).toHaveLength(3);
  });

  it("shows file sizes in human-readable format", async () => {
    renderPage();
    expect(await screen.findByText("6.0 MB")).toBeInTheDocument();
    expect(screen.getByText("2.0 MB")).toBeInTheDocument();
    expect(formatFileSize(512)).toBe("512 B");
    expect(formatFileSize(12_595)).toBe("12.3 KB");
    expect(formatFileSize(1024 * 1024 - 1)).toBe("1.0 MB");
    expect(formatFileSize(3 * 1024 ** 3)).toBe("3.0 GB");
  });

  it("displays status badges with the right colours, in Korean and English", async () => {
    const view = renderPage();
    await screen.findByText("Student Records");
    const completed = screen.getAllByText("완료");
    expect(completed).toHaveLength(2);
    expect(completed[0]).toHaveClass("bg-green-100");
    expect(screen.getByText("실패")).toHaveClass("bg-red-100");
    view.unmount();

    renderPage(undefined, "en");
    await screen.findByText("Student Records");
    expect(screen.getAllByText("Completed")[0]).toHaveClass("bg-green-100");
    expect(screen.getByText("Failed")).toHaveClass("bg-red-100");
  });

  it("checks the file, then hands the signed URL to the browser and counts the download", async () => {
    vi.mocked(api.checkDownload).mockResolvedValue(200);
    renderPage();
    expect(await screen.findByText("2회 다운로드")).toBeInTheDocument();

    const row = rowOf("Student Records");
    fireEvent.click(within(row as HTMLElement).getByRole("button", { name: "다운로드" }));

    await waitFor(() =>
      expect(api.startBrowserDownload).toHaveBeenCalledWith("/api/export/download/job-1?token=1.2.abc", "job-1.xlsx"),
    );
    expect(api.checkDownload).toHaveBeenCalledWith("/api/export/download/job-1?token=1.2.abc");
    expect(await screen.findByText("3회 다운로드")).toBeInTheDocument();
  });

  it("reads the count back from the server after a download", async () => {
    vi.mocked(api.checkDownload).mockResolvedValue(200);
    renderPage(undefined, "en");
    expect(await screen.findByText("Downloaded 2 times")).toBeInTheDocument();
    vi.useFakeTimers({ shouldAdvanceTime: true });
    serve([{ ...HISTORY[0]!, download_count: 5 }, ...HISTORY.slice(1)]);
    fireEvent.click(within(rowOf("Student Records") as HTMLElement).getByRole("button", { name: "Download" }));
    expect(await screen.findByText("Downloaded 3 times")).toBeInTheDocument();
    await act(async () => {
      await vi.advanceTimersByTimeAsync(RECOUNT_AFTER_MS + 100);
    });
    expect(await screen.findByText("Downloaded 5 times")).toBeInTheDocument();
  });

  it("says why a refused download did not start, and counts nothing", async () => {
    vi.mocked(api.checkDownload).mockResolvedValue(409);
    renderPage(undefined, "en");
    await screen.findByText("Downloaded 2 times");
    fireEvent.click(within(rowOf("Student Records") as HTMLElement).getByRole("button", { name: "Download" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("failed its integrity check");
    expect(api.startBrowserDownload).not.toHaveBeenCalled();
    expect(screen.getByText("Downloaded 2 times")).toBeInTheDocument();
  });

  it("asks for a fresh link when the page's signed link has expired", async () => {
    vi.mocked(api.checkDownload).mockResolvedValueOnce(403).mockResolvedValueOnce(200);
    renderPage(undefined, "en");
    await screen.findByText("Student Records");
    serve([{ ...HISTORY[0]!, signed_download_url: "/api/export/download/job-1?token=fresh" }, ...HISTORY.slice(1)]);
    fireEvent.click(within(rowOf("Student Records") as HTMLElement).getByRole("button", { name: "Download" }));
    await waitFor(() =>
      expect(api.startBrowserDownload).toHaveBeenCalledWith("/api/export/download/job-1?token=fresh", "job-1.xlsx"),
    );
  });

  it("deletes an export after the confirmation, and not before", async () => {
    vi.mocked(api.deleteExport).mockResolvedValue(undefined);
    renderPage();
    await screen.findByText("Course Evaluations");

    const deleteButtons = screen.getAllByRole("button", { name: "삭제" });
    fireEvent.click(deleteButtons[1] as HTMLElement);
    expect(api.deleteExport).not.toHaveBeenCalled();
    expect(screen.getByText(/Course Evaluations의 PDF 내보내기와 파일이 삭제됩니다/)).toBeInTheDocument();

    serve(HISTORY.filter((i) => i.job_id !== "job-2"));
    fireEvent.click(screen.getByText(/확인/));
    await waitFor(() => {
      expect(api.deleteExport).toHaveBeenCalledWith("job-2", expect.any(String));
      expect(screen.queryByText("Course Evaluations")).not.toBeInTheDocument();
    });
    expect(screen.getByText("내보내기를 삭제했습니다.")).toBeInTheDocument();
  });

  it("keeps the export when the confirmation is cancelled, and shows a refused delete", async () => {
    vi.mocked(api.deleteExport).mockRejectedValue(
      new api.HistoryRequestError("This export is still running. Cancel it first, then delete it.", 409),
    );
    renderPage(undefined, "en");
    await screen.findByText("Course Evaluations");
    fireEvent.click(screen.getAllByRole("button", { name: "Delete" })[1] as HTMLElement);
    fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    expect(api.deleteExport).not.toHaveBeenCalled();

    fireEvent.click(screen.getAllByRole("button", { name: "Delete" })[1] as HTMLElement);
    fireEvent.click(screen.getByRole("button", { name: "Delete export" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Cancel it first");
    expect(screen.getByText("Course Evaluations")).toBeInTheDocument();
  });

  it("shows the error message of a failed export, without a download button", async () => {
    renderPage();
    expect(await screen.findByText("Processing timeout")).toBeInTheDocument();
    const failedRow = rowOf("Large Dataset");
    expect(failedRow).toBeDefined();
    expect(failedRow?.querySelector('button[aria-label="다운로드"]')).toBeNull();
    expect(rowOf("Student Records")?.querySelector('button[aria-label="다운로드"]')).not.toBeNull();
  });

  it("filters the history by format", async () => {
    renderPage();
    await screen.findByText("Student Records");
    fireEvent.change(screen.getByLabelText(/형식 필터/), { target: { value: "excel" } });
    await waitFor(() => {
      expect(screen.queryByText("Course Evaluations")).not.toBeInTheDocument();
      expect(screen.queryByText("Large Dataset")).not.toBeInTheDocument();
    });
    expect(screen.getByText("Student Records")).toBeInTheDocument();
    expect(vi.mocked(api.getHistory).mock.lastCall?.[0]).toMatchObject({ format: "excel", page: 1 });
  });

  it("marks expired exports, which have no download, and offers to show hidden ones", async () => {
    vi.mocked(api.getHistory).mockImplementation(async (filters) =>
      filters.includeExpired
        ? page([
            item({
              job_id: "old",
              dataset_title: "Old Export",
              status: "expired",
              expired: true,
              download_url: null,
              signed_download_url: null,
            }),
          ])
        : page([], { hidden_expired: 1 }),
    );
    renderPage(undefined, "en");
    expect(await screen.findByText("No exports yet. Export a dataset and it will appear here.")).toBeInTheDocument();
    expect(screen.getByTestId("hidden-expired")).toHaveTextContent("1 expired exports hidden");
    fireEvent.click(screen.getByLabelText("Show expired exports"));
    expect(await screen.findByText("Old Export")).toBeInTheDocument();
    expect(screen.getByText("File expired")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Download" })).toBeNull();
  });

  it("gives admins a user column and a user filter; managers neither", async () => {
    const users = [
      { id: 2, name: "Mina Park", email: "manager@outport.local" },
      { id: 3, name: "Joon Lee", email: "manager2@outport.local" },
    ];
    const view = renderPage(<ExportHistory isAdmin canDelete users={users} retentionDays={7} />, "en");
    await screen.findByText("Student Records");
    expect(screen.getAllByTestId("history-user")[0]).toHaveTextContent("manager@outport.local");
    fireEvent.change(screen.getByLabelText("User filter"), { target: { value: "3" } });
    await waitFor(() => expect(vi.mocked(api.getHistory).mock.lastCall?.[0]).toMatchObject({ user: "3" }));
    view.unmount();

    renderPage(<ExportHistory isAdmin={false} canDelete retentionDays={7} />, "en");
    await screen.findByText("Student Records");
    expect(screen.queryByTestId("history-user")).toBeNull();
    expect(screen.queryByLabelText("User filter")).toBeNull();
  });

  it("offers viewers no delete button", async () => {
    renderPage(<ExportHistory isAdmin={false} canDelete={false} retentionDays={7} />, "en");
    await screen.findByText("Student Records");
    expect(screen.queryByRole("button", { name: "Delete" })).toBeNull();
  });
});

const SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
const DIRECT = item({
  job_id: "direct-1",
  delivery: "direct",
  dataset_id: 7,
  dataset_title: "Q1 Sales",
  format: "csv",
  processed_rows: 1234,
  total_rows: null,
  file_size: 2048,
  sha256: SHA,
  download_url: null,
  signed_download_url: null,
  signed_url_expires_at: null,
  expires_at: null,
  // Only the fields this test reads; the server sends every option, defaults filled in.
  options: {
    columns: ["order_id", "amount"],
    filters: [{ column: "amount", op: "lt", value: 0 }],
  } as unknown as HistoryItem["options"],
  options_summary: { columns: 2, total_columns: 9, filtered: true, filters: "amount lt 0" },
});
const RUNNING = item({
  job_id: "job-run",
  dataset_title: "Student Enrollment 2024",
  format: "pdf",
  status: "processing",
  progress: 40,
  download_url: null,
  signed_download_url: null,
  file_size: null,
  sha256: null,
  expires_at: null,
});
const PENDING = item({ ...RUNNING, job_id: "job-wait", dataset_title: "Course Evaluations", status: "pending" });

const managerPage = (ui: Partial<Parameters<typeof ExportHistory>[0]> = {}, locale: "en" | "ko" = "en") =>
  renderPage(<ExportHistory isAdmin={false} canDelete canExport retentionDays={7} {...ui} />, locale);

describe("a direct download in the history", () => {
  it("says it was downloaded directly, with its rows, size, options and a shortened SHA-256", async () => {
    serve([DIRECT]);
    managerPage();
    const row = within((await screen.findAllByTestId("history-row"))[0]!);
    expect(row.getByTestId("history-direct")).toHaveTextContent("Downloaded directly");
    expect(row.getByTestId("history-rows")).toHaveTextContent("1,234 rows");
    expect(row.getByTestId("history-size")).toHaveTextContent("2.0 KB");
    expect(row.getByTestId("history-options")).toHaveTextContent("2 of 9 columns · Filters: amount lt 0");
    const sha = row.getByTestId("history-sha256");
    expect(sha).toHaveTextContent(`${SHA.slice(0, 12)}…`);
    expect(sha).toHaveAttribute("title", SHA);
    // Nothing was stored: no download button, no count of downloads, no expiry.
    expect(row.queryByRole("button", { name: "Download" })).toBeNull();
    expect(row.getByTestId("history-downloads")).toHaveTextContent("—");
    expect(row.queryByText(/Kept until/)).toBeNull();
  });

  it("is named in Korean too", async () => {
    serve([DIRECT]);
    managerPage({}, "ko");
    expect(await screen.findByTestId("history-direct")).toHaveTextContent("바로 내려받음");
    expect(screen.getByTestId("history-options")).toHaveTextContent("9개 열 중 2개 · 필터: amount lt 0");
    expect(screen.getByRole("button", { name: "Q1 Sales을(를) CSV(으)로 다시 내보내기" })).toBeInTheDocument();
  });

  it("while it runs says it is downloading, with no percentage that would never move", async () => {
    const running = { ...DIRECT, status: "processing" as const, progress: 0, file_size: null, sha256: null };
    serve([running, RUNNING]);
    const view = managerPage();
    await screen.findByText("Q1 Sales");
    const [direct, job] = screen.getAllByTestId("history-progress");
    expect(direct).toHaveTextContent("Downloading…");
    expect(direct).not.toHaveTextContent("%");
    expect(job).toHaveTextContent("40%");
    view.unmount();
    serve([running]);
    managerPage({}, "ko");
    expect(await screen.findByTestId("history-progress")).toHaveTextContent("내려받는 중…");
  });

  it("copies the full SHA-256", async () => {
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    serve([DIRECT]);
    managerPage();
    fireEvent.click(await screen.findByRole("button", { name: "Copy SHA-256" }));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith(SHA));
    expect(await screen.findByText("SHA-256 copied.")).toBeInTheDocument();
  });
});

describe("Export again", () => {
  it("asks for the same dataset, format and options; a small export downloads directly", async () => {
    vi.mocked(startExport).mockResolvedValue({ mode: "direct" });
    vi.mocked(downloadExport).mockResolvedValue({ ok: true, fileName: "q1-sales_20261201_101500.csv" });
    serve([DIRECT]);
    managerPage();
    fireEvent.click(await screen.findByRole("button", { name: "Export again: Q1 Sales as CSV" }));
    await waitFor(() => expect(downloadExport).toHaveBeenCalledWith(7, "csv", DIRECT.options, expect.any(String)));
    expect(startExport).toHaveBeenCalledWith({ dataset_id: 7, format: "csv", options: DIRECT.options });
    expect(await screen.findByText("Downloaded q1-sales_20261201_101500.csv.")).toBeInTheDocument();
  });

  it("shows a large one's progress in the modal, as a job", async () => {
    vi.mocked(startExport).mockResolvedValue({
      mode: "job",
      job_id: "job-new",
      status_url: "/api/export/status/job-new",
    });
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => Response.json({ ...RUNNING, job_id: "job-new", status: "pending" })),
    );
    try {
      serve([HISTORY[0]!]);
      managerPage();
      fireEvent.click(await screen.findByRole("button", { name: "Export again: Student Records as Excel" }));
      expect(await screen.findByTestId("export-progress")).toBeInTheDocument();
      expect(startExport).toHaveBeenCalledWith({ dataset_id: 1, format: "excel", options: {} });
      expect(downloadExport).not.toHaveBeenCalled();
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it("says why the server refused it", async () => {
    vi.mocked(startExport).mockResolvedValue({ error: "You can only export datasets you own.", status: 403 });
    serve([DIRECT]);
    managerPage();
    fireEvent.click(await screen.findByRole("button", { name: "Export again: Q1 Sales as CSV" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("You can only export datasets you own.");
    expect(downloadExport).not.toHaveBeenCalled();
  });

  it("waits out the export rate limit as the dataset page's buttons do, whichever step refused", async () => {
    vi.mocked(startExport).mockResolvedValue({
      error: "Too many exports: wait 30 seconds.",
      status: 429,
      retry_after: 30,
    });
    serve([DIRECT]);
    managerPage();
    fireEvent.click(await screen.findByRole("button", { name: "Export again: Q1 Sales as CSV" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Too many exports: wait 30 seconds.");
    expect(screen.queryByText(/Export failed/)).toBeNull();
    expect(noteRateLimit).toHaveBeenCalledWith(30);

    vi.mocked(startExport).mockResolvedValue({ mode: "direct" });
    vi.mocked(downloadExport).mockResolvedValue({ ok: false, message: "Slow down.", status: 429, retryAfter: 12 });
    fireEvent.click(screen.getByRole("button", { name: "Export again: Q1 Sales as CSV" }));
    await waitFor(() => expect(noteRateLimit).toHaveBeenCalledWith(12));
    expect(await screen.findByText("Slow down.")).toBeInTheDocument();
    // One toast for the limit, replaced rather than stacked.
    expect(screen.queryByText("Too many exports: wait 30 seconds.")).toBeNull();
  });

  it("is not offered to those who may not export, on running rows, or for a deleted dataset", async () => {
    serve([DIRECT, RUNNING, item({ job_id: "gone", dataset_title: "Old Data", dataset_deleted: true })]);
    const view = managerPage();
    await screen.findByText("Q1 Sales");
    expect(screen.getAllByRole("button", { name: /^Export again/ })).toHaveLength(1);
    view.unmount();
    managerPage({ canExport: false });
    await screen.findByText("Q1 Sales");
    expect(screen.queryByRole("button", { name: /^Export again/ })).toBeNull();
  });

  it("is not offered when a filter value was hidden from the viewer (the mask is no value to ask for)", async () => {
    serve([{ ...DIRECT, options_masked: true }]);
    managerPage();
    await screen.findByText("Q1 Sales");
    expect(screen.queryByRole("button", { name: /^Export again/ })).toBeNull();
  });
});

describe("Cancel", () => {
  it("is offered on waiting and running jobs only, and cancels the one clicked", async () => {
    vi.mocked(api.cancelJob).mockResolvedValue({ ...RUNNING, status: "cancelled" });
    serve([RUNNING, PENDING, DIRECT, ...HISTORY]);
    managerPage();
    await screen.findByText("Q1 Sales");
    const buttons = screen.getAllByRole("button", { name: /^Cancel the / });
    expect(buttons.map((b) => b.getAttribute("aria-label"))).toEqual([
      "Cancel the PDF export of Student Enrollment 2024",
      "Cancel the PDF export of Course Evaluations",
    ]);
    fireEvent.click(buttons[0]!);
    await waitFor(() => expect(api.cancelJob).toHaveBeenCalledWith("job-run", expect.any(String)));
    expect(api.cancelJob).toHaveBeenCalledTimes(1);
    expect(await screen.findByText("Export cancelled.")).toBeInTheDocument();
  });

  it("says why a cancel was refused", async () => {
    vi.mocked(api.cancelJob).mockRejectedValue(
      new api.HistoryRequestError("This export can no longer be cancelled.", 409),
    );
    serve([RUNNING]);
    managerPage();
    fireEvent.click(await screen.findByRole("button", { name: "Cancel the PDF export of Student Enrollment 2024" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("This export can no longer be cancelled.");
  });

  it("is not offered to a role that may not manage exports", async () => {
    serve([RUNNING]);
    managerPage({ canDelete: false });
    await screen.findByText("Student Enrollment 2024");
    expect(screen.queryByRole("button", { name: /^Cancel the / })).toBeNull();
  });
});
