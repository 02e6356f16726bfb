// The export's time zone starts as the reader's own (the browser's), not UTC for everyone.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { PreviewTable } from "@/components/datasets/preview-table";
import { AppliedOptionsProvider } from "@/components/export/applied-options";
import { ExportButtons } from "@/components/export/export-buttons";
import { activeOptionCount, draftToOptions, initialDraft } from "@/components/export/options-draft";
import { loadDraft, optionsStorageKey, saveOptions } from "@/components/export/options-storage";
import { ToastProvider } from "@/components/ui/toast";
import { renderWithProviders } from "../helpers/render";

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

/** The browser's zone, as Intl reports it to the page. */
function browserZone(timeZone: string) {
  const real = Intl.DateTimeFormat.prototype.resolvedOptions;
  vi.spyOn(Intl.DateTimeFormat.prototype, "resolvedOptions").mockImplementation(function (this: Intl.DateTimeFormat) {
    return { ...real.call(this), timeZone };
  });
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  window.localStorage.clear();
});

async function openedZoneSelect() {
  renderWithProviders(
    <ToastProvider>
      <ExportButtons dataset={{ ...dataset, can_export: true, export_denied_reason: null }} isAdmin={false} />
    </ToastProvider>,
  );
  // The reader's zone is the default: no setting on the button.
  expect(screen.getByRole("button", { name: /Options/ })).toHaveTextContent(/^Options…$/);
  await userEvent.click(screen.getByRole("button", { name: /Options/ }));
  const dialog = screen.getByRole("dialog", { name: "Export options" });
  return within(dialog).getByRole("combobox", { name: "Time zone for date-times" });
}

describe("the export options' time zone", () => {
  it("defaults to the browser's zone, also one the list does not name", async () => {
    browserZone("Asia/Kolkata");
    const select = await openedZoneSelect();
    expect(select).toHaveValue("Asia/Kolkata");
    expect(within(select).getByRole("option", { name: "Asia/Kolkata" })).toBeInTheDocument();
  });

  it("falls back to UTC when the browser names a zone the server would refuse", async () => {
    browserZone("Mars/Olympus_Mons");
    const select = await openedZoneSelect();
    expect(select).toHaveValue("UTC");
  });

  it("sends the default zone with the export without counting it as a setting", () => {
    browserZone("Asia/Seoul");
    const options = draftToOptions(initialDraft(dataset), dataset);
    expect(options.timezone).toBe("Asia/Seoul");
    expect(activeOptionCount(options)).toBe(0);
  });

  it("sends UTC when a reader in another zone picks it, and counts it as a setting", () => {
    browserZone("Asia/Seoul");
    const options = draftToOptions({ ...initialDraft(dataset), timezone: "UTC" }, dataset);
    expect(options.timezone).toBe("UTC");
    expect(activeOptionCount(options)).toBe(1);
  });

  it("sends no zone when the reader's zone is UTC too (the server's default)", () => {
    browserZone("UTC");
    expect(draftToOptions(initialDraft(dataset), dataset)).toEqual({});
  });

  it("keeps UTC picked elsewhere across a reload, and nothing for the reader's own zone", () => {
    browserZone("Asia/Seoul");
    const full = { ...dataset, id: 9 };
    saveOptions(9, draftToOptions(initialDraft(full), full));
    expect(window.localStorage.getItem(optionsStorageKey(9))).toBeNull();
    saveOptions(9, draftToOptions({ ...initialDraft(full), timezone: "UTC" }, full));
    expect(loadDraft(full, false)?.timezone).toBe("UTC");
  });

  it("previews date-times in UTC when a reader in Seoul picked UTC", async () => {
    browserZone("Asia/Seoul");
    const withTime = {
      ...dataset,
      columns: [{ key: "sold_at", label: "Sold at", type: "datetime" as const, sensitive: false }],
      date_column: null,
    };
    window.localStorage.setItem(optionsStorageKey(1), JSON.stringify({ timezone: "UTC" }));
    vi.stubGlobal(
      "fetch",
      vi.fn(async () =>
        Response.json({
          total: 1,
          first_position: 1,
          has_previous: false,
          has_next: false,
          rows: [{ id: 1, values: { sold_at: "2026-11-30T22:32:00Z" } }],
        }),
      ),
    );
    renderWithProviders(
      <AppliedOptionsProvider dataset={withTime} isAdmin={false}>
        <PreviewTable dataset={withTime} />
      </AppliedOptionsProvider>,
    );
    await waitFor(() => expect(screen.getByText("2026-11-30 22:32:00 UTC")).toBeInTheDocument());
  });
});
