// The schedule form with the server stubbed at fetch: opened from a dataset page's
// "Schedule…" (that dataset, the options its page kept), the request it sends for weekly,
// monthly and cron choices, what it refuses before asking (no recipient, no weekday, no
// cron), the server's 422 errors shown by the field they name, editing a schedule, and
// Escape closing it with the focus back where it was.
import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { optionsStorageKey } from "@/components/export/options-storage";
import { browserTimeZone } from "@/components/i18n/local-time";
import { parseRecipients } from "@/components/schedules/schedule-form";
import { SchedulesView } from "@/components/schedules/schedules-view";
import type { TMailSettings, TSchedule } from "@/lib/schedules/schedule-schemas";
import { renderWithProviders } from "../helpers/render";
import { DATASETS, FILES_MAIL, schedule, SMTP_MAIL } from "./schedules-fixtures";

type Call = { url: string; method: string; body: Record<string, unknown> | undefined };
let calls: Call[];
let listed: TSchedule[];
let mail: TMailSettings;
let saveAnswer: ((body: Record<string, unknown>) => Response) | null;

beforeEach(() => {
  calls = [];
  listed = [];
  mail = FILES_MAIL;
  saveAnswer = null;
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init: RequestInit = {}) => {
      const method = init.method ?? "GET";
      const body = init.body ? (JSON.parse(String(init.body)) as Record<string, unknown>) : undefined;
      calls.push({ url, method, body });
      if (url.startsWith("/api/datasets/1/count")) return Response.json({ count: 42 });
      if (url === "/api/schedules" && method === "GET") return Response.json({ schedules: listed, mail });
      if (saveAnswer && body) return saveAnswer(body);
      if (url === "/api/schedules" && method === "POST") {
        const created = schedule({ ...(body as Partial<TSchedule>), id: "sch-new" });
        listed = [created, ...listed];
        return Response.json(created, { status: 201 });
      }
      const one = /^\/api\/schedules\/([^/]+)$/.exec(url);
      if (one && method === "PATCH") {
        listed = listed.map((s) => (s.id === one[1] ? { ...s, ...(body as Partial<TSchedule>) } : s));
        return Response.json(listed.find((s) => s.id === one[1]));
      }
      return Response.json({ detail: "No such schedule." }, { status: 404 });
    }),
  );
});

afterEach(() => {
  vi.unstubAllGlobals();
  window.localStorage.clear();
  window.history.replaceState(null, "", "/");
});

const render = (props: { newDatasetId?: number } = {}) =>
  renderWithProviders(
    <SchedulesView datasets={DATASETS} isAdmin={false} userEmail="manager@outport.local" {...props} />,
  );

const saves = () => calls.filter((c) => c.method === "POST" || c.method === "PATCH");

async function openNew(): Promise<HTMLElement> {
  render();
  await screen.findByTestId("schedules-empty");
  fireEvent.click(screen.getByRole("button", { name: "New schedule" }));
  return screen.findByRole("dialog", { name: "New schedule" });
}

