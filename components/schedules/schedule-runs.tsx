"use client";
// A schedule's last runs, newest first: the slot each ran for, what started it (its slot,
// a catch-up standing for missed slots, or "Run now"), where it stands and why it failed,
// how its mail went, and its file with a download and a link to its row in the history.
import Link from "next/link";
import { formatFileSize } from "@/lib/format-size";
import { formatNumber, type MessageKey } from "@/lib/i18n";
import type { RunState, TScheduleRun } from "@/lib/schedules/schedule-schemas";
import { LocalTime } from "../i18n/local-time";
import { useI18n } from "../i18n/i18n-provider";

export const RUN_BADGES: Record<RunState, string> = {
  waiting: "bg-sky-100 text-sky-800",
  exporting: "bg-sky-100 text-sky-800",
  delivering: "bg-indigo-100 text-indigo-800",
  delivered: "bg-green-100 text-green-800",
  failed: "bg-red-100 text-red-800",
  cancelled: "bg-slate-100 text-slate-700",
};

export function RunStateBadge({ state, testId = "run-state" }: { state: RunState; testId?: string }) {
  const { t } = useI18n();
  return (
    <span
      className={`inline-block rounded-full px-2 py-0.5 text-xs font-medium ${RUN_BADGES[state]}`}
      data-testid={testId}
      data-state={state}
    >
      {t(`schedules.run.${state}` as MessageKey)}
    </span>
  );
}

function TriggerBadge({ run }: { run: TScheduleRun }) {
  const { locale, t } = useI18n();
  if (run.trigger === "slot") return null;
  const text =
    run.trigger === "manual"
      ? t("schedules.trigger.manual")
      : run.missed_slots === 1
        ? t("schedules.trigger.catchUp.one")
        : t("schedules.trigger.catchUp.other", { count: formatNumber(locale, run.missed_slots) });
  return (
    <span
      className={`inline-block rounded-full px-2 py-0.5 text-xs font-medium ${
        run.trigger === "catch_up" ? "bg-amber-100 text-amber-900" : "bg-slate-100 text-slate-700"
      }`}
      data-testid="run-trigger"
      data-trigger={run.trigger}
    >
      {text}
    </span>
  );
}

function Delivery({ run }: { run: TScheduleRun }) {
  const { locale, t } = useI18n();
  const { status, attempts, error } = run.delivery;
  // Nothing to say of mail before the file exists, nor after a failed export.
  if (status === "pending" && (run.state !== "delivering" || attempts === 0)) return null;
  const text =
    status === "failed"
      ? attempts === 1
        ? t("schedules.delivery.failed.one")
        : t("schedules.delivery.failed.other", { count: formatNumber(locale, attempts) })
      : t(`schedules.delivery.${status}`);
  return (
    <p
      className={`text-xs ${status === "failed" ? "text-red-700" : "text-slate-600"}`}
      data-testid="run-delivery"
      data-delivery={status}
    >
      {text}
      {error ? <span className="break-words">{` (${error})`}</span> : null}
    </p>
  );
}

export function ScheduleRuns({
  runs,
  datasetTitle,
  timeZone,
}: {
  runs: TScheduleRun[];
  datasetTitle: string;
  /** The schedule's zone: its slots are read in it, as its "when" is. */
  timeZone?: string;
}) {
  const { locale, t } = useI18n();
  if (runs.length === 0)
    return (
      <p className="text-sm text-slate-500" data-testid="runs-empty">
        {t("schedules.runs.none")}
      </p>
    );
  return (
    <ol className="divide-y divide-slate-100 rounded-md border border-slate-200" data-testid="runs">
      {runs.map((run) => (
        <li key={run.id} className="min-w-0 space-y-1 px-3 py-2" data-testid="run" data-run-id={run.id}>
          <div className="flex flex-wrap items-center gap-2 text-sm">
            <LocalTime value={run.slot_at} timeZone={timeZone} className="font-medium text-slate-800" />
            <TriggerBadge run={run} />
            <RunStateBadge state={run.state} />
          </div>
          {run.error ? (
            <p className="text-sm break-words text-red-700" data-testid="run-error">
              {run.error}
            </p>
          ) : null}
          <Delivery run={run} />
          {run.file ? (
            <div
              className="flex min-w-0 flex-wrap items-center gap-x-3 gap-y-1 text-xs text-slate-600"
              data-testid="run-file"
            >
              <span className="min-w-0 font-medium break-all text-slate-800">{run.file.name}</span>
              <span>{formatFileSize(run.file.size)}</span>
              <span>
                {run.file.rows === 1
                  ? t("schedules.file.rows.one")
                  : t("schedules.file.rows.other", { count: formatNumber(locale, run.file.rows) })}
              </span>
              <code className="font-mono" title={run.file.sha256} data-testid="run-sha256">
                {t("schedules.file.sha", { hash: run.file.sha256.slice(0, 12) })}
              </code>
              <a
                href={run.file.download_url}
                download={run.file.name}
                aria-label={t("schedules.file.downloadNamed", { file: run.file.name })}
                className="rounded-md border border-slate-300 px-2 py-1 font-medium text-brand-700 hover:bg-slate-50"
                data-testid="run-download"
              >
                {t("schedules.file.download")}
              </a>
              {run.export_job_id ? (
                <Link
                  href={`/export/history?job=${encodeURIComponent(run.export_job_id)}`}
                  className="text-brand-700 hover:underline"
                  data-testid="run-history"
                  aria-label={`${t("schedules.file.inHistory")}: ${datasetTitle}, ${run.file.name}`}
                >
                  {t("schedules.file.inHistory")}
                </Link>
              ) : null}
            </div>
          ) : run.export_job_id && (run.state === "failed" || run.state === "cancelled") ? (
            <Link
              href={`/export/history?job=${encodeURIComponent(run.export_job_id)}`}
              className="text-xs text-brand-700 hover:underline"
              data-testid="run-history"
            >
              {t("schedules.file.inHistory")}
            </Link>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
