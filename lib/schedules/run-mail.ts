// The mail a scheduled run sends: what was exported (dataset, format, rows, size, SHA-256),
// the signed link and until when it works, and the file itself when it fits. Whether it
// fits is measured as the attachment is sent — base64 with its line breaks, a third larger
// than the file — so a file just under the limit on disk is not refused by the server.
import { config } from "../config";
import { FORMATS, fileContentType, type ExportFormat } from "../export/formats";
import { formatWhen } from "../export/present-value";
import { formatFileSize } from "../format-size";
import { formatNumber, translate, type Locale, type MessageKey, type MessageParams } from "../i18n";
import { oneLine, renderMailBody, type MailBlock, type MailFact } from "../mail/mail-body";
import type { AttachmentSource, MailAttachment, OutgoingMail } from "../mail/mailer";

export type RunMailInput = {
  locale: Locale;
  recipients: string[];
  datasetTitle: string;
  format: ExportFormat;
  rows: number;
  size: number;
  sha256: string;
  fileName: string;
  /** Where the file is read from when it is attached; null: never attach. */
  attachFrom: AttachmentSource | null;
  /** The signed download link and when it stops working. */
  link: string;
  linkExpiresAt: Date;
  /** How many days the link works, as the mail says it; the configured number unless given. */
  linkDays?: number;
  /** The schedule's zone: every time in the mail is written in it. */
  timeZone: string;
  slotAt: Date;
  trigger: "slot" | "catch_up" | "manual";
  missedSlots: number;
  /** The schedules page. */
  scheduleUrl: string;
  attachmentMaxBytes: number;
};

const BASE64_LINE = 76;

/** An attachment's size as sent: base64 (4 characters per 3 bytes, rounded up) plus a CRLF per 76-character line. */
export function encodedSize(bytes: number): number {
  const characters = 4 * Math.ceil(bytes / 3);
  return characters + 2 * Math.ceil(characters / BASE64_LINE);
}

/** The file's type as the download sends it: the format's, or gzip for a `.gz` file. */
function attachmentType(format: ExportFormat, fileName: string): string {
  const type = fileContentType(format, { compression: fileName.endsWith(".gz") ? "gzip" : undefined });
  return type || "application/octet-stream";
}

/** A command that hashes the file as named, quoted for a POSIX shell. */
function hashCommand(fileName: string): string {
  return `sha256sum '${fileName.replaceAll("'", `'\\''`)}'`;
}

export function composeRunMail(input: RunMailInput): OutgoingMail & { attached: boolean } {
  const t = (key: MessageKey, params?: MessageParams) => translate(input.locale, key, params);
  const when = (at: Date) =>
    t("mail.when", { when: formatWhen(at, input.locale, input.timeZone), zone: input.timeZone });
  const formatLabel = FORMATS[input.format].label;
  const slot = formatWhen(input.slotAt, input.locale, input.timeZone);
  const catchUpOne = input.missedSlots <= 1;
  const names = { dataset: input.datasetTitle, format: formatLabel, when: slot, missed: input.missedSlots };

  const subject = oneLine(
    input.trigger === "manual"
      ? t("mail.run.subject.manual", names)
      : input.trigger === "catch_up"
        ? t(catchUpOne ? "mail.run.subject.catchUpOne" : "mail.run.subject.catchUp", names)
        : t("mail.run.subject", names),
  );
  const intro =
    input.trigger === "manual"
      ? t("mail.run.intro.manual", names)
      : input.trigger === "catch_up"
        ? t(catchUpOne ? "mail.run.intro.catchUpOne" : "mail.run.intro.catchUp", names)
        : t("mail.run.intro", names);

  const encoded = encodedSize(input.size);
  const attached = input.attachFrom !== null && encoded < input.attachmentMaxBytes;
  const attachmentLine = attached
    ? t("mail.run.attached")
    : input.attachFrom === null
      ? t("mail.run.notAttached")
      : t("mail.run.tooLarge", {
          size: formatFileSize(input.size),
          encoded: formatFileSize(encoded),
          limit: formatFileSize(input.attachmentMaxBytes),
        });

  const days = input.linkDays ?? config.mail.linkDays;
  const until = when(input.linkExpiresAt);
  const facts: MailFact[] = [
    { label: t("mail.fact.dataset"), value: input.datasetTitle },
    { label: t("mail.fact.format"), value: formatLabel },
    {
      label: t(input.trigger === "manual" ? "mail.fact.startedAt" : "mail.fact.scheduledFor"),
      value: when(input.slotAt),
    },
    { label: t("mail.fact.rows"), value: formatNumber(input.locale, input.rows) },
    { label: t("mail.fact.size"), value: formatFileSize(input.size) },
    { label: t("mail.fact.file"), value: input.fileName },
    { label: t("mail.fact.sha256"), value: input.sha256, mono: true },
  ];
  const blocks: MailBlock[] = [
    { kind: "paragraph", text: intro },
    { kind: "facts", facts },
    {
      kind: "link",
      label: days === 1 ? t("mail.run.linkOneDay", { until }) : t("mail.run.link", { until, days }),
      href: input.link,
    },
    { kind: "paragraph", text: attachmentLine },
    { kind: "paragraph", text: t("mail.run.checkHash") },
    { kind: "code", text: hashCommand(input.fileName) },
    {
      kind: "footer",
      text: t("mail.footer.recipient", { organisation: config.organisation }),
      link: { label: t("mail.footer.schedules"), href: input.scheduleUrl },
    },
  ];
  const { text, html } = renderMailBody(blocks, { lang: input.locale, title: subject });
  const attachments: MailAttachment[] =
    attached && input.attachFrom !== null
      ? [{ filename: input.fileName, contentType: attachmentType(input.format, input.fileName), ...input.attachFrom }]
      : [];
  return { to: input.recipients, subject, text, html, attachments, attached };
}
