// The audit trail's table: when, who (by name, the e-mail in the title), what, about what
// (by name, linked), the details in words and the address. It scrolls inside its card on a
// narrow screen rather than widening the page.
import type { AuditEventJson } from "@/lib/audit/list";
import { presentDetails } from "@/lib/audit/present-details";
import type { Locale } from "@/lib/i18n";
import { LocalTime } from "../i18n/local-time";
import { ACTION_STYLES } from "./action-styles";
import { AuditDetails } from "./audit-details";
import { AuditTarget } from "./audit-target";
import type { Translate } from "./translate";

function Actor({ event, t }: { event: AuditEventJson; t: Translate }) {
  if (event.actor_id === null) return <span className="italic text-slate-500">{t("audit.system")}</span>;
  const name = event.actor_name ?? t("audit.target.unknown", { id: event.actor_id });
  return (
    <span
      className="block break-words"
      title={event.actor_email ? t("audit.actor.title", { name, email: event.actor_email }) : undefined}
      data-testid="audit-actor"
    >
      {name}
    </span>
  );
}

export function AuditTable({ events, locale, t }: { events: readonly AuditEventJson[]; locale: Locale; t: Translate }) {
  const headers = ["time", "actor", "action", "target", "details", "ip"] as const;
  return (
    <div className="min-w-0 overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="w-full min-w-[48rem] text-left text-sm" data-testid="audit-table">
        <thead className="bg-slate-100 text-xs uppercase tracking-wide text-slate-600">
          <tr>
            {headers.map((header) => (
              <th key={header} scope="col" className="px-4 py-3">
                {t(`audit.col.${header}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {events.map((event) => (
            <tr key={event.id} className="align-top hover:bg-slate-50" data-testid="audit-row">
              <td className="px-4 py-3">
                <LocalTime
                  value={event.created_at}
                  seconds
                  locale={locale}
                  className="whitespace-nowrap tabular-nums"
                />
              </td>
              <td className="max-w-[12rem] px-4 py-3">
                <Actor event={event} t={t} />
              </td>
              <td className="px-4 py-3">
                <span
                  data-action={event.action}
                  className={`inline-flex whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ${ACTION_STYLES[event.action]}`}
                >
                  {t(`audit.action.${event.action}`)}
                </span>
              </td>
              <td className="max-w-[14rem] px-4 py-3">
                <AuditTarget event={event} t={t} />
              </td>
              <td className="max-w-md px-4 py-3">
                <AuditDetails lines={presentDetails(locale, event.details, event.detail_names)} t={t} />
              </td>
              <td className="whitespace-nowrap px-4 py-3 font-mono text-xs text-slate-600">{event.ip ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
