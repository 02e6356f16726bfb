// Reads the audit trail for the admin audit page, GET /api/audit and its CSV export: one
// validated filter schema (URL search params in, strings only), and plain parameterised SQL,
// newest first, each event with its actor and its target's name.
import { z } from "zod";
import { pgPool } from "../data/pg";
import { leftJoinDatasetSql, listDatasetChoices, type DatasetChoice } from "../datasets/dataset-store";
import { exportJobIdsOfDatasetSql, leftJoinExportJobSql } from "../exports/export-job-store";
import { leftJoinScheduleSql } from "../schedules/schedule-store";
import { AuditAction } from "../generated/prisma/enums";
import { FORMATS, type ExportFormat } from "../export/formats";
import { MAX_ID, wholeNumber } from "../params";
import { unsafeTextReason } from "../text";

export const AUDIT_DEFAULT_PAGE_SIZE = 50;
export const AUDIT_MAX_PAGE_SIZE = 200;

/** An empty form field (`?actor=`) is the same as no field at all. */
function optionalParam<T extends z.ZodType>(schema: T) {
  return z.preprocess(
    (value) => (typeof value === "string" && value.trim() === "" ? undefined : value),
    schema.optional(),
  );
}

/** `[start, end)` of what an instant in the filter covers: a whole day for a date. */
type Span = { start: Date; end: Date };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?$/i;
const DATE_MESSAGE = "must be a date (YYYY-MM-DD) or a date and time (YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM])";

