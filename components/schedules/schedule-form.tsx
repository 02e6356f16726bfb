"use client";
// The schedule form, in a dialog: which dataset, which format, the export's options (the
// same options dialog and summary line as a dataset page), when (daily, weekly on chosen
// days, monthly on a day, or a cron expression) at a time in a time zone, who receives it,
// and whether it runs. What the form can tell is wrong is said by its field before any
// request; the server's refusals (422) are shown by the field they name.
import { useMutation } from "@tanstack/react-query";
import { useId, useMemo, useState, type FormEvent } from "react";
import type { DatasetJson } from "@/lib/datasets/present-dataset";
import { EXPORT_FORMATS, FORMATS, type ExportFormat } from "@/lib/export/formats";
import { formatNumber } from "@/lib/i18n";
import type { TMailSettings, TSchedule } from "@/lib/schedules/schedule-schemas";
import { cronToWhen, parseTime, whenToCron, type When } from "@/lib/schedules/when";
import { ExportOptionsDialog } from "../export/export-options-dialog";
import {
  activeOptionCount,
  draftToOptions,
  initialDraft,
  optionsToDraft,
  type OptionsDraft,
} from "../export/options-draft";
import { loadDraft, restoreOptions } from "../export/options-storage";
import { badgeText, summaryParts } from "../export/options-summary";
import { useExportCount } from "../export/use-export-count";
import { browserTimeZone } from "../i18n/local-time";
import { useI18n } from "../i18n/i18n-provider";
import { Dialog } from "../ui/dialog";
import { dayName, WEEKDAYS } from "./describe-when";
import { createSchedule, ScheduleRequestError, updateSchedule } from "./schedules-api";

export type ScheduleDataset = Pick<DatasetJson, "id" | "title" | "columns" | "date_column" | "record_count">;

type Kind = When["kind"];
const KINDS: Kind[] = ["daily", "weekly", "monthly", "cron"];

/** Addresses as typed: one a line or separated by commas (or semicolons), blanks dropped. */
export function parseRecipients(text: string): string[] {
  return text
    .split(/[\n,;]+/)
    .map((address) => address.trim())
    .filter((address) => address !== "");
}

function timeZones(...wanted: string[]): string[] {
  let zones: string[] = [];
  try {
    zones = Intl.supportedValuesOf("timeZone");
  } catch {
    zones = [];
  }
  const all = new Set(zones);
  for (const zone of wanted) all.add(zone);
  all.add("UTC");
  return [...all].sort((a, b) => a.localeCompare(b));
}

/** The draft a dataset starts from: a schedule's own options, else what its page has applied. */
function startingDraft(dataset: ScheduleDataset, isAdmin: boolean, options?: Record<string, unknown>): OptionsDraft {
  if (options) {
    const fitted = restoreOptions(JSON.stringify(options), dataset, isAdmin);
    return fitted ? optionsToDraft(fitted, dataset) : initialDraft(dataset);
  }
  return loadDraft(dataset, isAdmin) ?? initialDraft(dataset);
}

type ClientErrors = { time?: string; days?: string; day?: string; cron?: string; recipients?: string };

const inputClass =
  "mt-1 w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm outline-none focus:border-brand-500 focus:ring-2 focus:ring-brand-100";

