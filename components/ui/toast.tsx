"use client";
// Short messages that come and go. They sit at the top centre, under the top bar, so they
// never cover a page's own controls at the bottom (the preview's paging, a dialog's
// buttons) at any width. A toast given a `key` replaces the one with the same key (one
// rate-limit message, not four), the same message is never shown twice, and at most
// MAX_TOASTS are up at once — a new one pushes the oldest out. A toast may carry one
// action (a link or a button), e.g. the download of a finished export.
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from "react";
import { useI18n } from "../i18n/i18n-provider";
import { TOP_BAR_HEIGHT } from "../layout/top-bar-height";

type Tone = "info" | "success" | "error";
export type ToastAction = { label: string; href?: string; download?: string; onClick?: () => void };
export type ToastOptions = { key?: string; action?: ToastAction };
type Toast = { id: number; key: string; message: string; tone: Tone; action?: ToastAction };
type ToastApi = { show: (message: string, tone?: Tone, options?: ToastOptions) => void };

const ToastContext = createContext<ToastApi | null>(null);
const VISIBLE_MS = 6000;
/** A toast with an action stays longer: the action has to be found and clicked. */
const VISIBLE_WITH_ACTION_MS = 15_000;
export const MAX_TOASTS = 3;
/** Where the toasts start: half a rem below the bar, past a notch's safe area. */
const TOASTS_TOP = `calc(env(safe-area-inset-top) + ${TOP_BAR_HEIGHT} + 0.5rem)`;

const TONES: Record<Tone, string> = {
  info: "border-slate-300 bg-white text-slate-900",
  success: "border-green-300 bg-green-50 text-green-900",
  error: "border-red-300 bg-red-50 text-red-900",
};

export function ToastProvider({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);

  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((toast) => toast.id !== id)), []);
  const show = useCallback(
    (message: string, tone: Tone = "info", options: ToastOptions = {}) => {
      const id = nextId.current++;
      const key = options.key ?? `message:${message}`;
      setToasts((all) =>
        [
          ...all.filter((toast) => toast.key !== key && toast.message !== message),
          { id, key, message, tone, action: options.action },
        ].slice(-MAX_TOASTS),
      );
      setTimeout(() => dismiss(id), options.action ? VISIBLE_WITH_ACTION_MS : VISIBLE_MS);
    },
    [dismiss],
  );
  const api = useMemo(() => ({ show }), [show]);

  return (
    <ToastContext.Provider value={api}>
      {children}
      <div
        aria-live="polite"
        data-testid="toasts"
        // Just below the top bar, however tall it is now (the bar's frame publishes its height).
        style={{ top: TOASTS_TOP }}
        className="pointer-events-none fixed inset-x-0 z-50 mx-auto flex w-96 max-w-[calc(100vw-2rem)] flex-col gap-2"
      >
        {toasts.map((toast) => (
          <div
            key={toast.id}
            role={toast.tone === "error" ? "alert" : "status"}
            data-testid="toast"
            className={`pointer-events-auto flex items-start gap-3 rounded-lg border px-4 py-3 text-sm shadow-lg ${TONES[toast.tone]}`}
          >
            <p className="min-w-0 flex-1 whitespace-pre-line break-words">{toast.message}</p>
            {toast.action ? <ToastActionView action={toast.action} onDone={() => dismiss(toast.id)} /> : null}
            <button
              type="button"
              onClick={() => dismiss(toast.id)}
              aria-label={t("toast.close")}
              className="text-lg leading-none opacity-60 hover:opacity-100"
            >
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

function ToastActionView({ action, onDone }: { action: ToastAction; onDone: () => void }) {
  const className =
    "shrink-0 rounded-md bg-brand-500 px-3 py-1 text-xs font-medium text-white hover:bg-brand-600 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-300";
  const onClick = () => {
    action.onClick?.();
    onDone();
  };
  return action.href ? (
    <a href={action.href} download={action.download ?? ""} onClick={onClick} className={className}>
      {action.label}
    </a>
  ) : (
    <button type="button" onClick={onClick} className={className}>
      {action.label}
    </button>
  );
}

export function useToast(): ToastApi {
  const api = useContext(ToastContext);
  if (!api) throw new Error("useToast() needs a <ToastProvider> above it");
  return api;
}
