// Ids and whole numbers as they arrive in paths and query strings: text, checked with
// messages a person can act on. Shared by the routes, the pages and the use cases.
import { z } from "zod";
import { AppError } from "./errors";
import { assertSafeInput } from "./text";

export const MAX_ID = 2_147_483_647;

/**
 * A whole number from a query string, written out in digits: `1.5`, `1e3`, `0x10` and an
 * empty value are refused.
 */
export function wholeNumber(min: number, max: number) {
  return z
    .string({ error: "must be a whole number" })
    .trim()
    .regex(/^-?\d+$/, { error: "must be a whole number" })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { error: `must be at least ${min}` })
        .max(max, { error: `must be at most ${max}` }),
    );
}

export const ZPositiveIdSchema = wholeNumber(1, MAX_ID);

/**
 * A value from a path, as the route hands it over: a NUL or a lone surrogate in it is a
 * 422 naming the path's parameter (lib/text.ts), like the same text in a query or body.
 */
export function pathParam(raw: string, field: string): string {
  return assertSafeInput(raw, field);
}

/**
 * A dataset id from a path (or already a number); text that cannot be one is simply not
 * found, text no field may carry is a 422 naming `field`.
 */
export function parseDatasetId(raw: string | number, field = "id"): number {
  if (typeof raw === "string") pathParam(raw, field);
  const parsed = ZPositiveIdSchema.safeParse(String(raw));
  if (!parsed.success || !/^\d+$/.test(String(raw))) throw new AppError("not_found", "error.datasetNotFound");
  return parsed.data;
}

const ZUuid = z.uuid();

/** A uuid from a path (a job's, a schedule's); null when the text cannot be one (so: not found). */
export function parseUuid(raw: string, field = "id"): string | null {
  const parsed = ZUuid.safeParse(pathParam(raw, field));
  return parsed.success ? parsed.data.toLowerCase() : null;
}
