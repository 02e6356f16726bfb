// The one way Outport sends a mail: over SMTP when a server is configured, otherwise as an
// .eml file in a folder (delivery off, the mail kept for a person to read). Either way an
// attachment is streamed from its file, never read whole into memory, and a refusal comes
// back as a MailRefused that says whether trying again can help.
import type { Readable } from "node:stream";
import { config, mailDir } from "../config";
import { createFileMailer } from "./file-mailer";
import { createSmtpMailer } from "./smtp-mailer";

export { MailRefused } from "./mail-refused";

/**
 * Where an attachment's bytes come from: a file, or a source opened afresh for every
 * attempt (a stored export read through its hash check), since a stream is read once.
 */
export type AttachmentSource = { path: string } | { open: () => Promise<Readable> };
export type MailAttachment = { filename: string; contentType: string } & AttachmentSource;

export type OutgoingMail = {
  to: string[];
  subject: string;
  text: string;
  html: string;
  attachments?: MailAttachment[];
};
/**
 * SMTP: the Message-ID; file: the .eml file's name. `rejected` lists the recipients the
 * server refused while it accepted the others (the mail went to those).
 */
export type SentMail = { via: "smtp" | "file"; messageId: string; rejected?: string[] };
export type Mailer = { mode: "smtp" | "files"; send(mail: OutgoingMail): Promise<SentMail>; close(): void };
export type MailerSettings = { smtpUrl: string | null; from: string; dir: string };

export function createMailer(settings: MailerSettings): Mailer {
  return settings.smtpUrl
    ? createSmtpMailer(settings.smtpUrl, settings.from)
    : createFileMailer(settings.dir, settings.from);
}

let current: { key: string; mailer: Mailer } | null = null;

/** The process's mailer, made from the configuration; made again when the settings changed. */
export function mailer(): Mailer {
  const settings: MailerSettings = { smtpUrl: config.mail.smtpUrl, from: config.mail.from, dir: mailDir() };
  const key = JSON.stringify(settings);
  if (current?.key === key) return current.mailer;
  current?.mailer.close();
  current = { key, mailer: createMailer(settings) };
  return current.mailer;
}
