"use client";

// A button that opens a menu of actions, as the WAI-ARIA menu button pattern has it: the
// menu opens with its first item focused, the arrow keys (and Home, End) move between the
// items, and Escape, Tab, a click outside or choosing an item closes it — Escape giving the
// focus back to the button.
import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from "react";

export function MenuButton({
  label,
  children,
  testId,
}: {
  label: ReactNode;
  /** The items (elements with role="menuitem"), given a way to close the menu once one is chosen. */
  children: (close: () => void) => ReactNode;
  testId?: string;
}) {
  const [open, setOpen] = useState(false);
  const container = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const menuId = useId();

  const items = () => Array.from(container.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? []);

  useEffect(() => {
    if (!open) return;
    items()[0]?.focus();
    const onPointerDown = (event: PointerEvent) => {
      if (!container.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", onPointerDown);
    return () => document.removeEventListener("pointerdown", onPointerDown);
  }, [open]);

  const close = () => setOpen(false);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (!open) return;
    const all = items();
    const at = all.indexOf(document.activeElement as HTMLElement);
    const focus = (index: number) => all[(index + all.length) % all.length]?.focus();
    switch (event.key) {
      case "Escape":
        event.preventDefault();
        setOpen(false);
        button.current?.focus();
        break;
      case "ArrowDown":
        event.preventDefault();
        focus(at + 1);
        break;
      case "ArrowUp":
        event.preventDefault();
        focus(at - 1);
        break;
      case "Home":
        event.preventDefault();
        focus(0);
        break;
      case "End":
        event.preventDefault();
        focus(all.length - 1);
        break;
      case "Tab":
        setOpen(false);
        break;
      default:
        break;
    }
  };

  return (
    <div ref={container} className="relative" data-testid={testId} onKeyDown={onKeyDown}>
      <button
        ref={button}
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onClick={() => setOpen((was) => !was)}
        className="rounded-md border border-slate-300 px-4 py-2 text-sm text-slate-700 hover:bg-slate-50"
      >
        {label} <span aria-hidden="true">▾</span>
      </button>
      {open ? (
        <div
          id={menuId}
          role="menu"
          className="absolute left-0 z-10 mt-1 flex w-52 flex-col rounded-md border border-slate-200 bg-white py-1 shadow-lg"
        >
          {children(close)}
        </div>
      ) : null}
    </div>
  );
}
