import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { NewDatasetFlow } from "@/components/upload/new-dataset-flow";
import { ToastProvider } from "@/components/ui/toast";
import type { InspectAnswer } from "@/components/upload/inspect-result";
import { FakeXhr } from "../helpers/fake-xhr";
import { renderWithProviders } from "../helpers/render";

const push = vi.fn();
vi.mock("next/navigation", () => ({ useRouter: () => ({ push, refresh: vi.fn() }) }));

const LIMITS = { maxFileBytes: 1000, inspectSampleBytes: 10 };

function answer(overrides: Partial<InspectAnswer> = {}): InspectAnswer {
  return {
    format: "csv",
    encoding: "cp949",
    delimiter: ";",
    sheet: null,
    sheets: [],
    header: true,
    detected: { format: "csv", encoding: "cp949", delimiter: ";" },
    columns: [
      { source: 0, name: "이름", key: "name", label: "이름", type: "string", sensitive: false },
      { source: 1, name: "Amount", key: "amount", label: "Amount", type: "integer", sensitive: false },
      { source: 2, name: "Day", key: "day", label: "Day", type: "date", sensitive: false },
      { source: 3, name: "password", key: "password", label: "password", type: "string", sensitive: true },
    ],
    sample_rows: [
      ["김철수", "1200", "2026-01-05", "x"],
      ["Lee", "abc", "2026-02-30", "y"],
    ],
    warnings: ["A plain warning in words"],
    ...overrides,
  };
}

function renderFlow() {
  return renderWithProviders(
    <ToastProvider>
      <NewDatasetFlow limits={LIMITS} />
    </ToastProvider>,
  );
}

const csv = (size = 50, name = "sales 2026.csv") => new File(["a".repeat(size)], name, { type: "text/csv" });

function drop(file: File) {
  fireEvent.drop(screen.getByTestId("drop-zone"), { dataTransfer: { files: [file] } });
}

/** Drops a file and answers its inspect request. */
async function inspected(result = answer()) {
  drop(csv());
  const request = FakeXhr.sent.at(-1) as FakeXhr;
  act(() => request.respond(200, result));
  await screen.findByTestId("read-choices");
  return request;
}

