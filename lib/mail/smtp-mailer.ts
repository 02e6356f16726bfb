// Mail over SMTP, from `smtp://user:password@host:port` or `smtps://…` (TLS from the first
// byte). The URL is read here with the standard URL parser, so user and password may be
// percent-encoded; neither ever appears in an error.
import nodemailer from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport";
import { attachmentPaths, openAttachments } from "./attachments";
import { toMailRefused } from "./mail-refused";
import type { Mailer, OutgoingMail, SentMail } from "./mailer";
import { mailHeaders } from "./mail-headers";

/** Long enough for a slow relay, short enough that a dead one frees the worker. */
const CONNECTION_TIMEOUT_MS = 30_000;
const GREETING_TIMEOUT_MS = 30_000;
const SOCKET_IDLE_TIMEOUT_MS = 60_000;

/** The transport's options from the URL; a URL that is no SMTP URL fails without being echoed. */
export function smtpOptions(smtpUrl: string): SMTPTransport.Options {
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch {
    throw new Error("OUTPORT_SMTP_URL is not a URL: write smtp://user:password@host:port or smtps://…");
  }
  if (url.protocol !== "smtp:" && url.protocol !== "smtps:")
    throw new Error("OUTPORT_SMTP_URL must start with smtp:// or smtps://");
  const secure = url.protocol === "smtps:";
  const user = decodeURIComponent(url.username);
  const pass = decodeURIComponent(url.password);
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    ...(user ? { auth: { user, pass } } : {}),
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    greetingTimeout: GREETING_TIMEOUT_MS,
    socketTimeout: SOCKET_IDLE_TIMEOUT_MS,
  };
}

export function createSmtpMailer(smtpUrl: string, from: string): Mailer {
  const options = smtpOptions(smtpUrl);
  const password = options.auth && "pass" in options.auth ? (options.auth.pass ?? "") : "";
  const secrets = [smtpUrl, password, encodeURIComponent(password)].filter(Boolean);
  const transport = nodemailer.createTransport(options);
  return {
    mode: "smtp",
    async send(mail: OutgoingMail): Promise<SentMail> {
      const attachments = mail.attachments ?? [];
      // What was opened for this attempt: streams a failed attempt never read are closed.
      let opened: Awaited<ReturnType<typeof openAttachments>> = [];
      try {
        const info = await transport.sendMail({
          from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          headers: mailHeaders(),
          attachments: (opened = await openAttachments(attachments)),
        });
        const rejected = info.rejected.map((address) => (typeof address === "string" ? address : address.address));
        return { via: "smtp", messageId: info.messageId, ...(rejected.length > 0 ? { rejected } : {}) };
      } catch (error) {
        for (const attachment of opened) attachment.content?.destroy();
        throw toMailRefused(error, { secrets, attachmentPaths: attachmentPaths(attachments) });
      }
    },
    close() {
      transport.close();
    },
  };
}
