// An audit event's details in words: each kind of value (size, duration, count, format,
// filters, message key, boolean, a change) in English and Korean, unknown keys still shown
// as key: value, and the one-line text the CSV export writes.
import { describe, expect, it } from "vitest";
import { detailsText, formatDuration, presentDetails } from "@/lib/audit/present-details";

const text = (details: unknown, locale: "en" | "ko" = "en") =>
  presentDetails(locale, details).map((line) => `${line.label}=${line.text}`);

describe("presentDetails", () => {
  it("puts each known key in words, in reading order", () => {
    expect(
      text({ duration_ms: 1234, bytes: 596596, rows: 1234567, format: "ndjson", delivery: "job", filters: "none" }),
    ).toEqual([
      "Format=NDJSON",
      "Delivery=Background job",
      "Filters=None: every record",
      "Rows=1,234,567",
      "Size=582.6 KB",
      "Duration=1.2 s",
    ]);
  });

  it("translates message keys and booleans, and writes a change as before → after", () => {
    expect(text({ error: "job.error.unexpected", file_removed: false })).toEqual([
      "Error=The export failed unexpectedly. Try again; if it keeps failing, contact an administrator.",
      "File removed=No",
    ]);
    expect(text({ before: { role: "admin", active: true }, after: { role: "viewer", active: false } })).toEqual([
      "Role=Admin → Viewer",
      "Active=Yes → No",
    ]);
    expect(text({ changes: { title: { before: "A", after: "B" } } })).toEqual(["Title=A → B"]);
  });

  it("shows a key it has no words for as key: value", () => {
    expect(text({ zeta: 596596, alpha: { nested: 1 }, list: ["a", 2] })).toEqual([
      'alpha={"nested":1}',
      "list=a, 2",
      "zeta=596596",
    ]);
    expect(text("just text")).toEqual(["=just text"]);
    expect(text(null)).toEqual([]);
  });

  it("in Korean", () => {
    expect(text({ bytes: 2048, duration_ms: 65_000, required: true }, "ko")).toEqual([
      "크기=2.0 KB",
      "소요 시간=1분 5초",
      "필수=예",
    ]);
  });

  it("as one line for the CSV", () => {
    expect(detailsText("en", { rows: 3500, bytes: 512 })).toBe("Rows: 3,500; Size: 512 B");
    expect(detailsText("en", { owner_id: 2 }, { owner_id: "Mina Manager" })).toBe("Owner: Mina Manager");
  });
});

describe("formatDuration", () => {
  it.each([
    [0, "0 ms"],
    [999, "999 ms"],
    [1000, "1.0 s"],
    [59_940, "59.9 s"],
    [60_000, "1 min 0 s"],
    [3_725_000, "62 min 5 s"],
  ])("%d ms → %s", (ms, expected) => {
    expect(formatDuration("en", ms)).toBe(expected);
  });
});
