// The export's time zone starts as the reader's own (the browser's), not UTC for everyone.
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ExportButtons } from "@/components/export/export-buttons";
import { activeOptionCount, draftToOptions, initialDraft } from "@/components/export/options-draft";
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

afterEach(() => vi.restoreAllMocks());

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
    expect(activeOptionCount({ ...options, timezone: "UTC" })).toBe(1);
  });
});
