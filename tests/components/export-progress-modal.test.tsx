import { act, fireEvent, screen, within } from "@testing-library/react";
import { useState } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cancelExport, retryExport } from "@/app/actions/export";
import { AUTO_CLOSE_MS, ExportProgressModal } from "@/components/export/export-progress-modal";
import { JOB_POLL_INTERVAL_MS } from "@/components/export/use-export-job";
import type { ExportJobJson } from "@/lib/exports/present-export";
import { renderWithProviders } from "../helpers/render";

vi.mock("@/app/actions/export", () => ({ startExport: vi.fn(), cancelExport: vi.fn(), retryExport: vi.fn() }));

function job(overrides: Partial<ExportJobJson> = {}): ExportJobJson {
  return {
    job_id: "j1",
    status: "processing",
    format: "csv",
    dataset_id: 1,
    dataset_title: "Q1 Sales",
    progress: 50,
    processed_rows: 10_000,
    total_rows: 20_000,
    skipped_rows: 0,
    eta_seconds: 45,
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
    processed_rows: 20_000,
    eta_seconds: 0,
    download_url: `/api/export/download/${id}`,
    file_name: "q1-sales.csv",
  });

/** What the status endpoint answers, per job id: a job, or an HTTP error. */
let server: Record<string, ExportJobJson | { httpStatus: number; detail: string }>;
const fetchMock = vi.fn(async (input: RequestInfo | URL) => {
  const id = String(input).replace("/api/export/status/", "");
  const answer = server[id] ?? { httpStatus: 404, detail: "Export not found." };
  if ("httpStatus" in answer) {
    return { ok: false, status: answer.httpStatus, json: async () => ({ detail: answer.detail }) } as Response;
  }
  return { ok: true, status: 200, json: async () => structuredClone(answer) } as Response;
});
const statusCalls = (id = "j1") =>
  fetchMock.mock.calls.filter(([url]) => String(url) === `/api/export/status/${id}`).length;

/** Lets fake time pass and React settle (fetch mocks, query notifications, timers). */
const advance = (ms = 0) =>
  act(async () => {
    await vi.advanceTimersByTimeAsync(ms);
    // A fetch fired by the last timer resolves, then the query notifies on a 0 ms timer,
    // which the fake clock moves 1 ms ahead when it is set during a tick.
    for (let i = 0; i < 5; i++) await vi.advanceTimersByTimeAsync(1);
  });

function renderModal({ warning, locale = "en" }: { warning?: string; locale?: "en" | "ko" } = {}) {
  const onClose = vi.fn();
  const onRetried = vi.fn();
  const view = renderWithProviders(
    <ExportProgressModal jobId="j1" warning={warning} onClose={onClose} onRetried={onRetried} />,
    { locale },
  );
  return { ...view, onClose, onRetried };
}

