// Attachments as nodemailer takes them: a file by its path, or a source opened afresh for
// each attempt (a retry must read the bytes again, and a stream is read only once).
import type { Readable } from "node:stream";
import type { MailAttachment } from "./mailer";

/** The attachments as nodemailer takes them, each source opened now (for this one attempt). */
export async function openAttachments(
  attachments: readonly MailAttachment[],
): Promise<Array<{ filename: string; contentType: string; path?: string; content?: Readable }>> {
  return Promise.all(
    attachments.map(async (attachment) =>
      "path" in attachment
        ? { filename: attachment.filename, contentType: attachment.contentType, path: attachment.path }
        : { filename: attachment.filename, contentType: attachment.contentType, content: await attachment.open() },
    ),
  );
}

/** The files attachments are read from (to tell a missing file from a failing server). */
export function attachmentPaths(attachments: readonly MailAttachment[]): string[] {
  return attachments.flatMap((attachment) => ("path" in attachment ? [attachment.path] : []));
}
