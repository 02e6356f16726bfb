// The one schema for export options, shared by the route, the UI, server
// actions and jobs. It checks shape and ranges; checks that need the dataset (column
// names, types) live in ./plan.ts.
import { z } from "zod";
import { EXPORT_FORMATS } from "./formats";
import { isValidTimezone } from "./values";

export const FILTER_OPS = [
  "eq",
  "ne",
  "lt",
  "lte",
  "gt",
  "gte",
  "in",
  "contains",
  "starts_with",
  "is_null",
  "between",
] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

/** The conditions each column type takes (the options dialog offers the same). */
export const FILTER_OPS_BY_TYPE: Readonly<
  Record<"string" | "integer" | "number" | "date" | "datetime" | "boolean" | "json", readonly FilterOp[]>
> = {
  string: FILTER_OPS,
  integer: ["eq", "ne", "lt", "lte", "gt", "gte", "in", "is_null", "between"],
  number: ["eq", "ne", "lt", "lte", "gt", "gte", "in", "is_null", "between"],
  date: ["eq", "ne", "lt", "lte", "gt", "gte", "in", "is_null", "between"],
  datetime: ["eq", "ne", "lt", "lte", "gt", "gte", "is_null", "between"],
  boolean: ["eq", "ne", "is_null"],
  json: ["is_null"],
};

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A 1 MB PNG as a data URL (the byte limit itself is checked when it is decoded). */
const CHART_IMAGE_URL_MAX = "data:image/png;base64,".length + Math.ceil((1024 * 1024) / 3) * 4;

