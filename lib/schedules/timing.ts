// When a schedule runs: its five-field cron expression (minute hour day-of-month month
// day-of-week) read in its time zone. Pure and server-side; croner reads the fields.
//
// How Outport reads an expression:
//
// - The fields describe a local wall clock. Croner walks the matching wall-clock times as
//   if they were UTC, so it never sees a daylight-saving change; each wall-clock time is
//   then placed in the zone. A time that does not exist (the hour skipped in spring) runs
//   at the first instant after the gap: 02:30 on a day whose clocks jump from 02:00 to
//   03:00 runs at 03:00. A time that exists twice (the hour repeated in autumn) runs at
//   its first occurrence only. Two times that land on the same instant are one run.
// - Day N past the month's end means the month's last day: when the day-of-month field
//   is the single number 29, 30 or 31 and both the month and the day-of-week fields are
//   `*`, a month shorter than N runs on its last day (`0 9 31 * *` runs on 30 April and
//   on 28 or 29 February; `0 9 30 * *` on 30 January, not 31). This is how the schedules
//   form writes "monthly on day N". Every other expression keeps cron's meaning, so
//   `0 9 31 4 *` never runs and is refused.
// - When both day-of-month and day-of-week are restricted, a day matching either runs,
//   as in Vixie cron (`0 9 13 * 5` runs on every 13th and on every Friday).
// - Only the standard syntax: numbers, `*`, ranges, steps, lists, and English month and
//   day names (JAN-DEC, SUN-SAT; 0 or 7 is Sunday). Croner's extensions (`?`, `L`, `W`,
//   `#`, a seconds or a year field, nicknames such as @daily) are refused, so an
//   expression means the same to any cron a person knows.
import { Cron } from "croner";
import { isValidTimezone, zoneOffsetMs } from "../export/values";

export type CronCheck = { ok: true } | { ok: false; reason: string };

const FIVE_FIELDS = "must have five fields: minute hour day-of-month month day-of-week";

type Field = { name: string; min: number; max: number; names?: readonly string[] };

const FIELDS: readonly Field[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day-of-month", min: 1, max: 31 },
  {
    name: "month",
    min: 1,
    max: 12,
    names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"],
  },
  { name: "day-of-week", min: 0, max: 7, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] },
];

/**
 * Croner's options, pinned: five fields only, day-of-month OR day-of-week (its default
 * today, written out so an upgrade cannot change which days run), Sunday as 0, no
 * loose steps, and UTC so that it walks the wall clock without daylight saving.
 */
const CRONER_OPTIONS = {
  mode: "5-part",
  domAndDow: false,
  alternativeWeekdays: false,
  sloppyRanges: false,
  utcOffset: 0,
} as const;

const DAY_MS = 86_400_000;
/** How far ahead nextSlot looks before it says an expression does not run. */
const HORIZON_YEARS = 5;
/** "Can it ever run": from a leap year, so every month and day is met within the horizon. */
const NEVER_RUNS_REFERENCE = new Date(Date.UTC(1999, 11, 31, 23, 59));

function fieldsOf(expression: string): string[] {
  const trimmed = expression.trim();
  return trimmed === "" ? [] : trimmed.split(/\s+/);
}

function plainSyntaxOnly(text: string, field: Field): string {
  return `${field.name} "${text}" may hold only numbers, *, ranges (1-5), steps (*/15) and lists (1,3)`;
}

/** Why one field is refused before croner reads it, or null: its characters and numbers. */
function fieldProblem(text: string, field: Field): string | null {
  if (!/^[0-9A-Za-z*,/-]+$/.test(text)) return plainSyntaxOnly(text, field);
  for (const word of text.match(/[A-Za-z]+/g) ?? []) {
    if (!field.names) return plainSyntaxOnly(text, field);
    if (!field.names.includes(word.toUpperCase())) {
      return `${field.name} "${word}" is not a name (${field.names[0]}-${field.names[field.names.length - 1]})`;
    }
  }
  // Values within the field's range, steps of at least one; croner reads the rest.
  for (const match of text.matchAll(/(\/?)(\d+)/g)) {
    const value = Number(match[2]);
    if (match[1] === "/") {
      if (value < 1) return `${field.name} step ${match[2]} must be at least 1`;
    } else if (value < field.min || value > field.max) {
      return `${field.name} ${match[2]} is out of range ${field.min}-${field.max}`;
    }
  }
  return null;
}

