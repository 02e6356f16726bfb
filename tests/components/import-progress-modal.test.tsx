import { act, fireEvent, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ImportProgressModal, OPEN_DATASET_AFTER_MS } from "@/components/imports/import-progress-modal";
import type { TImportStatusResponse } from "@/lib/datasets/dataset-schemas";
import { renderWithProviders } from "../helpers/render";

function job(overrides: Partial<TImportStatusResponse> = {}): TImportStatusResponse {
  return {
    job_id: "imp1",
    dataset_id: 7,
    mode: "create",
    status: "processing",
    progress: 40,
    processed_rows: 4000,
    total_rows: 10_000,
    eta_seconds: 30,
    rejected_rows: 0,
    rejected: [],
    rejected_url: null,
    error_message: null,
    file_name: "sales.csv",
    file_size: 1234,
    sha256: null,
    created_at: "2026-01-01T00:00:00.000Z",
    completed_at: null,
    dataset_url: null,
    ...overrides,
  };
}

let server: TImportStatusResponse;
const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
  const url = String(input);
  if (url === "/api/imports/imp1/cancel" && init?.method === "POST") {
    server = job({ status: "cancelled", progress: 40 });
    return { ok: true, status: 200, json: async () => structuredClone(server) } as Response;
  }
  return { ok: true, status: 200, json: async () => structuredClone(server) } as Response;
});
const polls = () => fetchMock.mock.calls.filter(([url]) => String(url) === "/api/imports/imp1").length;

const advance = (ms = 0) =>
  act(async () => {
    await vi.advanceTimersByTimeAsync(ms);
    for (let i = 0; i < 5; i++) await vi.advanceTimersByTimeAsync(1);
  });

function renderModal(locale: "en" | "ko" = "en") {
  const onClose = vi.fn();
  const onCompleted = vi.fn();
  const onBack = vi.fn();
  renderWithProviders(
    <ImportProgressModal jobId="imp1" onClose={onClose} onCompleted={onCompleted} onBack={onBack} />,
    {
      locale,
    },
  );
  return { onClose, onCompleted, onBack };
}

beforeEach(() => {
  vi.useFakeTimers();
  server = job();
  fetchMock.mockClear();
  vi.stubGlobal("fetch", fetchMock);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("ImportProgressModal", () => {
  it("shows rows imported, the bar and the time left, polling every 2 s", async () => {
    renderModal();
    await advance();
    const dialog = screen.getByRole("dialog", { name: "Importing…" });
    const bar = within(dialog).getByRole("progressbar");
    expect(bar.style.width).toBe("40%");
    expect(bar).toHaveAttribute("aria-valuenow", "40");
    expect(within(dialog).getByTestId("import-records")).toHaveTextContent("4,000 / 10,000 rows imported");
    expect(within(dialog).getByTestId("import-eta")).toHaveTextContent("about 30 s left");
    expect(polls()).toBe(1);
    await advance(2000);
    expect(polls()).toBe(2);
  });

  it("says the rows without a total", async () => {
    server = job({ total_rows: null, processed_rows: 1500 });
    renderModal();
    await advance();
    expect(screen.getByTestId("import-records")).toHaveTextContent("1,500 rows imported");
  });

  it("on completion says how many rows came in and opens the dataset 2 s later", async () => {
    server = job({
      status: "completed",
      progress: 100,
      processed_rows: 9998,
      rejected_rows: 2,
      dataset_url: "/datasets/7",
    });
    const { onCompleted } = renderModal();
    await advance();
    expect(screen.getByRole("status")).toHaveTextContent("Import complete: 9,998 rows (2 rejected)");
    expect(screen.getByRole("dialog", { name: "Import complete" })).toBeInTheDocument();
    expect(onCompleted).not.toHaveBeenCalled();
    await advance(OPEN_DATASET_AFTER_MS);
    expect(onCompleted).toHaveBeenCalledWith(expect.objectContaining({ dataset_url: "/datasets/7" }));
    await advance(10_000);
    expect(polls()).toBe(1);
  });

  it("on failure shows the reason, the rejected rows, their CSV and Back", async () => {
    server = job({
      status: "failed",
      error_message: "Too many rejected rows (3, at most 0 allowed).",
      rejected_rows: 3,
      rejected: [
        { line: 4, reason: 'amount: not a whole number: "abc"' },
        { line: 9, reason: 'day: not a date: "2026-13-01"' },
      ],
      rejected_url: "/api/imports/imp1/rejected",
    });
    const { onBack } = renderModal();
    await advance();
    expect(screen.getByRole("alert")).toHaveTextContent("The import failed");
    expect(screen.getByRole("dialog", { name: "Import failed" })).toBeInTheDocument();
    expect(screen.getByRole("alert")).toHaveTextContent("Too many rejected rows (3, at most 0 allowed).");
    const rejected = screen.getByTestId("import-rejected");
    expect(
      within(rejected)
        .getAllByRole("listitem")
        .map((li) => li.textContent),
    ).toEqual(['Line 4: amount: not a whole number: "abc"', 'Line 9: day: not a date: "2026-13-01"']);
    expect(rejected).toHaveTextContent("The first 2 of 3 rejected rows are listed.");
    expect(screen.getByRole("link", { name: "Download the rejected rows (CSV)" })).toHaveAttribute(
      "href",
      "/api/imports/imp1/rejected",
    );
    expect(screen.queryByRole("button", { name: "Cancel" })).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Back" }));
    expect(onBack).toHaveBeenCalledTimes(1);
  });

  it("cancels through the import's cancel endpoint", async () => {
    renderModal();
    await advance();
    fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    await advance();
    expect(fetchMock).toHaveBeenCalledWith("/api/imports/imp1/cancel", expect.objectContaining({ method: "POST" }));
    expect(screen.getByRole("status")).toHaveTextContent("The import was cancelled: no rows were kept.");
    await advance(10_000);
    expect(polls()).toBe(1);
  });

  it("stops polling when closed, and speaks Korean", async () => {
    const { onClose } = renderModal("ko");
    await advance();
    expect(screen.getByRole("dialog", { name: "가져오는 중..." })).toBeInTheDocument();
    expect(screen.getByTestId("import-records")).toHaveTextContent("4,000 / 10,000행 가져옴");
    fireEvent.click(screen.getByRole("button", { name: "닫기" }));
    expect(onClose).toHaveBeenCalledTimes(1);
    await advance(10_000);
    expect(polls()).toBe(1);
  });
});
