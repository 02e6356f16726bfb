// The admin audit page: the audit trail, newest first, with typed filters in the URL (a
// plain GET form, no client JS), names and links instead of ids, details in words, page
// links and a CSV export of what the filters match. Anyone else gets a 404.
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { z } from "zod";
import { AuditFilters, AUDIT_PATH } from "@/components/audit/audit-filters";
import { AuditTable } from "@/components/audit/audit-table";
import { AUDIT_TARGETS, AUDIT_TARGET_TYPES } from "@/lib/audit/audit";
import {
  AUDIT_DEFAULT_PAGE_SIZE,
  listAuditActors,
  listAuditDatasets,
  listAuditEvents,
  ZAuditQuerySchema,
} from "@/lib/audit/list";
import { can } from "@/lib/auth/permissions";
import { requirePageUser } from "@/lib/auth/session";
import type { AuditAction } from "@/lib/generated/prisma/enums";
import { formatNumber, type MessageKey } from "@/lib/i18n";
import { getTranslator } from "@/lib/i18n/server";
import type { Translate } from "@/components/audit/translate";

type SearchParams = Record<string, string | string[] | undefined>;

/** The filters a page link and the CSV export carry on (the page number is set per link). */
const FILTER_KEYS = ["actor", "action", "target_type", "target_id", "dataset", "from", "to"] as const;
type FilterKey = (typeof FILTER_KEYS)[number] | "page_size";

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
  dataset: "audit.invalid.dataset",
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

function search(filters: Partial<Record<FilterKey, string>>, keys: readonly FilterKey[]): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of keys) {
    const value = filters[key];
    if (value) params.set(key, value);
  }
  return params;
}

function pageHref(filters: Partial<Record<FilterKey, string>>, page: number): string {
  const params = search(filters, [...FILTER_KEYS, "page_size"]);
  if (page > 1) params.set("page", String(page));
  const text = params.toString();
  return text ? `${AUDIT_PATH}?${text}` : AUDIT_PATH;
}

function exportHref(filters: Partial<Record<FilterKey, string>>): string {
  const text = search(filters, FILTER_KEYS).toString();
  return text ? `/api/audit/export?${text}` : "/api/audit/export";
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
    <nav aria-label={t("audit.pagination")} className="flex flex-wrap items-center justify-between gap-4 text-sm">
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
  // Page links and the export keep the filters in force: none when they were refused.
  const filters: Partial<Record<FilterKey, string>> = {};
  if (parsed.success) for (const key of [...FILTER_KEYS, "page_size"] as const) filters[key] = raw[key]?.trim();

  const [result, actors, datasets] = await Promise.all([
    listAuditEvents(query),
    listAuditActors(),
    listAuditDatasets(),
  ]);
  const pages = Math.max(1, Math.ceil(result.total / result.page_size));
  const choices = {
    actors,
    actions: Object.keys(AUDIT_TARGETS) as AuditAction[],
    targetTypes: AUDIT_TARGET_TYPES,
    datasets,
  };

  return (
    <div className="min-w-0 space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">{t("audit.title")}</h1>
        <p className="mt-1 text-sm text-slate-600">{t("audit.subtitle")}</p>
      </div>

      <AuditFilters
        values={raw}
        choices={choices}
        exportHref={exportHref(filters)}
        defaultPageSize={AUDIT_DEFAULT_PAGE_SIZE}
        t={t}
      />

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
        <AuditTable events={result.items} locale={locale} t={t} />
      )}

      {result.items.length > 0 ? <Pager page={result.page} pages={pages} filters={filters} t={t} /> : null}
    </div>
  );
}
