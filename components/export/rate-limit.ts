"use client";
// The export rate limit as the browser last heard of it: a 429 with Retry-After says when
// exporting is allowed again, and every export button on the page reads that moment here,
// so they stay disabled with a countdown instead of each click earning another refusal.
// One store for the whole page (module state), read through useSyncExternalStore.
import { useSyncExternalStore } from "react";

let limitedUntil = 0;
/** The countdown every button shows, whole seconds; 0 when exporting is allowed. */
let secondsLeft = 0;
let ticker: ReturnType<typeof setInterval> | null = null;
const listeners = new Set<() => void>();

function tick() {
  const next = Math.max(0, Math.ceil((limitedUntil - Date.now()) / 1000));
  if (next === 0 && ticker !== null) {
    clearInterval(ticker);
    ticker = null;
  }
  if (next === secondsLeft) return;
  secondsLeft = next;
  for (const listener of listeners) listener();
}

/** The server said "retry after `seconds`": exporting waits until then. */
export function noteRateLimit(seconds: number) {
  const until = Date.now() + Math.max(1, Math.ceil(seconds)) * 1000;
  if (until <= limitedUntil) return;
  limitedUntil = until;
  ticker ??= setInterval(tick, 250);
  tick();
}

/** Forgets the limit (tests). */
export function clearRateLimit() {
  limitedUntil = 0;
  tick();
}

/** Seconds from a Retry-After header (a number of seconds or an HTTP date); null when absent or unreadable. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Whole seconds left before exporting is allowed again; 0 when it is allowed now. */
export function useRateLimit(): { limited: boolean; secondsLeft: number } {
  const left = useSyncExternalStore(
    subscribe,
    () => secondsLeft,
    () => 0,
  );
  return { limited: left > 0, secondsLeft: left };
}
