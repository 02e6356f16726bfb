// The mail a scheduled run sends, in English and Korean: the facts in both bodies, values
// escaped in the HTML, the catch-up and "Run now" wording, and the attachment decision
// measured as the attachment is sent (base64 and line breaks included).
import { describe, expect, it } from "vitest";
import { config } from "@/lib/config";
import { composeRunMail, encodedSize, type RunMailInput } from "@/lib/schedules/run-mail";

const MiB = 1024 * 1024;
const SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
const LINK = "https://outport.example.com/api/files/signed?token=abc&sig=d%2Fe";

function input(overrides: Partial<RunMailInput> = {}): RunMailInput {
  return {
    locale: "en",
    recipients: ["ana@example.com"],
    datasetTitle: "Q1 Sales",
    format: "excel",
    rows: 1234567,
    size: 48_213,
    sha256: SHA,
    fileName: "Q1 Sales 2026-12-07.xlsx",
    attachFrom: { path: "/var/outport/exports/abc.xlsx" },
    link: LINK,
    // 09:00 in Seoul on Monday 7 December 2026, and seven days later.
    slotAt: new Date("2026-12-07T00:00:00Z"),
    linkExpiresAt: new Date("2026-12-14T00:00:30Z"),
    linkDays: 7,
    timeZone: "Asia/Seoul",
    trigger: "slot",
    missedSlots: 0,
    scheduleUrl: "https://outport.example.com/schedules",
    attachmentMaxBytes: 5 * MiB,
    ...overrides,
  };
}