describe("ScheduleForm: a new schedule", () => {
  it("opens from a dataset page with that dataset and its kept options, and sends weekly Excel as cron", async () => {
    window.localStorage.setItem(
      optionsStorageKey(1),
      JSON.stringify({ filters: [{ column: "region", op: "eq", value: "East" }] }),
    );
    window.history.replaceState(null, "", "/schedules?new=1");
    render({ newDatasetId: 1 });
    const dialog = await screen.findByRole("dialog", { name: "New schedule" });
    // The address loses ?new=, so a reload does not open the form again.
    expect(window.location.search).toBe("");
    expect(within(dialog).getByLabelText("Dataset")).toHaveValue("1");
    await waitFor(() =>
      expect(within(dialog).getByTestId("schedule-options-summary")).toHaveTextContent(
        'Region equals "East" · ≈ 42 records',
      ),
    );
    expect(within(dialog).getByRole("button", { name: /Options…/ })).toHaveTextContent("1 setting");
    // Weekly on Monday at 09:00 is where a new schedule starts; Wednesday is added.
    expect(within(dialog).getByRole("radio", { name: "Weekly" })).toBeChecked();
    expect(within(dialog).getByRole("checkbox", { name: "Monday" })).toBeChecked();
    fireEvent.click(within(dialog).getByRole("checkbox", { name: "Wednesday" }));
    fireEvent.change(within(dialog).getByLabelText("Format"), { target: { value: "excel" } });
    expect(within(dialog).getByLabelText("Recipients")).toHaveValue("manager@outport.local");
    expect(within(dialog).getByLabelText("Time zone")).toHaveValue(browserTimeZone());
    fireEvent.click(within(dialog).getByRole("button", { name: "Create schedule" }));

    expect(await screen.findByText("Schedule created")).toBeInTheDocument();
    expect(screen.queryByRole("dialog")).toBeNull();
    const [post] = saves();
    expect(post?.url).toBe("/api/schedules");
    expect(post?.body).toMatchObject({
      dataset_id: 1,
      format: "excel",
      cron: "0 9 * * 1,3",
      timezone: browserTimeZone(),
      recipients: ["manager@outport.local"],
      enabled: true,
    });
    expect((post?.body?.options as { filters?: unknown }).filters).toEqual([
      { column: "region", op: "eq", value: "East" },
    ]);
    expect(await screen.findByTestId("schedule")).toBeInTheDocument();
  });

  it("sends monthly and custom cron choices, recipients split by lines and commas, and a paused start", async () => {
    const dialog = await openNew();
    fireEvent.click(within(dialog).getByRole("radio", { name: "Monthly" }));
    fireEvent.change(within(dialog).getByLabelText("Day of the month"), { target: { value: "31" } });
    expect(within(dialog).getByText(/day 31 runs on 30 April/)).toBeInTheDocument();
    fireEvent.change(within(dialog).getByLabelText("Time"), { target: { value: "07:45" } });
    fireEvent.change(within(dialog).getByLabelText("Recipients"), {
      target: { value: "a@example.com, b@example.com\n\n c@example.com ;" },
    });
    fireEvent.change(within(dialog).getByLabelText("Dataset"), { target: { value: "2" } });
    fireEvent.click(within(dialog).getByRole("checkbox", { name: /Enabled/ }));
    fireEvent.click(within(dialog).getByRole("button", { name: "Create schedule" }));
    await screen.findByText("Schedule created");
    expect(saves()[0]?.body).toMatchObject({
      dataset_id: 2,
      format: "csv",
      cron: "45 7 31 * *",
      recipients: ["a@example.com", "b@example.com", "c@example.com"],
      enabled: false,
    });

    fireEvent.click(screen.getByRole("button", { name: "New schedule" }));
    const again = await screen.findByRole("dialog", { name: "New schedule" });
    fireEvent.click(within(again).getByRole("radio", { name: "Custom (cron)" }));
    fireEvent.change(within(again).getByLabelText("Cron expression"), { target: { value: " */15 8-18 * * 1-5 " } });
    fireEvent.click(within(again).getByRole("button", { name: "Create schedule" }));
    await waitFor(() => expect(saves()).toHaveLength(2));
    expect(saves()[1]?.body).toMatchObject({ cron: "*/15 8-18 * * 1-5" });
  });

  it("refuses no recipient, no weekday and an empty cron before asking, each by its field", async () => {
    const dialog = await openNew();
    fireEvent.change(within(dialog).getByLabelText("Recipients"), { target: { value: " , \n " } });
    fireEvent.click(within(dialog).getByRole("checkbox", { name: "Monday" }));
    fireEvent.click(within(dialog).getByRole("button", { name: "Create schedule" }));
    const recipients = within(dialog).getByLabelText("Recipients");
    expect(recipients).toHaveAttribute("aria-invalid", "true");
    expect(recipients).toHaveAccessibleDescription(/Name at least one recipient\./);
    expect(within(dialog).getByText("Choose at least one day.")).toBeInTheDocument();
    expect(within(dialog).getByRole("checkbox", { name: "Friday" })).toHaveAttribute("aria-invalid", "true");

    fireEvent.click(within(dialog).getByRole("radio", { name: "Custom (cron)" }));
    fireEvent.click(within(dialog).getByRole("button", { name: "Create schedule" }));
    expect(within(dialog).getByLabelText("Cron expression")).toHaveAccessibleDescription(/Enter a cron expression\./);
    expect(saves()).toEqual([]);

    // Fixed, the messages go and the request is sent.
    fireEvent.change(within(dialog).getByLabelText("Cron expression"), { target: { value: "0 9 * * *" } });
    fireEvent.change(recipients, { target: { value: "me@example.com" } });
    expect(within(dialog).queryByText("Name at least one recipient.")).toBeNull();
    fireEvent.click(within(dialog).getByRole("button", { name: "Create schedule" }));
    await waitFor(() => expect(saves()).toHaveLength(1));
  });

  it("shows the server's 422 errors by their fields, naming the refused address", async () => {
    mail = SMTP_MAIL;
    saveAnswer = () =>
      Response.json(
        {
          detail: "The schedule cannot be saved: see the fields.",
          errors: [
            { field: "cron", message: "is not a cron expression the scheduler can run" },
            { field: "recipients.1", message: "bob@other.com is not at an allowed domain (example.com)" },
            { field: "recipients.2", message: "must be an e-mail address" },
            { field: "options.filters.0.value", message: "must be a number" },
            { field: "timezone", message: "must be a time zone name such as Asia/Seoul" },
          ],
        },
        { status: 422 },
      );
    const dialog = await openNew();
    // The allowed domains are said by the field before anything is sent.
    expect(within(dialog).getByLabelText("Recipients")).toHaveAccessibleDescription(/Only addresses at: example\.com/);
    fireEvent.change(within(dialog).getByLabelText("Recipients"), {
      target: { value: "me@example.com\nbob@other.com\nnot-an-address" },
    });
    fireEvent.click(within(dialog).getByRole("button", { name: "Create schedule" }));

    const recipients = within(dialog).getByLabelText("Recipients");
    await waitFor(() => expect(recipients).toHaveAttribute("aria-invalid", "true"));
    expect(recipients).toHaveAccessibleDescription(
      /bob@other\.com is not at an allowed domain \(example\.com\) not-an-address: must be an e-mail address/,
    );
    expect(within(dialog).getByLabelText("Time")).toHaveAccessibleDescription(
      "is not a cron expression the scheduler can run",
    );
    expect(within(dialog).getByRole("button", { name: /Options…/ })).toHaveAccessibleDescription(
      "filters.0.value: must be a number",
    );
    expect(within(dialog).getByLabelText("Time zone")).toHaveAccessibleDescription(
      "must be a time zone name such as Asia/Seoul",
    );
    // Every error has its field, so no message stands apart; the form stays open.
    expect(within(dialog).queryByTestId("form-error")).toBeNull();
    expect(screen.getByRole("dialog", { name: "New schedule" })).toBeInTheDocument();
  });

  it("shows a refusal without fields (a manager naming another's dataset) at the top of the form", async () => {
    saveAnswer = () => Response.json({ detail: "Only the dataset's owner or an admin can export it" }, { status: 403 });
    const dialog = await openNew();
    fireEvent.click(within(dialog).getByRole("button", { name: "Create schedule" }));
    expect(await within(dialog).findByTestId("form-error")).toHaveTextContent(
      "The schedule could not be saved: Only the dataset's owner or an admin can export it",
    );
  });

  it("applies options chosen in the export options dialog", async () => {
    const dialog = await openNew();
    await userEvent.click(within(dialog).getByRole("button", { name: /Options…/ }));
    const options = screen.getByRole("dialog", { name: "Export options" });
    await userEvent.click(within(options).getByRole("button", { name: /Add filter/ }));
    await userEvent.type(within(options).getByRole("textbox", { name: "Value" }), "SO-1");
    await userEvent.click(within(options).getByRole("button", { name: "Apply" }));
    expect(screen.queryByRole("dialog", { name: "Export options" })).toBeNull();
    // The schedule's form is still open, with the options in its summary.
    await waitFor(() =>
      expect(within(dialog).getByTestId("schedule-options-summary")).toHaveTextContent('Order ID equals "SO-1"'),
    );
    fireEvent.click(within(dialog).getByRole("button", { name: "Create schedule" }));
    await waitFor(() => expect(saves()).toHaveLength(1));
    expect((saves()[0]?.body?.options as { filters?: unknown }).filters).toEqual([
      { column: "order_id", op: "eq", value: "SO-1" },
    ]);
  });

  it("closes on Escape with the focus back on the button that opened it", async () => {
    render();
    await screen.findByTestId("schedules-empty");
    const opener = screen.getByRole("button", { name: "New schedule" });
    await userEvent.click(opener);
    const dialog = await screen.findByRole("dialog", { name: "New schedule" });
    within(dialog).getByLabelText("Dataset").focus();
    expect(opener).not.toHaveFocus();
    // jsdom has no Escape handling of its own: the native dialog's cancel event is what Escape fires.
    act(() => {
      dialog.dispatchEvent(new Event("cancel", { cancelable: true }));
    });
    expect(screen.queryByRole("dialog")).toBeNull();
    await waitFor(() => expect(opener).toHaveFocus());
    expect(saves()).toEqual([]);
  });
});

