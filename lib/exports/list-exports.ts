// The export history: every export a caller may see, newest first, filtered and paged.
// Admins see everyone's exports and may narrow them to one user; everyone else sees only
// their own. Expired exports are left out unless asked for, and counted.
import { z } from "zod";
import { can, canSeeSensitive } from "../auth/permissions";
import type { CurrentUser } from "../auth/current-user";
import { findDataset, type DatasetInfo } from "../datasets/dataset-store";
import { AppError } from "../errors";
import { EXPORT_FORMATS } from "../export/formats";
import { ExportStatus } from "../generated/prisma/enums";
import type { Locale } from "../i18n";
import { MAX_ID, wholeNumber } from "../params";
import { exportingUsers, listExportJobs } from "./export-job-store";
import { presentExport, ZExportJobResponse } from "./present-export";
import { summarizeOptions } from "./summarize-options";

/** What `status=active` stands for. */
const ACTIVE_STATUSES: readonly ExportStatus[] = ["pending", "processing"];

const flag = z
  .enum(["true", "false", "1", "0"], { error: "must be true or false" })
  .transform((v) => v === "true" || v === "1");

/** The history's query string, for the API and the page alike. Unknown names are refused. */
export const ZHistoryQuerySchema = z
  .object({
    format: z.enum(EXPORT_FORMATS, { error: `must be one of ${EXPORT_FORMATS.join(", ")}` }).optional(),
    /** One status, or `active`: the exports still waiting or running. */
    status: z
      .enum([...Object.values(ExportStatus), "active"], {
        error: `must be one of ${[...Object.values(ExportStatus), "active"].join(", ")}`,
      })
      .optional(),
    /** job: background jobs only (each has a file while kept); direct: direct downloads only. */
    delivery: z.enum(["job", "direct"], { error: "must be job or direct" }).optional(),
    /** Admins only: one user's exports. */
    user: wholeNumber(1, MAX_ID).optional(),
    /** Expired exports are left out unless asked for (or `status=expired`). */
    include_expired: flag.optional(),
    page: wholeNumber(1, 100_000).default(1),
    page_size: wholeNumber(1, 100).default(25),
  })
  .strict();

export type THistoryQuery = z.infer<typeof ZHistoryQuerySchema>;

export async function listExports(user: CurrentUser, query: THistoryQuery, locale: Locale, now = new Date()) {
  const everyone = can(user, "history.all");
  if (!everyone && !can(user, "history.own")) throw new AppError("forbidden");
  if (!everyone && query.user !== undefined && query.user !== user.id) {
    throw new AppError("forbidden", "history.userFilterForbidden");
  }
  const { rows, total, hiddenExpired } = await listExportJobs(
    {
      userId: everyone ? query.user : user.id,
      format: query.format,
      status: query.status === "active" ? ACTIVE_STATUSES : query.status,
      delivery: query.delivery,
      hideExpired: !query.include_expired && query.status !== "expired",
      now,
    },
    { offset: (query.page - 1) * query.page_size, limit: query.page_size },
  );
  // Each dataset of the page once: the columns its rows' options are described against.
  const datasets = new Map<number, DatasetInfo | null>();
  for (const id of new Set(rows.map((job) => job.datasetId))) datasets.set(id, await findDataset(id));
  const seesSensitive = canSeeSensitive(user);
  return {
    items: rows.map((job) => ({
      ...presentExport(job, user, locale, datasets.get(job.datasetId) ?? null, now),
      options_summary: summarizeOptions(locale, job.options, datasets.get(job.datasetId) ?? null, seesSensitive),
      user_id: job.user.id,
      user_name: job.user.name,
      user_email: job.user.email,
    })),
    total,
    page: query.page,
    page_size: query.page_size,
    pages: Math.max(1, Math.ceil(total / query.page_size)),
    /** Expired exports the filters match but leave out (the page offers to show them). */
    hidden_expired: hiddenExpired,
  };
}

/** `listExports` as a zod schema, for the API document (lib/http/openapi). */
export const ZHistoryPage = z.object({
  items: z.array(
    ZExportJobResponse.extend({
      user_id: z.number().int(),
      user_name: z.string(),
      user_email: z.string(),
      /** Null when its dataset is gone or no longer fits the stored options. */
      options_summary: z
        .object({
          columns: z.number().int(),
          total_columns: z.number().int(),
          filtered: z.boolean(),
          filters: z.string(),
        })
        .nullable(),
    }),
  ),
  total: z.number().int(),
  page: z.number().int(),
  page_size: z.number().int(),
  pages: z.number().int(),
  hidden_expired: z.number().int(),
});

export type HistoryPage = Awaited<ReturnType<typeof listExports>>;
export type HistoryItem = HistoryPage["items"][number];

/** The people an admin may narrow the history to: everyone who has exported something. */
export function historyUsers(): Promise<Array<{ id: number; name: string; email: string }>> {
  return exportingUsers();
}