export function ScheduleForm({
  datasets,
  isAdmin,
  userEmail,
  mail,
  schedule,
  initialDatasetId,
  onClose,
  onSaved,
}: {
  /** The datasets the user may export (a manager's own, an admin's all). */
  datasets: ScheduleDataset[];
  isAdmin: boolean;
  /** The first recipient of a new schedule. */
  userEmail: string;
  mail?: TMailSettings;
  /** The schedule being edited; none for a new one. */
  schedule?: TSchedule;
  /** The dataset a new schedule starts with (the dataset page's "Schedule…"). */
  initialDatasetId?: number;
  onClose: () => void;
  onSaved: (schedule: TSchedule, created: boolean) => void;
}) {
  const { locale, t } = useI18n();
  const ids = useId();
  const id = (name: string) => `${ids}-${name}`;
  const editing = schedule !== undefined;

  const startId = schedule ? schedule.dataset_id : (initialDatasetId ?? datasets[0]?.id ?? null);
  const [datasetId, setDatasetId] = useState<number | null>(
    startId !== null && datasets.some((d) => d.id === startId) ? startId : editing ? null : (datasets[0]?.id ?? null),
  );
  const dataset = datasets.find((d) => d.id === datasetId);
  const [format, setFormat] = useState<ExportFormat>(schedule?.format ?? "csv");
  const [draft, setDraft] = useState<OptionsDraft | null>(() =>
    dataset ? startingDraft(dataset, isAdmin, schedule?.options) : null,
  );
  const [optionsOpen, setOptionsOpen] = useState(false);

  const startWhen: When = schedule ? cronToWhen(schedule.cron) : { kind: "weekly", time: "09:00", days: [1] };
  const [kind, setKind] = useState<Kind>(startWhen.kind);
  const [time, setTime] = useState(startWhen.kind === "cron" ? "09:00" : startWhen.time);
  const [days, setDays] = useState<number[]>(startWhen.kind === "weekly" ? startWhen.days : [1]);
  const [day, setDay] = useState(String(startWhen.kind === "monthly" ? startWhen.day : 1));
  const [cron, setCron] = useState(schedule?.cron ?? "");
  const [timezone, setTimezone] = useState(() => schedule?.timezone ?? browserTimeZone());
  const [recipientsText, setRecipientsText] = useState((schedule?.recipients ?? [userEmail]).join("\n"));
  const [enabled, setEnabled] = useState(schedule?.enabled ?? true);
  const [checked, setChecked] = useState(false);
  const zones = useMemo(() => timeZones(timezone), [timezone]);

  const options = useMemo(() => (dataset && draft ? draftToOptions(draft, dataset) : {}), [dataset, draft]);
  const count = useExportCount(dataset ?? { id: 0, record_count: 0 }, options, { enabled: !!dataset });
  const activeCount = activeOptionCount(options);
  const summary = dataset
    ? (() => {
        const parts = summaryParts(options, dataset, count, t, locale);
        return parts.length === 1 && count.status === "done" && count.count === dataset.record_count
          ? t("export.summaryAll", { count: formatNumber(locale, dataset.record_count) })
          : parts.join(" · ");
      })()
    : "";

  const recipients = parseRecipients(recipientsText);
  const when: When =
    kind === "daily"
      ? { kind, time }
      : kind === "weekly"
        ? { kind, time, days }
        : kind === "monthly"
          ? { kind, time, day: Number(day) }
          : { kind, cron };

  const clientErrors = (): ClientErrors => {
    const errors: ClientErrors = {};
    if (kind !== "cron" && !parseTime(time)) errors.time = t("schedules.form.error.time");
    if (kind === "weekly" && days.length === 0) errors.days = t("schedules.form.error.days");
    if (kind === "monthly" && !(/^\d{1,2}$/.test(day.trim()) && Number(day) >= 1 && Number(day) <= 31))
      errors.day = t("schedules.form.error.day");
    if (kind === "cron" && cron.trim() === "") errors.cron = t("schedules.form.error.cron");
    if (recipients.length === 0) errors.recipients = t("schedules.form.error.recipients");
    return errors;
  };
  const shown: ClientErrors = checked ? clientErrors() : {};

  const save = useMutation({
    mutationFn: async () => {
      const fallback = t("error.internal");
      const body = {
        format,
        cron: whenToCron(when),
        timezone,
        recipients,
        enabled,
        // A dataset this user may no longer export (or that is gone) keeps its options as they are.
        ...(dataset ? { dataset_id: dataset.id, options: options as Record<string, unknown> } : {}),
      };
      if (schedule) return { saved: await updateSchedule(schedule.id, body, fallback), created: false };
      if (!dataset) throw new ScheduleRequestError(t("schedules.form.noDatasets"), 0);
      return { saved: await createSchedule({ ...body, dataset_id: dataset.id }, fallback), created: true };
    },
    onSuccess: ({ saved, created }) => onSaved(saved, created),
  });

  const error = save.error instanceof ScheduleRequestError ? save.error : null;
  const serverFields = error?.status === 422 ? error.fields : [];
  const serverError = (...names: string[]) => {
    const found = serverFields.filter((f) => names.some((name) => f.field === name || f.field.startsWith(`${name}.`)));
    if (found.length === 0) return undefined;
    return found
      .map((f) => {
        const recipient = /^recipients\.(\d+)$/.exec(f.field);
        const address = recipient ? recipients[Number(recipient[1])] : undefined;
        if (address && !f.message.includes(address))
          return t("schedules.form.error.recipient", { address, message: f.message });
        if (f.field.startsWith("options.")) return `${f.field.slice("options.".length)}: ${f.message}`;
        return f.message;
      })
      .join(" ");
  };
  const MAPPED = ["dataset_id", "format", "options", "cron", "timezone", "recipients", "enabled"];
  const unmapped = serverFields.filter(
    (f) => !MAPPED.some((name) => f.field === name || f.field.startsWith(`${name}.`)),
  );
  const generalError =
    error && (error.status !== 422 || serverFields.length === 0 || unmapped.length > 0)
      ? [error.message, ...unmapped.map((f) => `${f.field}: ${f.message}`)].join(" ")
      : null;

  const whenError = shown.time ?? shown.days ?? shown.day ?? shown.cron ?? serverError("cron");
  const recipientsError = shown.recipients ?? serverError("recipients");

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (save.isPending) return;
    if (Object.keys(clientErrors()).length > 0) {
      setChecked(true);
      requestAnimationFrame(() =>
        document.querySelector<HTMLElement>('[data-schedule-form] [aria-invalid="true"]')?.focus(),
      );
      return;
    }
    save.mutate();
  };

  const chooseDataset = (value: string) => {
    const next = datasets.find((d) => d.id === Number(value));
    setDatasetId(next?.id ?? null);
    setDraft(next ? startingDraft(next, isAdmin) : null);
  };

  const invalid = (message: string | undefined, describedBy: string) =>
    message ? { "aria-invalid": true as const, "aria-describedby": describedBy } : {};
  const fieldMessage = (message: string | undefined, messageId: string) =>
    message ? (
      <span
        id={messageId}
        className="mt-1 block text-sm text-red-700"
        data-testid={`error-${messageId.split("-").pop()}`}
      >
        {message}
      </span>
    ) : null;

  const formId = id("form");
  const datasetError = serverError("dataset_id");
  const formatError = serverError("format");
  const optionsError = serverError("options");
  const timezoneError = serverError("timezone");

  return (
    <>
      <Dialog
        open
        onClose={onClose}
        title={t(editing ? "schedules.form.editTitle" : "schedules.form.newTitle")}
        footer={
          <>
            <button
              type="button"
              onClick={onClose}
              className="rounded-md border border-slate-300 px-4 py-1.5 text-sm hover:bg-slate-50"
            >
              {t("schedules.cancel")}
            </button>
            <button
              type="submit"
              form={formId}
              disabled={save.isPending || (!editing && !dataset)}
              className="rounded-md bg-brand-500 px-4 py-1.5 text-sm font-medium text-white hover:bg-brand-600 disabled:opacity-50"
            >
              {save.isPending
                ? t("schedules.form.saving")
                : t(editing ? "schedules.form.save" : "schedules.form.create")}
            </button>
          </>
        }
      >
        <form id={formId} onSubmit={submit} noValidate className="min-w-0 space-y-5" data-schedule-form>
          {generalError ? (
            <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="form-error">
              {t("schedules.form.failed", { reason: generalError })}
            </p>
          ) : null}
          {datasets.length === 0 && !editing ? (
            <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">{t("schedules.form.noDatasets")}</p>
          ) : null}
          <div className="grid min-w-0 gap-4 sm:grid-cols-2">
            <div className="min-w-0">
              <label htmlFor={id("dataset")} className="block text-sm font-medium text-slate-700">
                {t("schedules.form.dataset")}
              </label>
              <select
                id={id("dataset")}
                value={datasetId ?? ""}
                onChange={(event) => chooseDataset(event.target.value)}
                className={inputClass}
                {...invalid(datasetError, id("err-dataset"))}
              >
                {datasetId === null && schedule ? <option value="">{schedule.dataset_title}</option> : null}
                {datasets.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.title}
                  </option>
                ))}
              </select>
              {fieldMessage(datasetError, id("err-dataset"))}
            </div>
            <div className="min-w-0">
              <label htmlFor={id("format")} className="block text-sm font-medium text-slate-700">
                {t("schedules.form.format")}
              </label>
              <select
                id={id("format")}
                value={format}
                onChange={(event) => setFormat(event.target.value as ExportFormat)}
                className={inputClass}
                {...invalid(formatError, id("err-format"))}
              >
                {EXPORT_FORMATS.map((f) => (
                  <option key={f} value={f}>
                    {FORMATS[f].label}
                  </option>
                ))}
              </select>
              {fieldMessage(formatError, id("err-format"))}
            </div>
          </div>

          <div className="min-w-0" role="group" aria-labelledby={id("options-label")}>
            <span id={id("options-label")} className="block text-sm font-medium text-slate-700">
              {t("schedules.form.optionsLabel")}
            </span>
            <div className="mt-1 flex flex-wrap items-center gap-3">
              <button
                type="button"
                disabled={!dataset}
                onClick={() => setOptionsOpen(true)}
                className="rounded-md border border-slate-300 px-4 py-2 text-sm text-slate-700 hover:bg-slate-50 disabled:opacity-50"
                {...invalid(optionsError, id("err-options"))}
              >
                {t("schedules.form.options")}
                {activeCount > 0 ? (
                  <span className="ml-2 rounded-full bg-brand-100 px-2 py-0.5 text-xs text-brand-700">
                    {badgeText(activeCount, t, locale)}
                  </span>
                ) : null}
              </button>
              <p className="min-w-0 text-sm break-words text-slate-500" data-testid="schedule-options-summary">
                {summary}
              </p>
            </div>
            {fieldMessage(optionsError, id("err-options"))}
          </div>

          <fieldset className="min-w-0 space-y-3">
            <legend className="block text-sm font-medium text-slate-700">{t("schedules.form.repeat")}</legend>
            <div className="flex flex-wrap gap-x-4 gap-y-1">
              {KINDS.map((k) => (
                <label key={k} className="flex items-center gap-2 text-sm">
                  <input type="radio" name={id("kind")} value={k} checked={kind === k} onChange={() => setKind(k)} />
                  {t(`schedules.form.kind.${k}`)}
                </label>
              ))}
            </div>
            {kind !== "cron" ? (
              <div className="max-w-[12rem]">
                <label htmlFor={id("time")} className="block text-sm text-slate-700">
                  {t("schedules.form.time")}
                </label>
                <input
                  id={id("time")}
                  type="time"
                  value={time}
                  onChange={(event) => setTime(event.target.value)}
                  className={inputClass}
                  {...invalid(shown.time ?? serverError("cron"), id("err-when"))}
                />
              </div>
            ) : null}
            {kind === "weekly" ? (
              <fieldset className="min-w-0" aria-describedby={shown.days ? id("err-when") : undefined}>
                <legend className="text-sm text-slate-700">{t("schedules.form.days")}</legend>
                <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
                  {/* Monday first, as a week is read on a calendar here; cron numbers Sunday 0. */}
                  {[1, 2, 3, 4, 5, 6, 0].map((d) => (
                    <label key={d} className="flex items-center gap-2 text-sm">
                      <input
                        type="checkbox"
                        checked={days.includes(d)}
                        aria-invalid={shown.days ? true : undefined}
                        onChange={(event) =>
                          setDays((current) =>
                            event.target.checked
                              ? WEEKDAYS.filter((w) => w === d || current.includes(w))
                              : current.filter((w) => w !== d),
                          )
                        }
                      />
                      {dayName(d, t)}
                    </label>
                  ))}
                </div>
              </fieldset>
            ) : null}
            {kind === "monthly" ? (
              <div className="max-w-md">
                <label htmlFor={id("day")} className="block text-sm text-slate-700">
                  {t("schedules.form.day")}
                </label>
                <input
                  id={id("day")}
                  type="number"
                  min={1}
                  max={31}
                  value={day}
                  onChange={(event) => setDay(event.target.value)}
                  className={`${inputClass} max-w-[8rem]`}
                  aria-describedby={shown.day ? `${id("err-when")} ${id("day-hint")}` : id("day-hint")}
                  aria-invalid={shown.day ? true : undefined}
                />
                <span id={id("day-hint")} className="mt-1 block text-xs text-slate-500">
                  {t("schedules.form.dayHint")}
                </span>
              </div>
            ) : null}
            {kind === "cron" ? (
              <div className="max-w-md">
                <label htmlFor={id("cron")} className="block text-sm text-slate-700">
                  {t("schedules.form.cron")}
                </label>
                <input
                  id={id("cron")}
                  type="text"
                  value={cron}
                  spellCheck={false}
                  onChange={(event) => setCron(event.target.value)}
                  className={`${inputClass} font-mono`}
                  aria-describedby={whenError ? `${id("err-when")} ${id("cron-hint")}` : id("cron-hint")}
                  aria-invalid={whenError ? true : undefined}
                />
                <span id={id("cron-hint")} className="mt-1 block text-xs text-slate-500">
                  {t("schedules.form.cronHint")}
                </span>
              </div>
            ) : null}
            {fieldMessage(whenError, id("err-when"))}
          </fieldset>

          <div className="max-w-md min-w-0">
            <label htmlFor={id("timezone")} className="block text-sm font-medium text-slate-700">
              {t("schedules.form.timezone")}
            </label>
            <select
              id={id("timezone")}
              value={timezone}
              onChange={(event) => setTimezone(event.target.value)}
              className={inputClass}
              {...invalid(timezoneError, id("err-timezone"))}
            >
              {zones.map((zone) => (
                <option key={zone} value={zone}>
                  {zone}
                </option>
              ))}
            </select>
            {fieldMessage(timezoneError, id("err-timezone"))}
          </div>

          <div className="min-w-0">
            <label htmlFor={id("recipients")} className="block text-sm font-medium text-slate-700">
              {t("schedules.form.recipients")}
            </label>
            <textarea
              id={id("recipients")}
              rows={3}
              value={recipientsText}
              onChange={(event) => setRecipientsText(event.target.value)}
              className={inputClass}
              aria-invalid={recipientsError ? true : undefined}
              aria-describedby={[recipientsError ? id("err-recipients") : "", id("recipients-hint")].join(" ").trim()}
            />
            <span id={id("recipients-hint")} className="mt-1 block text-xs text-slate-500">
              {t("schedules.form.recipientsHint")}
              {mail && mail.allowed_domains.length > 0
                ? ` ${t("schedules.form.allowedDomains", { domains: mail.allowed_domains.join(", ") })}`
                : ""}
            </span>
            {fieldMessage(recipientsError, id("err-recipients"))}
          </div>

          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={enabled} onChange={(event) => setEnabled(event.target.checked)} />
            {t("schedules.form.enabled")}
          </label>
        </form>
      </Dialog>
      {/* Outside the form's dialog: its Escape must close this one only. */}
      {optionsOpen && dataset && draft ? (
        <ExportOptionsDialog
          open
          dataset={dataset}
          draft={draft}
          isAdmin={isAdmin}
          onClose={() => setOptionsOpen(false)}
          onApply={(next) => {
            setDraft(next);
            setOptionsOpen(false);
          }}
        />
      ) : null}
    </>
  );
}
