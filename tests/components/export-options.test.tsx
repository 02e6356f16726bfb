// Applied export options made visible and kept: the summary line under the buttons, the
// badge on the Options button, the options restored from local storage (and what is
// dropped or ignored there), the live count, the preview asked for what the options
// export, and the PDF row cap said before any request.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startExport } from "@/app/actions/export";
import { PreviewTable } from "@/components/datasets/preview-table";
import { AppliedOptionsProvider } from "@/components/export/applied-options";
import { errorMessage } from "@/components/export/download-export";
import { ExportButtons } from "@/components/export/export-buttons";
import { optionsStorageKey } from "@/components/export/options-storage";
import { ToastProvider } from "@/components/ui/toast";
import { renderWithProviders } from "../helpers/render";

vi.mock("@/app/actions/export", () => ({ startExport: vi.fn(), cancelExport: vi.fn(), retryExport: vi.fn() }));

const dataset = {
  id: 4,
  title: "Q1 Sales",
  record_count: 3500,
  date_column: "sale_date",
  can_export: true,
  export_denied_reason: null,
  columns: [
    { key: "order_id", label: "Order ID", type: "string" as const, sensitive: false },
    { key: "sale_date", label: "Sale date", type: "date" as const, sensitive: false },
    { key: "region", label: "Region", type: "string" as const, sensitive: false },
    { key: "amount", label: "Amount", type: "number" as const, sensitive: false },
  ],
};

