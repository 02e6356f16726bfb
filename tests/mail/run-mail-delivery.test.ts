// The run's mail as it reaches a mail client: composed, sent over SMTP to a server started
// here, and parsed back from the source the server received.
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMailer } from "@/lib/mail/mailer";
import { sendWithRetries } from "@/lib/mail/send-mail";
import { composeRunMail, type RunMailInput } from "@/lib/schedules/run-mail";
import { startSmtpServer, type TestSmtp } from "./smtp-test-server";

let dir: string;
let filePath: string;
let bytes: Buffer;
let server: TestSmtp;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "outport-run-mail-"));
  filePath = path.join(dir, "stored-export");
  bytes = randomBytes(64_000);
  await writeFile(filePath, bytes);
  server = await startSmtpServer();
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

function input(overrides: Partial<RunMailInput> = {}): RunMailInput {
  return {
    locale: "ko",
    recipients: ["ana@example.com"],
    datasetTitle: "Q1 Sales",
    format: "csv",
    rows: 1200,
    size: bytes.length,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    fileName: "Q1 Sales.csv",
    attachFrom: { path: filePath },
    link: "https://outport.example.com/api/exports/7/file?sig=abc&exp=1",
    linkExpiresAt: new Date("2026-12-14T00:00:00Z"),
    linkDays: 7,
    timeZone: "Asia/Seoul",
    slotAt: new Date("2026-12-07T00:00:00Z"),
    trigger: "slot",
    missedSlots: 0,
    scheduleUrl: "https://outport.example.com/schedules",
    attachmentMaxBytes: 5 * 1024 * 1024,
    ...overrides,
  };
}

describe("a run's mail over SMTP", { timeout: 20_000 }, () => {
  it("arrives in Korean with its hash, link and the stored file attached byte for byte", async () => {
    const mail = composeRunMail(input());
    const smtp = createMailer({ smtpUrl: server.url(), from: "Outport <outport@outport.test>", dir });
    const outcome = await sendWithRetries(smtp, mail, { delaysSeconds: [0.05] });
    smtp.close();
    expect(outcome).toMatchObject({ ok: true, attempts: 1 });

    const parsed = await simpleParser(server.received.at(-1)!.source);
    expect(parsed.subject).toBe("Q1 Sales — 2026년 12월 7일 오전 9:00 CSV 내보내기");
    const sha = input().sha256;
    expect(parsed.text).toContain(sha);
    expect(parsed.text).toContain("https://outport.example.com/api/exports/7/file?sig=abc&exp=1");
    expect(parsed.html || "").toContain('href="https://outport.example.com/api/exports/7/file?sig=abc&amp;exp=1"');
    expect(parsed.attachments).toHaveLength(1);
    const [attachment] = parsed.attachments;
    expect(attachment!.filename).toBe("Q1 Sales.csv");
    expect(attachment!.contentType).toBe("text/csv");
    expect(createHash("sha256").update(attachment!.content).digest("hex")).toBe(sha);
  });

  it("keeps a dataset title with line breaks inside the subject, adding no header or recipient", async () => {
    const mail = composeRunMail(input({ locale: "en", datasetTitle: "Sales\r\nBcc: eve@evil.test\r\n\r\nHi" }));
    const smtp = createMailer({ smtpUrl: server.url(), from: "outport@outport.test", dir });
    await smtp.send(mail);
    smtp.close();
    const received = server.received.at(-1)!;
    expect(received.to).toEqual(["ana@example.com"]);
    const parsed = await simpleParser(received.source);
    expect(parsed.subject).toBe("Sales Bcc: eve@evil.test Hi — CSV export for Dec 7, 2026, 9:00 AM");
    expect(parsed.bcc).toBeUndefined();
    expect(parsed.headers.has("bcc")).toBe(false);
  });
});
