// The export buttons while the server asks to wait, and when "Download started" is said.
import { act, fireEvent, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startExport } from "@/app/actions/export";
import { ExportButtons } from "@/components/export/export-buttons";
import { clearRateLimit } from "@/components/export/rate-limit";
import { renderWithProviders } from "../helpers/render";

vi.mock("@/app/actions/export", () => ({ startExport: vi.fn(), cancelExport: vi.fn(), retryExport: vi.fn() }));

const dataset = {
  id: 1,
  title: "Q1 Sales",
  record_count: 3500,
  date_column: "sale_date",
  columns: [{ key: "order_id", label: "Order ID", type: "string" as const, sensitive: false }],
  can_export: true,
  export_denied_reason: null,
};

const settle = () =>
  act(async () => {
    for (let i = 0; i < 5; i++) await vi.advanceTimersByTimeAsync(1);
  });

function rateLimited(seconds: number): Response {
  return new Response(JSON.stringify({ detail: `Too many requests. Try again in ${seconds} s.` }), {
    status: 429,
    headers: { "Content-Type": "application/json", "Retry-After": String(seconds) },
  });
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.mocked(startExport).mockReset();
  vi.mocked(startExport).mockResolvedValue({ mode: "direct" });
  vi.stubGlobal("URL", Object.assign(URL, { createObjectURL: vi.fn(() => "blob:x"), revokeObjectURL: vi.fn() }));
  vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(() => {});
});
afterEach(() => {
  clearRateLimit();
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe("ExportButtons and the rate limit", () => {
  it("disables every export button with a countdown after a 429, and enables them when the time is up", async () => {
    const fetchMock = vi.fn(async () => rateLimited(30));
    vi.stubGlobal("fetch", fetchMock);
    renderWithProviders(<ExportButtons dataset={dataset} isAdmin={false} />);
    const csv = screen.getByRole("button", { name: "Download CSV" });
    fireEvent.click(csv);
    await settle();

    expect(screen.getAllByTestId("toast")).toHaveLength(1);
    expect(screen.getByRole("alert")).toHaveTextContent("Too many requests. Try again in 30 s.");
    for (const name of ["Download CSV", "Download Excel", "Download PDF"]) {
      expect(screen.getByRole("button", { name })).toBeDisabled();
    }
    const reason = "Too many exports in a short time: you can export again in 30 s.";
    expect(screen.getByTestId("export-rate-limit")).toHaveTextContent(reason);
    expect(csv).toHaveAttribute("title", reason);
    // The countdown is seen, not spoken: the live region says once that the buttons wait.
    const announcement = screen.getByTestId("export-rate-limit-announcement");
    expect(announcement).toHaveAttribute("aria-live", "polite");
    expect(screen.getByTestId("export-rate-limit")).not.toHaveAttribute("role");
    expect(screen.getByTestId("export-rate-limit").closest("[aria-live],[role=status],[role=alert]")).toBeNull();
    const started = "Too many exports in a short time: the export buttons wait until the server allows more.";
    expect(announcement).toHaveTextContent(started);

    // A click now sends nothing and adds no toast.
    fireEvent.click(csv);
    await settle();
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(vi.mocked(startExport)).toHaveBeenCalledTimes(1);

    await act(async () => vi.advanceTimersByTimeAsync(10_000));
    expect(screen.getByTestId("export-rate-limit")).toHaveTextContent("again in 20 s.");
    expect(announcement).toHaveTextContent(started);
    await act(async () => vi.advanceTimersByTimeAsync(20_000));
    expect(screen.queryByTestId("export-rate-limit")).not.toBeInTheDocument();
    expect(announcement).toHaveTextContent("You can export again.");
    expect(csv).toBeEnabled();
    expect(csv).not.toHaveAttribute("title");
  });

  it("waits too when starting a background job is refused for the rate limit", async () => {
    vi.mocked(startExport).mockResolvedValue({
      error: "Too many requests. Try again in 5 s.",
      status: 429,
      retry_after: 5,
    });
    vi.stubGlobal("fetch", vi.fn());
    renderWithProviders(<ExportButtons dataset={dataset} isAdmin={false} />);
    fireEvent.click(screen.getByRole("button", { name: "Download Excel" }));
    await settle();
    expect(screen.getByRole("button", { name: "Download Excel" })).toBeDisabled();
    expect(screen.getByTestId("export-rate-limit")).toHaveTextContent("again in 5 s.");
    await act(async () => vi.advanceTimersByTimeAsync(5000));
    expect(screen.getByRole("button", { name: "Download Excel" })).toBeEnabled();
  });

  it("announces nothing before any wait, and speaks Korean", async () => {
    vi.mocked(startExport).mockResolvedValue({ error: "요청이 너무 많습니다.", status: 429, retry_after: 3 });
    vi.stubGlobal("fetch", vi.fn());
    renderWithProviders(<ExportButtons dataset={dataset} isAdmin={false} />, { locale: "ko" });
    expect(screen.getByTestId("export-rate-limit-announcement")).toBeEmptyDOMElement();
    fireEvent.click(screen.getByRole("button", { name: "Excel 다운로드" }));
    await settle();
    expect(screen.getByTestId("export-rate-limit-announcement")).toHaveTextContent("서버가 허용할 때까지");
    await act(async () => vi.advanceTimersByTimeAsync(3000));
    expect(screen.getByTestId("export-rate-limit-announcement")).toHaveTextContent("이제 다시 내보낼 수 있습니다.");
  });

  it('says "Download started" once the server answered, before the file has arrived', async () => {
    let finish: () => void = () => {};
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("a,b\r\n"));
        finish = () => controller.close();
      },
    });
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => new Response(body, { headers: { "content-disposition": 'attachment; filename="q1.csv"' } })),
    );
    renderWithProviders(<ExportButtons dataset={dataset} isAdmin={false} />);
    fireEvent.click(screen.getByRole("button", { name: "Download CSV" }));
    await settle();
    expect(screen.getByText("Download started: q1.csv")).toBeInTheDocument();
    expect(HTMLAnchorElement.prototype.click).not.toHaveBeenCalled();

    await act(async () => {
      finish();
      for (let i = 0; i < 5; i++) await vi.advanceTimersByTimeAsync(1);
    });
    expect(HTMLAnchorElement.prototype.click).toHaveBeenCalledTimes(1);
    expect(screen.getAllByText("Download started: q1.csv")).toHaveLength(1);
  });
});
