// The schedule form's choices as cron expressions and back: the three simple shapes round
// trip, and anything the form cannot show as its choices stays a cron expression as given.
import { describe, expect, it } from "vitest";
import { cronToWhen, parseTime, whenToCron, type When } from "@/lib/schedules/when";

describe("whenToCron", () => {
  it("writes daily, weekly and monthly choices as five fields", () => {
    expect(whenToCron({ kind: "daily", time: "09:30" })).toBe("30 9 * * *");
    expect(whenToCron({ kind: "daily", time: "00:00" })).toBe("0 0 * * *");
    expect(whenToCron({ kind: "weekly", time: "09:00", days: [3, 1] })).toBe("0 9 * * 1,3");
    expect(whenToCron({ kind: "weekly", time: "23:59", days: [0, 6, 6] })).toBe("59 23 * * 0,6");
    expect(whenToCron({ kind: "monthly", time: "09:00", day: 31 })).toBe("0 9 31 * *");
  });

  it("passes a cron expression through, trimmed", () => {
    expect(whenToCron({ kind: "cron", cron: "  */15 8-18 * * 1-5 " })).toBe("*/15 8-18 * * 1-5");
  });
});

describe("cronToWhen", () => {
  const roundTrips: When[] = [
    { kind: "daily", time: "07:30" },
    { kind: "daily", time: "00:05" },
    { kind: "weekly", time: "09:00", days: [1, 3] },
    { kind: "weekly", time: "18:45", days: [0, 1, 2, 3, 4, 5, 6] },
    { kind: "monthly", time: "09:00", day: 31 },
    { kind: "monthly", time: "23:59", day: 1 },
  ];
  it.each(roundTrips)("reads back what whenToCron wrote: %o", (when) => {
    expect(cronToWhen(whenToCron(when))).toEqual(when);
  });

  it("reads extra spaces as one", () => {
    expect(cronToWhen("  0   9 * *   1 ")).toEqual({ kind: "weekly", time: "09:00", days: [1] });
  });

  it.each([
    "*/15 * * * *", // steps
    "0 8-18 * * *", // a range of hours
    "0,30 9 * * *", // two minutes
    "0 9 * * 1-5", // a range of days
    "0 9 * * 7", // Sunday as 7
    "0 9 * * 3,1", // days out of order
    "0 9 1 * 1", // day of month and weekday together
    "0 9 1 1 *", // a month
    "0 9 32 * *", // no such day
    "0 9 0 * *",
    "60 9 * * *",
    "0 24 * * *",
    "0 9 * *", // four fields
    "0 9 * * * *", // six fields
    "@daily",
    "",
    "nonsense here",
  ])("keeps %j as a cron expression", (cron) => {
    expect(cronToWhen(cron)).toEqual({ kind: "cron", cron: cron.trim() });
  });
});

describe("parseTime", () => {
  it("reads HH:MM of a day and nothing else", () => {
    expect(parseTime("09:05")).toEqual({ hour: 9, minute: 5 });
    expect(parseTime("9:05")).toEqual({ hour: 9, minute: 5 });
    expect(parseTime("24:00")).toBeNull();
    expect(parseTime("12:60")).toBeNull();
    expect(parseTime("")).toBeNull();
    expect(parseTime("noon")).toBeNull();
  });
});
