"use client";

// The top bar's layout: on a wide screen the links and the account controls sit in one
// row; below the md breakpoint (768 px) they fold behind a "Menu" button, as a disclosure
// (aria-expanded, aria-controls). The open menu closes on Escape (focus back on the
// button), on a click outside, on choosing a link and when the page changes.
// The bar's height changes (it wraps onto two rows between md and a wide screen, the open
// menu lengthens it), so the frame publishes it on the document (top-bar-height.ts): the
// toasts and the phone's running-exports panel sit below it rather than over it.
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import { TOP_BAR_HEIGHT_VAR } from "./top-bar-height";

export type NavLink = { href: string; label: string };

export function TopBarFrame({
  brand,
  links,
  navLabel,
  account,
  extra,
  menuLabel,
}: {
  brand: ReactNode;
  links: NavLink[];
  navLabel: string;
  /** The language switch, the signed-in user and the sign-out button. */
  account: ReactNode;
  /** Shown in both layouts, outside the folded menu (see TopBar's `extra`). */
  extra?: ReactNode;
  menuLabel: string;
}) {
  const pathname = usePathname();
  const [open, setOpen] = useState(false);
  const [openedOn, setOpenedOn] = useState(pathname);
  const bar = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const panelId = useId();

  // A new page closes the menu (a link was followed, or the browser went back).
  if (open && openedOn !== pathname) setOpen(false);

  useEffect(() => {
    if (!open) return;
    panel.current?.querySelector<HTMLElement>("a, button")?.focus();
    const onPointerDown = (event: PointerEvent) => {
      if (!bar.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", onPointerDown);
    return () => document.removeEventListener("pointerdown", onPointerDown);
  }, [open]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (open && event.key === "Escape") {
      event.preventDefault();
      setOpen(false);
      button.current?.focus();
    }
  };

  useEffect(() => {
    const element = bar.current;
    if (!element) return;
    const root = document.documentElement;
    const publish = () =>
      root.style.setProperty(TOP_BAR_HEIGHT_VAR, `${Math.ceil(element.getBoundingClientRect().height)}px`);
    publish();
    const observer = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(publish);
    observer?.observe(element);
    return () => {
      observer?.disconnect();
      root.style.removeProperty(TOP_BAR_HEIGHT_VAR);
    };
  }, []);

  const current = (href: string) => pathname === href || pathname.startsWith(`${href}/`);

  return (
    <div
      ref={bar}
      onKeyDown={onKeyDown}
      className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3 sm:px-6"
    >
      {brand}
      {/* The mounting point for what the bar shows in both layouts, right of the links. */}
      {extra ? <div className="ml-auto flex items-center md:order-2 md:ml-0">{extra}</div> : null}
      <button
        ref={button}
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => {
          setOpenedOn(pathname);
          setOpen((was) => !was);
        }}
        className={`${extra ? "" : "ml-auto"} inline-flex items-center gap-1.5 whitespace-nowrap rounded-md border border-white/20 px-3 py-1.5 text-sm text-slate-100 hover:bg-white/10 md:hidden`}
        data-testid="menu-button"
      >
        <span aria-hidden="true" className="text-base leading-none">
          {open ? "×" : "☰"}
        </span>
        <span>{menuLabel}</span>
      </button>
      <div
        ref={panel}
        id={panelId}
        className={`${open ? "flex" : "hidden"} w-full flex-col gap-4 border-t border-white/10 pt-3 md:contents`}
      >
        <nav aria-label={navLabel} className="md:order-1">
          <ul className="flex flex-col gap-1 text-sm md:flex-row md:items-center md:gap-4">
            {links.map((link) => (
              <li key={link.href}>
                <Link
                  href={link.href}
                  aria-current={current(link.href) ? "page" : undefined}
                  onClick={() => setOpen(false)}
                  className="block whitespace-nowrap rounded px-2 py-2 text-slate-300 hover:text-white aria-[current=page]:text-white md:px-0 md:py-0"
                >
                  {link.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="flex flex-wrap items-center gap-x-4 gap-y-3 md:order-3 md:ml-auto md:justify-end">
          {account}
        </div>
      </div>
    </div>
  );
}
