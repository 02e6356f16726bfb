// The admin audit page: the audit trail, newest first, with its filters in the
// URL (a plain GET form, no client JS), a table and page links. Anyone else gets a 404.
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { z } from "zod";
import {
  AUDIT_DEFAULT_PAGE_SIZE,
  listAuditActors,
  listAuditEvents,
  ZAuditQuerySchema,
  type AuditActor,
  type AuditEventJson,
} from "@/lib/audit/list";
import { can } from "@/lib/auth/permissions";
import { requirePageUser } from "@/lib/auth/session";
import { AuditAction } from "@/lib/generated/prisma/enums";
import { formatNumber, translateStored, type Locale, type MessageKey, type MessageParams } from "@/lib/i18n";
import { getTranslator } from "@/lib/i18n/server";

type SearchParams = Record<string, string | string[] | undefined>;
type Translate = (key: MessageKey, params?: MessageParams) => string;

const PATH = "/admin/audit";
/** The filters a page link carries on (the page number is set per link). */
const FILTER_KEYS = ["actor", "action", "target_type", "target_id", "from", "to", "page_size"] as const;
type FilterKey = (typeof FILTER_KEYS)[number];

const inputClass =
  "mt-1 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm outline-none focus:border-brand-500 focus:ring-2 focus:ring-brand-100";

async function requireAuditor() {
  const user = await requirePageUser();
  if (!can(user, "audit.view")) notFound();
  return user;
}

export async function generateMetadata(): Promise<Metadata> {
  await requireAuditor();
  const { t } = await getTranslator();
  return { title: t("audit.title") };
}

/** One value per parameter, as URLSearchParams would give (the last one wins). */
function flattenParams(params: SearchParams): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) {
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) flat[key] = last;
  }
  return flat;
}

const INVALID_MESSAGES: Readonly<Record<string, MessageKey>> = {
  actor: "audit.invalid.actor",
  action: "audit.invalid.action",
  target_type: "audit.invalid.target_type",
  target_id: "audit.invalid.target_id",
  from: "audit.invalid.from",
  to: "audit.invalid.to",
  page: "audit.invalid.page",
  page_size: "audit.invalid.page_size",
};

/** The messages for a refused filter, one per problem, in the reader's language. */
function issueMessages(issues: readonly z.core.$ZodIssue[]): MessageKey[] {
  const keys = issues.map((issue): MessageKey => {
    if (issue.code === "custom" && issue.params?.reason === "order") return "audit.invalid.order";
    return INVALID_MESSAGES[String(issue.path[0])] ?? "error.invalid";
  });
  return [...new Set(keys)];
}

function pageHref(filters: Partial<Record<FilterKey, string>>, page: number): string {
  const search = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = filters[key];
    if (value) search.set(key, value);
  }
  if (page > 1) search.set("page", String(page));
  const text = search.toString();
  return text ? `${PATH}?${text}` : PATH;
}

/** What a `type="date"` input can show of a filter value (a date and time shows its day). */
function dateInputValue(text: string | undefined): string {
  const day = /^\d{4}-\d{2}-\d{2}/.exec(text?.trim() ?? "");
  return day ? day[0] : "";
}

function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : text;
}

const DETAIL_ENTRIES = 6;
const DETAIL_VALUE_CHARS = 80;

function detailValue(value: unknown, locale: Locale): string {
  if (typeof value === "string") return translateStored(locale, value);
  if (value === null || typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value) ?? "";
}

function Details({ details, locale, t }: { details: unknown; locale: Locale; t: Translate }) {
  const entries: Array<[string, unknown]> =
    details !== null && typeof details === "object" && !Array.isArray(details)
      ? Object.entries(details).sort(([a], [b]) => a.localeCompare(b))
      : details === null || details === undefined
        ? []
        : [["", details]];
  if (entries.length === 0) return <span className="text-slate-400">—</span>;
  const shown = entries.slice(0, DETAIL_ENTRIES);
  return (
    <dl className="space-y-0.5 text-xs" title={truncate(JSON.stringify(details), 2000)}>
      {shown.map(([key, value]) => (
        <div key={key} className="flex gap-1">
          {key ? <dt className="shrink-0 font-medium text-slate-500">{truncate(key, 40)}:</dt> : null}
          <dd className="min-w-0 break-all font-mono text-slate-800">
            {truncate(detailValue(value, locale), DETAIL_VALUE_CHARS)}
          </dd>
        </div>
      ))}
      {entries.length > shown.length ? (
        <div className="text-slate-500">{t("audit.details.more", { count: entries.length - shown.length })}</div>
      ) : null}
    </dl>
  );
}