beforeEach(() => {
  vi.useFakeTimers();
  server = { j1: job() };
  fetchMock.mockClear();
  vi.stubGlobal("fetch", fetchMock);
  vi.mocked(cancelExport).mockReset();
  vi.mocked(retryExport).mockReset();
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe("ExportProgressModal: polling", () => {
  it("polls every 2 s while the job runs and stops once it is done", async () => {
    expect(JOB_POLL_INTERVAL_MS).toBe(2000);
    vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(() => {});
    renderModal();
    await advance();
    expect(statusCalls()).toBe(1);
    await advance(1900);
    expect(statusCalls()).toBe(1);
    await advance(100);
    expect(statusCalls()).toBe(2);
    await advance(2000);
    expect(statusCalls()).toBe(3);

    server.j1 = completed();
    await advance(2000);
    expect(statusCalls()).toBe(4);
    expect(screen.getByText("Download complete")).toBeInTheDocument();
    await advance(20_000);
    expect(statusCalls()).toBe(4);
  });

  it("stops polling after unmount", async () => {
    const { unmount } = renderModal();
    await advance();
    await advance(2000);
    expect(statusCalls()).toBe(2);
    unmount();
    await advance(20_000);
    expect(statusCalls()).toBe(2);
  });

  it("stops polling when closed with the Close button, and says the export goes on", async () => {
    const { onClose } = renderModal();
    await advance();
    expect(screen.getByText("Closing this window does not stop the export.")).toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "Close" }));
    expect(onClose).toHaveBeenCalledTimes(1);
    // The parent here keeps the modal mounted: polling must still stop.
    await advance(20_000);
    expect(statusCalls()).toBe(1);
  });

  it("closes on Escape, once", async () => {
    const { onClose } = renderModal();
    await advance();
    const dialog = screen.getByRole("dialog", { name: "Exporting Q1 Sales as CSV…" });
    fireEvent.keyDown(dialog, { key: "Escape" });
    fireEvent(dialog, new Event("cancel", { cancelable: true }));
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it("shows a 404 and stops polling", async () => {
    server = {};
    renderModal();
    await advance();
    expect(screen.getByRole("alert")).toHaveTextContent("Export not found.");
    await advance(20_000);
    expect(statusCalls()).toBe(1);
  });
});

describe("ExportProgressModal: progress", () => {
  it("is a labelled modal dialog whose progress bar width is the percent", async () => {
    renderModal({ warning: "Large dataset: 600,000 rows." });
    await advance();
    const dialog = screen.getByRole("dialog", { name: "Exporting Q1 Sales as CSV…" });
    expect(dialog).toHaveAttribute("aria-modal", "true");
    const bar = within(dialog).getByRole("progressbar", { name: "Export progress" });
    expect(bar).toHaveAttribute("aria-valuenow", "50");
    expect(bar).toHaveAttribute("aria-valuemin", "0");
    expect(bar).toHaveAttribute("aria-valuemax", "100");
    expect(bar.style.width).toBe("50%");
    expect(within(dialog).getByText("10,000 / 20,000 records processed")).toBeInTheDocument();
    expect(within(dialog).getByText("about 45 s left")).toBeInTheDocument();
    expect(within(dialog).getByText("Large dataset: 600,000 rows.")).toBeInTheDocument();
    expect(within(dialog).getByRole("button", { name: "Cancel" })).toBeEnabled();
  });

  it("follows the job as it moves on", async () => {
    server.j1 = job({ status: "pending", progress: 0, processed_rows: 0, eta_seconds: null });
    renderModal();
    await advance();
    expect(screen.getByText("Waiting for a free worker…")).toBeInTheDocument();
    expect(screen.getByRole("progressbar").style.width).toBe("0%");

    server.j1 = job({ progress: 75, processed_rows: 15_000, eta_seconds: 150, skipped_rows: 3 });
    await advance(2000);
    expect(screen.getByRole("progressbar").style.width).toBe("75%");
    expect(screen.getByText("15,000 / 20,000 records processed")).toBeInTheDocument();
    expect(screen.getByText("about 3 min left")).toBeInTheDocument();
    expect(screen.getByText("3 records could not be read and were skipped.")).toBeInTheDocument();

    server.j1 = job({ progress: 10, processed_rows: 1234, total_rows: null, eta_seconds: null });
    await advance(2000);
    expect(screen.getByText("1,234 records processed")).toBeInTheDocument();
    expect(screen.getByText("Estimating the time left…")).toBeInTheDocument();
  });

  it("says so when the worker stops responding, instead of a time left that is no longer true, and carries on", async () => {
    server.j1 = job({ stalled: true, eta_seconds: null });
    renderModal();
    await advance();
    expect(screen.getByTestId("export-stalled")).toHaveTextContent(
      "The worker running this export stopped responding. It will start again by itself shortly.",
    );
    expect(screen.queryByTestId("export-eta")).toBeNull();
    expect(screen.getByRole("button", { name: "Cancel" })).toBeEnabled();

    // Another worker takes it over: the note goes, the time left comes back.
    server.j1 = job({ progress: 60, processed_rows: 12_000, eta_seconds: 20, attempts: 2 });
    await advance(2000);
    expect(screen.queryByTestId("export-stalled")).toBeNull();
    expect(screen.getByText("about 20 s left")).toBeInTheDocument();
  });

  it("names the export in its title, and says how it ended", async () => {
    renderModal();
    // Before the first answer there is nothing to name.
    expect(screen.getByRole("dialog", { name: "Exporting…" })).toBeInTheDocument();
    await advance();
    expect(screen.getByRole("dialog", { name: "Exporting Q1 Sales as CSV…" })).toBeInTheDocument();
    server.j1 = job({ status: "cancelled", finished_at: "2026-01-01T00:00:09.000Z" });
    await advance(2000);
    expect(screen.getByRole("dialog", { name: "Export of Q1 Sales as CSV cancelled" })).toBeInTheDocument();
  });

  it("estimates the time left only once a tenth of the work is done", async () => {
    server.j1 = job({ progress: 3, processed_rows: 600, eta_seconds: 120 });
    renderModal();
    await advance();
    expect(screen.getByText("Estimating the time left…")).toBeInTheDocument();
    expect(screen.queryByText(/about 2 min left/)).toBeNull();
    server.j1 = job({ progress: 40, processed_rows: 8_000, eta_seconds: 6 });
    await advance(2000);
    expect(screen.getByText("about 6 s left")).toBeInTheDocument();
  });

  it("speaks Korean", async () => {
    renderModal({ locale: "ko" });
    await advance();
    expect(screen.getByRole("dialog", { name: "Q1 Sales을(를) CSV(으)로 내보내는 중…" })).toBeInTheDocument();
    expect(screen.getByText("약 45초 남음")).toBeInTheDocument();
    expect(screen.getByText("10,000 / 20,000건 처리됨")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "취소" })).toBeInTheDocument();
  });
});

