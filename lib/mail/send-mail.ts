// Sending one mail with retries: one attempt, then one more after each delay, unless the
// refusal is permanent (another attempt would be refused the same way). The waits give way
// to a signal, so a worker shutting down or a cancelled run does not sit out a backoff.
import { MailRefused, type Mailer, type OutgoingMail, type SentMail } from "./mailer";

export type SendOutcome =
  { ok: true; sent: SentMail; attempts: number } | { ok: false; attempts: number; reason: string; permanent: boolean };

export type SendOptions = {
  /** Seconds before each retry; attempts are at most one more than its length. */
  delaysSeconds: readonly number[];
  signal?: AbortSignal;
  /** Called after every failed attempt, awaited, before any wait. */
  onAttempt?: (attempt: number, reason: string) => void | Promise<void>;
};

/**
 * Tries once, then once after each delay unless the refusal is permanent; an abort of
 * `signal` (before an attempt or during a wait) rejects with the signal's reason. Errors
 * other than a MailRefused are bugs, not refusals, and are thrown as they are.
 */
export async function sendWithRetries(mailer: Mailer, mail: OutgoingMail, options: SendOptions): Promise<SendOutcome> {
  const { delaysSeconds, signal, onAttempt } = options;
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    try {
      const sent = await mailer.send(mail);
      return { ok: true, sent, attempts: attempt };
    } catch (error) {
      if (!(error instanceof MailRefused)) throw error;
      await onAttempt?.(attempt, error.message);
      const delay = delaysSeconds[attempt - 1];
      if (error.permanent || delay === undefined)
        return { ok: false, attempts: attempt, reason: error.message, permanent: error.permanent };
      await wait(delay * 1000, signal);
    }
  }
}

/** A pause that ends early, rejecting with the signal's reason, when the signal aborts. */
function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
