// The mailer against a real SMTP server started here, and in its file mode: what arrives is
// parsed back as a mail client would read it.
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { simpleParser } from "mailparser";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createMailer, mailer, MailRefused, type OutgoingMail } from "@/lib/mail/mailer";
import { smtpOptions } from "@/lib/mail/smtp-mailer";
import { closedPort, startSmtpServer, type TestSmtp } from "./smtp-test-server";

const FROM = "Outport Reports <reports@outport.test>";
let dir: string;
let attachmentPath: string;
let attachmentBytes: Buffer;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "outport-mail-"));
  attachmentPath = path.join(dir, "q1-sales.xlsx");
  attachmentBytes = randomBytes(150_000);
  await writeFile(attachmentPath, attachmentBytes);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function mail(overrides: Partial<OutgoingMail> = {}): OutgoingMail {
  return {
    to: ["ana@example.com", "bo@example.com"],
    subject: "Q1 Sales — Excel export für Montag",
    text: "The file is attached.\n",
    html: "<p>The file is <b>attached</b>.</p>",
    attachments: [
      {
        filename: "Q1 Sales.xlsx",
        path: attachmentPath,
        contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      },
    ],
    ...overrides,
  };
}

describe("createMailer over SMTP", { timeout: 20_000 }, () => {
  let server: TestSmtp | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  it("delivers subject, sender, recipients, both bodies and the attachment's exact bytes", async () => {
    server = await startSmtpServer();
    const smtp = createMailer({ smtpUrl: server.url(), from: FROM, dir });
    expect(smtp.mode).toBe("smtp");
    const sent = await smtp.send(mail());
    smtp.close();

    expect(sent.via).toBe("smtp");
    expect(server.received).toHaveLength(1);
    const [received] = server.received;
    expect(received!.to).toEqual(["ana@example.com", "bo@example.com"]);
    expect(received!.from).toBe("reports@outport.test");
    const parsed = await simpleParser(received!.source);
    expect(parsed.messageId).toBe(sent.messageId);
    expect(parsed.subject).toBe("Q1 Sales — Excel export für Montag");
    expect(parsed.from?.text).toBe('"Outport Reports" <reports@outport.test>');
    expect(parsed.text).toBe("The file is attached.\n");
    expect(parsed.html).toBe("<p>The file is <b>attached</b>.</p>");
    expect(parsed.headers.get("auto-submitted")).toBe("auto-generated");
    expect(parsed.attachments).toHaveLength(1);
    expect(parsed.attachments[0]!.filename).toBe("Q1 Sales.xlsx");
    expect(parsed.attachments[0]!.contentType).toBe(
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    );
    expect(Buffer.compare(parsed.attachments[0]!.content, attachmentBytes)).toBe(0);
  });

  it("signs in with the user and password of the URL, percent-encoding and all", async () => {
    const credentials = { user: "reports@outport.test", pass: "p@ss:w/rd%20é" };
    server = await startSmtpServer({ credentials });
    const smtp = createMailer({ smtpUrl: server.url(credentials), from: FROM, dir });
    const sent = await smtp.send(mail({ attachments: [] }));
    smtp.close();
    expect(sent.via).toBe("smtp");
    expect(server.received).toHaveLength(1);
  });

  it("refuses permanently on a wrong password (535), without the password or URL in the reason", async () => {
    server = await startSmtpServer({ credentials: { user: "reports", pass: "right-password" } });
    const url = server.url({ user: "reports", pass: "wrong-secret-99" });
    const smtp = createMailer({ smtpUrl: url, from: FROM, dir });
    const error = await smtp.send(mail()).catch((caught: unknown) => caught);
    smtp.close();
    expect(error).toBeInstanceOf(MailRefused);
    const refused = error as MailRefused;
    expect(refused.permanent).toBe(true);
    expect(refused.message).toContain("535");
    expect(refused.message).not.toContain("wrong-secret-99");
    expect(refused.message).not.toContain(url);
    expect(refused.message).not.toContain(String(server.port));
    expect(server.received).toHaveLength(0);
  });

  it("reports a 550 as permanent and a 451 as temporary, with the server's reply", async () => {
    let code = 550;
    server = await startSmtpServer({ refuseRecipient: () => code });
    const smtp = createMailer({ smtpUrl: server.url(), from: FROM, dir });
    const permanent = (await smtp.send(mail()).catch((caught: unknown) => caught)) as MailRefused;
    code = 451;
    const temporary = (await smtp.send(mail()).catch((caught: unknown) => caught)) as MailRefused;
    smtp.close();
    expect(permanent).toBeInstanceOf(MailRefused);
    expect(permanent.permanent).toBe(true);
    expect(permanent.message).toMatch(/^550 .*Mailbox unavailable/);
    expect(temporary).toBeInstanceOf(MailRefused);
    expect(temporary.permanent).toBe(false);
    expect(temporary.message).toMatch(/^451 .*try again later/);
  });

  it("sends to the recipients the server takes and names the ones it refused", async () => {
    server = await startSmtpServer({ refuseRecipient: (_call, address) => (address.startsWith("bo@") ? 550 : null) });
    const smtp = createMailer({ smtpUrl: server.url(), from: FROM, dir });
    const sent = await smtp.send(mail());
    smtp.close();
    expect(sent.rejected).toEqual(["bo@example.com"]);
    expect(server.received.map((received) => received.to)).toEqual([["ana@example.com"]]);
  });

  it("treats a refused connection as temporary, naming no address", async () => {
    const port = await closedPort();
    const smtp = createMailer({ smtpUrl: `smtp://user:hunter2secret@127.0.0.1:${port}`, from: FROM, dir });
    const error = (await smtp.send(mail()).catch((caught: unknown) => caught)) as MailRefused;
    smtp.close();
    expect(error).toBeInstanceOf(MailRefused);
    expect(error.permanent).toBe(false);
    expect(error.message).toContain("ECONNREFUSED");
    expect(error.message).not.toContain("hunter2secret");
    expect(error.message).not.toContain(String(port));
  });

  it("refuses permanently when the attached file is gone", async () => {
    server = await startSmtpServer();
    const smtp = createMailer({ smtpUrl: server.url(), from: FROM, dir });
    const missing = path.join(dir, "deleted-by-retention.csv");
    const error = (await smtp
      .send(mail({ attachments: [{ filename: "x.csv", path: missing, contentType: "text/csv" }] }))
      .catch((caught: unknown) => caught)) as MailRefused;
    smtp.close();
    expect(error).toBeInstanceOf(MailRefused);
    expect(error.permanent).toBe(true);
    expect(error.message).not.toContain(dir);
  });
});