describe("ExportProgressModal: completion", () => {
  it("starts the download once, says so and closes after 2 s", async () => {
    expect(AUTO_CLOSE_MS).toBe(2000);
    const clicked: Array<{ href: string | null; download: string | null }> = [];
    vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ href: this.getAttribute("href"), download: this.getAttribute("download") });
    });
    const { onClose } = renderModal();
    await advance();
    expect(clicked).toHaveLength(0);

    server.j1 = completed();
    await advance(2000);
    expect(clicked).toEqual([{ href: "/api/export/download/j1", download: "q1-sales.csv" }]);
    expect(screen.getByRole("status")).toHaveTextContent("Download complete");
    expect(screen.getByRole("progressbar").style.width).toBe("100%");
    expect(screen.getByRole("link", { name: "Download the file" })).toHaveAttribute("href", "/api/export/download/j1");
    expect(screen.queryByRole("button", { name: "Cancel" })).not.toBeInTheDocument();

    await advance(AUTO_CLOSE_MS - 100);
    expect(onClose).not.toHaveBeenCalled();
    await advance(100);
    expect(onClose).toHaveBeenCalledTimes(1);
    await advance(10_000);
    expect(clicked).toHaveLength(1);
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it("says 다운로드가 완료되었습니다 in Korean", async () => {
    vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(() => {});
    server.j1 = completed();
    renderModal({ locale: "ko" });
    await advance();
    expect(screen.getByRole("status")).toHaveTextContent("다운로드가 완료되었습니다");
  });
});

