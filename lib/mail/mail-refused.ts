// A mail that was not sent, and the one place that decides whether trying again can help
// and what of the failure may be shown to a person.
/**
 * Why a mail was not sent, in a short text safe to show (the server's reply code and text,
 * or what went wrong with the connection; never the server's address or password).
 * `permanent`: the same mail would be refused again (a 5xx reply, bad credentials, an
 * attachment that cannot be read); otherwise a later attempt may go through.
 */
export class MailRefused extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = "MailRefused";
  }
}

type SendError = Error & { code?: unknown; responseCode?: unknown; response?: unknown; path?: unknown };

/** Connection failures worth another attempt, and how they read. */
const CONNECTION_FAILURES: Record<string, string> = {
  ECONNREFUSED: "the mail server refused the connection",
  ECONNRESET: "the mail server closed the connection",
  ETIMEDOUT: "the mail server did not answer in time",
  EHOSTUNREACH: "the mail server cannot be reached",
  ENETUNREACH: "the mail server cannot be reached",
  ENOTFOUND: "the mail server's name was not found",
  EAI_AGAIN: "the mail server's name could not be looked up",
  EPIPE: "the connection to the mail server broke",
};

const MAX_REASON = 300;

/** One line, bounded, with every secret written out of it. */
function safeText(text: string, secrets: readonly string[]): string {
  let clean = text.replace(/[\r\n\t]+/g, " ").trim();
  for (const secret of secrets) if (secret.length >= 3) clean = clean.replaceAll(secret, "***");
  return clean.length > MAX_REASON ? `${clean.slice(0, MAX_REASON - 1)}…` : clean;
}

/**
 * What a failed send becomes. `secrets` (the password, the server URL) are never let
 * through, even when a server echoes them; `attachmentPaths` tell a missing file from a
 * failing folder.
 */
export function toMailRefused(
  error: unknown,
  { secrets = [], attachmentPaths = [] }: { secrets?: readonly string[]; attachmentPaths?: readonly string[] } = {},
): MailRefused {
  if (error instanceof MailRefused) return error;
  const failure: SendError = error instanceof Error ? error : new Error(String(error));
  const code = typeof failure.code === "string" ? failure.code : "";
  const responseCode = typeof failure.responseCode === "number" ? failure.responseCode : null;
  const response = typeof failure.response === "string" ? failure.response : "";

  if (responseCode !== null) {
    // The server's own words: "550 5.1.1 No such mailbox" (the code is in its reply).
    const reply = response && response.startsWith(String(responseCode)) ? response : `${responseCode} ${response}`;
    return new MailRefused(safeText(reply, secrets), responseCode >= 500);
  }
  if (typeof failure.path === "string" && attachmentPaths.includes(failure.path))
    return new MailRefused(`the attached file cannot be read (${code || "error"})`, true);
  const systemCode = code && Object.hasOwn(CONNECTION_FAILURES, code) ? code : findSystemCode(failure.message);
  if (systemCode) return new MailRefused(`${CONNECTION_FAILURES[systemCode]} (${systemCode})`, false);
  // nodemailer's own codes for a socket that failed in some other way.
  if (code === "ESOCKET" || code === "ECONNECTION" || code === "EDNS")
    return new MailRefused(`no working connection to the mail server (${code})`, false);
  if (code === "EAUTH") return new MailRefused(safeText(`authentication failed: ${failure.message}`, secrets), true);
  if (code === "EENVELOPE" || code === "EMESSAGE")
    return new MailRefused(safeText(`the mail was not accepted: ${failure.message}`, secrets), true);
  return new MailRefused(safeText(code ? `sending failed (${code})` : "sending failed", secrets), false);
}

/** nodemailer wraps socket errors; their system code still stands in the message. */
function findSystemCode(message: string): string | null {
  return Object.keys(CONNECTION_FAILURES).find((code) => message.includes(code)) ?? null;
}