beforeEach(() => {
  FakeXhr.sent = [];
  push.mockReset();
  vi.stubGlobal("XMLHttpRequest", FakeXhr);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("the drop zone", () => {
  it("refuses a file over the limit before sending anything", () => {
    renderFlow();
    drop(csv(2000));
    expect(screen.getByRole("alert")).toHaveTextContent("sales 2026.csv is 2.0 KB: files may be at most 1000 B.");
    expect(FakeXhr.sent).toHaveLength(0);
  });

  it("refuses a kind of file it cannot read", () => {
    renderFlow();
    drop(new File(["x"], "photo.png"));
    expect(screen.getByRole("alert")).toHaveTextContent("photo.png is not a file Outport can read");
    expect(FakeXhr.sent).toHaveLength(0);
  });

  it("has a keyboard-reachable Choose file button whose input takes the accepted kinds", () => {
    renderFlow();
    const button = screen.getByRole("button", { name: "Choose file" });
    expect(button.tagName).toBe("BUTTON");
    const input = screen.getByLabelText("Choose file", { selector: "input" });
    expect(input).toHaveAttribute("accept", ".csv,.tsv,.txt,.xlsx,.json,.ndjson,.jsonl,.parquet");
    fireEvent.change(input, { target: { files: [csv()] } });
    expect(screen.getByTestId("chosen-file")).toHaveTextContent("sales 2026.csv (50 B)");
    expect(FakeXhr.sent).toHaveLength(1);
  });
});

describe("inspect", () => {
  it("sends only the start of a text file, marked partial, and shows the upload progress", async () => {
    renderFlow();
    drop(csv());
    const request = FakeXhr.sent[0] as FakeXhr;
    expect(request.method).toBe("POST");
    expect(request.url).toBe("/api/datasets/inspect");
    expect(request.file().size).toBe(10);
    expect(request.file().name).toBe("sales 2026.csv");
    expect(request.metadata()).toEqual({ partial: true });
    act(() => request.progress(4, 10));
    const bar = screen.getByRole("progressbar", { name: "Upload progress" });
    expect(bar).toHaveAttribute("aria-valuenow", "40");
    expect(screen.getByText("4 B of 10 B sent (40%)")).toBeInTheDocument();
  });

  it("sends an XLSX whole", () => {
    renderFlow();
    drop(new File(["b".repeat(50)], "book.xlsx"));
    const request = FakeXhr.sent[0] as FakeXhr;
    expect(request.file().size).toBe(50);
    expect(request.metadata()).toEqual({});
  });

  it("shows what was detected, and a changed choice reads the file again with it", async () => {
    renderFlow();
    await inspected();
    expect(screen.getByTestId("detected-format")).toHaveTextContent("CSV");
    const encoding = screen.getByLabelText("Encoding");
    expect(encoding).toHaveValue("cp949");
    expect(screen.getByText("detected: CP949 / EUC-KR")).toBeInTheDocument();
    expect(screen.getByLabelText("Delimiter")).toHaveValue(";");
    expect(screen.getByLabelText("The first row is the header")).toBeChecked();
    expect(screen.queryByLabelText("Sheet")).toBeNull();
    expect(screen.getByText("A plain warning in words")).toBeInTheDocument();
    expect(screen.getByText(/Only the first 10 B of the file were read/)).toBeInTheDocument();

    fireEvent.change(encoding, { target: { value: "utf-8" } });
    const again = FakeXhr.sent.at(-1) as FakeXhr;
    expect(FakeXhr.sent).toHaveLength(2);
    expect(again.metadata()).toMatchObject({ encoding: "utf-8", delimiter: ";", header: true, partial: true });

    act(() => again.respond(200, answer({ encoding: "utf-8" })));
    await waitFor(() => expect(screen.getByLabelText("Encoding")).toHaveValue("utf-8"));
    fireEvent.click(screen.getByLabelText("The first row is the header"));
    expect((FakeXhr.sent.at(-1) as FakeXhr).metadata()).toMatchObject({ header: false });
  });

  it("offers the sheets of an XLSX", async () => {
    renderFlow();
    await inspected(answer({ format: "xlsx", encoding: null, delimiter: null, sheet: "Q1", sheets: ["Q1", "Q2"] }));
    const sheet = screen.getByLabelText("Sheet");
    expect(
      within(sheet)
        .getAllByRole("option")
        .map((o) => o.textContent),
    ).toEqual(["Q1", "Q2"]);
    expect(screen.queryByLabelText("Encoding")).toBeNull();
    fireEvent.change(sheet, { target: { value: "Q2" } });
    expect((FakeXhr.sent.at(-1) as FakeXhr).metadata()).toMatchObject({ sheet: "Q2" });
  });

  it("says a refusal in words, with the field", async () => {
    renderFlow();
    drop(csv());
    act(() =>
      (FakeXhr.sent[0] as FakeXhr).respond(422, {
        detail: "The file is not valid UTF-8 (line 3).",
        errors: [{ field: "encoding", message: "choose the file's encoding" }],
      }),
    );
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("The file could not be read");
    expect(alert).toHaveTextContent("The file is not valid UTF-8 (line 3).");
    expect(alert).toHaveTextContent("encoding: choose the file's encoding");
    expect(screen.getByRole("button", { name: "Try again" })).toBeInTheDocument();
  });
});

describe("the column editor", () => {
  it("proposes the title from the file name and marks a bad key and a duplicate key", async () => {
    renderFlow();
    await inspected();
    expect(screen.getByLabelText("Title")).toHaveValue("sales 2026");
    const importButton = screen.getByRole("button", { name: "Import" });
    expect(importButton).toBeEnabled();

    const amountKey = screen.getByLabelText("Key of column Amount");
    fireEvent.change(amountKey, { target: { value: "Amount €" } });
    expect(amountKey).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByText(/A key is lower-case letters, digits and _/)).toBeInTheDocument();
    expect(importButton).toBeDisabled();

    fireEvent.change(amountKey, { target: { value: "name" } });
    expect(screen.getAllByText("Another column has this key.")).toHaveLength(2);
    expect(importButton).toBeDisabled();

    fireEvent.change(amountKey, { target: { value: "amount_krw" } });
    expect(screen.queryByText("Another column has this key.")).toBeNull();
    expect(importButton).toBeEnabled();
  });

  it("offers only date columns as the date column, and lets one go when its type changes", async () => {
    renderFlow();
    await inspected();
    const dateColumn = screen.getByLabelText("Date column");
    expect(
      within(dateColumn)
        .getAllByRole("option")
        .map((o) => o.textContent),
    ).toEqual(["None", "Day"]);
    expect(dateColumn).toHaveValue("day");

    fireEvent.change(screen.getByLabelText("Type of column Day"), { target: { value: "string" } });
    expect(
      within(dateColumn)
        .getAllByRole("option")
        .map((o) => o.textContent),
    ).toEqual(["None"]);
    expect(dateColumn).toHaveValue("");

    fireEvent.change(screen.getByLabelText("Type of column 이름"), { target: { value: "datetime" } });
    expect(
      within(dateColumn)
        .getAllByRole("option")
        .map((o) => o.textContent),
    ).toEqual(["None", "이름"]);
  });

  it("keeps the proposed sensitive flag and lets it be changed", async () => {
    renderFlow();
    await inspected();
    const flag = screen.getByLabelText("Column password is sensitive");
    expect(flag).toBeChecked();
    fireEvent.click(flag);
    expect(flag).not.toBeChecked();
  });

  it("leaves a column out: not sent, not previewed, not offered as the date column; none left is refused", async () => {
    renderFlow();
    await inspected();
    fireEvent.click(screen.getByLabelText("Import the column Day"));
    expect(screen.getByLabelText("Type of column Day")).toBeDisabled();
    expect(screen.getByLabelText("Date column")).toHaveValue("");
    expect(within(screen.getByLabelText("Date column")).queryByRole("option", { name: "Day" })).toBeNull();
    expect(within(screen.getByTestId("typed-preview")).queryByRole("columnheader", { name: "Day" })).toBeNull();
    const all = ["이름", "Amount", "password"];
    for (const name of all) fireEvent.click(screen.getByLabelText(`Import the column ${name}`));
    expect(screen.getByText("Choose at least one column to import.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Import" })).toBeDisabled();
    for (const name of all) fireEvent.click(screen.getByLabelText(`Import the column ${name}`));
    fireEvent.click(screen.getByRole("button", { name: "Import" }));
    const sent = (FakeXhr.sent.at(-1) as FakeXhr).metadata() as { columns: Array<{ key: string }> };
    expect(sent.columns.map((c) => c.key)).toEqual(["name", "amount", "password"]);
  });

  it("keeps the person's edits when the file is read again with another encoding", async () => {
    renderFlow();
    await inspected();
    fireEvent.change(screen.getByLabelText("Label of column Amount"), { target: { value: "Amount (KRW)" } });
    fireEvent.change(screen.getByLabelText("Type of column Amount"), { target: { value: "number" } });
    fireEvent.click(screen.getByLabelText("Import the column password"));
    fireEvent.change(screen.getByLabelText("Encoding"), { target: { value: "utf-8" } });
    // Read again, inspect now proposes text for Day: a type nobody chose follows the new proposal.
    const columns = answer().columns.map((c) => (c.key === "day" ? { ...c, type: "string" as const } : c));
    act(() => (FakeXhr.sent.at(-1) as FakeXhr).respond(200, answer({ encoding: "utf-8", columns })));
    await waitFor(() => expect(screen.getByLabelText("Encoding")).toHaveValue("utf-8"));
    expect(screen.getByLabelText("Label of column Amount")).toHaveValue("Amount (KRW)");
    expect(screen.getByLabelText("Type of column Amount")).toHaveValue("number");
    expect(screen.getByLabelText("Type of column Day")).toHaveValue("string");
    expect(screen.getByLabelText("Import the column password")).not.toBeChecked();
  });

  it("sits in a labelled, focusable box that scrolls by itself", async () => {
    renderFlow();
    await inspected();
    const box = screen.getByRole("region", { name: "Column editor (scrolls sideways)" });
    expect(box).toHaveAttribute("tabindex", "0");
    expect(box.className).toContain("overflow-x-auto");
  });
});

