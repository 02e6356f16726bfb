// The PDF cap note: one sentence, said alike next to the PDF button and in the options dialog.
import { describe, expect, it } from "vitest";
import { pdfCapText } from "@/components/export/options-summary";
import { translate, type Locale, type MessageKey, type MessageParams } from "@/lib/i18n";

const tFor = (locale: Locale) => (key: MessageKey, params?: MessageParams) => translate(locale, key, params);

describe("pdfCapText", () => {
  it("names the cap and the count once the count passes the cap", () => {
    expect(pdfCapText({ status: "done", count: 3500 }, 1000, tFor("en"), "en")).toBe(
      "A PDF report holds at most 1,000 records; this export has 3,500. Download CSV or Excel, or narrow it with filters.",
    );
    expect(pdfCapText({ status: "done", count: 3500 }, 1000, tFor("ko"), "ko")).toContain("최대 1,000건");
  });

  it("says nothing at or under the cap, while counting, or with no cap", () => {
    expect(pdfCapText({ status: "done", count: 1000 }, 1000, tFor("en"), "en")).toBeNull();
    expect(pdfCapText({ status: "pending" }, 1000, tFor("en"), "en")).toBeNull();
    expect(pdfCapText({ status: "done", count: 3500 }, null, tFor("en"), "en")).toBeNull();
  });
});
