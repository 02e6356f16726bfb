"use client";
// The schedules page: each schedule as a card (dataset, format, when in words, time zone,
// recipients, next run, last result, whether it runs, an admin also sees whose it is),
// why it paused itself when it did, its actions (Run now, Pause or Resume, Edit, Delete
// after a confirmation) and its last runs. The list is read again every 2 s while a run is
// on its way, and not otherwise. Mail that only lands in files on the server is said so.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import { FORMATS } from "@/lib/export/formats";
import type { TSchedule } from "@/lib/schedules/schedule-schemas";
import { LocalTime } from "../i18n/local-time";
import { useI18n } from "../i18n/i18n-provider";
import { Dialog } from "../ui/dialog";
import { useToast } from "../ui/toast";
import { describeWhen } from "./describe-when";
import { ScheduleForm, type ScheduleDataset } from "./schedule-form";
import { RunStateBadge, ScheduleRuns } from "./schedule-runs";
import {
  deleteSchedule,
  getSchedules,
  runSchedule,
  ScheduleRequestError,
  updateSchedule,
  type ScheduleList,
} from "./schedules-api";

export const SCHEDULES_KEY = ["schedules"] as const;
export const SCHEDULES_POLL_MS = 2000;

const ON_THE_WAY = new Set(["waiting", "exporting", "delivering"]);
/** Whether a run is on its way somewhere in the list: only then is it read again. */
export const runsOnTheWay = (list: ScheduleList | undefined) =>
  !!list?.schedules.some((s) => s.runs.some((run) => ON_THE_WAY.has(run.state)));

type FormState = { schedule?: TSchedule; datasetId?: number } | null;

const actionClass =
  "rounded-md border border-slate-300 px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-50 disabled:opacity-50";

