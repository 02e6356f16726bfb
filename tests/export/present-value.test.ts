// The one rule of how a value reads to a person (preview and PDF), and moments on pages.
import { formatWhen, groupDigits, presentValue, withScale } from "@/lib/export/present-value";

const en = { yes: "Yes", no: "No" };
const ko = { yes: "예", no: "아니요" };

describe("presentValue", () => {
  it("writes booleans as words in the reader's language, whatever form the value arrives in", () => {
    expect(presentValue(true, "boolean", { timezone: "UTC", labels: en })).toBe("Yes");
    expect(presentValue("f", "boolean", { timezone: "UTC", labels: en })).toBe("No");
    expect(presentValue(false, "boolean", { timezone: "UTC", labels: ko })).toBe("아니요");
    expect(presentValue("true", "boolean", { timezone: "UTC", labels: ko })).toBe("예");
  });

  it("gives decimal columns two decimals, grouped, without rounding digits away", () => {
    const o = { timezone: "UTC", labels: en };
    expect(presentValue("154.9", "number", o)).toBe("154.90");
    expect(presentValue(95, "number", o)).toBe("95.00");
    expect(presentValue("1234567.125", "number", o)).toBe("1,234,567.125");
    expect(presentValue("-0.5", "number", o)).toBe("-0.50");
    expect(presentValue(1234567, "integer", o)).toBe("1,234,567");
    expect(withScale("1e+21")).toBe("1e+21");
    expect(groupDigits("999")).toBe("999");
  });

  it("marks every date-time with the zone it is shown in", () => {
    const at = "2026-11-30T22:32:00Z";
    expect(presentValue(at, "datetime", { timezone: "UTC", labels: en })).toBe("2026-11-30 22:32:00 UTC");
    expect(presentValue(at, "datetime", { timezone: "Asia/Seoul", labels: en })).toBe("2026-12-01 07:32:00 +09:00");
    expect(presentValue(new Date(at), "datetime", { timezone: "Asia/Kolkata", labels: en })).toBe(
      "2026-12-01 04:02:00 +05:30",
    );
    expect(presentValue("2026-12-01", "date", { timezone: "Asia/Seoul", labels: en })).toBe("2026-12-01");
    // Not a date-time: shown as it is, never a made-up zone.
    expect(presentValue("soon", "datetime", { timezone: "Asia/Seoul", labels: en })).toBe("soon");
  });
});

describe("formatWhen", () => {
  const morning = "2026-11-30T22:32:00Z"; // 07:32 in Seoul
  const evening = "2026-12-01T10:05:00Z"; // 19:05 in Seoul

  it("writes Korean moments with 오전 and 오후, whatever locale data the runtime carries", () => {
    expect(formatWhen(morning, "ko", "Asia/Seoul")).toBe("2026년 12월 1일 오전 7:32");
    expect(formatWhen(evening, "ko", "Asia/Seoul")).toBe("2026년 12월 1일 오후 7:05");
    expect(formatWhen("2026-12-01T03:00:00Z", "ko", "Asia/Seoul")).toBe("2026년 12월 1일 오후 12:00");
    expect(formatWhen("2026-11-30T15:00:00Z", "ko", "Asia/Seoul")).toBe("2026년 12월 1일 오전 12:00");
  });

  it("writes English moments in the reader's zone", () => {
    expect(formatWhen(morning, "en", "Asia/Seoul")).toBe("Dec 1, 2026, 7:32 AM");
    expect(formatWhen(morning, "en", "UTC")).toBe("Nov 30, 2026, 10:32 PM");
    expect(formatWhen(null, "en", "UTC")).toBe("");
    expect(formatWhen("not a date", "en", "UTC")).toBe("");
  });

  it("does not depend on the runtime's Korean locale data", () => {
    // Node built with English-only ICU answers "AM 7시" here; a browser answers "오전 7시".
    const intl = new Intl.DateTimeFormat("ko-KR", { timeZone: "Asia/Seoul", hour: "numeric" }).format(
      new Date(morning),
    );
    if (intl.includes("오전")) expect(formatWhen(morning, "ko", "Asia/Seoul")).toContain(intl.replace("시", ":"));
    else expect(intl).toContain("AM");
    expect(formatWhen(morning, "ko", "Asia/Seoul")).not.toContain("AM");
  });
});
