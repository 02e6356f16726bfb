// What an audit event is about, by name: a dataset, an export, a person or a token, linked
// to where it can be seen while it exists; one that is gone shows its last known name and
// "(deleted)". The id stays in the title for whoever needs it.
import Link from "next/link";
import type { AuditEventJson } from "@/lib/audit/list";
import { isMessageKey } from "@/lib/i18n";
import type { Translate } from "./translate";

/** Where each kind of target is seen (null: nowhere of its own). */
function targetHref(type: string, id: string): string | null {
  switch (type) {
    case "dataset":
      return /^\d+$/.test(id) ? `/datasets/${id}` : null;
    case "export_job":
      return "/export/history";
    case "user":
      return "/admin/users";
    case "token":
      return "/settings/tokens";
    default:
      return null;
  }
}

export function AuditTarget({ event, t }: { event: AuditEventJson; t: Translate }) {
  const { target_type: type, target_id: id } = event;
  if (!type && !id) return <span className="text-slate-400">—</span>;
  const typeKey = `audit.target.${type ?? ""}`;
  const typeLabel = type ? (isMessageKey(typeKey) ? t(typeKey) : type) : null;
  const name = event.target_name ?? (event.target_deleted || !id ? null : t("audit.target.unknown", { id }));
  const href = type && id && !event.target_deleted ? targetHref(type, id) : null;
  return (
    <span className="block min-w-0" title={id ?? undefined} data-testid="audit-target">
      {typeLabel ? <span className="block text-xs text-slate-500">{typeLabel}</span> : null}
      {name ? (
        href ? (
          <Link href={href} className="break-words text-brand-700 hover:underline">
            {name}
          </Link>
        ) : (
          <span className="break-words">{name}</span>
        )
      ) : null}
      {event.target_deleted ? (
        <span className="ml-1 text-xs italic text-slate-500">{t("audit.target.deleted")}</span>
      ) : null}
    </span>
  );
}