/** Answers the count request with `count`, and records every URL asked for. */
function mockCount(count: number) {
  const fetchMock = vi.fn(async (input: RequestInfo | URL) => {
    const url = new URL(String(input), "http://localhost");
    if (url.pathname.endsWith("/count")) return Response.json({ dataset_id: 4, count, total: 3500 });
    return Response.json({ detail: "unexpected" }, { status: 500 });
  });
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

function keep(value: unknown) {
  window.localStorage.setItem(optionsStorageKey(4), typeof value === "string" ? value : JSON.stringify(value));
}

function renderButtons({ locale = "en" as "en" | "ko", pdfRowCap = 20_000 } = {}) {
  return renderWithProviders(
    <ToastProvider>
      <ExportButtons dataset={dataset} isAdmin={false} pdfRowCap={pdfRowCap} />
    </ToastProvider>,
    { locale },
  );
}

const summary = () => screen.getByTestId("export-summary");
const optionsButton = () => screen.getByRole("button", { name: /^Options|^옵션/ });

beforeEach(() => {
  vi.mocked(startExport).mockReset();
  vi.mocked(startExport).mockResolvedValue({ mode: "direct" });
});
afterEach(() => {
  vi.unstubAllGlobals();
  window.localStorage.clear();
});

describe("the summary line", () => {
  it("names the columns, the date range, the filters and the live count of what will be exported", async () => {
    const fetchMock = mockCount(1234);
    keep({
      columns: ["order_id", "region", "amount"],
      date_range: { start: "2025-06-01" },
      filters: [{ column: "region", op: "eq", value: "East" }],
    });
    renderButtons();
    await waitFor(() =>
      expect(summary()).toHaveTextContent(
        '3 of 4 columns · Sale date 2025-06-01 → · Region equals "East" · ≈ 1,234 records',
      ),
    );
    // The count is asked of the server with the options that select rows.
    const url = new URL(String(fetchMock.mock.calls[0]?.[0]), "http://localhost");
    expect(url.pathname).toBe("/api/datasets/4/count");
    expect(JSON.parse(url.searchParams.get("filters") ?? "null")).toEqual([
      { column: "region", op: "eq", value: "East" },
    ]);
    expect(JSON.parse(url.searchParams.get("date_range") ?? "null")).toEqual({ start: "2025-06-01" });
  });

  it("says clearly when no record matches, rather than going blank", async () => {
    mockCount(0);
    keep({ filters: [{ column: "order_id", op: "eq", value: "" }] });
    renderButtons();
    await waitFor(() =>
      expect(summary()).toHaveTextContent("No records match these options — the file would be empty."),
    );
  });

  it("says it in Korean, numbers localised", async () => {
    mockCount(1234);
    keep({ columns: ["order_id", "region"], filters: [{ column: "region", op: "eq", value: "East" }] });
    renderButtons({ locale: "ko" });
    await waitFor(() => expect(summary()).toHaveTextContent('열 4개 중 2개 · Region: "East" (같음) · 약 1,234건'));
  });

  it("keeps 'All N records' without options, asking the server nothing", async () => {
    const fetchMock = mockCount(1);
    renderButtons();
    expect(summary()).toHaveTextContent("All 3,500 records");
    expect(fetchMock).not.toHaveBeenCalled();
  });
});

describe("the Options badge", () => {
  it.each([
    ["en" as const, { bom: false }, "1 setting"],
    ["en" as const, { bom: false, landscape: true }, "2 settings"],
    ["ko" as const, { bom: false }, "설정 1개"],
    ["ko" as const, { bom: false, landscape: true }, "설정 2개"],
  ])("in %s for %j says %s", async (locale, kept, text) => {
    keep(kept);
    renderButtons({ locale });
    await waitFor(() => expect(optionsButton()).toHaveTextContent(text));
    expect(optionsButton()).not.toHaveTextContent(/options set/);
  });
});

describe("options kept in local storage", () => {
  it("restores valid options into the dialog", async () => {
    mockCount(10);
    keep({
      columns: ["region", "order_id"],
      rename: { region: "Area" },
      filters: [{ column: "region", op: "eq", value: "APAC" }],
    });
    renderButtons();
    await waitFor(() => expect(summary()).toHaveTextContent("2 of 4 columns"));
    await userEvent.click(optionsButton());
    const dialog = screen.getByRole("dialog", { name: "Export options" });
    const rows = within(dialog).getAllByTestId("option-column");
    expect(rows.map((row) => within(row).getByRole("checkbox").getAttribute("id"))).toEqual([
      "col-region",
      "col-order_id",
      "col-sale_date",
      "col-amount",
    ]);
    expect(within(rows[0]!).getByRole("checkbox")).toBeChecked();
    expect(within(rows[2]!).getByRole("checkbox")).not.toBeChecked();
    expect(within(dialog).getByRole("textbox", { name: "Header for Region" })).toHaveValue("Area");
    expect(within(dialog).getByRole("textbox", { name: "Value" })).toHaveValue("APAC");
  });

  it("drops columns the dataset no longer has, without a word", async () => {
    mockCount(5);
    keep({
      columns: ["order_id", "gone", "region"],
      filters: [
        { column: "gone", op: "eq", value: "x" },
        { column: "region", op: "eq", value: "APAC" },
      ],
    });
    renderButtons();
    await waitFor(() => expect(summary()).toHaveTextContent('2 of 4 columns · Region equals "APAC" · ≈ 5 records'));
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it.each([
    ["text that is not JSON", "{not json"],
    ["JSON the schema refuses", JSON.stringify({ filters: "region = APAC" })],
    ["an unknown option", JSON.stringify({ columns: ["order_id"], surprise: true })],
  ])("ignores %s", async (_, raw) => {
    const fetchMock = mockCount(1);
    keep(raw);
    renderButtons();
    // Given time to read the storage, the defaults still apply.
    await waitFor(() => expect(summary()).toHaveTextContent("All 3,500 records"));
    expect(optionsButton()).toHaveTextContent(/^Options…$/);
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it("keeps what Apply applies, and Reset brings back the defaults", async () => {
    mockCount(3);
    renderButtons();
    await userEvent.click(optionsButton());
    let dialog = screen.getByRole("dialog", { name: "Export options" });
    await userEvent.click(within(dialog).getByRole("checkbox", { name: "Amount" }));
    await userEvent.click(within(dialog).getByRole("button", { name: "Apply" }));
    expect(JSON.parse(window.localStorage.getItem(optionsStorageKey(4)) ?? "null")).toEqual({
      columns: ["order_id", "sale_date", "region"],
    });
    expect(summary()).toHaveTextContent("3 of 4 columns");

    await userEvent.click(optionsButton());
    dialog = screen.getByRole("dialog", { name: "Export options" });
    await userEvent.click(within(dialog).getByRole("button", { name: "Reset" }));
    await userEvent.click(within(dialog).getByRole("button", { name: "Apply" }));
    expect(window.localStorage.getItem(optionsStorageKey(4))).toBeNull();
    expect(summary()).toHaveTextContent("All 3,500 records");
  });
});

describe("the live count in the dialog", () => {
  it("counts the options being edited once they stand still, before Apply", async () => {
    const fetchMock = mockCount(42);
    renderButtons();
    await userEvent.click(optionsButton());
    const dialog = screen.getByRole("dialog", { name: "Export options" });
    await userEvent.click(within(dialog).getByRole("button", { name: /Add filter/ }));
    // A filter without a value is not counted (the dialog asks for one).
    expect(within(dialog).getByTestId("options-count")).not.toHaveTextContent("42");
    await userEvent.type(within(dialog).getByRole("textbox", { name: "Value" }), "SO-1");
    await waitFor(() => expect(within(dialog).getByTestId("options-count")).toHaveTextContent("≈ 42 records"));
    const urls = fetchMock.mock.calls.map(([input]) => new URL(String(input), "http://localhost"));
    expect(JSON.parse(urls.at(-1)?.searchParams.get("filters") ?? "null")).toEqual([
      { column: "order_id", op: "eq", value: "SO-1" },
    ]);
    // Nothing is applied until Apply.
    expect(summary()).toHaveTextContent("All 3,500 records");
  });
});

describe("the PDF row cap", () => {
  it("is said by the PDF button before any request, and a click only explains", async () => {
    const fetchMock = mockCount(1);
    renderButtons({ pdfRowCap: 1000 });
    const note = screen.getByTestId("export-pdf-cap");
    expect(note).toHaveTextContent(
      "A PDF report holds at most 1,000 records; this export has 3,500. Download CSV or Excel, or narrow it with filters.",
    );
    const pdf = screen.getByRole("button", { name: "Download PDF" });
    expect(pdf).toHaveAccessibleDescription(note.textContent ?? "");
    await userEvent.click(pdf);
    expect(await screen.findByRole("alert")).toHaveTextContent("A PDF report holds at most 1,000 records");
    expect(startExport).not.toHaveBeenCalled();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it("is said in the dialog too, and goes once a filter brings the count under the cap", async () => {
    mockCount(800);
    renderButtons({ pdfRowCap: 1000 });
    await userEvent.click(optionsButton());
    const dialog = screen.getByRole("dialog", { name: "Export options" });
    expect(within(dialog).getByTestId("options-pdf-cap")).toHaveTextContent("at most 1,000 records");
    await userEvent.click(within(dialog).getByRole("button", { name: /Add filter/ }));
    await userEvent.type(within(dialog).getByRole("textbox", { name: "Value" }), "SO-1");
    await waitFor(() => expect(within(dialog).queryByTestId("options-pdf-cap")).toBeNull());
    await userEvent.click(within(dialog).getByRole("button", { name: "Apply" }));
    await waitFor(() => expect(screen.queryByTestId("export-pdf-cap")).toBeNull());
  });

  it("is not said for an export under the cap", () => {
    renderButtons({ pdfRowCap: 20_000 });
    expect(screen.queryByTestId("export-pdf-cap")).toBeNull();
  });

  it("a refusal with its own detail is written once, not again by its field line", () => {
    const detail =
      "A PDF report holds at most 20,000 rows; this export has 25,000. Download CSV or Excel instead, or narrow it with filters.";
    const text = errorMessage(
      {
        detail,
        errors: [
          {
            field: "format",
            message: "a PDF report holds at most 20000 rows; this export has 25000: use CSV or Excel",
          },
        ],
      },
      "Something went wrong",
      { generic: "Some fields are invalid." },
    );
    expect(text).toBe(detail);
    expect(text.match(/holds at most/gi)).toHaveLength(1);
    // A general detail keeps the fields' messages under it.
    expect(
      errorMessage(
        { detail: "Some fields are invalid.", errors: [{ field: "filters.0.value", message: "must be text" }] },
        "Something went wrong",
        { generic: "Some fields are invalid." },
      ),
    ).toBe("Some fields are invalid.\nfilters.0.value: must be text");
  });
});

describe("the preview", () => {
  it("asks for what the applied options export, and shows those columns in that order", async () => {
    keep({
      columns: ["amount", "order_id"],
      rename: { amount: "Total" },
      filters: [{ column: "region", op: "eq", value: "APAC" }],
    });
    const fetchMock = vi.fn(async (input: RequestInfo | URL) => {
      const url = new URL(String(input), "http://localhost");
      if (url.pathname.endsWith("/count")) return Response.json({ dataset_id: 4, count: 1, total: 3500 });
      return Response.json({
        total: 1,
        first_position: 1,
        has_previous: false,
        has_next: false,
        columns: [
          { key: "amount", header: "Total", redacted: false },
          { key: "order_id", header: "Order ID", redacted: false },
        ],
        rows: [{ id: 9, values: { amount: 12.5, order_id: "SO-9" } }],
      });
    });
    vi.stubGlobal("fetch", fetchMock);
    renderWithProviders(
      <AppliedOptionsProvider dataset={dataset} isAdmin={false}>
        <PreviewTable dataset={dataset} />
      </AppliedOptionsProvider>,
    );
    const table = await screen.findByTestId("preview-table");
    await waitFor(() =>
      expect(
        within(table)
          .getAllByRole("columnheader")
          .map((th) => th.textContent),
      ).toEqual(["Total", "Order ID"]),
    );
    const records = fetchMock.mock.calls
      .map(([input]) => new URL(String(input), "http://localhost"))
      .filter((url) => url.pathname === "/api/datasets/4/records");
    const last = records.at(-1);
    expect(last?.searchParams.get("columns")).toBe("amount,order_id");
    expect(JSON.parse(last?.searchParams.get("rename") ?? "null")).toEqual({ amount: "Total" });
    expect(JSON.parse(last?.searchParams.get("filters") ?? "null")).toEqual([
      { column: "region", op: "eq", value: "APAC" },
    ]);
  });
});
