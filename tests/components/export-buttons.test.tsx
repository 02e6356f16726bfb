import { act, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ExportButtons } from "@/components/export/export-buttons";
import { renderWithProviders } from "../helpers/render";
import { ToastProvider } from "@/components/ui/toast";

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
      <ExportButtons dataset={{ ...dataset, can_export: canExport, export_denied_reason: canExport ? null : "role" }} isAdmin={false} />
    </ToastProvider>,
    { locale },
  );
}

beforeEach(() => {
  vi.stubGlobal("URL", Object.assign(URL, { createObjectURL: vi.fn(() => "blob:x"), revokeObjectURL: vi.fn() }));
});
afterEach(() => vi.unstubAllGlobals());

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
    expect(fetchMock).toHaveBeenCalledWith("/api/export/csv/1", expect.objectContaining({ method: "POST", body: "{}" }));
    await act(async () =>
      respond(new Response("a,b\r\n", { headers: { "content-disposition": "attachment; filename=\"q1.csv\"; filename*=UTF-8''q1-sales.csv" } })),
    );
    expect(await screen.findByText("Download started: q1-sales.csv")).toBeInTheDocument();
    expect(csv).toBeEnabled();
  });

  it("shows the server's reasons when an export is refused", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => Response.json({ detail: "Some fields are invalid.", errors: [{ field: "columns.0", message: 'unknown column "x"' }] }, { status: 422 })));
    renderButtons(true);
    await userEvent.click(screen.getByRole("button", { name: "Download CSV" }));
    expect(await screen.findByRole("alert")).toHaveTextContent('The export failed: Some fields are invalid. columns.0: unknown column "x"');
  });

  it("explains that PDF is not offered yet, without a request", async () => {
    const fetchMock = vi.fn();
    vi.stubGlobal("fetch", fetchMock);
    renderButtons(true);
    await userEvent.click(screen.getByRole("button", { name: "Download PDF" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("PDF reports are coming soon");
    expect(fetchMock).not.toHaveBeenCalled();
  });
});