function isCalendarDate(text: string): boolean {
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

/** A date is a UTC calendar day; a date and time without an offset is UTC too. */
function parseSpan(text: string): Span | null {
  if (DATE.test(text)) {
    if (!isCalendarDate(text)) return null;
    const start = new Date(`${text}T00:00:00.000Z`);
    return { start, end: new Date(start.getTime() + 86_400_000) };
  }
  const match = DATETIME.exec(text);
  if (!match) return null;
  const [, day = "", hours = "", minutes = "", seconds = "00", fraction = "", offset = "Z"] = match;
  if (!isCalendarDate(day) || Number(hours) > 23 || Number(minutes) > 59 || Number(seconds) > 59) return null;
  const millis = fraction ? fraction.slice(1, 4).padEnd(3, "0") : "000";
  const start = new Date(`${day}T${hours}:${minutes}:${seconds}.${millis}${offset.toUpperCase()}`);
  if (Number.isNaN(start.getTime())) return null;
  // Timestamps are stored to the millisecond: "through this instant" ends 1 ms later.
  return { start, end: new Date(start.getTime() + 1) };
}

const ZSpanSchema = z
  .string({ error: DATE_MESSAGE })
  .trim()
  .transform((text, ctx): Span => {
    const span = parseSpan(text);
    if (span) return span;
    ctx.addIssue({ code: "custom", message: DATE_MESSAGE, params: { reason: "date" } });
    return z.NEVER;
  });

// Text no field may carry (lib/text.ts) is refused here too: the audit page parses its
// query with this schema, not through the API's query reader.
const ZBoundedTextSchema = (max: number) =>
  z
    .string({ error: "must be text" })
    .trim()
    .max(max, { error: `must be at most ${max} characters` })
    .superRefine((text, ctx) => {
      const reason = unsafeTextReason(text);
      if (reason) ctx.addIssue({ code: "custom", message: reason });
    });

/** The filters, as the URL carries them: the list's, the CSV export's and the page's. */
const FILTER_FIELDS = {
  actor: optionalParam(wholeNumber(1, MAX_ID)),
  action: optionalParam(z.enum(AuditAction, { error: `must be one of ${Object.values(AuditAction).join(", ")}` })),
  target_type: optionalParam(ZBoundedTextSchema(50)),
  target_id: optionalParam(ZBoundedTextSchema(100)),
  /** A dataset's events: those about it, and those about its exports. */
  dataset: optionalParam(wholeNumber(1, MAX_ID)),
  from: optionalParam(ZSpanSchema),
  to: optionalParam(ZSpanSchema),
};

type SpanFields = { from?: Span; to?: Span };

/** `to` must not end before `from`, and the output carries `[from, before)` as instants. */
function withDateRange<T extends z.ZodType<SpanFields>>(schema: T) {
  return schema
    .refine((query) => !query.from || !query.to || query.from.start < query.to.end, {
      message: "must not be before from",
      path: ["to"],
      params: { reason: "order" },
      // Checked even when other fields are refused, as long as both dates are readable.
      when: (payload) => !payload.issues.some((issue) => issue.path?.[0] === "from" || issue.path?.[0] === "to"),
    })
    .transform(({ from, to, ...rest }) => ({ ...rest, from: from?.start, before: to?.end }));
}

/**
 * The audit filters of `?actor=&action=&target_type=&target_id=&dataset=&from=&to=`, as the
 * CSV export takes them. Unknown parameters are ignored. `from` is inclusive; `to` as a date
 * means through the end of that day (UTC).
 */
export const ZAuditFilterSchema = withDateRange(z.object(FILTER_FIELDS));

/** The filters and the page of `GET /api/audit` and the audit page (`&page=&page_size=`). */
export const ZAuditQuerySchema = withDateRange(
  z.object({
    ...FILTER_FIELDS,
    page: optionalParam(wholeNumber(1, 1_000_000)).transform((page) => page ?? 1),
    page_size: optionalParam(wholeNumber(1, AUDIT_MAX_PAGE_SIZE)).transform((size) => size ?? AUDIT_DEFAULT_PAGE_SIZE),
  }),
);

export type AuditFilter = z.output<typeof ZAuditFilterSchema>;
export type AuditQuery = z.output<typeof ZAuditQuerySchema>;
/** The fields of the filter, as they appear in the URL. */
export type AuditQueryField = keyof z.input<typeof ZAuditQuerySchema>;

export type AuditEventJson = {
  id: number;
  action: AuditAction;
  actor_id: number | null;
  actor_name: string | null;
  actor_email: string | null;
  actor_role: string | null;
  target_type: string | null;
  target_id: string | null;
  /** What the target is called now, or was last called when it is gone; null when unknown. */
  target_name: string | null;
  /** The target no longer exists (deleted, or never found). */
  target_deleted: boolean;
  details: unknown;
  /** The names of the people and datasets the details name by id (`user_id`, `owner_id`, `dataset_id`). */
  detail_names: Record<string, string>;
  ip: string | null;
  created_at: string;
};

export type AuditPage = { items: AuditEventJson[]; total: number; page: number; page_size: number };

/** The page of `GET /api/audit` as a zod schema, for the API document (lib/http/openapi). */
export const ZAuditPage = z.object({
  items: z.array(
    z.object({
      id: z.number().int(),
      action: z.enum(AuditAction),
      actor_id: z.number().int().nullable(),
      actor_name: z.string().nullable(),
      actor_email: z.string().nullable(),
      actor_role: z.string().nullable(),
      target_type: z.string().nullable(),
      target_id: z.string().nullable(),
      target_name: z.string().nullable(),
      target_deleted: z.boolean(),
      /** What the event records, by action (never a secret). */
      details: z.unknown(),
      detail_names: z.record(z.string(), z.string()),
      ip: z.string().nullable(),
      created_at: z.string(),
    }),
  ),
  total: z.number().int(),
  page: z.number().int(),
  page_size: z.number().int(),
});

type AuditRow = Omit<AuditEventJson, "created_at" | "detail_names"> & {
  created_at: Date;
  target_format: string | null;
  user_id_name: string | null;
  owner_id_name: string | null;
  dataset_id_name: string | null;
};

/** The ids in an event's details that the query found names for. */
function detailNames(row: AuditRow): Record<string, string> {
  const names: Record<string, string> = {};
  if (row.user_id_name !== null) names.user_id = row.user_id_name;
  if (row.owner_id_name !== null) names.owner_id = row.owner_id_name;
  if (row.dataset_id_name !== null) names.dataset_id = row.dataset_id_name;
  return names;
}

/** The WHERE clause of a query: only `$n` placeholders are written into the SQL text. */
function whereClause(query: AuditFilter, values: unknown[] = []): { sql: string; values: unknown[] } {
  const conditions: string[] = [];
  const add = (condition: (placeholder: string) => string, value: unknown) => {
    values.push(value);
    conditions.push(condition(`$${values.length}`));
  };
  if (query.actor !== undefined) add((p) => `e.actor_id = ${p}`, query.actor);
  if (query.action !== undefined) add((p) => `e.action = ${p}::"AuditAction"`, query.action);
  if (query.target_type !== undefined) add((p) => `e.target_type = ${p}`, query.target_type);
  if (query.target_id !== undefined) add((p) => `e.target_id = ${p}`, query.target_id);
  if (query.dataset !== undefined) {
    add(
      (p) =>
        `((e.target_type = 'dataset' AND e.target_id = ${p}::text) OR (e.target_type = 'export_job' AND e.target_id IN
           (${exportJobIdsOfDatasetSql(p)})))`,
      query.dataset,
    );
  }
  if (query.from !== undefined) add((p) => `e.created_at >= ${p}`, query.from);
  if (query.before !== undefined) add((p) => `e.created_at < ${p}`, query.before);
  return { sql: conditions.length ? `WHERE ${conditions.join(" AND ")}` : "", values };
}

const INT_ID = `'^[0-9]{1,9}$'`;
const UUID_ID = `'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'`;

/**
 * The events with their actor and their target's name, in one query: a target that is gone
 * keeps the name an earlier event recorded for it (a dataset's title, a token's name). Text
 * that cannot be an id of its table finds nothing rather than failing the cast.
 */
const SELECT_EVENTS = `
  SELECT e.id, e.action::text AS action, e.actor_id, u.name AS actor_name, u.email AS actor_email,
         u.role::text AS actor_role, e.target_type, e.target_id, e.details, e.ip, e.created_at,
         CASE e.target_type
           WHEN 'dataset' THEN COALESCE(d.title, known.name)
           WHEN 'export_job' THEN jd.title
           WHEN 'user' THEN tu.name
           WHEN 'token' THEN COALESCE(tk.name, known.name)
           WHEN 'schedule' THEN COALESCE(sc.dataset_title, known.name)
         END AS target_name,
         CASE e.target_type
           WHEN 'dataset' THEN d.id IS NULL OR d.deleted_at IS NOT NULL
           WHEN 'export_job' THEN j.id IS NULL OR j.deleted_at IS NOT NULL
           WHEN 'user' THEN tu.id IS NULL
           WHEN 'token' THEN tk.id IS NULL
           WHEN 'schedule' THEN sc.id IS NULL
           ELSE false
         END AS target_deleted,
         j.format::text AS target_format,
         du.name AS user_id_name, dov.name AS owner_id_name, dd.title AS dataset_id_name
    FROM audit_events e
    LEFT JOIN users u ON u.id = e.actor_id
    ${leftJoinDatasetSql("d", `(CASE WHEN e.target_type = 'dataset' AND e.target_id ~ ${INT_ID} THEN e.target_id::int END)`)}
    ${leftJoinExportJobSql("j", `(CASE WHEN e.target_type = 'export_job' AND e.target_id ~ ${UUID_ID} THEN e.target_id::uuid END)`)}
    ${leftJoinDatasetSql("jd", "j.dataset_id")}
    LEFT JOIN users tu
      ON e.target_type = 'user' AND tu.id = (CASE WHEN e.target_id ~ ${INT_ID} THEN e.target_id::int END)
    LEFT JOIN personal_access_tokens tk
      ON e.target_type = 'token' AND tk.id = (CASE WHEN e.target_id ~ ${UUID_ID} THEN e.target_id::uuid END)
    ${leftJoinScheduleSql("sc", `(CASE WHEN e.target_type = 'schedule' AND e.target_id ~ ${UUID_ID} THEN e.target_id::uuid END)`)}
    LEFT JOIN users du ON du.id = (CASE WHEN e.details->>'user_id' ~ ${INT_ID} THEN (e.details->>'user_id')::int END)
    LEFT JOIN users dov
      ON dov.id = (CASE WHEN e.details->>'owner_id' ~ ${INT_ID} THEN (e.details->>'owner_id')::int END)
    ${leftJoinDatasetSql("dd", `(CASE WHEN e.details->>'dataset_id' ~ ${INT_ID} THEN (e.details->>'dataset_id')::int END)`)}
    LEFT JOIN LATERAL (
      SELECT COALESCE(x.details->>'title', x.details->>'name', x.details->>'dataset_title') AS name
        FROM audit_events x
       WHERE ((e.target_type = 'dataset' AND d.id IS NULL) OR (e.target_type = 'token' AND tk.id IS NULL)
              OR (e.target_type = 'schedule' AND sc.id IS NULL))
         AND x.target_type = e.target_type AND x.target_id = e.target_id
         AND (x.details ? 'title' OR x.details ? 'name' OR x.details ? 'dataset_title')
       ORDER BY x.id DESC
       LIMIT 1
    ) known ON true`;

function eventJson(row: AuditRow): AuditEventJson {
  const format = row.target_format as ExportFormat | null;
  const jobName =
    row.target_name !== null && format && format in FORMATS
      ? `${row.target_name} · ${FORMATS[format].label}`
      : row.target_name;
  return {
    id: row.id,
    action: row.action,
    actor_id: row.actor_id,
    actor_name: row.actor_name,
    actor_email: row.actor_email,
    actor_role: row.actor_role,
    target_type: row.target_type,
    target_id: row.target_id,
    target_name: row.target_type === "export_job" ? jobName : row.target_name,
    target_deleted: row.target_deleted,
    details: row.details,
    detail_names: detailNames(row),
    ip: row.ip,
    created_at: row.created_at.toISOString(),
  };
}

export async function listAuditEvents(query: AuditQuery): Promise<AuditPage> {
  const where = whereClause(query);
  const limit = `$${where.values.length + 1}`;
  const offset = `$${where.values.length + 2}`;
  const [rows, count] = await Promise.all([
    pgPool().query<AuditRow>(
      `${SELECT_EVENTS}
         ${where.sql}
        ORDER BY e.created_at DESC, e.id DESC
        LIMIT ${limit} OFFSET ${offset}`,
      [...where.values, query.page_size, (query.page - 1) * query.page_size],
    ),
    pgPool().query<{ total: number }>(`SELECT count(*)::int AS total FROM audit_events e ${where.sql}`, where.values),
  ]);
  return {
    items: rows.rows.map(eventJson),
    total: count.rows[0]?.total ?? 0,
    page: query.page,
    page_size: query.page_size,
  };
}

/** Where a walk through the trail stopped: the last event read (newest first). */
export type AuditCursor = { createdAt: Date; id: number };

/**
 * One batch of the filtered trail after `cursor` (newest first), up to the event `upToId`:
 * a keyset page, so a walk through the whole trail reads it batch by batch and never skips
 * or repeats an event however long it is.
 */
export async function readAuditBatch(
  filter: AuditFilter,
  { cursor, upToId, limit }: { cursor: AuditCursor | null; upToId: number; limit: number },
): Promise<{ events: AuditEventJson[]; next: AuditCursor | null }> {
  const values: unknown[] = [];
  const where = whereClause(filter, values);
  values.push(upToId);
  const conditions = [`e.id <= $${values.length}`];
  if (cursor) {
    values.push(cursor.createdAt, cursor.id);
    conditions.push(`(e.created_at, e.id) < ($${values.length - 1}, $${values.length})`);
  }
  values.push(limit);
  const sql = `${SELECT_EVENTS}
    ${where.sql ? `${where.sql} AND` : "WHERE"} ${conditions.join(" AND ")}
    ORDER BY e.created_at DESC, e.id DESC
    LIMIT $${values.length}`;
  const { rows } = await pgPool().query<AuditRow>(sql, values);
  const last = rows[rows.length - 1];
  return {
    events: rows.map(eventJson),
    next: last && rows.length === limit ? { createdAt: last.created_at, id: last.id } : null,
  };
}

/** The newest event's id: a walk through the trail stops there, so it does not read itself. */
export async function latestAuditEventId(): Promise<number> {
  const { rows } = await pgPool().query<{ id: number | null }>("SELECT max(id) AS id FROM audit_events");
  return rows[0]?.id ?? 0;
}

export type AuditActor = { id: number; name: string; email: string };

/** Everyone who appears as an actor in the trail, for the filter's select. */
export async function listAuditActors(): Promise<AuditActor[]> {
  const { rows } = await pgPool().query<AuditActor>(
    `SELECT u.id, u.name, u.email
       FROM users u
      WHERE EXISTS (SELECT 1 FROM audit_events e WHERE e.actor_id = u.id)
      ORDER BY u.name, u.email, u.id`,
  );
  return rows;
}

export type AuditDataset = DatasetChoice;

/** Every dataset, deleted ones too (their trail stays), for the filter's dataset picker. */
export function listAuditDatasets(): Promise<AuditDataset[]> {
  return listDatasetChoices();
}
