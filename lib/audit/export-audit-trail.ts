// The audit trail as a CSV file: the events a filter matches, newest first, read batch by
// batch (a keyset walk, never the whole trail at once) and written by the export engine's
// CSV writer, which neutralises any text a spreadsheet could run as a formula. The export
// is itself an event (`audit_exported`, with its filters), recorded before the first byte;
// the walk stops at the newest event from before it, so the file never lists itself.
import type { CurrentUser } from "../auth/current-user";
import { FORMATS } from "../export/formats";
import { runExport } from "../export/run-export";
import type { ExportColumn, ExportRow } from "../export/types";
import type { ExportFileName } from "../exports/export-file-name";
import { isMessageKey, translate, type Locale, type MessageKey } from "../i18n";
import { recordAudit } from "./audit";
import { latestAuditEventId, readAuditBatch, type AuditEventJson, type AuditFilter } from "./list";
import { detailsText } from "./present-details";

export type AuditExportCaller = { user: Pick<CurrentUser, "id" | "name" | "email">; ip: string | null; locale: Locale };

export type AuditExport = { bytes: AsyncIterable<Uint8Array>; fileName: ExportFileName; contentType: string };

/** Events read per query: small enough for a short query, large enough for few of them. */
const BATCH = 500;

const COLUMNS: ReadonlyArray<{ key: string; header: MessageKey; type: ExportColumn["type"] }> = [
  { key: "time", header: "audit.csv.time", type: "datetime" },
  { key: "actor", header: "audit.csv.actor", type: "string" },
  { key: "email", header: "audit.csv.email", type: "string" },
  { key: "action", header: "audit.csv.action", type: "string" },
  { key: "target_type", header: "audit.csv.targetType", type: "string" },
  { key: "target_id", header: "audit.csv.targetId", type: "string" },
  { key: "target", header: "audit.csv.target", type: "string" },
  { key: "details", header: "audit.csv.details", type: "string" },
  { key: "ip", header: "audit.csv.ip", type: "string" },
];

function targetTypeText(locale: Locale, type: string | null): string | null {
  if (type === null) return null;
  const key = `audit.target.${type}`;
  return isMessageKey(key) ? translate(locale, key) : type;
}

function targetText(locale: Locale, event: AuditEventJson): string | null {
  if (event.target_type === null && event.target_id === null) return null;
  const deleted = event.target_deleted ? translate(locale, "audit.target.deleted") : "";
  return [event.target_name, deleted].filter(Boolean).join(" ") || null;
}

function eventRow(locale: Locale, event: AuditEventJson): ExportRow {
  return [
    new Date(event.created_at),
    event.actor_id === null ? translate(locale, "audit.system") : event.actor_name,
    event.actor_email,
    translate(locale, `audit.action.${event.action}`),
    targetTypeText(locale, event.target_type),
    event.target_id,
    targetText(locale, event),
    detailsText(locale, event.details, event.detail_names),
    event.ip,
  ];
}

/** `audit-2026-12-01.csv`: the day (UTC) it was taken. */
function fileName(at: Date): ExportFileName {
  const name = `audit-${at.toISOString().slice(0, 10)}.${FORMATS.csv.extension}`;
  return { name, asciiName: name };
}

/** The filter as the event records it: the fields given, dates as instants. */
function filterDetails(filter: AuditFilter): Record<string, string | number> {
  const details: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(filter)) {
    if (value instanceof Date) details[key] = value.toISOString();
    else if (typeof value === "string" || typeof value === "number") details[key] = value;
  }
  return details;
}

export async function exportAuditTrail(
  caller: AuditExportCaller,
  filter: AuditFilter,
  signal?: AbortSignal,
): Promise<AuditExport> {
  const { locale } = caller;
  const upToId = await latestAuditEventId();
  await recordAudit({
    action: "audit_exported",
    actorId: caller.user.id,
    ip: caller.ip,
    details: { filters: filterDetails(filter), format: "csv" },
  });

  async function* batches(): AsyncGenerator<ExportRow[]> {
    let cursor = null;
    do {
      const batch = await readAuditBatch(filter, { cursor, upToId, limit: BATCH });
      if (batch.events.length > 0) yield batch.events.map((event) => eventRow(locale, event));
      cursor = batch.next;
    } while (cursor);
  }

  const at = new Date();
  const columns: ExportColumn[] = COLUMNS.map((column) => ({ ...column, header: translate(locale, column.header) }));
  const { bytes } = runExport({
    format: "csv",
    columns,
    source: batches(),
    options: { delimiter: ",", bom: true, compression: "none", timezone: "UTC" },
    info: { datasetTitle: translate(locale, "audit.title"), filters: "", user: caller.user.name, generatedAt: at },
    signal,
  });
  return { bytes, fileName: fileName(at), contentType: FORMATS.csv.contentType };
}
