import { act, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startExport } from "@/app/actions/export";
import { ExportButtons } from "@/components/export/export-buttons";
import { renderWithProviders } from "../helpers/render";
import { ToastProvider } from "@/components/ui/toast";

vi.mock("@/app/actions/export", () => ({ startExport: vi.fn(), cancelExport: vi.fn(), retryExport: vi.fn() }));

const dataset = {
  id: 1,
  title: "Q1 Sales",
  record_count: 3500,
  date_column: "sale_date",
  columns: [
    { key: "order_id", label: "Order ID", type: "string" as const, sensitive: false },
    { key: "sale_date", label: "Sale date", type: "date" as const, sensitive: false },
  ],
};

function renderButtons(canExport: boolean, locale: "en" | "ko" = "en") {
  return renderWithProviders(
    <ToastProvider>
      <ExportButtons
        dataset={{ ...dataset, can_export: canExport, export_denied_reason: canExport ? null : "role" }}
        isAdmin={false}
      />
    </ToastProvider>,
    { locale },
  );
}

beforeEach(() => {
  vi.mocked(startExport).mockReset();
  vi.mocked(startExport).mockResolvedValue({ mode: "direct" });
  vi.stubGlobal("URL", Object.assign(URL, { createObjectURL: vi.fn(() => "blob:x"), revokeObjectURL: vi.fn() }));
});
afterEach(() => {
  vi.unstubAllGlobals();
  // Applied options are kept per dataset in local storage: each test starts without any.
  window.localStorage.clear();
});

