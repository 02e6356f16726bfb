"use client";
// The frame every job's progress modal shares (exports and imports): a native <dialog>
// that takes focus and gives it back, closes once on Escape, and tells its content when it
// was closed so polling stops even if the parent keeps it mounted; and the parts inside —
// the bar, the "N of M" line with the time left, and the time-left wording.
import { createContext, useContext, useEffect, useId, useMemo, useRef, useState, type ReactNode } from "react";
import { formatNumber, type Locale } from "@/lib/i18n";
import type { useI18n } from "../i18n/i18n-provider";

type Translate = ReturnType<typeof useI18n>["t"];

type DialogState = { polling: boolean; close: () => void };
const DialogStateContext = createContext<DialogState | null>(null);

/** Inside a ProgressDialog: `polling` turns false once it is closed; `close` closes it (once). */
export function useProgressDialog(): DialogState {
  const state = useContext(DialogStateContext);
  if (!state) throw new Error("useProgressDialog() needs a <ProgressDialog> above it");
  return state;
}

export function ProgressDialog({
  title,
  testId,
  onClose,
  children,
}: {
  title: string;
  testId: string;
  onClose: () => void;
  /** The content reads `useProgressDialog()` for whether to poll and how to close. */
  children: ReactNode;
}) {
  const titleId = useId();
  const ref = useRef<HTMLDialogElement>(null);
  const [closed, setClosed] = useState(false);
  const closing = useRef(false);

  // Escape may arrive both as a keydown and as the dialog's cancel event: close once.
  const onCloseRef = useRef(onClose);
  useEffect(() => {
    onCloseRef.current = onClose;
  });
  const state = useMemo<DialogState>(
    () => ({
      polling: !closed,
      close: () => {
        if (closing.current) return;
        closing.current = true;
        setClosed(true); // stops the polling even if the parent keeps the modal mounted
        onCloseRef.current();
      },
    }),
    [closed],
  );
  const requestClose = state.close;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) {
      if (typeof dialog.showModal === "function") dialog.showModal();
      else dialog.setAttribute("open", "");
    }
    dialog.focus();
    return () => {
      if (dialog.open) {
        if (typeof dialog.close === "function") dialog.close();
        else dialog.removeAttribute("open");
      }
      if (previous?.isConnected) previous.focus();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      role="dialog"
      aria-modal="true"
      aria-labelledby={titleId}
      tabIndex={-1}
      data-testid={testId}
      onCancel={(event) => {
        // The browser's own Escape handling: keep React in charge of unmounting.
        event.preventDefault();
        requestClose();
      }}
      onKeyDown={(event) => {
        if (event.key === "Escape") {
          event.preventDefault();
          requestClose();
        }
      }}
      className="m-auto w-[min(32rem,calc(100vw-2rem))] rounded-xl p-0 shadow-2xl outline-none backdrop:bg-slate-900/50"
    >
      <div className="flex max-h-[85vh] flex-col">
        <h2 id={titleId} className="border-b border-slate-200 px-6 py-4 text-lg font-semibold">
          {title}
        </h2>
        <DialogStateContext.Provider value={state}>{children}</DialogStateContext.Provider>
      </div>
    </dialog>
  );
}

export type ProgressTone = "running" | "done" | "failed";

export function ProgressBar({
  percent,
  label,
  detail,
  tone,
}: {
  percent: number;
  label: string;
  /** Read out after the percent, e.g. "10,000 / 20,000 records processed". */
  detail: string;
  tone: ProgressTone;
}) {
  const value = Math.min(100, Math.max(0, Math.round(percent)));
  return (
    <div className="h-2.5 w-full overflow-hidden rounded-full bg-slate-200">
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={value}
        aria-valuetext={`${value}% – ${detail}`}
        style={{ width: `${value}%` }}
        className={`h-full rounded-full transition-[width] duration-500 ${
          tone === "failed" ? "bg-red-500" : tone === "done" ? "bg-green-500" : "bg-brand-500"
        }`}
      />
    </div>
  );
}

/** The counts line under the bar, with the time left on the right when there is one. */
export function ProgressCounts({
  counts,
  eta,
  testIdPrefix,
}: {
  counts: string;
  eta: string | null;
  testIdPrefix: string;
}) {
  return (
    <div className="flex flex-wrap items-baseline justify-between gap-2 text-slate-700">
      <span data-testid={`${testIdPrefix}-records`}>{counts}</span>
      {eta ? (
        <span className="text-slate-500" data-testid={`${testIdPrefix}-eta`}>
          {eta}
        </span>
      ) : null}
    </div>
  );
}

/** Below this share of the work done, an estimate is a guess: the modal says it is estimating. */
export const ETA_MIN_PROGRESS = 10;

/** The time left as words, once `progress` (percent) is enough to go by. */
export function etaText(seconds: number | null, locale: Locale, t: Translate, progress = 100): string {
  // The first seconds of a job (connecting, the first batch) say little about the rest:
  // an 8-second export was once announced as "about 2 min".
  if (seconds === null || !Number.isFinite(seconds) || progress < ETA_MIN_PROGRESS) return t("progress.etaUnknown");
  if (seconds < 60) return t("progress.etaSeconds", { seconds: formatNumber(locale, Math.max(1, Math.ceil(seconds))) });
  return t("progress.etaMinutes", { minutes: formatNumber(locale, Math.ceil(seconds / 60)) });
}

export const PROGRESS_BUTTON =
  "rounded-md border border-slate-300 px-4 py-1.5 text-sm hover:bg-slate-50 disabled:opacity-60";
export const PROGRESS_PRIMARY_BUTTON =
  "rounded-md bg-brand-500 px-4 py-1.5 text-sm font-medium text-white hover:bg-brand-600 disabled:opacity-60";