const ACTION_STYLES: Record<AuditAction, string> = {
  export_requested: "bg-slate-100 text-slate-700",
  export_completed: "bg-green-100 text-green-800",
  export_failed: "bg-red-100 text-red-800",
  export_cancelled: "bg-slate-100 text-slate-700",
  export_downloaded: "bg-sky-100 text-sky-900",
  export_deleted: "bg-slate-100 text-slate-700",
  export_denied: "bg-red-100 text-red-800",
  login_succeeded: "bg-green-100 text-green-800",
  login_failed: "bg-amber-100 text-amber-900",
  integrity_failure: "bg-red-100 text-red-800",
  retention_purge: "bg-slate-100 text-slate-700",
  password_changed: "bg-sky-100 text-sky-900",
  row_value_dropped: "bg-amber-100 text-amber-900",
  dataset_created: "bg-green-100 text-green-800",
  dataset_imported: "bg-green-100 text-green-800",
  dataset_updated: "bg-sky-100 text-sky-900",
  dataset_deleted: "bg-slate-100 text-slate-700",
  dataset_import_failed: "bg-red-100 text-red-800",
  token_created: "bg-green-100 text-green-800",
  token_revoked: "bg-slate-100 text-slate-700",
  user_created: "bg-green-100 text-green-800",
  user_updated: "bg-sky-100 text-sky-900",
  user_deactivated: "bg-slate-100 text-slate-700",
  password_reset: "bg-sky-100 text-sky-900",
};

const TARGET_LABELS: Readonly<Record<string, MessageKey>> = {
  dataset: "audit.target.dataset",
  export_job: "audit.target.export_job",
  user: "audit.target.user",
  token: "audit.target.token",
};

function Target({ event, t }: { event: AuditEventJson; t: Translate }) {
  if (!event.target_type && !event.target_id) return <span className="text-slate-400">—</span>;
  const labelKey = event.target_type ? TARGET_LABELS[event.target_type] : undefined;
  const label = labelKey ? t(labelKey) : event.target_type;
  const id = event.target_id ? (
    <span className="block break-all font-mono text-xs text-slate-500">{truncate(event.target_id, 40)}</span>
  ) : null;
  return (
    <>
      {label ? <span className="block">{label}</span> : null}
      {event.target_type === "dataset" && event.target_id && /^\d+$/.test(event.target_id) ? (
        <Link href={`/datasets/${event.target_id}`} className="text-brand-700 hover:underline">
          {id}
        </Link>
      ) : (
        id
      )}
    </>
  );
}

