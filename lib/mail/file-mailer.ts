// Delivery off: each mail is written as an .eml file (the whole message, attachments
// included, as it would have gone out) under a folder only this user may read. The message
// is streamed into a temporary file and renamed, so a reader never sees half a mail.
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import MailComposer from "nodemailer/lib/mail-composer";
import { attachmentPaths, openAttachments } from "./attachments";
import { toMailRefused } from "./mail-refused";
import { mailHeaders } from "./mail-headers";
import type { Mailer, OutgoingMail, SentMail } from "./mailer";

/** `20261207T090000.123Z-3f9a1c2e7b4d.eml`: ISO 8601 in its basic form (no colons), sortable by time. */
export function emlFileName(at: Date): string {
  const time = at.toISOString().replace(/[-:]/g, "");
  return `${time}-${randomBytes(6).toString("hex")}.eml`;
}

export function createFileMailer(dir: string, from: string): Mailer {
  return {
    mode: "files",
    async send(mail: OutgoingMail): Promise<SentMail> {
      const attachments = mail.attachments ?? [];
      // What was opened for this attempt: streams a failed attempt never read are closed.
      let opened: Awaited<ReturnType<typeof openAttachments>> = [];
      const name = emlFileName(new Date());
      const target = path.join(dir, name);
      const partial = `${target}.part`;
      try {
        await mkdir(dir, { recursive: true, mode: 0o700 });
        const message = new MailComposer({
          from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          headers: mailHeaders(),
          attachments: (opened = await openAttachments(attachments)),
        }).compile();
        await pipeline(message.createReadStream(), createWriteStream(partial, { flags: "wx", mode: 0o600 }));
        await rename(partial, target);
        return { via: "file", messageId: name };
      } catch (error) {
        for (const attachment of opened) attachment.content?.destroy();
        await rm(partial, { force: true });
        throw toMailRefused(error, { attachmentPaths: attachmentPaths(attachments) });
      }
    },
    close() {},
  };
}