describe("ScheduleForm: editing", () => {
  it("starts from the schedule (monthly on the 31st) and sends the change as a PATCH", async () => {
    listed = [
      schedule({
        cron: "0 9 31 * *",
        timezone: "Europe/London",
        recipients: ["a@example.com", "b@example.com"],
        format: "pdf",
        options: { filters: [{ column: "region", op: "eq", value: "West" }] },
      }),
    ];
    render();
    fireEvent.click(await screen.findByRole("button", { name: "Edit: Q1 Sales" }));
    const dialog = await screen.findByRole("dialog", { name: "Edit schedule" });
    expect(within(dialog).getByRole("radio", { name: "Monthly" })).toBeChecked();
    expect(within(dialog).getByLabelText("Day of the month")).toHaveValue(31);
    expect(within(dialog).getByLabelText("Time")).toHaveValue("09:00");
    expect(within(dialog).getByLabelText("Time zone")).toHaveValue("Europe/London");
    expect(within(dialog).getByLabelText("Format")).toHaveValue("pdf");
    expect(within(dialog).getByLabelText("Recipients")).toHaveValue("a@example.com\nb@example.com");
    await waitFor(() =>
      expect(within(dialog).getByTestId("schedule-options-summary")).toHaveTextContent('Region equals "West"'),
    );
    fireEvent.change(within(dialog).getByLabelText("Day of the month"), { target: { value: "32" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Save changes" }));
    expect(within(dialog).getByLabelText("Day of the month")).toHaveAccessibleDescription(
      /Choose a day from 1 to 31\./,
    );
    expect(saves()).toEqual([]);
    fireEvent.change(within(dialog).getByLabelText("Day of the month"), { target: { value: "15" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Save changes" }));
    expect(await screen.findByText("Schedule saved")).toBeInTheDocument();
    const [patch] = saves();
    expect(patch?.method).toBe("PATCH");
    expect(patch?.url).toBe("/api/schedules/sch-1");
    expect(patch?.body).toMatchObject({ cron: "0 9 15 * *", timezone: "Europe/London", format: "pdf" });
    expect((patch?.body?.options as { filters?: unknown }).filters).toEqual([
      { column: "region", op: "eq", value: "West" },
    ]);
    expect(await screen.findByTestId("schedule-when")).toHaveTextContent("Monthly on day 15 at 09:00");
  });
});

describe("parseRecipients", () => {
  it("splits on lines, commas and semicolons and drops blanks", () => {
    expect(parseRecipients(" a@x.com,b@x.com\n\nc@x.com; ")).toEqual(["a@x.com", "b@x.com", "c@x.com"]);
    expect(parseRecipients(" \n , ")).toEqual([]);
  });
});
