// How a throttled sign-in tells the person how long to wait. Pure, so that the sign-in form
// (client code) can use it.

/** The wait a person is told, in whole minutes (at least one). */
export function waitMinutes(retryAfterSeconds: number): number {
  return Math.max(1, Math.ceil(retryAfterSeconds / 60));
}

/**
 * The sign-in page's `error` for a throttled attempt, carrying the wait in seconds: the
 * next-auth client hands a page only the `error` of the URL it is answered with.
 */
export function throttledErrorCode(retryAfterSeconds: number): string {
  return `Throttled:${retryAfterSeconds}`;
}

/** The seconds to wait from a sign-in page `error`, or null when it is another error. */
export function parseThrottledErrorCode(error: string | null | undefined): number | null {
  const match = /^Throttled:(\d{1,9})$/.exec(error ?? "");
  return match ? Number(match[1]) : null;
}
