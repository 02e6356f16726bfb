// Shared parsing of path and query parameters.
import { z } from "zod";
import { AppError } from "./errors";

const ZPositiveIdSchema = z.coerce.number().int().positive().max(2_147_483_647);

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
    limit: z.coerce.number().int().min(1).max(200).default(25),
  })
  .refine((q) => q.after === undefined || q.before === undefined, {
    message: "Give either after or before, not both",
    path: ["before"],
  });

export function searchParamsObject(url: string): Record<string, string> {
  return Object.fromEntries(new URL(url).searchParams.entries());
}
