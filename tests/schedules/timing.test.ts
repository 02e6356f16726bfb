import { describe, expect, it } from "vitest";
import { checkCron, isTimeZone, nextSlot, slotsBetween } from "@/lib/schedules/timing";

const FIVE_FIELDS = "must have five fields: minute hour day-of-month month day-of-week";

const at = (iso: string) => new Date(iso);
const isos = (slots: Date[]) => slots.map((slot) => slot.toISOString());
const next = (cron: string, zone: string, after: string) => nextSlot(cron, zone, at(after))?.toISOString() ?? null;
const between = (cron: string, zone: string, from: string, to: string, limit = 10_000) =>
  isos(slotsBetween(cron, zone, at(from), at(to), limit));

describe("checkCron", () => {
  it.each([
    "30 9 * * *",
    "0 9 * * 1,3",
    "0 9 31 * *",
    "0 9 30 * *",
    "*/15 * * * *",
    "0 9 * * MON-FRI",
    "0 9 1-7 jan,Jul 0",
    "0 9 * * 7",
    "0-30/10 8-18 * * 1-5",
    "0 0 29 2 *",
    "  30   9 * * *  ",
  ])("takes %j", (expression) => {
    expect(checkCron(expression)).toEqual({ ok: true });
  });

  it.each([
    ["", FIVE_FIELDS],
    ["   ", FIVE_FIELDS],
    ["* * * *", FIVE_FIELDS],
    ["0 * * * * *", FIVE_FIELDS],
    ["0 0 9 * * * 2027", FIVE_FIELDS],
    ["@daily", `nicknames such as @daily are not accepted; ${FIVE_FIELDS}`],
    ["0 25 * * *", "hour 25 is out of range 0-23"],
    ["60 * * * *", "minute 60 is out of range 0-59"],
    ["0 9 0 * *", "day-of-month 0 is out of range 1-31"],
    ["0 9 32 * *", "day-of-month 32 is out of range 1-31"],
    ["0 9 * 13 *", "month 13 is out of range 1-12"],
    ["0 9 * 0 *", "month 0 is out of range 1-12"],
    ["0 9 * * 8", "day-of-week 8 is out of range 0-7"],
    ["0 9-24 * * *", "hour 24 is out of range 0-23"],
    ["*/0 * * * *", "minute step 0 must be at least 1"],
    ["a 9 * * *", 'minute "a" may hold only numbers, *, ranges (1-5), steps (*/15) and lists (1,3)'],
    ["0 nine * * *", 'hour "nine" may hold only numbers, *, ranges (1-5), steps (*/15) and lists (1,3)'],
    ["0 9 * * FOO", 'day-of-week "FOO" is not a name (SUN-SAT)'],
    ["0 9 * MON *", 'month "MON" is not a name (JAN-DEC)'],
    // Croner's own extensions mean nothing to other crons, so they are refused.
    ["? 9 * * *", 'minute "?" may hold only numbers, *, ranges (1-5), steps (*/15) and lists (1,3)'],
    ["0 9 L * *", 'day-of-month "L" may hold only numbers, *, ranges (1-5), steps (*/15) and lists (1,3)'],
    ["0 9 15W * *", 'day-of-month "15W" may hold only numbers, *, ranges (1-5), steps (*/15) and lists (1,3)'],
    ["0 9 * * 1#2", 'day-of-week "1#2" may hold only numbers, *, ranges (1-5), steps (*/15) and lists (1,3)'],
    ["0 9 * * 5L", 'day-of-week "L" is not a name (SUN-SAT)'],
    ["0 9 31 4 *", "never runs"],
    ["0 0 31 2 *", "never runs"],
    ["0 0 30 2 *", "never runs"],
  ])("refuses %j: %s", (expression, reason) => {
    expect(checkCron(expression)).toEqual({ ok: false, reason });
  });

  it.each([
    ["5-2 * * * *", /^minute "5-2": /],
    ["1- * * * *", /^minute "1-": /],
    ["0 9 1,,2 * *", /^day-of-month "1,,2": /],
    ["0 9 * * */", /^day-of-week "\*\/": /],
  ])("refuses %j with croner's reason, naming the field", (expression, reason) => {
    const check = checkCron(expression);
    expect(check.ok).toBe(false);
    expect(check.ok ? "" : check.reason).toMatch(reason);
  });
});