/** Croner's complaint, without its class name. */
function cronerReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^CronPattern:\s*/, "");
}

/** Why croner refuses the fields, naming the first field it refuses on its own. */
function cronerProblem(fields: string[]): string | null {
  try {
    new Cron(fields.join(" "), CRONER_OPTIONS);
    return null;
  } catch (error) {
    for (const [index, field] of FIELDS.entries()) {
      const alone = FIELDS.map((_, i) => (i === index ? fields[index] : "*")).join(" ");
      try {
        new Cron(alone, CRONER_OPTIONS);
      } catch (fieldError) {
        return `${field.name} "${fields[index]}": ${cronerReason(fieldError)}`;
      }
    }
    return cronerReason(error);
  }
}

/** The fields' own rules, short of "never runs" (which walks the slots to find out). */
function checkFields(expression: string): CronCheck {
  const trimmed = expression.trim();
  if (trimmed.startsWith("@"))
    return { ok: false, reason: `nicknames such as @daily are not accepted; ${FIVE_FIELDS}` };
  const fields = fieldsOf(trimmed);
  if (fields.length !== FIELDS.length) return { ok: false, reason: FIVE_FIELDS };
  for (const [index, field] of FIELDS.entries()) {
    const problem = fieldProblem(fields[index]!, field);
    if (problem) return { ok: false, reason: problem };
  }
  const problem = cronerProblem(fields);
  return problem ? { ok: false, reason: problem } : { ok: true };
}

/** Whether an expression is five fields Outport reads that run at some time. */
export function checkCron(expression: string): CronCheck {
  const check = checkFields(expression);
  if (!check.ok) return check;
  if (nextSlot(expression, "UTC", NEVER_RUNS_REFERENCE) === null) return { ok: false, reason: "never runs" };
  return { ok: true };
}

/**
 * Whether a name is a time zone this runtime knows, such as Asia/Seoul or UTC. Offsets
 * such as +09:00 are refused even where Intl takes them: a schedule names a place.
 */
export function isTimeZone(name: string): boolean {
  if (typeof name !== "string" || !/^[A-Za-z][A-Za-z0-9_+/-]*$/.test(name)) return false;
  return isValidTimezone(name);
}

/** A parsed expression: croner walking wall-clock times, and which of those run. */
type Plan = { cron: Cron; runs: (wall: Date) => boolean };

function daysInMonth(year: number, monthIndex: number): number {
  return new Date(Date.UTC(year, monthIndex + 1, 0)).getUTCDate();
}

function planOf(expression: string): Plan {
  const check = checkFields(expression);
  if (!check.ok) throw new RangeError(`not a cron expression Outport runs: ${check.reason}`);
  const fields = fieldsOf(expression);
  const [minute, hour, day, month, weekday] = fields as [string, string, string, string, string];
  const dayN = /^\d+$/.test(day) ? Number(day) : 0;
  if (dayN >= 29 && month === "*" && weekday === "*") {
    // Croner walks the last days any month can have; the one standing for day N runs.
    const cron = new Cron(`${minute} ${hour} 28-31 * *`, CRONER_OPTIONS);
    const runs = (wall: Date) =>
      wall.getUTCDate() === Math.min(dayN, daysInMonth(wall.getUTCFullYear(), wall.getUTCMonth()));
    return { cron, runs };
  }
  return { cron: new Cron(fields.join(" "), CRONER_OPTIONS), runs: () => true };
}

function offsetAt(instant: number, timeZone: string): number {
  return zoneOffsetMs(new Date(instant), timeZone);
}

