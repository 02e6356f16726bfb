// Reads the audit trail for the admin audit page and GET /api/audit: one validated filter
// schema (URL search params in, strings only), and plain parameterised SQL, newest first.
import { z } from "zod";
import { pgPool } from "../data/pg";
import { AuditAction } from "../generated/prisma/enums";
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

/**
 * The audit filters of `?actor=&action=&target_type=&target_id=&from=&to=&page=&page_size=`.
 * Unknown parameters are ignored. `from` is inclusive; `to` as a date means through the end
 * of that day (UTC). The output carries `from` / `before` as a half-open range `[from, before)`.
 */
export const ZAuditQuerySchema = z
  .object({
    actor: optionalParam(wholeNumber(1, MAX_ID)),
    action: optionalParam(z.enum(AuditAction, { error: `must be one of ${Object.values(AuditAction).join(", ")}` })),
    target_type: optionalParam(ZBoundedTextSchema(50)),
    target_id: optionalParam(ZBoundedTextSchema(100)),
    from: optionalParam(ZSpanSchema),
    to: optionalParam(ZSpanSchema),
    page: optionalParam(wholeNumber(1, 1_000_000)).transform((page) => page ?? 1),
    page_size: optionalParam(wholeNumber(1, AUDIT_MAX_PAGE_SIZE)).transform((size) => size ?? AUDIT_DEFAULT_PAGE_SIZE),
  })
  .refine((query) => !query.from || !query.to || query.from.start < query.to.end, {
    message: "must not be before from",
    path: ["to"],
    params: { reason: "order" },
    // Checked even when other fields are refused, as long as both dates are readable.
    when: (payload) => !payload.issues.some((issue) => issue.path?.[0] === "from" || issue.path?.[0] === "to"),
  })
  .transform(({ from, to, ...rest }) => ({ ...rest, from: from?.start, before: to?.end }));

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
  details: unknown;
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
      /** What the event records, by action (never a secret). */
      details: z.unknown(),
      ip: z.string().nullable(),
      created_at: z.string(),
    }),
  ),
  total: z.number().int(),
  page: z.number().int(),
  page_size: z.number().int(),
});

type AuditRow = Omit<AuditEventJson, "created_at"> & { created_at: Date };

/** The WHERE clause of a query: only `$n` placeholders are written into the SQL text. */
function whereClause(query: AuditQuery): { sql: string; values: unknown[] } {
  const conditions: string[] = [];
  const values: unknown[] = [];
  const add = (condition: (placeholder: string) => string, value: unknown) => {
    values.push(value);
    conditions.push(condition(`$${values.length}`));
  };
  if (query.actor !== undefined) add((p) => `e.actor_id = ${p}`, query.actor);
  if (query.action !== undefined) add((p) => `e.action = ${p}::"AuditAction"`, query.action);
  if (query.target_type !== undefined) add((p) => `e.target_type = ${p}`, query.target_type);
  if (query.target_id !== undefined) add((p) => `e.target_id = ${p}`, query.target_id);
  if (query.from !== undefined) add((p) => `e.created_at >= ${p}`, query.from);
  if (query.before !== undefined) add((p) => `e.created_at < ${p}`, query.before);
  return { sql: conditions.length ? `WHERE ${conditions.join(" AND ")}` : "", values };
}

export async function listAuditEvents(query: AuditQuery): Promise<AuditPage> {
  const where = whereClause(query);
  const limit = `$${where.values.length + 1}`;
  const offset = `$${where.values.length + 2}`;
  const [rows, count] = await Promise.all([
    pgPool().query<AuditRow>(
      `SELECT e.id, e.action::text AS action, e.actor_id, u.name AS actor_name, u.email AS actor_email,
              u.role::text AS actor_role, e.target_type, e.target_id, e.details, e.ip, e.created_at
         FROM audit_events e
         LEFT JOIN users u ON u.id = e.actor_id
         ${where.sql}
        ORDER BY e.created_at DESC, e.id DESC
        LIMIT ${limit} OFFSET ${offset}`,
      [...where.values, query.page_size, (query.page - 1) * query.page_size],
    ),
    pgPool().query<{ total: number }>(`SELECT count(*)::int AS total FROM audit_events e ${where.sql}`, where.values),
  ]);
  return {
    items: rows.rows.map((row) => ({
      id: row.id,
      action: row.action,
      actor_id: row.actor_id,
      actor_name: row.actor_name,
      actor_email: row.actor_email,
      actor_role: row.actor_role,
      target_type: row.target_type,
      target_id: row.target_id,
      details: row.details,
      ip: row.ip,
      created_at: row.created_at.toISOString(),
    })),
    total: count.rows[0]?.total ?? 0,
    page: query.page,
    page_size: query.page_size,
  };
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