describe("smtpOptions", () => {
  it("reads host, port, TLS and percent-encoded credentials from the URL", () => {
    expect(smtpOptions("smtps://a%40b.test:p%3Ass%2F@mail.example.com")).toMatchObject({
      host: "mail.example.com",
      port: 465,
      secure: true,
      auth: { user: "a@b.test", pass: "p:ss/" },
    });
    expect(smtpOptions("smtp://mail.example.com:2525")).toMatchObject({ port: 2525, secure: false });
    expect(smtpOptions("smtp://mail.example.com").auth).toBeUndefined();
  });

  it("rejects a URL of another scheme without repeating it", () => {
    expect(() => smtpOptions("http://user:topsecret@mail.example.com")).toThrow(/smtp:\/\/ or smtps:\/\//);
    expect(() => smtpOptions("http://user:topsecret@mail.example.com")).not.toThrow(/topsecret/);
    expect(() => smtpOptions("not a url topsecret")).not.toThrow(/topsecret/);
  });
});

describe("createMailer without SMTP: .eml files", () => {
  it("writes each mail as a private .eml file that parses back to the same mail", async () => {
    const mailDir = path.join(dir, "var", "mail");
    const files = createMailer({ smtpUrl: null, from: FROM, dir: mailDir });
    expect(files.mode).toBe("files");
    const first = await files.send(mail());
    const second = await files.send(mail({ subject: "Second" }));

    expect(first.via).toBe("file");
    expect(first.messageId).toMatch(/^\d{8}T\d{6}\.\d{3}Z-[0-9a-f]{12}\.eml$/);
    expect((await readdir(mailDir)).sort()).toEqual([first.messageId, second.messageId].sort());
    expect((await stat(mailDir)).mode & 0o777).toBe(0o700);
    const file = path.join(mailDir, first.messageId);
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    const parsed = await simpleParser(await readFile(file));
    expect(parsed.subject).toBe("Q1 Sales — Excel export für Montag");
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.text : "").toBe("ana@example.com, bo@example.com");
    expect(parsed.text).toBe("The file is attached.\n");
    expect(parsed.attachments[0]!.filename).toBe("Q1 Sales.xlsx");
    expect(Buffer.compare(parsed.attachments[0]!.content, attachmentBytes)).toBe(0);
  });

  it("leaves no partial file behind when the attachment cannot be read", async () => {
    const mailDir = path.join(dir, "broken");
    const files = createMailer({ smtpUrl: null, from: FROM, dir: mailDir });
    const error = (await files
      .send(mail({ attachments: [{ filename: "x.csv", path: path.join(dir, "nope.csv"), contentType: "text/csv" }] }))
      .catch((caught: unknown) => caught)) as MailRefused;
    expect(error).toBeInstanceOf(MailRefused);
    expect(error.permanent).toBe(true);
    expect(await readdir(mailDir)).toEqual([]);
  });
});

describe("mailer()", () => {
  const savedUrl = process.env.OUTPORT_SMTP_URL;
  const savedVar = process.env.OUTPORT_VAR_DIR;
  afterEach(() => {
    if (savedUrl === undefined) delete process.env.OUTPORT_SMTP_URL;
    else process.env.OUTPORT_SMTP_URL = savedUrl;
    if (savedVar === undefined) delete process.env.OUTPORT_VAR_DIR;
    else process.env.OUTPORT_VAR_DIR = savedVar;
  });

  it("is made once from the settings and made again when they change", () => {
    delete process.env.OUTPORT_SMTP_URL;
    process.env.OUTPORT_VAR_DIR = path.join(dir, "var-a");
    const first = mailer();
    expect(first.mode).toBe("files");
    expect(mailer()).toBe(first);

    process.env.OUTPORT_SMTP_URL = "smtp://127.0.0.1:2525";
    const second = mailer();
    expect(second.mode).toBe("smtp");
    expect(second).not.toBe(first);

    delete process.env.OUTPORT_SMTP_URL;
    process.env.OUTPORT_VAR_DIR = path.join(dir, "var-b");
    expect(mailer()).not.toBe(second);
    mailer().close();
  });
});