type ZoneMapping = (wall: number) => number;

/**
 * Places wall-clock readings (their milliseconds taken as if UTC) in a zone: a reading
 * that exists twice stands for its first occurrence, one that does not exist for the
 * first instant after the gap. It assumes at most one change of offset in any three days,
 * true of every zone's rules, and remembers the offsets around each day it met so that a
 * day without a change costs no lookups.
 */
function zoneMapping(timeZone: string): ZoneMapping {
  if (timeZone === "UTC") return (wall) => wall;
  const around = new Map<number, readonly [number, number]>();
  const offsetsAround = (wall: number) => {
    const day = Math.floor(wall / DAY_MS) * DAY_MS;
    let offsets = around.get(day);
    if (!offsets) {
      offsets = [offsetAt(day - DAY_MS, timeZone), offsetAt(day + 2 * DAY_MS, timeZone)];
      around.set(day, offsets);
    }
    return offsets;
  };
  return (wall) => {
    const [earlier, later] = offsetsAround(wall);
    if (earlier === later) return wall - earlier;
    const first = wall - Math.max(earlier, later);
    const second = wall - Math.min(earlier, later);
    if (offsetAt(first, timeZone) === Math.max(earlier, later)) return first;
    if (offsetAt(second, timeZone) === Math.min(earlier, later)) return second;
    // In the gap: the change lies between the reading taken with the later offset (still
    // before the change) and with the earlier one (already after); find it to the second.
    let before = wall - later;
    let after = wall - earlier;
    while (after - before > 1000) {
      const middle = before + Math.floor((after - before) / 2000) * 1000;
      if (offsetAt(middle, timeZone) === earlier) before = middle;
      else after = middle;
    }
    return after;
  };
}

/** An instant's wall-clock reading in a zone, as the Date of the same reading in UTC. */
function wallClockOf(instant: Date, timeZone: string): Date {
  return new Date(instant.getTime() + zoneOffsetMs(instant, timeZone));
}

/** The slots strictly after `after`, in order, while their wall-clock time is at most `wallLimit`. */
function* slotsAfter(plan: Plan, timeZone: string, after: Date, wallLimit: number): Generator<Date> {
  const instantOf = zoneMapping(timeZone);
  let last = after.getTime();
  // Every wall-clock time up to after's own reading stands for an instant at or before it.
  let wall: Date | null = wallClockOf(after, timeZone);
  for (;;) {
    wall = plan.cron.nextRun(wall);
    if (!wall || wall.getTime() > wallLimit) return;
    if (!plan.runs(wall)) continue;
    const instant = instantOf(wall.getTime());
    // Later wall-clock times can stand for earlier instants only in a repeated hour, or
    // for the same one in a gap: either way that slot has run already.
    if (instant <= last) continue;
    last = instant;
    yield new Date(instant);
  }
}

/** The first slot strictly after `after`, or null if none within 5 years (e.g. `0 0 31 2 *`). */
export function nextSlot(cron: string, timeZone: string, after: Date): Date | null {
  const limit = wallClockOf(after, timeZone);
  limit.setUTCFullYear(limit.getUTCFullYear() + HORIZON_YEARS);
  const first = slotsAfter(planOf(cron), timeZone, after, limit.getTime()).next();
  return first.done ? null : first.value;
}

/** Slots s with from < s <= to, in order, at most `limit` of them. */
export function slotsBetween(cron: string, timeZone: string, from: Date, to: Date, limit: number): Date[] {
  const slots: Date[] = [];
  if (limit <= 0 || from.getTime() >= to.getTime()) return slots;
  // A wall-clock time a day past to's own reading is past to in any zone.
  const wallLimit = wallClockOf(to, timeZone).getTime() + DAY_MS;
  for (const slot of slotsAfter(planOf(cron), timeZone, from, wallLimit)) {
    if (slot.getTime() > to.getTime()) break;
    slots.push(slot);
    if (slots.length >= limit) break;
  }
  return slots;
}
