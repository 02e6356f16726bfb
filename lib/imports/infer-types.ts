// The type a column is proposed as, from the values of its first rows. A column gets the
// first type, in the order below, that EVERY non-empty sampled value fits by fitValue —
// the rule the import itself applies — so what is inferred always imports. The types ask
// a little more than fitValue does, to stay what a person would expect: booleans are
// words (true/false/yes/no), not 0 and 1; dates are ISO text or a date at midnight;
// date-times are ISO text or a date; json is objects and arrays (or text that parses to
// one). A number with a leading zero (007, 01234) stays text: ids and postal codes lose
// their meaning as numbers.
import type { ColumnType } from "../export/types";
import { fitValue } from "../sources/typed/row-values";
import type { SourceValue } from "./types";

const ORDER: readonly Exclude<ColumnType, "string">[] = ["integer", "number", "boolean", "date", "datetime", "json"];
const BOOLEAN_WORDS = new Set(["true", "false", "yes", "no"]);
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)?$/;
const LEADING_ZERO = /^[-+]?0\d/;

export function isEmpty(value: SourceValue | undefined): boolean {
  return value === null || value === undefined || (typeof value === "string" && value.trim() === "");
}

/** A numeric-looking text whose leading zero would be lost as a number. */
export function hasLeadingZero(value: SourceValue): boolean {
  return typeof value === "string" && LEADING_ZERO.test(value.trim()) && fitValue(value, "number").text !== null;
}

function isObjectLike(value: SourceValue): boolean {
  return typeof value === "object" && value !== null && !(value instanceof Date);
}

function midnight(date: Date): boolean {
  return (
    date.getUTCHours() === 0 &&
    date.getUTCMinutes() === 0 &&
    date.getUTCSeconds() === 0 &&
    date.getUTCMilliseconds() === 0
  );
}

function parsesToContainer(text: string): boolean {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return false;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    return typeof parsed === "object" && parsed !== null;
  } catch {
    return false;
  }
}

/** Whether one non-empty value is of the type, as far as a proposal goes. */
export function valueFits(value: SourceValue, type: ColumnType): boolean {
  if (type === "string") return true;
  if (fitValue(value, type).text === null) return false;
  switch (type) {
    case "integer":
    case "number":
      if (typeof value === "string") return !hasLeadingZero(value);
      return typeof value === "number" || typeof value === "bigint";
    case "boolean":
      return typeof value === "boolean" || (typeof value === "string" && BOOLEAN_WORDS.has(value.trim().toLowerCase()));
    case "date":
      if (value instanceof Date) return midnight(value);
      return typeof value === "string" && ISO_DATE.test(value.trim());
    case "datetime":
      if (value instanceof Date) return true;
      // JavaScript rolls 2024-02-30 over to March: the calendar date is checked on its own.
      return (
        typeof value === "string" &&
        (ISO_DATE_TIME.test(value.trim()) || ISO_DATE.test(value.trim())) &&
        fitValue(value.trim().slice(0, 10), "date").text !== null
      );
    case "json":
      return isObjectLike(value) || (typeof value === "string" && parsesToContainer(value));
  }
}

/** The proposed type of a column from its sampled values (an all-empty column is string). */
export function inferType(values: Iterable<SourceValue>): ColumnType {
  const candidates = new Set<ColumnType>(ORDER);
  let seen = false;
  for (const value of values) {
    if (isEmpty(value)) continue;
    seen = true;
    for (const type of candidates) if (!valueFits(value, type)) candidates.delete(type);
    if (candidates.size === 0) return "string";
  }
  if (!seen) return "string";
  return ORDER.find((type) => candidates.has(type)) ?? "string";
}