export function SchedulesView({
  datasets,
  isAdmin,
  userEmail,
  newDatasetId,
  initial,
}: {
  /** The datasets the user may export, for the form. */
  datasets: ScheduleDataset[];
  /** Everyone's schedules, with their owners. */
  isAdmin: boolean;
  userEmail: string;
  /** Opens the form for this dataset at once (the dataset page's "Schedule…"). */
  newDatasetId?: number;
  /** The list as the server rendered it. */
  initial?: ScheduleList;
}) {
  const { t } = useI18n();
  const toast = useToast();
  const queryClient = useQueryClient();
  const [form, setForm] = useState<FormState>(null);
  const [confirming, setConfirming] = useState<TSchedule | null>(null);
  // The control that opened a dialog gets the focus back when it closes.
  const opener = useRef<HTMLElement | null>(null);

  const list = useQuery({
    queryKey: SCHEDULES_KEY,
    queryFn: () => getSchedules(t("schedules.loadFailed")),
    initialData: initial,
    refetchInterval: (query) => (runsOnTheWay(query.state.data) ? SCHEDULES_POLL_MS : false),
  });
  const refresh = useCallback(() => queryClient.invalidateQueries({ queryKey: SCHEDULES_KEY }), [queryClient]);

  const open = (next: NonNullable<FormState>) => {
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setForm(next);
  };
  const restoreFocus = () => {
    const target = opener.current;
    opener.current = null;
    requestAnimationFrame(() => target?.isConnected && target.focus());
  };
  const closeForm = () => {
    setForm(null);
    restoreFocus();
  };

  // "Schedule…" on a dataset page: the form opens with that dataset, once; the address then
  // loses ?new= so a reload does not open it again.
  const opened = useRef(false);
  useEffect(() => {
    if (opened.current || newDatasetId === undefined) return;
    opened.current = true;
    setForm({ datasetId: newDatasetId });
    const url = new URL(window.location.href);
    url.searchParams.delete("new");
    window.history.replaceState(window.history.state, "", url.pathname + url.search + url.hash);
  }, [newDatasetId]);

  const fail = (key: "schedules.runNow.failed" | "schedules.change.failed") => (error: Error) => {
    if (error instanceof ScheduleRequestError && error.status === 429)
      toast.show(t("schedules.runNow.wait", { seconds: String(error.retryAfter ?? 1) }), "error", {
        key: "rate-limit",
      });
    else toast.show(t(key, { reason: error.message }), "error");
  };

  const run = useMutation({
    mutationFn: (id: string) => runSchedule(id, t("error.internal")),
    onSuccess: () => {
      toast.show(t("schedules.toast.runStarted"), "success");
      void refresh();
    },
    onError: fail("schedules.runNow.failed"),
  });
  const toggle = useMutation({
    mutationFn: ({ id, enabled }: { id: string; enabled: boolean }) =>
      updateSchedule(id, { enabled }, t("error.internal")),
    onSuccess: (saved) => {
      toast.show(t(saved.enabled ? "schedules.toast.resumed" : "schedules.toast.paused"), "success");
      void refresh();
    },
    onError: fail("schedules.change.failed"),
  });
  const remove = useMutation({
    mutationFn: (id: string) => deleteSchedule(id, t("error.internal")),
    onSuccess: () => {
      setConfirming(null);
      toast.show(t("schedules.toast.deleted"), "success");
      void refresh();
    },
    onError: (error: Error) => {
      setConfirming(null);
      fail("schedules.change.failed")(error);
    },
  });

  const mail = list.data?.mail;
  const schedules = list.data?.schedules ?? [];

  return (
    <div className="min-w-0 space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <h1 className="text-2xl font-semibold tracking-tight">{t("schedules.title")}</h1>
          <p className="mt-1 max-w-3xl text-sm text-slate-600">{t("schedules.intro")}</p>
        </div>
        <button
          type="button"
          onClick={() => open({})}
          className="rounded-md bg-brand-500 px-4 py-2 text-sm font-medium text-white hover:bg-brand-600"
        >
          {t("schedules.new")}
        </button>
      </div>

      {mail?.mode === "files" ? (
        <p
          className="rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900"
          data-testid="mail-off"
        >
          {t("schedules.mailOff")}
        </p>
      ) : null}

      {list.isError ? (
        <p role="alert" className="rounded-md bg-red-50 px-4 py-3 text-sm text-red-800">
          {list.error.message}
        </p>
      ) : null}

      {list.isSuccess && schedules.length === 0 ? (
        <p
          className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-sm text-slate-600"
          data-testid="schedules-empty"
        >
          {t("schedules.empty")}
        </p>
      ) : null}

      <ul className="min-w-0 space-y-4" aria-busy={list.isFetching}>
        {schedules.map((schedule) => {
          const last = schedule.runs[0];
          const busy =
            (run.isPending && run.variables === schedule.id) ||
            (toggle.isPending && toggle.variables?.id === schedule.id);
          const named = (action: string) => t("schedules.action.for", { action, dataset: schedule.dataset_title });
          return (
            <li
              key={schedule.id}
              className="min-w-0 rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-5"
              data-testid="schedule"
              data-schedule-id={schedule.id}
              data-enabled={schedule.enabled}
            >
              <div className="flex flex-wrap items-center gap-2">
                <h2 className="min-w-0 text-lg font-semibold break-words">
                  {schedule.dataset_id !== null ? (
                    <Link href={`/datasets/${schedule.dataset_id}`} className="text-brand-700 hover:underline">
                      {schedule.dataset_title}
                    </Link>
                  ) : (
                    <span className="text-slate-500">
                      {schedule.dataset_title} ({t("schedules.datasetDeleted")})
                    </span>
                  )}
                </h2>
                <span
                  className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-700"
                  data-testid="schedule-format"
                >
                  {FORMATS[schedule.format].label}
                </span>
                <span
                  className={`rounded-full px-2 py-0.5 text-xs font-medium ${
                    schedule.enabled ? "bg-green-100 text-green-800" : "bg-amber-100 text-amber-900"
                  }`}
                  data-testid="schedule-enabled"
                >
                  {t(schedule.enabled ? "schedules.enabled" : "schedules.paused")}
                </span>
              </div>

              {schedule.paused_reason ? (
                <p
                  className="mt-3 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm font-medium text-amber-900"
                  data-testid="schedule-paused-reason"
                >
                  {schedule.paused_reason}
                </p>
              ) : null}

              <dl className="mt-3 grid min-w-0 gap-x-6 gap-y-2 text-sm sm:grid-cols-2 lg:grid-cols-3">
                <div className="min-w-0">
                  <dt className="text-xs text-slate-500">{t("schedules.field.when")}</dt>
                  <dd className="break-words text-slate-800" data-testid="schedule-when">
                    {describeWhen(schedule.cron, t)}
                  </dd>
                </div>
                <div className="min-w-0">
                  <dt className="text-xs text-slate-500">{t("schedules.field.timezone")}</dt>
                  <dd className="break-words text-slate-800" data-testid="schedule-timezone">
                    {schedule.timezone}
                  </dd>
                </div>
                <div className="min-w-0">
                  <dt className="text-xs text-slate-500">{t("schedules.field.nextRun")}</dt>
                  <dd className="text-slate-800" data-testid="schedule-next-run">
                    {schedule.next_run_at ? (
                      <LocalTime value={schedule.next_run_at} timeZone={schedule.timezone} />
                    ) : (
                      t("schedules.nextRun.paused")
                    )}
                  </dd>
                </div>
                <div className="min-w-0">
                  <dt className="text-xs text-slate-500">{t("schedules.field.recipients")}</dt>
                  <dd className="text-slate-800" data-testid="schedule-recipients">
                    {/* One address a line, broken inside only when one alone is wider than the column. */}
                    {schedule.recipients.map((address, index) => (
                      <span key={index} className="block break-words">
                        {address}
                        {index < schedule.recipients.length - 1 ? <span className="sr-only">, </span> : null}
                      </span>
                    ))}
                  </dd>
                </div>
                <div className="min-w-0">
                  <dt className="text-xs text-slate-500">{t("schedules.field.lastResult")}</dt>
                  <dd className="text-slate-800" data-testid="schedule-last-result">
                    {last ? (
                      <RunStateBadge state={last.state} testId="last-run-state" />
                    ) : (
                      t("schedules.lastResult.none")
                    )}
                  </dd>
                </div>
                {isAdmin ? (
                  <div className="min-w-0">
                    <dt className="text-xs text-slate-500">{t("schedules.field.owner")}</dt>
                    <dd className="break-words text-slate-800" data-testid="schedule-owner">
                      {schedule.owner.name} <span className="text-slate-500">({schedule.owner.email})</span>
                    </dd>
                  </div>
                ) : null}
              </dl>

              <div className="mt-4 flex flex-wrap gap-2">
                <button
                  type="button"
                  disabled={busy}
                  onClick={() => run.mutate(schedule.id)}
                  aria-label={named(t("schedules.action.runNow"))}
                  className="rounded-md bg-brand-500 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-600 disabled:opacity-50"
                >
                  {t("schedules.action.runNow")}
                </button>
                <button
                  type="button"
                  disabled={busy}
                  onClick={() => toggle.mutate({ id: schedule.id, enabled: !schedule.enabled })}
                  aria-label={named(t(schedule.enabled ? "schedules.action.pause" : "schedules.action.resume"))}
                  className={actionClass}
                >
                  {t(schedule.enabled ? "schedules.action.pause" : "schedules.action.resume")}
                </button>
                <button
                  type="button"
                  onClick={() => open({ schedule })}
                  aria-label={named(t("schedules.action.edit"))}
                  className={actionClass}
                >
                  {t("schedules.action.edit")}
                </button>
                <button
                  type="button"
                  onClick={(event) => {
                    opener.current = event.currentTarget;
                    setConfirming(schedule);
                  }}
                  aria-label={named(t("schedules.action.delete"))}
                  className="rounded-md border border-red-200 px-3 py-1.5 text-sm text-red-700 hover:bg-red-50"
                >
                  {t("schedules.action.delete")}
                </button>
              </div>

              <div className="mt-4 min-w-0">
                <h3 className="mb-2 text-sm font-semibold text-slate-700">{t("schedules.runs.title")}</h3>
                <ScheduleRuns runs={schedule.runs} datasetTitle={schedule.dataset_title} timeZone={schedule.timezone} />
              </div>
            </li>
          );
        })}
      </ul>

      {form ? (
        <ScheduleForm
          datasets={datasets}
          isAdmin={isAdmin}
          userEmail={userEmail}
          mail={mail}
          schedule={form.schedule}
          initialDatasetId={form.datasetId}
          onClose={closeForm}
          onSaved={(saved, created) => {
            toast.show(t(created ? "schedules.toast.created" : "schedules.toast.saved"), "success");
            closeForm();
            // Shown at once (a new one first, as the server lists them), then read again.
            queryClient.setQueryData<ScheduleList>(SCHEDULES_KEY, (old) =>
              old
                ? {
                    ...old,
                    schedules: created
                      ? [saved, ...old.schedules]
                      : old.schedules.map((s) => (s.id === saved.id ? saved : s)),
                  }
                : old,
            );
            void refresh();
          }}
        />
      ) : null}

      {confirming ? (
        <Dialog
          open
          size="narrow"
          onClose={() => {
            setConfirming(null);
            restoreFocus();
          }}
          title={t("schedules.delete.title")}
          footer={
            <>
              <button
                type="button"
                onClick={() => {
                  setConfirming(null);
                  restoreFocus();
                }}
                className="rounded-md border border-slate-300 px-4 py-1.5 text-sm hover:bg-slate-50"
              >
                {t("schedules.cancel")}
              </button>
              <button
                type="button"
                disabled={remove.isPending}
                onClick={() => remove.mutate(confirming.id)}
                className="rounded-md bg-red-600 px-4 py-1.5 text-sm font-medium text-white hover:bg-red-700 disabled:opacity-50"
              >
                {t("schedules.delete.confirm")}
              </button>
            </>
          }
        >
          <p className="text-sm text-slate-700">{t("schedules.delete.body", { dataset: confirming.dataset_title })}</p>
        </Dialog>
      ) : null}
    </div>
  );
}
