"use client";

import { useEffect, useId, useRef, type ReactNode } from "react";
import { useI18n } from "../i18n/i18n-provider";

/**
 * A modal on the native <dialog>: focus trap, Escape and the backdrop come with it. Every
 * dialog has a close × in its title bar (a pointer user's way out, named for screen
 * readers), and on a small screen its body scrolls between a title bar and a footer that
 * stay in view, so the footer's buttons are never below the fold.
 */
export function Dialog({
  open,
  onClose,
  title,
  children,
  footer,
  closeLabel,
  size = "wide",
}: {
  open: boolean;
  onClose: () => void;
  title: string;
  children: ReactNode;
  footer?: ReactNode;
  /** What the close × says to screen readers; "Close" unless the dialog has a better word. */
  closeLabel?: string;
  size?: "wide" | "narrow";
}) {
  const { t } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  // Two dialogs on one page (the dataset page has several) each need their own title id.
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      if (typeof dialog.showModal === "function") dialog.showModal();
      else dialog.setAttribute("open", "");
    } else if (!open && dialog.open) {
      if (typeof dialog.close === "function") dialog.close();
      else dialog.removeAttribute("open");
    }
  }, [open]);

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      className={`m-auto ${size === "wide" ? "w-[min(52rem,calc(100vw-2rem))]" : "w-[min(32rem,calc(100vw-2rem))]"} rounded-xl p-0 shadow-2xl backdrop:bg-slate-900/50`}
    >
      {open ? (
        <div className="flex max-h-[85vh] flex-col">
          <div className="flex items-start gap-3 border-b border-slate-200 px-4 py-4 sm:px-6">
            <h2 id={titleId} className="min-w-0 flex-1 text-lg font-semibold">
              {title}
            </h2>
            <button
              type="button"
              onClick={onClose}
              aria-label={closeLabel ?? t("dialog.close")}
              title={closeLabel ?? t("dialog.close")}
              className="-mr-2 rounded-md px-2 text-2xl leading-none text-slate-500 hover:bg-slate-100 hover:text-slate-800"
              data-testid="dialog-close"
            >
              <span aria-hidden="true">×</span>
            </button>
          </div>
          <div className="min-h-0 min-w-0 flex-1 overflow-y-auto px-4 py-4 sm:px-6">{children}</div>
          {footer ? (
            <div className="flex flex-wrap justify-end gap-2 border-t border-slate-200 px-4 py-3 sm:px-6">{footer}</div>
          ) : null}
        </div>
      ) : null}
    </dialog>
  );
}