describe("isTimeZone", () => {
  it.each([
    "UTC",
    "Asia/Seoul",
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "Etc/GMT+9",
  ])("knows %j", (name) => {
    expect(isTimeZone(name)).toBe(true);
  });

  it.each(["", " ", "Mars/Base", "+09:00", "-05:00", "+0900", "UTC+9", " UTC", "Asia/Seoul ", "Europe/"])(
    "refuses %j",
    (name) => {
      expect(isTimeZone(name)).toBe(false);
    },
  );
});

describe("daily, weekly and monthly", () => {
  it("runs daily at 09:30 in Seoul, strictly after the given instant", () => {
    expect(next("30 9 * * *", "Asia/Seoul", "2026-12-02T00:00:00Z")).toBe("2026-12-02T00:30:00.000Z");
    expect(next("30 9 * * *", "Asia/Seoul", "2026-12-02T00:30:00Z")).toBe("2026-12-03T00:30:00.000Z");
    expect(next("30 9 * * *", "Asia/Seoul", "2026-12-02T00:29:59.999Z")).toBe("2026-12-02T00:30:00.000Z");
    expect(next("30 9 * * *", "UTC", "2026-12-02T00:00:00Z")).toBe("2026-12-02T09:30:00.000Z");
  });

  it("runs weekly on Mondays and Wednesdays only", () => {
    // 2 December 2026 is a Wednesday.
    expect(between("0 9 * * 1,3", "Asia/Seoul", "2026-12-01T00:00:00Z", "2026-12-15T00:00:00Z")).toEqual([
      "2026-12-02T00:00:00.000Z",
      "2026-12-07T00:00:00.000Z",
      "2026-12-09T00:00:00.000Z",
      "2026-12-14T00:00:00.000Z",
    ]);
    expect(between("0 9 * * MON,WED", "UTC", "2026-12-01T00:00:00Z", "2026-12-10T00:00:00Z")).toEqual([
      "2026-12-02T09:00:00.000Z",
      "2026-12-07T09:00:00.000Z",
      "2026-12-09T09:00:00.000Z",
    ]);
  });

  it("takes 0 and 7 both for Sunday", () => {
    expect(next("0 9 * * 0", "UTC", "2026-12-02T00:00:00Z")).toBe("2026-12-06T09:00:00.000Z");
    expect(next("0 9 * * 7", "UTC", "2026-12-02T00:00:00Z")).toBe("2026-12-06T09:00:00.000Z");
    expect(next("0 9 * * SUN", "UTC", "2026-12-02T00:00:00Z")).toBe("2026-12-06T09:00:00.000Z");
  });

  it("runs on a day matching either day-of-month or day-of-week when both are restricted", () => {
    expect(between("0 9 13 * 5", "UTC", "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z")).toEqual([
      "2026-01-02T09:00:00.000Z",
      "2026-01-09T09:00:00.000Z",
      "2026-01-13T09:00:00.000Z",
      "2026-01-16T09:00:00.000Z",
      "2026-01-23T09:00:00.000Z",
      "2026-01-30T09:00:00.000Z",
    ]);
  });

  it("runs monthly on the 31st on the last day of shorter months, leap February included", () => {
    expect(between("0 9 31 * *", "UTC", "2026-04-01T00:00:00Z", "2026-06-01T00:00:00Z")).toEqual([
      "2026-04-30T09:00:00.000Z",
      "2026-05-31T09:00:00.000Z",
    ]);
    expect(next("0 9 31 * *", "UTC", "2027-02-01T00:00:00Z")).toBe("2027-02-28T09:00:00.000Z");
    expect(next("0 9 31 * *", "UTC", "2028-02-01T00:00:00Z")).toBe("2028-02-29T09:00:00.000Z");
    expect(next("0 9 31 * *", "Asia/Seoul", "2026-04-01T00:00:00Z")).toBe("2026-04-30T00:00:00.000Z");
    expect(between("0 9 31 * *", "UTC", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z")).toHaveLength(12);
  });

  it("runs monthly on the 30th on 30 January, not 31, and on February's last day", () => {
    expect(between("0 9 30 * *", "UTC", "2027-01-01T00:00:00Z", "2027-03-31T00:00:00Z")).toEqual([
      "2027-01-30T09:00:00.000Z",
      "2027-02-28T09:00:00.000Z",
      "2027-03-30T09:00:00.000Z",
    ]);
    expect(next("0 9 30 * *", "UTC", "2028-02-01T00:00:00Z")).toBe("2028-02-29T09:00:00.000Z");
    expect(next("0 9 29 * *", "UTC", "2027-02-01T00:00:00Z")).toBe("2027-02-28T09:00:00.000Z");
  });

  it("keeps cron's meaning for every other expression naming a day the month lacks", () => {
    expect(next("0 9 31 4 *", "UTC", "2026-01-01T00:00:00Z")).toBeNull();
    expect(next("0 0 31 2 *", "UTC", "2026-01-01T00:00:00Z")).toBeNull();
    // A month named: the 31st only in the months that have one.
    expect(between("0 9 31 1-4 *", "UTC", "2026-01-01T00:00:00Z", "2026-05-01T00:00:00Z")).toEqual([
      "2026-01-31T09:00:00.000Z",
      "2026-03-31T09:00:00.000Z",
    ]);
    // A list of days is no "day N".
    expect(between("0 9 15,31 * *", "UTC", "2026-04-01T00:00:00Z", "2026-05-01T00:00:00Z")).toEqual([
      "2026-04-15T09:00:00.000Z",
    ]);
  });

  it("gives null when nothing runs within five years", () => {
    // 2100 is no leap year: after February 2096 the next 29 February is in 2104.
    expect(next("0 0 29 2 *", "UTC", "2096-03-01T00:00:00Z")).toBeNull();
    expect(next("0 0 29 2 *", "UTC", "2026-01-01T00:00:00Z")).toBe("2028-02-29T00:00:00.000Z");
  });

  it("works in zones a quarter or half an hour off", () => {
    expect(next("0 9 * * *", "Asia/Kathmandu", "2026-12-02T00:00:00Z")).toBe("2026-12-02T03:15:00.000Z");
    expect(next("0 9 * * *", "Australia/Lord_Howe", "2026-07-01T00:00:00Z")).toBe("2026-07-01T22:30:00.000Z");
  });

  it("refuses an expression or zone it cannot read rather than guessing", () => {
    expect(() => nextSlot("0 25 * * *", "UTC", at("2026-01-01T00:00:00Z"))).toThrow(/hour 25 is out of range/);
    expect(() => slotsBetween("* * * *", "UTC", at("2026-01-01T00:00:00Z"), at("2026-01-02T00:00:00Z"), 5)).toThrow(
      /five fields/,
    );
    expect(() => nextSlot("0 9 * * *", "Mars/Base", at("2026-01-01T00:00:00Z"))).toThrow(RangeError);
  });
});

describe("daylight saving", () => {
  it("runs a 02:30 on a spring-forward day once, at 03:00 (Europe/Berlin)", () => {
    // 29 March 2026: clocks go from 02:00 CET to 03:00 CEST at 01:00 UTC.
    expect(between("30 2 * * *", "Europe/Berlin", "2026-03-27T12:00:00Z", "2026-03-30T12:00:00Z")).toEqual([
      "2026-03-28T01:30:00.000Z",
      "2026-03-29T01:00:00.000Z",
      "2026-03-30T00:30:00.000Z",
    ]);
    expect(next("30 2 * * *", "Europe/Berlin", "2026-03-28T01:30:00Z")).toBe("2026-03-29T01:00:00.000Z");
  });

  it("runs a 02:30 on a spring-forward day once, at 03:00 (America/New_York)", () => {
    // 8 March 2026: clocks go from 02:00 EST to 03:00 EDT at 07:00 UTC.
    expect(between("30 2 * * *", "America/New_York", "2026-03-07T00:00:00Z", "2026-03-10T00:00:00Z")).toEqual([
      "2026-03-07T07:30:00.000Z",
      "2026-03-08T07:00:00.000Z",
      "2026-03-09T06:30:00.000Z",
    ]);
  });

  it("runs a time repeated on a fall-back day once, at its first occurrence", () => {
    // 25 October 2026, Berlin: 03:00 CEST becomes 02:00 CET at 01:00 UTC.
    expect(between("30 2 * * *", "Europe/Berlin", "2026-10-23T12:00:00Z", "2026-10-26T12:00:00Z")).toEqual([
      "2026-10-24T00:30:00.000Z",
      "2026-10-25T00:30:00.000Z",
      "2026-10-26T01:30:00.000Z",
    ]);
    // 1 November 2026, New York: 02:00 EDT becomes 01:00 EST at 06:00 UTC.
    expect(between("30 1 * * *", "America/New_York", "2026-10-30T12:00:00Z", "2026-11-02T12:00:00Z")).toEqual([
      "2026-10-31T05:30:00.000Z",
      "2026-11-01T05:30:00.000Z",
      "2026-11-02T06:30:00.000Z",
    ]);
  });

  it("runs every quarter hour of a 23-hour spring day 92 times, 03:00 once", () => {
    // Berlin's 29 March 2026 runs from 23:00 UTC the day before to 22:00 UTC.
    const berlin = between("*/15 * * * *", "Europe/Berlin", "2026-03-28T22:59:59Z", "2026-03-29T21:59:59Z");
    expect(berlin).toHaveLength(92);
    expect(new Set(berlin).size).toBe(92);
    expect(berlin.slice(0, 1)).toEqual(["2026-03-28T23:00:00.000Z"]);
    expect(berlin.slice(7, 10)).toEqual([
      "2026-03-29T00:45:00.000Z", // 01:45 CET
      "2026-03-29T01:00:00.000Z", // 03:00 CEST, standing for 02:00–02:45 too
      "2026-03-29T01:15:00.000Z",
    ]);
    expect(berlin.at(-1)).toBe("2026-03-29T21:45:00.000Z");
    const newYork = between("*/15 * * * *", "America/New_York", "2026-03-08T04:59:59Z", "2026-03-09T03:59:59Z");
    expect(newYork).toHaveLength(92);
    expect(newYork.slice(7, 10)).toEqual([
      "2026-03-08T06:45:00.000Z",
      "2026-03-08T07:00:00.000Z",
      "2026-03-08T07:15:00.000Z",
    ]);
  });

  it("runs every quarter hour of a 25-hour fall-back day 96 times, each wall-clock time once", () => {
    // Berlin's 25 October 2026 runs from 22:00 UTC the day before to 23:00 UTC.
    const berlin = between("*/15 * * * *", "Europe/Berlin", "2026-10-24T21:59:59Z", "2026-10-25T22:59:59Z");
    expect(berlin).toHaveLength(96);
    expect(new Set(berlin).size).toBe(96);
    // The second pass of 02:00–02:59 (01:00–01:59 UTC) has run already on the first.
    expect(berlin.filter((slot) => slot >= "2026-10-25T01:00" && slot < "2026-10-25T02:00")).toEqual([]);
    expect(berlin.slice(10, 13)).toEqual([
      "2026-10-25T00:30:00.000Z", // 02:30 CEST
      "2026-10-25T00:45:00.000Z", // 02:45 CEST
      "2026-10-25T02:00:00.000Z", // 03:00 CET
    ]);
    const newYork = between("*/15 * * * *", "America/New_York", "2026-11-01T03:59:59Z", "2026-11-02T04:59:59Z");
    expect(newYork).toHaveLength(96);
    expect(newYork.filter((slot) => slot >= "2026-11-01T06:00" && slot < "2026-11-01T07:00")).toEqual([]);
  });

  it("makes wall-clock times that land on the same instant one slot", () => {
    expect(between("*/15 2 * * *", "Europe/Berlin", "2026-03-28T12:00:00Z", "2026-03-29T12:00:00Z")).toEqual([
      "2026-03-29T01:00:00.000Z",
    ]);
    expect(between("0,30 2,3 * * *", "Europe/Berlin", "2026-03-28T12:00:00Z", "2026-03-29T12:00:00Z")).toEqual([
      "2026-03-29T01:00:00.000Z",
      "2026-03-29T01:30:00.000Z",
    ]);
    expect(between("0,30 2,3 * * *", "Europe/Berlin", "2026-10-24T12:00:00Z", "2026-10-25T12:00:00Z")).toEqual([
      "2026-10-25T00:00:00.000Z",
      "2026-10-25T00:30:00.000Z",
      "2026-10-25T02:00:00.000Z",
      "2026-10-25T02:30:00.000Z",
    ]);
  });

  it("never gives a slot at or before an instant inside the repeated hour", () => {
    // 01:20 UTC is 02:20 CET, the second pass: 02:30 and 02:45 ran on the first.
    expect(next("*/15 * * * *", "Europe/Berlin", "2026-10-25T01:20:00Z")).toBe("2026-10-25T02:00:00.000Z");
    expect(next("30 2 * * *", "Europe/Berlin", "2026-10-25T01:10:00Z")).toBe("2026-10-26T01:30:00.000Z");
    expect(next("30 2 * * *", "Europe/Berlin", "2026-10-25T00:30:00Z")).toBe("2026-10-26T01:30:00.000Z");
    expect(next("30 2 * * *", "Europe/Berlin", "2026-10-25T00:20:00Z")).toBe("2026-10-25T00:30:00.000Z");
    expect(next("0 * * * *", "Europe/Berlin", "2026-10-25T01:30:00Z")).toBe("2026-10-25T02:00:00.000Z");
    expect(between("*/15 * * * *", "Europe/Berlin", "2026-10-25T01:20:00Z", "2026-10-25T02:20:00Z")).toEqual([
      "2026-10-25T02:00:00.000Z",
      "2026-10-25T02:15:00.000Z",
    ]);
  });

  it("handles Lord Howe's half-hour shift both ways", () => {
    // 4 October 2026: 02:00 +10:30 becomes 02:30 +11:00 at 15:30 UTC the day before.
    expect(between("15 2 * * *", "Australia/Lord_Howe", "2026-10-02T00:00:00Z", "2026-10-05T00:00:00Z")).toEqual([
      "2026-10-02T15:45:00.000Z",
      "2026-10-03T15:30:00.000Z",
      "2026-10-04T15:15:00.000Z",
    ]);
    // 5 April 2026: 02:00 +11:00 becomes 01:30 +10:30, so 01:45 comes twice; the first runs.
    expect(between("45 1 * * *", "Australia/Lord_Howe", "2026-04-04T00:00:00Z", "2026-04-05T23:00:00Z")).toEqual([
      "2026-04-04T14:45:00.000Z",
      "2026-04-05T15:15:00.000Z",
    ]);
    expect(next("45 1 * * *", "Australia/Lord_Howe", "2026-04-04T15:00:00Z")).toBe("2026-04-05T15:15:00.000Z");
  });
});

describe("slotsBetween", () => {
  it("gives the slots with from < slot <= to, in order", () => {
    expect(between("0 * * * *", "UTC", "2026-01-01T00:00:00Z", "2026-01-01T03:00:00Z")).toEqual([
      "2026-01-01T01:00:00.000Z",
      "2026-01-01T02:00:00.000Z",
      "2026-01-01T03:00:00.000Z",
    ]);
  });

  it("stops at the limit", () => {
    expect(between("* * * * *", "UTC", "2026-01-01T00:00:00Z", "2026-12-31T00:00:00Z", 3)).toEqual([
      "2026-01-01T00:01:00.000Z",
      "2026-01-01T00:02:00.000Z",
      "2026-01-01T00:03:00.000Z",
    ]);
    expect(between("* * * * *", "UTC", "2026-01-01T00:00:00Z", "2026-12-31T00:00:00Z", 0)).toEqual([]);
  });

  it("gives nothing for an empty or reversed span", () => {
    expect(between("* * * * *", "UTC", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z")).toEqual([]);
    expect(between("* * * * *", "UTC", "2026-01-02T00:00:00Z", "2026-01-01T00:00:00Z")).toEqual([]);
  });

  it("walks every minute of ten days, a daylight-saving change included", () => {
    const utc = between("* * * * *", "UTC", "2026-01-01T00:00:00Z", "2026-01-11T00:00:00Z", 20_000);
    expect(utc).toHaveLength(14_400);
    expect([utc[0], utc.at(-1)]).toEqual(["2026-01-01T00:01:00.000Z", "2026-01-11T00:00:00.000Z"]);
    // Every instant's minute, once: the skipped hour has no instants to run in.
    const berlin = between("* * * * *", "Europe/Berlin", "2026-03-25T00:00:00Z", "2026-04-04T00:00:00Z", 20_000);
    expect(berlin).toHaveLength(14_400);
    expect(new Set(berlin).size).toBe(14_400);
  });
});
