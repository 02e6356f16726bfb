"use client";
// The background exports this page has started and whether a progress modal is watching
// them: the progress modal writes here, the running-exports indicator in the top bar reads
// it. A tracked job is polled by the indicator even before the history lists it, and a
// job that finishes while its modal is open is the modal's to download, not the indicator's.
import { useSyncExternalStore } from "react";

let tracked: readonly string[] = [];
const watched = new Set<string>();
const listeners = new Set<() => void>();

function emit() {
  for (const listener of listeners) listener();
}

/** A job started here: the indicator follows it from now on. `watch`: its modal is open. */
export function trackExportJob(jobId: string, { watch = false }: { watch?: boolean } = {}) {
  if (watch) watched.add(jobId);
  if (tracked.includes(jobId)) return;
  tracked = [...tracked, jobId];
  emit();
}

/** Its modal was closed: the indicator now offers the download itself. */
export function unwatchExportJob(jobId: string) {
  watched.delete(jobId);
}

export function isWatched(jobId: string): boolean {
  return watched.has(jobId);
}

/** The indicator no longer needs to follow the job (it ended and was dealt with). */
export function forgetExportJob(jobId: string) {
  watched.delete(jobId);
  if (!tracked.includes(jobId)) return;
  tracked = tracked.filter((id) => id !== jobId);
  emit();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const NONE: readonly string[] = [];

export function useTrackedExportJobs(): readonly string[] {
  return useSyncExternalStore(
    subscribe,
    () => tracked,
    () => NONE,
  );
}

/** For tests: forget everything. */
export function resetTrackedExportJobs() {
  tracked = [];
  watched.clear();
  emit();
}