describe("ExportButtons", () => {
  it("shows a viewer disabled buttons with the reason, and a click only explains", async () => {
    const fetchMock = vi.fn();
    vi.stubGlobal("fetch", fetchMock);
    renderButtons(false, "ko");
    const csv = screen.getByRole("button", { name: "CSV 다운로드" });
    expect(csv).toHaveAttribute("aria-disabled", "true");
    expect(csv).toHaveAttribute("title", "내보내기 권한이 없습니다");
    expect(screen.getByRole("button", { name: "Excel 다운로드" })).toHaveAttribute("aria-disabled", "true");
    expect(screen.getByRole("button", { name: "PDF 다운로드" })).toHaveAttribute("aria-disabled", "true");
    await userEvent.click(csv);
    expect(await screen.findByRole("alert")).toHaveTextContent("내보내기 권한이 없습니다");
    expect(fetchMock).not.toHaveBeenCalled();
    expect(startExport).not.toHaveBeenCalled();
  });

  it("opens More formats as a menu that Escape, a click outside and a choice close", async () => {
    renderButtons(true);
    const more = screen.getByRole("button", { name: /More formats/ });
    expect(more).toHaveAttribute("aria-expanded", "false");
    await userEvent.click(more);
    expect(more).toHaveAttribute("aria-expanded", "true");
    const items = within(screen.getByRole("menu")).getAllByRole("menuitem");
    expect(items.map((item) => item.textContent)).toEqual(["Download JSON", "Download NDJSON", "Download Parquet"]);
    // The first item has the focus; the arrow keys move it, round the end.
    expect(items[0]).toHaveFocus();
    await userEvent.keyboard("{ArrowDown}");
    expect(items[1]).toHaveFocus();
    await userEvent.keyboard("{ArrowUp}{ArrowUp}");
    expect(items[2]).toHaveFocus();
    // Escape closes it and gives the focus back to the button.
    await userEvent.keyboard("{Escape}");
    expect(screen.queryByRole("menu")).toBeNull();
    expect(more).toHaveFocus();
    // A click anywhere else closes it.
    await userEvent.click(more);
    expect(screen.getByRole("menu")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("heading", { name: "Export" }));
    expect(screen.queryByRole("menu")).toBeNull();
    // Choosing a format closes it and starts that export.
    await userEvent.click(more);
    await userEvent.click(screen.getByRole("menuitem", { name: "Download JSON" }));
    expect(screen.queryByRole("menu")).toBeNull();
    expect(startExport).toHaveBeenLastCalledWith({ dataset_id: 1, format: "json", options: {} });
  });

  it("shows a viewer the menu's formats as unavailable, with the reason, and a choice only explains", async () => {
    renderButtons(false);
    await userEvent.click(screen.getByRole("button", { name: /More formats/ }));
    const parquet = screen.getByRole("menuitem", { name: "Download Parquet" });
    expect(parquet).toHaveAttribute("aria-disabled", "true");
    expect(parquet).toHaveAttribute("title", "You don't have permission to export");
    // Greyed text like a disabled menu entry, not the page's grey button.
    expect(parquet.className).toContain("text-slate-400");
    expect(parquet.className).not.toContain("bg-slate-200");
    await userEvent.click(parquet);
    expect(await screen.findByRole("alert")).toHaveTextContent("You don't have permission to export");
    expect(startExport).not.toHaveBeenCalled();
  });

  it("will not apply a filter without a value or a range that ends before it starts, and says so by the field", async () => {
    renderButtons(true);
    await userEvent.click(screen.getByRole("button", { name: /Options/ }));
    await userEvent.click(screen.getByRole("button", { name: /Add filter/ }));
    await userEvent.click(screen.getByRole("button", { name: "Apply" }));
    // Still open, the value marked and explained; nothing applied.
    const dialog = screen.getByRole("dialog", { name: "Export options" });
    const value = within(dialog).getByRole("textbox", { name: "Value" });
    expect(value).toHaveAttribute("aria-invalid", "true");
    expect(value).toHaveAccessibleDescription("Enter a value, or remove this filter.");
    await userEvent.type(value, "SO-2025-00001");
    expect(value).not.toHaveAttribute("aria-invalid");

    const [from, to] = [within(dialog).getByLabelText("From"), within(dialog).getByLabelText("To")];
    await userEvent.type(from, "2025-03-01");
    await userEvent.type(to, "2025-01-01");
    await userEvent.click(screen.getByRole("button", { name: "Apply" }));
    expect(screen.getByRole("dialog", { name: "Export options" })).toBeInTheDocument();
    expect(to).toHaveAccessibleDescription("To must not be before From.");
    await userEvent.clear(to);
    await userEvent.type(to, "2025-03-31");
    await userEvent.click(screen.getByRole("button", { name: "Apply" }));
    expect(screen.queryByRole("dialog", { name: "Export options" })).toBeNull();
  });

  it("shows a spinner and disables the clicked button until the download starts", async () => {
    let respond: (r: Response) => void = () => {};
    const fetchMock = vi.fn(() => new Promise<Response>((resolve) => (respond = resolve)));
    vi.stubGlobal("fetch", fetchMock);
    renderButtons(true);
    const csv = screen.getByRole("button", { name: "Download CSV" });
    await userEvent.click(csv);
    expect(screen.getByRole("status")).toHaveTextContent("Preparing your download…");
    expect(csv).toBeDisabled();
    expect(fetchMock).toHaveBeenCalledWith(
      "/api/export/csv/1",
      expect.objectContaining({ method: "POST", body: "{}" }),
    );
    await act(async () =>
      respond(
        new Response("a,b\r\n", {
          headers: { "content-disposition": "attachment; filename=\"q1.csv\"; filename*=UTF-8''q1-sales.csv" },
        }),
      ),
    );
    expect(await screen.findByText("Download started: q1-sales.csv")).toBeInTheDocument();
    expect(csv).toBeEnabled();
  });

  it("shows the server's reasons when an export is refused", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () =>
        Response.json(
          { detail: "Some fields are invalid.", errors: [{ field: "columns.0", message: 'unknown column "x"' }] },
          { status: 422 },
        ),
      ),
    );
    renderButtons(true);
    await userEvent.click(screen.getByRole("button", { name: "Download CSV" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(
      'The export failed: Some fields are invalid. columns.0: unknown column "x"',
    );
  });

  it("sends the page's charts as PNGs with a PDF request, and none when charts are turned off", async () => {
    vi.mocked(startExport).mockResolvedValue({ error: "stop here", status: 422 });
    const chart = document.createElement("section");
    chart.setAttribute("data-export-chart", "");
    const canvas = document.createElement("canvas");
    canvas.width = 40;
    canvas.height = 20;
    // jsdom draws nothing: the canvas's PNG is stubbed as a browser would produce it.
    canvas.toDataURL = () => "data:image/png;base64,iVBORw0KGgo=";
    chart.append(canvas);
    document.body.append(chart);
    try {
      renderButtons(true);
      await userEvent.click(screen.getByRole("button", { name: "Download PDF" }));
      await screen.findByRole("alert");
      expect(startExport).toHaveBeenLastCalledWith({
        dataset_id: 1,
        format: "pdf",
        options: { chart_images: ["data:image/png;base64,iVBORw0KGgo="] },
      });
      await userEvent.click(screen.getByRole("button", { name: /Options/ }));
      await userEvent.click(screen.getByRole("checkbox", { name: "Include charts (PDF)" }));
      await userEvent.click(screen.getByRole("checkbox", { name: "Landscape pages (PDF)" }));
      await userEvent.click(screen.getByRole("button", { name: "Apply" }));
      await userEvent.click(screen.getByRole("button", { name: "Download PDF" }));
      await vi.waitFor(() => expect(startExport).toHaveBeenCalledTimes(2));
      expect(startExport).toHaveBeenLastCalledWith({
        dataset_id: 1,
        format: "pdf",
        options: { include_charts: false, landscape: true },
      });
    } finally {
      chart.remove();
    }
  });

  it("asks the server first and drops gzip for formats it does not apply to", async () => {
    const fetchMock = vi.fn(
      async () => new Response("x", { headers: { "content-disposition": 'attachment; filename="q1.parquet"' } }),
    );
    vi.stubGlobal("fetch", fetchMock);
    renderButtons(true);
    await userEvent.click(screen.getByRole("button", { name: /Options/ }));
    await userEvent.click(screen.getByRole("checkbox", { name: "Compress (gzip) CSV and JSON" }));
    await userEvent.click(screen.getByRole("button", { name: "Apply" }));
    await userEvent.click(screen.getByRole("button", { name: "Download CSV" }));
    expect(await screen.findByText(/Download started/)).toBeInTheDocument();
    expect(startExport).toHaveBeenLastCalledWith({ dataset_id: 1, format: "csv", options: { compression: "gzip" } });
    await userEvent.click(screen.getByRole("button", { name: /More formats/ }));
    await userEvent.click(screen.getByRole("menuitem", { name: "Download Parquet" }));
    expect(await screen.findByText("Download started: q1.parquet")).toBeInTheDocument();
    expect(startExport).toHaveBeenLastCalledWith({ dataset_id: 1, format: "parquet", options: {} });
    expect(fetchMock).toHaveBeenLastCalledWith(
      "/api/export/parquet/1",
      expect.objectContaining({ method: "POST", body: "{}" }),
    );
  });

  it("opens the progress modal when the export becomes a background job", async () => {
    vi.mocked(startExport).mockResolvedValue({
      mode: "job",
      job_id: "job-1",
      status_url: "/api/export/status/job-1",
      warning: "Large dataset: 600,000 rows.",
    });
    const fetchMock = vi.fn(async () =>
      Response.json({
        job_id: "job-1",
        status: "processing",
        format: "excel",
        dataset_title: "Q1 Sales",
        progress: 50,
        processed_rows: 10_000,
        total_rows: 20_000,
        skipped_rows: 0,
        eta_seconds: 45,
        download_url: null,
        error_message: null,
        warnings: [],
      }),
    );
    vi.stubGlobal("fetch", fetchMock);
    renderButtons(true);
    await userEvent.click(screen.getByRole("button", { name: "Download Excel" }));
    const dialog = await screen.findByRole("dialog", { name: "Exporting Q1 Sales as Excel…" });
    expect(startExport).toHaveBeenCalledWith({ dataset_id: 1, format: "excel", options: {} });
    expect(within(dialog).getByText("Large dataset: 600,000 rows.")).toBeInTheDocument();
    expect(await within(dialog).findByText("10,000 / 20,000 records processed")).toBeInTheDocument();
    expect(within(dialog).getByRole("progressbar")).toHaveStyle({ width: "50%" });
    // The job is polled; nothing is downloaded directly.
    expect(fetchMock).toHaveBeenCalledWith("/api/export/status/job-1", expect.anything());
    expect(fetchMock).not.toHaveBeenCalledWith("/api/export/excel/1", expect.anything());
    expect(screen.getByRole("button", { name: "Download Excel" })).toBeEnabled();

    await userEvent.click(within(dialog).getByRole("button", { name: "Close" }));
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
  });

  it("shows the reasons when the server refuses to start an export", async () => {
    const fetchMock = vi.fn();
    vi.stubGlobal("fetch", fetchMock);
    vi.mocked(startExport).mockResolvedValue({
      error: "Some fields are invalid.",
      errors: [{ field: "options.columns.0", message: 'unknown column "x"' }],
      status: 422,
    });
    renderButtons(true);
    await userEvent.click(screen.getByRole("button", { name: "Download CSV" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(
      'The export failed: Some fields are invalid. options.columns.0: unknown column "x"',
    );
    expect(fetchMock).not.toHaveBeenCalled();
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
  });
});
