// An audit event's details as a definition list a reviewer reads (lib/audit/present-details.ts
// gives the words): every item a div holding one term and its description, as a valid <dl>
// must be; past the first few, the rest open on demand.
import type { DetailLine } from "@/lib/audit/present-details";
import type { Translate } from "./translate";

const SHOWN = 8;
const VALUE_CHARS = 120;

function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : text;
}

function Lines({ lines }: { lines: readonly DetailLine[] }) {
  return (
    <dl className="space-y-0.5 text-xs">
      {lines.map((line) => (
        <div key={line.key} className="flex flex-wrap gap-x-1">
          <dt className="shrink-0 font-medium text-slate-500">{truncate(line.label, 40)}:</dt>
          <dd
            className="min-w-0 break-words text-slate-800"
            title={line.text.length > VALUE_CHARS ? line.text : undefined}
          >
            {truncate(line.text, VALUE_CHARS)}
          </dd>
        </div>
      ))}
    </dl>
  );
}

export function AuditDetails({ lines, t }: { lines: readonly DetailLine[]; t: Translate }) {
  if (lines.length === 0) return <span className="text-slate-400">—</span>;
  // A value with no key (details that are not an object) is text, not a definition.
  const bare = lines.filter((line) => line.key === "");
  const named = lines.filter((line) => line.key !== "");
  const shown = named.slice(0, SHOWN);
  const more = named.slice(SHOWN);
  return (
    <div className="min-w-0 space-y-1">
      {bare.map((line, i) => (
        <p key={i} className="break-words text-xs text-slate-800">
          {truncate(line.text, VALUE_CHARS)}
        </p>
      ))}
      {shown.length > 0 ? <Lines lines={shown} /> : null}
      {more.length > 0 ? (
        <details className="text-xs">
          <summary className="cursor-pointer text-slate-500 hover:text-slate-700">
            {t("audit.details.more", { count: more.length })}
          </summary>
          <div className="mt-0.5">
            <Lines lines={more} />
          </div>
        </details>
      ) : null}
    </div>
  );
}
