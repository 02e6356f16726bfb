// What a job type is, to the runtime: a queue name, the table its jobs live in, a schema
// for what a job's row carries (unknown until parsed) and the work itself. The runtime
// owns everything else about a job's life — claim, lease and heartbeat, cancellation and
// shutdown as an AbortSignal, retry and failure — so a new job type is one definition.
import type { z } from "zod";
import type { Db } from "../data/pg";
import type { MessageKey } from "../i18n";

/** One attempt at a job: the fence of every write it makes. */
export type Attempt = { id: string; attempt: number };

export type JobHelpers = {
  job: Attempt;
  /**
   * Aborts when the job is no longer this attempt's (cancelled, or taken over after its
   * lease ran out) or the worker is shutting down and the grace period is over.
   */
  signal: AbortSignal;
  /** Work done so far, and in all once known; written with the next heartbeat, never going down. */
  progress(processed: number, total?: number | null): void;
  /** Writes progress and heartbeat now (say, once the total is known). */
  beat(): Promise<void>;
  /**
   * Marks the job completed, with the type's own columns (names are code, never input),
   * fenced by this attempt. False when the attempt lost the job: nothing was written.
   * A run that returns without calling it is completed with no columns of its own.
   * `alongside` writes in the same transaction (the completion's audit event), so a process
   * killed between the two cannot leave a completed job without it.
   */
  complete(columns?: Record<string, unknown>, alongside?: (db: Db) => Promise<void>): Promise<boolean>;
  /** Writes the type's own columns, fenced by this attempt (what a failure should leave on the row). */
  update(columns: Record<string, unknown>): Promise<boolean>;
};

/** How a job that failed for good ended, for the definition's own record of it. */
export type FailureReport = { message: string; attempt: number; processed: number; durationMs: number };

export type JobDefinition<P = unknown> = {
  /** The queue's name; also the job type's name in logs. */
  name: string;
  /** The table of this type's jobs. It has the lifecycle columns the runtime owns (job-table.ts). */
  table: string;
  /** What a job's row carries for the run (its other columns are ignored). */
  payload: z.ZodType<P>;
  /** The work. Throwing a JobFailure fails the job for good; any other error is retried. */
  run(payload: P, helpers: JobHelpers): Promise<void>;
  /**
   * The words for an error that was retried and failed the last attempt too, when the type
   * can name it (a service that stayed out of reach, say); null, or no hook, for
   * `job.error.unexpected`.
   */
  describeFailure?(error: unknown): MessageKey | null;
  /**
   * The definition's record of a failure for good (its audit event), written through `db` in
   * the transaction that fails the job: a process killed in between leaves neither.
   * `payload` is null when its row could not be read.
   */
  recordFailure?(job: Attempt & { payload: P | null }, failure: FailureReport, db: Db): Promise<void>;
  /** Called once a job has failed for good, after that commit (clean-up outside the database row). */
  onFailed?(job: Attempt & { payload: P | null }, failure: FailureReport): Promise<void>;
};

/** A failure no retry can mend (the request is no longer allowed, the disk is full …). */
export class JobFailure extends Error {
  constructor(readonly messageKey: MessageKey) {
    super(messageKey);
    this.name = "JobFailure";
  }
}

export function defineJob<P>(definition: JobDefinition<P>): JobDefinition<P> {
  return definition;
}
