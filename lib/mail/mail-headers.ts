// Headers every mail Outport sends carries, whichever way it goes out.

/** Marks the mail as sent by a program, so mail systems send no out-of-office replies to it. */
export function mailHeaders(): Record<string, string> {
  return { "Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All" };
}
