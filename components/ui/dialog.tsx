"use client";

import { useEffect, useId, useRef, type ReactNode } from "react";

/** A modal on the native <dialog>: focus trap, Escape and the backdrop come with it. */
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
  /** With a label, the title bar carries a close × that says it to screen readers. */
  closeLabel?: string;
  size?: "wide" | "narrow";
}) {
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
          <div className="flex items-start gap-3 border-b border-slate-200 px-6 py-4">
            <h2 id={titleId} className="flex-1 text-lg font-semibold">
              {title}
            </h2>
            {closeLabel ? (
              <button
                type="button"
                onClick={onClose}
                aria-label={closeLabel}
                className="-mr-2 rounded-md px-2 text-2xl leading-none text-slate-500 hover:bg-slate-100 hover:text-slate-800"
              >
                ×
              </button>
            ) : null}
          </div>
          <div className="flex-1 overflow-y-auto px-6 py-4">{children}</div>
          {footer ? <div className="flex justify-end gap-2 border-t border-slate-200 px-6 py-3">{footer}</div> : null}
        </div>
      ) : null}
    </dialog>
  );
}
