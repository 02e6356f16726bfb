// Shared parsing of path and query parameters.
import { z } from "zod";
import { AppError } from "../errors";

export const MAX_ID = 2_147_483_647;

/**
 * A whole number from a query string, with messages a person can act on: written out in
 * digits, so `1.5`, `1e3`, `0x10` and an empty value are refused.
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

const ZPositiveIdSchema = wholeNumber(1, MAX_ID);

/** A dataset id from the path; anything that is not one is simply not found. */
export function parseDatasetId(raw: string): number {
  const parsed = ZPositiveIdSchema.safeParse(raw);
  if (!parsed.success || !/^\d+$/.test(raw)) throw new AppError("not_found", "error.datasetNotFound");
  return parsed.data;
}

export const ZPreviewQuerySchema = z
  .object({
    after: ZPositiveIdSchema.optional(),
    before: ZPositiveIdSchema.optional(),
    limit: wholeNumber(1, 200).default(25),
  })
  .refine((q) => q.after === undefined || q.before === undefined, {
    message: "Give either after or before, not both",
    path: ["before"],
  });

export function searchParamsObject(url: string): Record<string, string> {
  return Object.fromEntries(new URL(url).searchParams.entries());
}

/** A JSON request body; an empty body is `{}`, a malformed one is a 422. */
export async function readJsonBody(req: Request): Promise<unknown> {
  const text = await req.text();
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("invalid", "error.invalid", { errors: [{ field: "(body)", message: "must be valid JSON" }] });
  }
}
