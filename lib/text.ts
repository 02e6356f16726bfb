// Text a request brings that nothing downstream can carry: a NUL character (PostgreSQL's
// text and jsonb refuse it, XML forbids it) or half of a UTF-16 surrogate pair (no UTF-8
// encoding exists for it). The one rule for both uses: input is refused with a 422 naming
// the field before any use case sees it, and text that is kept anyway (the audit trail,
// logs of what was asked) is made storable — NUL written out as `\u0000`, a lone surrogate
// replaced by U+FFFD, and the length capped.
import { AppError, type FieldError } from "./errors";

const NUL = "\u0000";
// Without the `u` flag a regular expression sees UTF-16 code units, so halves of a pair
// can be told from a whole pair.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, "g");

export const UNSAFE_TEXT_MESSAGES = {
  nul: "must not contain NUL characters",
  surrogate: "must be valid Unicode (it contains an unpaired surrogate)",
} as const;

/** Why a text cannot be accepted, in the words of a field error; null when it can. */
export function unsafeTextReason(text: string): string | null {
  if (text.includes(NUL)) return UNSAFE_TEXT_MESSAGES.nul;
  if (LONE_SURROGATE.test(text)) return UNSAFE_TEXT_MESSAGES.surrogate;
  return null;
}

/** A field name that can be shown: the characters that made it unsafe written out. */
function visible(name: string): string {
  return name
    .replaceAll(NUL, "\\u0000")
    .replace(LONE_SURROGATES, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Stands in the walk for an object key that is itself unsafe, so it is reported in order. */
class KeyProblem {
  constructor(readonly reason: string) {}
}

/** Field errors reported for one request, at most: enough to find the problem, never a flood. */
const MAX_FIELD_ERRORS = 20;

/**
 * Every unsafe text in a value parsed from a request (a JSON body, a query string's
 * values, a server action's argument) — object keys included — as fields named the way
 * zod names them (`options.filters.0.value`). `root` names a value that is a text itself.
 * Walks without recursion, so no nesting depth can exhaust the stack.
 */
export function unsafeTextFields(value: unknown, root = "(body)"): FieldError[] {
  // Each pending value knows its parent, so a path is spelled out only when it is reported.
  type Step = { value: unknown; key: string | null; parent: Step | null };
  const fieldOf = (step: Step): string => {
    const keys: string[] = [];
    for (let at: Step | null = step; at && at.key !== null; at = at.parent) keys.push(at.key);
    return keys.length > 0 ? keys.reverse().map(visible).join(".") : root;
  };
  const errors: FieldError[] = [];
  const pending: Step[] = [{ value, key: null, parent: null }];
  const seen = new Set<object>();
  while (pending.length > 0 && errors.length < MAX_FIELD_ERRORS) {
    const step = pending.pop() as Step;
    const current = step.value;
    if (current instanceof KeyProblem) {
      errors.push({ field: fieldOf(step), message: `its name ${current.reason}` });
    } else if (typeof current === "string") {
      const reason = unsafeTextReason(current);
      if (reason) errors.push({ field: fieldOf(step), message: reason });
    } else if (current !== null && typeof current === "object" && !seen.has(current)) {
      seen.add(current);
      const entries = Array.isArray(current)
        ? current.map((item, i): [string, unknown] => [String(i), item])
        : Object.entries(current);
      // Pushed last to first, so fields are reported in the order they were written.
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, inner] = entries[i] as [string, unknown];
        const keyReason = unsafeTextReason(key);
        if (keyReason) pending.push({ value: new KeyProblem(keyReason), key, parent: step });
        else pending.push({ value: inner, key, parent: step });
      }
    }
  }
  return errors;
}

/** The refusal of a request carrying unsafe text: 422, naming each field. */
export function unsafeTextError(errors: FieldError[]): AppError {
  return new AppError("invalid", "error.unsafeText", { errors });
}

/** Throws the 422 when any text in `value` is unsafe; returns the value as it was. */
export function assertSafeInput<T>(value: T, root?: string): T {
  const errors = unsafeTextFields(value, root);
  if (errors.length > 0) throw unsafeTextError(errors);
  return value;
}

/** The longest text kept in one stored field of the audit trail. */
export const STORED_TEXT_MAX = 1000;

/** A text PostgreSQL will take: NUL written out, lone surrogates replaced, at most `max` characters. */
export function storableText(text: string, max = STORED_TEXT_MAX): string {
  let clean = text.replaceAll(NUL, "\\u0000").replace(LONE_SURROGATES, "\uFFFD");
  if (clean.length > max) {
    clean = clean.slice(0, max - 1);
    // Not a pair cut in half by the cap.
    if (/[\uD800-\uDBFF]$/.test(clean)) clean = clean.slice(0, -1);
    clean += "…";
  }
  return clean;
}

/** How deep a stored JSON value may nest; deeper parts are replaced by a marker. */
const STORED_DEPTH_MAX = 20;

/** A JSON value every text of which (keys too) is storable, nesting bounded. */
export function storableJson(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return storableText(value);
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Date) return value.toISOString();
  if (depth >= STORED_DEPTH_MAX) return "(nested too deeply)";
  if (Array.isArray(value)) return value.map((item) => storableJson(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [storableText(key, 200), storableJson(inner, depth + 1)]),
  );
}
