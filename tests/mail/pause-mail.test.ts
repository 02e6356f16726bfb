// The notice that a schedule paused itself, to its owner or to the admins, in English and
// Korean: which schedule, why, what to do, and the way back to the schedules page.
import { describe, expect, it } from "vitest";
import { composePauseMail, type PauseMailInput } from "@/lib/schedules/pause-mail";

function input(overrides: Partial<PauseMailInput> = {}): PauseMailInput {
  return {
    locale: "en",
    to: ["manager@outport.local"],
    datasetTitle: "Q1 Sales",
    reason: "The owner may no longer export this dataset, so the schedule was paused.",
    ownerName: "Mina Manager",
    ownerEmail: "manager@outport.local",
    toAdmins: false,
    scheduleUrl: "https://outport.example.com/schedules",
    timeZone: "Asia/Seoul",
    at: new Date("2026-12-07T00:00:05Z"),
    ...overrides,
  };
}

function visibleText(html: string): string {
  return html
    .replace(/<[^>]*>/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

describe("composePauseMail", () => {
  it("tells the owner their schedule paused, why, and to ask for the right or edit it, then resume", () => {
    const mail = composePauseMail(input());
    expect(mail.to).toEqual(["manager@outport.local"]);
    expect(mail.subject).toBe("Your scheduled export of Q1 Sales is paused");
    for (const body of [mail.text, visibleText(mail.html)]) {
      expect(body).toContain("Your schedule for Q1 Sales paused itself");
      expect(body).toContain("The owner may no longer export this dataset, so the schedule was paused.");
      expect(body).toContain("ask an administrator to give you the right back, or edit the schedule");
      expect(body).toContain("then resume it");
      expect(body).toContain("Dec 7, 2026, 9:00 AM (Asia/Seoul)");
      expect(body).toContain("https://outport.example.com/schedules");
      expect(body).not.toContain("Owner");
    }
    expect(mail.html).toContain('<a href="https://outport.example.com/schedules"');
    expect(mail).not.toHaveProperty("attachments");
  });

  it("tells the admins whose schedule it is", () => {
    const mail = composePauseMail(input({ to: ["admin@outport.local"], toAdmins: true }));
    expect(mail.subject).toBe("The scheduled export of Q1 Sales by Mina Manager is paused");
    for (const body of [mail.text, visibleText(mail.html)]) {
      expect(body).toContain("The schedule of Mina Manager (manager@outport.local) for Q1 Sales paused itself");
      expect(body).toContain("Mina Manager <manager@outport.local>");
      expect(body).toContain("restore the owner's account or right, or edit the schedule; then resume it");
      expect(body).not.toContain("ask an administrator");
    }
  });

  it("names the owner by e-mail when they have no name", () => {
    const mail = composePauseMail(input({ toAdmins: true, ownerName: "  " }));
    expect(mail.subject).toBe("The scheduled export of Q1 Sales by manager@outport.local is paused");
  });

  it("escapes the title, the owner's name and the reason in the HTML", () => {
    const mail = composePauseMail(
      input({ toAdmins: true, datasetTitle: "<script>alert(1)</script>", ownerName: `A & B "x"`, reason: "<b>x</b>" }),
    );
    expect(mail.html).not.toMatch(/<script>|<b>x<\/b>/);
    expect(mail.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(mail.html).toContain("A &amp; B &quot;x&quot; &lt;manager@outport.local&gt;");
    expect(mail.text).toContain(`A & B "x" <manager@outport.local>`);
  });

  it("writes the owner's notice in Korean", () => {
    const mail = composePauseMail(
      input({ locale: "ko", reason: "소유자가 더 이상 이 데이터셋을 내보낼 수 없어 예약을 일시 중지했습니다." }),
    );
    expect(mail.subject).toBe("Q1 Sales 예약 내보내기가 일시 중지되었습니다");
    for (const body of [mail.text, visibleText(mail.html)]) {
      expect(body).toContain("Q1 Sales 예약이 일시 중지되어, 다시 시작할 때까지 실행되지 않습니다.");
      expect(body).toContain("소유자가 더 이상 이 데이터셋을 내보낼 수 없어 예약을 일시 중지했습니다.");
      expect(body).toContain("관리자에게 권한을 다시 요청");
      expect(body).toContain("2026년 12월 7일 오전 9:00 (Asia/Seoul)");
    }
    expect(mail.html).toMatch(/<html lang="ko">/);
  });

  it("writes the admins' notice in Korean", () => {
    const mail = composePauseMail(input({ locale: "ko", toAdmins: true }));
    expect(mail.subject).toBe("Mina Manager님의 Q1 Sales 예약 내보내기가 일시 중지되었습니다");
    expect(mail.text).toContain("Mina Manager(manager@outport.local)님의 Q1 Sales 예약이 일시 중지되어");
    expect(mail.text).toContain("소유자의 계정이나 권한을 복구");
    expect(mail.text).toContain("소유자:");
  });
});