/** The HTML as a reader sees it: tags dropped, the five references read back. */
function visibleText(html: string): string {
  return html
    .replace(/<[^>]*>/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

describe("encodedSize", () => {
  it.each([
    [0, 0],
    [1, 6], // "AA==" and a CRLF
    [3, 6],
    [57, 78], // exactly one full line of 76 characters
    [58, 84], // 80 characters: two lines
    [5 * MiB, 7_174_470], // 6,990,508 characters on 91,981 lines
  ])("%i bytes go out as %i", (bytes, sent) => {
    expect(encodedSize(bytes)).toBe(sent);
  });
});

describe("composeRunMail in English", () => {
  it("names the dataset, format and slot in the zone, in the subject and both bodies", () => {
    const mail = composeRunMail(input());
    expect(mail.subject).toBe("Q1 Sales — Excel export for Dec 7, 2026, 9:00 AM");
    expect(mail.to).toEqual(["ana@example.com"]);
    for (const body of [mail.text, visibleText(mail.html)]) {
      expect(body).toContain("Here is the scheduled Excel export of Q1 Sales.");
      expect(body).toContain("Dec 7, 2026, 9:00 AM (Asia/Seoul)");
      expect(body).toContain("1,234,567");
      expect(body).toContain("47.1 KB");
      expect(body).toContain(SHA);
      expect(body).toContain(LINK);
      expect(body).toContain("valid for 7 days, until Dec 14, 2026, 9:00 AM (Asia/Seoul):");
      expect(body).toContain("The file is attached.");
      expect(body).toContain("sha256sum 'Q1 Sales 2026-12-07.xlsx'");
      expect(body).toContain(`Sent by ${config.organisation}`);
    }
    expect(mail.text).toContain("Manage the schedules: https://outport.example.com/schedules");
    expect(mail.html).toMatch(/<a href="https:\/\/outport.example.com\/schedules"[^>]*>Manage the schedules<\/a>/);
  });

  it("attaches the stored file with the format's content type", () => {
    const mail = composeRunMail(input());
    expect(mail.attached).toBe(true);
    expect(mail.attachments).toEqual([
      {
        filename: "Q1 Sales 2026-12-07.xlsx",
        path: "/var/outport/exports/abc.xlsx",
        contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      },
    ]);
    const gzipped = composeRunMail(
      input({ format: "csv", fileName: "q1.csv.gz", attachFrom: { path: "/x/q1.csv.gz" } }),
    );
    expect(gzipped.attachments?.[0]?.contentType).toBe("application/gzip");
    const csv = composeRunMail(input({ format: "csv", fileName: "q1.csv", attachFrom: { path: "/x/q1.csv" } }));
    expect(csv.attachments?.[0]?.contentType).toBe("text/csv; charset=utf-8");
  });

  it("writes the hash in monospace and the link as an escaped href in the HTML", () => {
    const { html } = composeRunMail(input());
    expect(html).toMatch(new RegExp(`<td style="[^"]*monospace[^"]*">${SHA}</td>`));
    expect(html).toContain(`<a href="https://outport.example.com/api/files/signed?token=abc&amp;sig=d%2Fe"`);
    expect(html).not.toMatch(/<img|<link|<script|<style/i);
    expect(html).toMatch(/^<!DOCTYPE html><html lang="en">/);
  });

  it("escapes a dataset title and file name that look like HTML, and keeps the text plain", () => {
    const hostile = composeRunMail(
      input({ datasetTitle: "<script>alert(1)</script>", fileName: `A & B "x" 'y'.xlsx` }),
    );
    expect(hostile.html).not.toContain("<script>");
    expect(hostile.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(hostile.html).toContain("A &amp; B &quot;x&quot; &#39;y&#39;.xlsx");
    expect(hostile.text).toContain("<script>alert(1)</script>");
    expect(hostile.text).toContain(`A & B "x" 'y'.xlsx`);
    expect(hostile.text).not.toMatch(/<(p|td|a|br|table)\b/);
    expect(hostile.text).toContain(`sha256sum 'A & B "x" '\\''y'\\''.xlsx'`);
    expect(composeRunMail(input({ datasetTitle: `A & B "x"` })).html).toContain("A &amp; B &quot;x&quot;");
  });

  it("keeps the subject on one line whatever the dataset is called", () => {
    const mail = composeRunMail(input({ datasetTitle: "Sales\r\nBcc: eve@evil.test\t\u0000x" }));
    expect(mail.subject).toBe("Sales Bcc: eve@evil.test x — Excel export for Dec 7, 2026, 9:00 AM");
  });

  it("escapes a link that tries to leave its attribute, and never makes a non-web link clickable", () => {
    const breaking = composeRunMail(input({ link: `https://x.test/?a="><script>alert(1)</script>` }));
    expect(breaking.html).toContain(`href="https://x.test/?a=&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"`);
    const scripted = composeRunMail(input({ link: "javascript:alert(1)" }));
    expect(scripted.html).not.toContain('href="javascript:');
  });

  it("says a catch-up run is one, for one and for several missed runs", () => {
    const several = composeRunMail(input({ trigger: "catch_up", missedSlots: 3 }));
    expect(several.subject).toBe("Q1 Sales — Excel export for Dec 7, 2026, 9:00 AM (catch-up for 3 missed runs)");
    expect(several.text).toContain("3 scheduled runs were missed");
    expect(visibleText(several.html)).toContain("3 scheduled runs were missed");
    const one = composeRunMail(input({ trigger: "catch_up", missedSlots: 1 }));
    expect(one.subject).toContain("(catch-up for a missed run)");
    expect(one.text).toContain("a scheduled run was missed");
  });

  it('says a manual run was started with "Run now"', () => {
    const mail = composeRunMail(input({ trigger: "manual" }));
    expect(mail.subject).toBe("Q1 Sales — Excel export, run now (Dec 7, 2026, 9:00 AM)");
    expect(mail.text).toContain('started with "Run now"');
    expect(mail.text).toContain("Started:");
  });

  it("links instead of attaching a 5 MB file, since base64 makes it 6.8 MB, and says why", () => {
    const mail = composeRunMail(input({ size: 5 * MiB }));
    expect(mail.attached).toBe(false);
    expect(mail.attachments).toEqual([]);
    const why = "The file is 5.0 MB (6.8 MB as an attachment), over the 5.0 MB limit for attachments";
    expect(mail.text).toContain(why);
    expect(visibleText(mail.html)).toContain(why);
    expect(mail.text).not.toContain("The file is attached.");
  });

  it("attaches just under the limit as sent, and links at and over it", () => {
    // 3,000 bytes go out as 4,000 base64 characters on 53 lines: 4,106 bytes.
    expect(encodedSize(3000)).toBe(4106);
    expect(composeRunMail(input({ size: 3000, attachmentMaxBytes: 4107 })).attached).toBe(true);
    expect(composeRunMail(input({ size: 3000, attachmentMaxBytes: 4106 })).attached).toBe(false);
    expect(composeRunMail(input({ size: 3000, attachmentMaxBytes: 4105 })).attached).toBe(false);
    // On disk the file is under the limit; as sent it is not.
    expect(composeRunMail(input({ size: 3001, attachmentMaxBytes: 4000 })).attached).toBe(false);
  });

  it("never attaches without a stored file, and says to use the link", () => {
    const mail = composeRunMail(input({ attachFrom: null, size: 10 }));
    expect(mail.attached).toBe(false);
    expect(mail.attachments).toEqual([]);
    expect(mail.text).toContain("The file is not attached: download it with the link.");
  });
});

describe("composeRunMail in Korean", () => {
  it("writes the subject, times and sentences in Korean, with the same hash and link", () => {
    const mail = composeRunMail(input({ locale: "ko" }));
    expect(mail.subject).toBe("Q1 Sales — 2026년 12월 7일 오전 9:00 Excel 내보내기");
    for (const body of [mail.text, visibleText(mail.html)]) {
      expect(body).toContain("Q1 Sales의 예약된 Excel 내보내기입니다.");
      expect(body).toContain("7일 동안, 2026년 12월 14일 오전 9:00 (Asia/Seoul)까지 유효합니다.");
      expect(body).toContain("1,234,567");
      expect(body).toContain(SHA);
      expect(body).toContain(LINK);
      expect(body).toContain("파일이 첨부되어 있습니다.");
    }
    expect(mail.html).toMatch(/^<!DOCTYPE html><html lang="ko">/);
    expect(mail.text).not.toMatch(/Dataset|Rows|attached/);
  });

  it("says catch-up, run now and too large in Korean", () => {
    expect(composeRunMail(input({ locale: "ko", trigger: "catch_up", missedSlots: 4 })).subject).toBe(
      "Q1 Sales — 2026년 12월 7일 오전 9:00 Excel 내보내기 (놓친 실행 4회 보충)",
    );
    expect(composeRunMail(input({ locale: "ko", trigger: "manual" })).subject).toBe(
      "Q1 Sales — Excel 내보내기, 지금 실행 (2026년 12월 7일 오전 9:00)",
    );
    const large = composeRunMail(input({ locale: "ko", size: 12.3 * MiB }));
    expect(large.attached).toBe(false);
    expect(large.text).toContain(
      "파일 크기가 12.3 MB(첨부하면 16.8 MB)로 첨부 한도 5.0 MB를 넘어 첨부하지 않았습니다.",
    );
  });
});