/** A calendar date `YYYY-MM-DD` that exists (2025-02-30 does not). */
export const ZIsoDateSchema = z.string({ error: "must be a date (YYYY-MM-DD)" }).refine(
  (text) => {
    // Years 0001–9999: the calendar a date column holds (PostgreSQL has no year 0).
    if (!ISO_DATE.test(text) || text.startsWith("0000")) return false;
    const date = new Date(`${text}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
  },
  { error: "must be a date (YYYY-MM-DD)" },
);

const ZColumnKeySchema = z.string({ error: "must be a column key" }).min(1, { error: "must be a column key" }).max(200);

export const ZFilterSchema = z.object(
  {
    column: ZColumnKeySchema,
    op: z.enum(FILTER_OPS, { error: `must be one of ${FILTER_OPS.join(", ")}` }),
    value: z.unknown().optional(),
  },
  { error: "must be an object {column, op, value}" },
);
export type TFilter = z.infer<typeof ZFilterSchema>;

export const ZDateRangeSchema = z
  .object(
    {
      column: ZColumnKeySchema.optional(),
      start: ZIsoDateSchema.optional(),
      end: ZIsoDateSchema.optional(),
    },
    { error: "must be an object {column?, start?, end?}" },
  )
  .strict()
  .refine((range) => !range.start || !range.end || range.start <= range.end, {
    error: "must not be before start",
    path: ["end"],
  });

const DELIMITERS = { ",": ",", ";": ";", "\t": "\t", tab: "\t", comma: ",", semicolon: ";" } as const;

export const ZExportOptionsSchema = z
  .object({
    columns: z
      .array(ZColumnKeySchema, { error: "must be a list of column keys" })
      .min(1, { error: "must name at least one column" })
      .max(500)
      .optional(),
    rename: z
      .record(
        ZColumnKeySchema,
        z.string({ error: "must be text" }).trim().min(1, { error: "must not be empty" }).max(200),
        {
          error: "must map column keys to headers",
        },
      )
      .optional(),
    date_range: ZDateRangeSchema.optional(),
    filters: z
      .array(ZFilterSchema, { error: "must be a list of filters" })
      .max(50, { error: "at most 50 filters" })
      .default([]),
    filter_mode: z.enum(["all", "any"], { error: "must be all or any" }).default("all"),
    include_sensitive: z.boolean({ error: "must be true or false" }).default(false),
    /** PDF: draw the records-per-category and records-per-month charts (on unless turned off). */
    include_charts: z.boolean({ error: "must be true or false" }).default(true),
    /** PDF: the page's Chart.js canvases as PNG data URLs; decoded and checked in lib/export/chart-images.ts. */
    chart_images: z
      .array(
        z.string({ error: "must be a PNG data URL" }).max(CHART_IMAGE_URL_MAX, { error: "must be at most 1 MB" }),
        {
          error: "must be a list of PNG data URLs",
        },
      )
      .max(4, { error: "at most 4 chart images" })
      .optional(),
    delimiter: z
      .enum(Object.keys(DELIMITERS) as [keyof typeof DELIMITERS, ...Array<keyof typeof DELIMITERS>], {
        error: "must be one of , ; or tab",
      })
      .transform((d) => DELIMITERS[d])
      .default(","),
    bom: z.boolean({ error: "must be true or false" }).default(true),
    compression: z.enum(["none", "gzip"], { error: "must be none or gzip" }).default("none"),
    timezone: z
      .string({ error: "must be a time zone" })
      .refine(isValidTimezone, { error: "must be an IANA time zone such as UTC or Asia/Seoul" })
      .default("UTC"),
    landscape: z.boolean({ error: "must be true or false" }).default(false),
  })
  .strict();

/** A whole export request — the body of POST /api/export/async and of the UI's server action. */
export const ZExportRequestSchema = z
  .object({
    dataset_id: z.coerce
      .number({ error: "must be a dataset id" })
      .int({ error: "must be a dataset id" })
      .positive({ error: "must be a dataset id" })
      .max(2_147_483_647, { error: "must be a dataset id" }),
    format: z.enum(EXPORT_FORMATS, { error: `must be one of ${EXPORT_FORMATS.join(", ")}` }),
    options: ZExportOptionsSchema.optional(),
  })
  .strict();

export type TExportRequestInput = z.input<typeof ZExportRequestSchema>;

export type TExportOptionsInput = z.input<typeof ZExportOptionsSchema>;
export type TExportOptions = z.output<typeof ZExportOptionsSchema>;

function parseBoolean(text: string): boolean | string {
  const lower = text.toLowerCase();
  if (["true", "1", "yes"].includes(lower)) return true;
  if (["false", "0", "no"].includes(lower)) return false;
  return text; // left for the schema to refuse, naming the field
}

function parseJsonParam(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text; // the schema then says what shape was expected
  }
}

/**
 * Options from a GET query string, for links and scripts:
 * `?columns=a,b&rename={"a":"A"}&start=2025-01-01&end=2025-03-31&date_column=sale_date
 *  &filters=[{"column":"region","op":"eq","value":"APAC"}]&filter_mode=any&delimiter=;&bom=false
 *  &compression=gzip&timezone=Asia/Seoul&include_sensitive=true`
 */
export function optionsFromQuery(params: URLSearchParams): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const [key, value] of params) {
    switch (key) {
      case "columns":
        options.columns = value
          .split(",")
          .map((c) => c.trim())
          .filter(Boolean);
        break;
      case "rename":
      case "filters":
      case "date_range":
        options[key] = parseJsonParam(value);
        break;
      case "start":
      case "end":
      case "date_column": {
        const current = options.date_range;
        // A `date_range` given as JSON that is not an object stays as it is, for the schema
        // to refuse: start/end/date_column are not merged into a number or a list.
        if (current !== undefined && (typeof current !== "object" || current === null || Array.isArray(current))) break;
        const range = (current ?? {}) as Record<string, unknown>;
        range[key === "date_column" ? "column" : key] = value;
        options.date_range = range;
        break;
      }
      case "bom":
      case "include_sensitive":
      case "include_charts":
      case "landscape":
        options[key] = parseBoolean(value);
        break;
      default:
        options[key] = value; // unknown keys are refused by the strict schema
    }
  }
  return options;
}