describe("the typed preview", () => {
  it("renders values with the chosen types and marks one that does not fit", async () => {
    renderFlow();
    await inspected();
    const preview = screen.getByTestId("typed-preview");
    const bad = within(preview).getByText("abc").closest("td") as HTMLElement;
    expect(bad).toHaveAttribute("data-bad", "true");
    expect(bad).toHaveAttribute("title", "not a whole number");
    expect(within(preview).getByText("1,200").closest("td")).not.toHaveAttribute("data-bad");
    // 30 February is not a date: the storage rule says so, and the preview agrees.
    expect(within(preview).getByText("2026-02-30").closest("td")).toHaveAttribute("title", "not a date");
    expect(screen.getByTestId("preview-bad-count")).toHaveTextContent("do not fit their column's type: 2.");

    // As text, the same value fits.
    fireEvent.change(screen.getByLabelText("Type of column Amount"), { target: { value: "string" } });
    expect(within(preview).getByText("abc").closest("td")).not.toHaveAttribute("data-bad");
    expect(screen.getByTestId("preview-bad-count")).toHaveTextContent("do not fit their column's type: 1.");
  });
});

describe("import", () => {
  it("sends the whole file with the confirmed choices, then shows the import's progress", async () => {
    const fetchMock = vi.fn(async () => ({
      ok: true,
      status: 200,
      json: async () => ({
        job_id: "imp1",
        dataset_id: 42,
        mode: "create",
        status: "processing",
        progress: 30,
        processed_rows: 3000,
        total_rows: 10000,
        eta_seconds: 12,
        rejected_rows: 0,
        rejected: [],
        rejected_url: null,
        error_message: null,
        file_name: "sales 2026.csv",
        file_size: 50,
        sha256: null,
        created_at: "2026-01-01T00:00:00.000Z",
        completed_at: null,
        dataset_url: null,
      }),
    }));
    vi.stubGlobal("fetch", fetchMock);
    renderFlow();
    await inspected();
    fireEvent.change(screen.getByLabelText("Label of column Amount"), { target: { value: "Amount (KRW)" } });
    fireEvent.change(screen.getByLabelText("Category column"), { target: { value: "name" } });
    fireEvent.change(screen.getByLabelText("Rows that may be rejected"), { target: { value: "5" } });
    fireEvent.click(screen.getByRole("button", { name: "Import" }));

    const request = FakeXhr.sent.at(-1) as FakeXhr;
    expect(request.url).toBe("/api/datasets");
    expect(request.file().size).toBe(50);
    expect(request.metadata()).toEqual({
      format: "csv",
      encoding: "cp949",
      delimiter: ";",
      sheet: null,
      header: true,
      title: "sales 2026",
      description: "",
      columns: [
        { source: 0, key: "name", label: "이름", type: "string", sensitive: false },
        { source: 1, key: "amount", label: "Amount (KRW)", type: "integer", sensitive: false },
        { source: 2, key: "day", label: "Day", type: "date", sensitive: false },
        { source: 3, key: "password", label: "password", type: "string", sensitive: true },
      ],
      date_column: "day",
      category_column: "name",
      max_rejected_rows: 5,
    });
    act(() => request.progress(25, 50));
    expect(screen.getByText("25 B of 50 B sent (50%)")).toBeInTheDocument();
    act(() => request.respond(202, { job_id: "imp1", status_url: "/api/imports/imp1", dataset_id: 42 }));

    const dialog = await screen.findByRole("dialog", { name: "Importing…" });
    await waitFor(() => expect(within(dialog).getByText("3,000 / 10,000 rows imported")).toBeInTheDocument());
    expect(fetchMock).toHaveBeenCalledWith("/api/imports/imp1", expect.anything());
  });

  it("shows a refused import next to the Import button", async () => {
    renderFlow();
    await inspected();
    fireEvent.click(screen.getByRole("button", { name: "Import" }));
    act(() =>
      (FakeXhr.sent.at(-1) as FakeXhr).respond(413, {
        detail: "The file is larger than the limit of 1 MB.",
        errors: [{ field: "file", message: "at most 1 MB" }],
      }),
    );
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("The import could not start");
    expect(alert).toHaveTextContent("file: at most 1 MB");
  });
});