function FilterForm({ values, actors, t }: { values: Record<string, string>; actors: AuditActor[]; t: Translate }) {
  const actor = values.actor?.trim() ?? "";
  const knownActor = actors.some((a) => String(a.id) === actor);
  const pageSize = values.page_size?.trim();
  return (
    <form
      method="get"
      action={PATH}
      aria-label={t("audit.filters")}
      className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-6">
        <label className="flex flex-col text-sm text-slate-700">
          {t("audit.filter.actor")}
          <select name="actor" defaultValue={actor} className={inputClass}>
            <option value="">{t("audit.filter.anyActor")}</option>
            {actors.map((a) => (
              <option key={a.id} value={String(a.id)}>
                {a.name} ({a.email})
              </option>
            ))}
            {actor && !knownActor ? <option value={actor}>#{actor}</option> : null}
          </select>
        </label>
        <label className="flex flex-col text-sm text-slate-700">
          {t("audit.filter.action")}
          <select name="action" defaultValue={values.action?.trim() ?? ""} className={inputClass}>
            <option value="">{t("audit.filter.anyAction")}</option>
            {Object.values(AuditAction).map((action) => (
              <option key={action} value={action}>
                {t(`audit.action.${action}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col text-sm text-slate-700">
          {t("audit.filter.targetType")}
          <input name="target_type" defaultValue={values.target_type ?? ""} maxLength={50} className={inputClass} />
        </label>
        <label className="flex flex-col text-sm text-slate-700">
          {t("audit.filter.targetId")}
          <input name="target_id" defaultValue={values.target_id ?? ""} maxLength={100} className={inputClass} />
        </label>
        <label className="flex flex-col text-sm text-slate-700">
          {t("audit.filter.from")}
          <input type="date" name="from" defaultValue={dateInputValue(values.from)} className={inputClass} />
        </label>
        <label className="flex flex-col text-sm text-slate-700">
          {t("audit.filter.to")}
          <input type="date" name="to" defaultValue={dateInputValue(values.to)} className={inputClass} />
        </label>
      </div>
      {pageSize && pageSize !== String(AUDIT_DEFAULT_PAGE_SIZE) ? (
        <input type="hidden" name="page_size" value={pageSize} />
      ) : null}
      <div className="mt-4 flex flex-wrap items-center gap-3">
        <button
          type="submit"
          className="rounded-md bg-brand-500 px-4 py-1.5 text-sm font-medium text-white hover:bg-brand-600"
        >
          {t("audit.filter.apply")}
        </button>
        <Link href={PATH} className="rounded-md border border-slate-300 px-4 py-1.5 text-sm hover:bg-slate-50">
          {t("audit.filter.reset")}
        </Link>
        <span className="text-xs text-slate-500">{t("audit.filter.utc")}</span>
      </div>
    </form>
  );
}

function Pager({
  page,
  pages,
  filters,
  t,
}: {
  page: number;
  pages: number;
  filters: Partial<Record<FilterKey, string>>;
  t: Translate;
}) {
  const linkClass = "rounded-md border border-slate-300 px-3 py-1.5 hover:bg-slate-50";
  const disabledClass = "rounded-md border border-slate-200 px-3 py-1.5 text-slate-400";
  return (
    <nav aria-label={t("audit.pagination")} className="flex items-center justify-between gap-4 text-sm">
      {page > 1 ? (
        <Link href={pageHref(filters, Math.min(page - 1, pages))} rel="prev" className={linkClass}>
          ← {t("audit.previous")}
        </Link>
      ) : (
        <span aria-disabled="true" className={disabledClass}>
          ← {t("audit.previous")}
        </span>
      )}
      <span className="text-slate-600" data-testid="audit-page">
        {t("audit.page", { page, pages })}
      </span>
      {page < pages ? (
        <Link href={pageHref(filters, page + 1)} rel="next" className={linkClass}>
          {t("audit.next")} →
        </Link>
      ) : (
        <span aria-disabled="true" className={disabledClass}>
          {t("audit.next")} →
        </span>
      )}
    </nav>
  );
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const [, { locale, t }, raw] = await Promise.all([
    requireAuditor(),
    getTranslator(),
    searchParams.then(flattenParams),
  ]);
  const parsed = ZAuditQuerySchema.safeParse(raw);
  const query = parsed.success ? parsed.data : ZAuditQuerySchema.parse({});
  const errors = parsed.success ? [] : issueMessages(parsed.error.issues);
  // Page links keep the filters in force: none when they were refused.
  const filters: Partial<Record<FilterKey, string>> = {};
  if (parsed.success) for (const key of FILTER_KEYS) filters[key] = raw[key]?.trim();

  const [result, actors] = await Promise.all([listAuditEvents(query), listAuditActors()]);
  const pages = Math.max(1, Math.ceil(result.total / result.page_size));
  const time = new Intl.DateTimeFormat(locale === "ko" ? "ko-KR" : "en-US", {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
    timeZone: "UTC",
    timeZoneName: "short",
  });

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">{t("audit.title")}</h1>
        <p className="mt-1 text-sm text-slate-600">{t("audit.subtitle")}</p>
      </div>

      <FilterForm values={raw} actors={actors} t={t} />

      {errors.length > 0 ? (
        <div
          role="alert"
          data-testid="audit-errors"
          className="rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-800"
        >
          <p className="font-medium">{t("audit.invalid.title")}</p>
          <ul className="mt-1 list-disc pl-5">
            {errors.map((key) => (
              <li key={key}>{t(key)}</li>
            ))}
          </ul>
        </div>
      ) : null}

      <p className="text-sm text-slate-600" data-testid="audit-total">
        {result.total === 1 ? t("audit.totalOne") : t("audit.total", { count: formatNumber(locale, result.total) })}
      </p>

      {result.total === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 p-8 text-center text-slate-500">
          {t("audit.empty")}
        </p>
      ) : result.items.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 p-8 text-center text-slate-500">
          {t("audit.emptyPage")}{" "}
          <Link href={pageHref(filters, 1)} className="text-brand-700 hover:underline">
            {t("audit.firstPage")}
          </Link>
        </p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
          <table className="w-full text-left text-sm" data-testid="audit-table">
            <thead className="bg-slate-100 text-xs uppercase tracking-wide text-slate-600">
              <tr>
                <th scope="col" className="px-4 py-3">
                  {t("audit.col.time")}
                </th>
                <th scope="col" className="px-4 py-3">
                  {t("audit.col.actor")}
                </th>
                <th scope="col" className="px-4 py-3">
                  {t("audit.col.action")}
                </th>
                <th scope="col" className="px-4 py-3">
                  {t("audit.col.target")}
                </th>
                <th scope="col" className="px-4 py-3">
                  {t("audit.col.details")}
                </th>
                <th scope="col" className="px-4 py-3">
                  {t("audit.col.ip")}
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {result.items.map((event) => (
                <tr key={event.id} className="align-top hover:bg-slate-50" data-testid="audit-row">
                  <td className="px-4 py-3">
                    <time dateTime={event.created_at} className="whitespace-nowrap tabular-nums">
                      {time.format(new Date(event.created_at))}
                    </time>
                  </td>
                  <td className="px-4 py-3">
                    {event.actor_id === null ? (
                      <span className="italic text-slate-500">{t("audit.system")}</span>
                    ) : (
                      <>
                        <span className="block">{event.actor_name}</span>
                        <span className="block text-xs text-slate-500">{event.actor_email}</span>
                      </>
                    )}
                  </td>
                  <td className="px-4 py-3">
                    <span
                      data-action={event.action}
                      className={`inline-flex whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ${ACTION_STYLES[event.action]}`}
                    >
                      {t(`audit.action.${event.action}`)}
                    </span>
                  </td>
                  <td className="px-4 py-3">
                    <Target event={event} t={t} />
                  </td>
                  <td className="max-w-md px-4 py-3">
                    <Details details={event.details} locale={locale} t={t} />
                  </td>
                  <td className="whitespace-nowrap px-4 py-3 font-mono text-xs text-slate-600">{event.ip ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {result.items.length > 0 ? <Pager page={result.page} pages={pages} filters={filters} t={t} /> : null}
    </div>
  );
}