describe("ExportProgressModal: failure and retry", () => {
  it("shows the failure with the job's message, and Retry hands over the new job", async () => {
    server.j1 = job({
      status: "failed",
      eta_seconds: null,
      error_message: "Not enough disk space to write the export file.",
    });
    vi.mocked(retryExport).mockResolvedValue({ mode: "job", job_id: "j2", status_url: "/api/export/status/j2" });
    const { onRetried } = renderModal();
    await advance();
    const alert = screen.getByRole("alert");
    expect(alert).toHaveTextContent("Something went wrong");
    expect(alert).toHaveTextContent("Not enough disk space to write the export file.");
    expect(screen.queryByRole("button", { name: "Cancel" })).not.toBeInTheDocument();

    fireEvent.click(screen.getByRole("button", { name: "Retry" }));
    await advance();
    expect(retryExport).toHaveBeenCalledWith("j1");
    expect(onRetried).toHaveBeenCalledWith("j2", undefined);
  });

  it("follows the retried job in the same modal", async () => {
    server = {
      j1: job({ status: "failed", eta_seconds: null, error_message: "The dataset no longer exists." }),
      j2: job({ job_id: "j2", progress: 20, processed_rows: 4000 }),
    };
    vi.mocked(retryExport).mockResolvedValue({
      mode: "job",
      job_id: "j2",
      status_url: "/api/export/status/j2",
      warning: "Large dataset",
    });
    function Parent() {
      const [current, setCurrent] = useState({ id: "j1", warning: undefined as string | undefined });
      return (
        <ExportProgressModal
          jobId={current.id}
          warning={current.warning}
          onClose={() => {}}
          onRetried={(id, warning) => setCurrent({ id, warning })}
        />
      );
    }
    renderWithProviders(<Parent />);
    await advance();
    fireEvent.click(screen.getByRole("button", { name: "Retry" }));
    await advance();
    expect(statusCalls("j2")).toBe(1);
    await advance(); // the new job's first answer
    expect(screen.getByText("4,000 / 20,000 records processed")).toBeInTheDocument();
    expect(screen.getByText("Large dataset")).toBeInTheDocument();
    expect(screen.queryByText("Something went wrong")).not.toBeInTheDocument();
    await advance(4000);
    expect(statusCalls("j1")).toBe(1);
    expect(statusCalls("j2")).toBe(3);
  });

  it("shows a refused retry in the modal", async () => {
    server.j1 = job({ status: "failed", eta_seconds: null, error_message: "boom" });
    vi.mocked(retryExport).mockResolvedValue({
      error: "Too many export requests. Try again in a minute.",
      status: 429,
    });
    const { onRetried } = renderModal({ locale: "ko" });
    await advance();
    expect(screen.getByRole("alert")).toHaveTextContent("오류가 발생했습니다");
    fireEvent.click(screen.getByRole("button", { name: "재시도" }));
    await advance();
    expect(screen.getByText("Too many export requests. Try again in a minute.")).toBeInTheDocument();
    expect(onRetried).not.toHaveBeenCalled();
  });
});

describe("ExportProgressModal: cancel", () => {
  it("cancels through the server action, shows the cancelled state and stops polling", async () => {
    let answer: (value: { job: ExportJobJson }) => void = () => {};
    vi.mocked(cancelExport).mockImplementation(() => new Promise((resolve) => (answer = resolve)));
    const { onClose } = renderModal();
    await advance();

    fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    await advance();
    expect(cancelExport).toHaveBeenCalledWith("j1");
    expect(screen.getByRole("button", { name: "Cancelling…" })).toBeDisabled();

    const cancelled = job({ status: "cancelled", eta_seconds: null });
    server.j1 = cancelled;
    const callsBefore = statusCalls();
    await act(async () => answer({ job: cancelled }));
    await advance();
    expect(screen.getByRole("status")).toHaveTextContent("Export cancelled");
    expect(screen.queryByRole("button", { name: /Cancel/ })).not.toBeInTheDocument();
    await advance(20_000);
    expect(statusCalls()).toBe(callsBefore);

    fireEvent.click(screen.getByRole("button", { name: "Close" }));
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it("shows a refused cancel", async () => {
    vi.mocked(cancelExport).mockResolvedValue({
      error: "Only a waiting or running export can be cancelled.",
      status: 409,
    });
    renderModal();
    await advance();
    fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    await advance();
    expect(screen.getByRole("alert")).toHaveTextContent("Only a waiting or running export can be cancelled.");
    expect(screen.getByRole("button", { name: "Cancel" })).toBeEnabled();
  });

  it("shows an expired job plainly", async () => {
    server.j1 = job({ status: "expired", eta_seconds: null });
    renderModal();
    await advance();
    expect(screen.getByText("This export's file has expired. Export the dataset again.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Close" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Cancel" })).not.toBeInTheDocument();
  });
});
