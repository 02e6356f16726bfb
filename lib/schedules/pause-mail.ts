// The notice that a schedule paused itself (its owner lost the right, the dataset went):
// to the owner, or to the admins when the owner cannot act on it. It says which schedule,
// why, and what brings it back.
import { config } from "../config";
import { formatWhen } from "../export/present-value";
import { translate, type Locale, type MessageKey, type MessageParams } from "../i18n";
import { oneLine, renderMailBody, type MailBlock, type MailFact } from "../mail/mail-body";
import type { OutgoingMail } from "../mail/mailer";

export type PauseMailInput = {
  locale: Locale;
  to: string[];
  datasetTitle: string;
  /** Why it paused, already in `locale`. */
  reason: string;
  ownerName: string;
  ownerEmail: string;
  /** Written to the admins about the owner's schedule, rather than to the owner. */
  toAdmins: boolean;
  scheduleUrl: string;
  timeZone: string;
  at: Date;
};

export function composePauseMail(input: PauseMailInput): OutgoingMail {
  const t = (key: MessageKey, params?: MessageParams) => translate(input.locale, key, params);
  const owner = input.ownerName.trim() || input.ownerEmail;
  const names = { dataset: input.datasetTitle, owner, email: input.ownerEmail };
  const subject = oneLine(t(input.toAdmins ? "mail.pause.subject.admins" : "mail.pause.subject", names));
  const facts: MailFact[] = [
    { label: t("mail.fact.dataset"), value: input.datasetTitle },
    ...(input.toAdmins ? [{ label: t("mail.fact.owner"), value: `${owner} <${input.ownerEmail}>` }] : []),
    { label: t("mail.fact.reason"), value: input.reason },
    {
      label: t("mail.fact.pausedAt"),
      value: t("mail.when", { when: formatWhen(input.at, input.locale, input.timeZone), zone: input.timeZone }),
    },
  ];
  const blocks: MailBlock[] = [
    { kind: "paragraph", text: t(input.toAdmins ? "mail.pause.intro.admins" : "mail.pause.intro", names) },
    { kind: "facts", facts },
    { kind: "paragraph", text: t(input.toAdmins ? "mail.pause.todo.admins" : "mail.pause.todo") },
    { kind: "link", label: t("mail.pause.link"), href: input.scheduleUrl },
    { kind: "footer", text: t("mail.footer", { organisation: config.organisation }) },
  ];
  const { text, html } = renderMailBody(blocks, { lang: input.locale, title: subject });
  return { to: input.to, subject, text, html };
}
