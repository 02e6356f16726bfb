// The audit trail's filters as a plain GET form (no client JS), every one a choice from a
// list: who, which action, what kind of target, which dataset, and the days. The values
// stay in the URL, so a filtered view can be shared and exported as it is.
import Link from "next/link";
import type { AuditActor, AuditDataset } from "@/lib/audit/list";
import type { AuditAction } from "@/lib/generated/prisma/enums";
import { isMessageKey } from "@/lib/i18n";
import type { Translate } from "./translate";

export const AUDIT_PATH = "/admin/audit";

const inputClass =
  "mt-1 w-full min-w-0 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm outline-none focus:border-brand-500 focus:ring-2 focus:ring-brand-100";
const labelClass = "flex min-w-0 flex-col text-sm text-slate-700";

/** What a `type="date"` input can show of a filter value (a date and time shows its day). */
function dateInputValue(text: string | undefined): string {
  const day = /^\d{4}-\d{2}-\d{2}/.exec(text?.trim() ?? "");
  return day ? day[0] : "";
}

export type AuditFilterChoices = {
  actors: readonly AuditActor[];
  actions: readonly AuditAction[];
  targetTypes: readonly string[];
  datasets: readonly AuditDataset[];
};

export function AuditFilters({
  values,
  choices,
  exportHref,
  defaultPageSize,
  t,
}: {
  values: Readonly<Record<string, string>>;
  choices: AuditFilterChoices;
  exportHref: string;
  defaultPageSize: number;
  t: Translate;
}) {
  const value = (key: string) => values[key]?.trim() ?? "";
  const actor = value("actor");
  const dataset = value("dataset");
  const targetType = value("target_type");
  const targetId = value("target_id");
  const pageSize = value("page_size");
  const actions = [...choices.actions].sort((a, b) => t(`audit.action.${a}`).localeCompare(t(`audit.action.${b}`)));
  const typeLabel = (type: string) => {
    const key = `audit.target.${type}`;
    return isMessageKey(key) ? t(key) : type;
  };
  return (
    <form
      method="get"
      action={AUDIT_PATH}
      aria-label={t("audit.filters")}
      className="min-w-0 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-6">
        <label className={labelClass}>
          {t("audit.filter.actor")}
          <select name="actor" defaultValue={actor} className={inputClass}>
            <option value="">{t("audit.filter.anyActor")}</option>
            {choices.actors.map((a) => (
              <option key={a.id} value={String(a.id)}>
                {a.name} ({a.email})
              </option>
            ))}
            {actor && !choices.actors.some((a) => String(a.id) === actor) ? (
              <option value={actor}>{t("audit.target.unknown", { id: actor })}</option>
            ) : null}
          </select>
        </label>
        <label className={labelClass}>
          {t("audit.filter.action")}
          <select name="action" defaultValue={value("action")} className={inputClass}>
            <option value="">{t("audit.filter.anyAction")}</option>
            {actions.map((action) => (
              <option key={action} value={action}>
                {t(`audit.action.${action}`)}
              </option>
            ))}
          </select>
        </label>
        <label className={labelClass}>
          {t("audit.filter.targetType")}
          <select name="target_type" defaultValue={targetType} className={inputClass}>
            <option value="">{t("audit.filter.anyTargetType")}</option>
            {choices.targetTypes.map((type) => (
              <option key={type} value={type}>
                {typeLabel(type)}
              </option>
            ))}
            {targetType && !choices.targetTypes.includes(targetType) ? (
              <option value={targetType}>{targetType}</option>
            ) : null}
          </select>
        </label>
        <label className={labelClass}>
          {t("audit.filter.dataset")}
          <select name="dataset" defaultValue={dataset} className={inputClass}>
            <option value="">{t("audit.filter.anyDataset")}</option>
            {choices.datasets.map((d) => (
              <option key={d.id} value={String(d.id)}>
                {d.deleted ? t("audit.filter.deletedDataset", { title: d.title }) : d.title}
              </option>
            ))}
            {dataset && !choices.datasets.some((d) => String(d.id) === dataset) ? (
              <option value={dataset}>{t("audit.target.unknown", { id: dataset })}</option>
            ) : null}
          </select>
        </label>
        <label className={labelClass}>
          {t("audit.filter.from")}
          <input type="date" name="from" defaultValue={dateInputValue(values.from)} className={inputClass} />
        </label>
        <label className={labelClass}>
          {t("audit.filter.to")}
          <input type="date" name="to" defaultValue={dateInputValue(values.to)} className={inputClass} />
        </label>
      </div>
      {/* A target named by a link (its id) is kept while the other filters change. */}
      {targetId ? <input type="hidden" name="target_id" value={targetId} /> : null}
      {pageSize && pageSize !== String(defaultPageSize) ? (
        <input type="hidden" name="page_size" value={pageSize} />
      ) : null}
      <div className="mt-4 flex flex-wrap items-center gap-3">
        <button
          type="submit"
          className="rounded-md bg-brand-500 px-4 py-1.5 text-sm font-medium text-white hover:bg-brand-600"
        >
          {t("audit.filter.apply")}
        </button>
        <Link href={AUDIT_PATH} className="rounded-md border border-slate-300 px-4 py-1.5 text-sm hover:bg-slate-50">
          {t("audit.filter.reset")}
        </Link>
        <a
          href={exportHref}
          download
          title={t("audit.export.hint")}
          data-testid="audit-export"
          className="rounded-md border border-slate-300 px-4 py-1.5 text-sm hover:bg-slate-50"
        >
          {t("audit.export.csv")}
        </a>
        <span className="text-xs text-slate-500">{t("audit.filter.utc")}</span>
      </div>
    </form>
  );
}
