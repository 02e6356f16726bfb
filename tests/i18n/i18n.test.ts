import { describe, expect, it } from "vitest";
import { en } from "@/lib/i18n/en";
import { ko } from "@/lib/i18n/ko";
import { format, formatNumber, negotiateLocale, translate } from "@/lib/i18n";

describe("message catalogues", () => {
  it("define the same keys in English and Korean, none empty", () => {
    expect(Object.keys(ko).sort()).toEqual(Object.keys(en).sort());
    for (const value of [...Object.values(en), ...Object.values(ko)]) expect(value.trim()).not.toBe("");
  });

  it("use the same placeholders in both languages", () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(en) as Array<keyof typeof en>) {
      expect(placeholders(ko[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it("say yes, no and a direct download once, under one key each", () => {
    const keysOf = (text: string) =>
      Object.entries(ko)
        .filter(([, value]) => value === text)
        .map(([key]) => key);
    // The audit trail's details and the cells say yes and no with the same words.
    expect(keysOf("예").filter((key) => !key.startsWith("cli."))).toEqual(["value.yes"]);
    expect(keysOf("아니요").filter((key) => !key.startsWith("cli."))).toEqual(["value.no"]);
    // The history's row and the audit trail's detail name it the same way.
    expect(keysOf("바로 내려받음")).toEqual(["delivery.direct"]);
    expect(keysOf("바로 다운로드됨")).toEqual([]);
  });

  it("carry the exact Korean of the export permission message", () => {
    expect(ko["export.denied.role"]).toBe("내보내기 권한이 없습니다");
    expect(en["export.denied.role"]).toBe("You don't have permission to export");
  });
});

describe("negotiateLocale", () => {
  it.each([
    ["ko", "en-US,en;q=0.9", "ko"],
    ["en", "ko-KR,ko;q=0.9", "en"],
    [undefined, "ko-KR,ko;q=0.9,en;q=0.8", "ko"],
    [undefined, "fr-FR,fr;q=0.9,ko;q=0.5,en;q=0.4", "ko"],
    [undefined, "en;q=0.2, ko;q=0.8", "ko"],
    [undefined, "fr-FR", "en"],
    [undefined, "", "en"],
    [undefined, null, "en"],
    ["de", "ko", "ko"],
    [undefined, "ko;q=0", "en"],
  ])("cookie %s with Accept-Language %s → %s", (cookie, header, expected) => {
    expect(negotiateLocale(cookie, header)).toBe(expected);
  });
});

describe("format and translate", () => {
  it("fills named placeholders and leaves unknown ones visible", () => {
    expect(format("Rows {from}–{to} of {total}", { from: 1, to: 25, total: "8,500" })).toBe("Rows 1–25 of 8,500");
    expect(format("Hello {name}", {})).toBe("Hello {name}");
  });

  it("translates with parameters", () => {
    expect(translate("ko", "dataset.previewRange", { from: 1, to: 25, total: "3,500" })).toBe("3,500행 중 1–25행");
    expect(formatNumber("en", 75000)).toBe("75,000");
    expect(formatNumber("ko", 75000)).toBe("75,000");
  });
});
