import { readFile } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import ExcelJS from "exceljs";
import { signIn, snapshot, switchToKorean } from "./helpers";

async function openDataset(page: Page, title: string) {
  await page.goto("/datasets");
  await page.getByRole("link", { name: title }).click();
  await expect(page.getByRole("heading", { name: title })).toBeVisible();
}

test("a manager exports Student Enrollment 2024 as Excel: the progress modal reaches 100 % and the file has every row", async ({
  page,
}) => {
  await signIn(page, "manager");
  await openDataset(page, "Student Enrollment 2024");
  const downloading = page.waitForEvent("download", { timeout: 60_000 });
  await page.getByRole("button", { name: "Download Excel" }).click();

  // Its title names the export while it runs, and then how it ended.
  const modal = page.getByTestId("export-progress");
  await expect(modal).toBeVisible();
  await expect(modal).toHaveAccessibleName(
    /^(Exporting Student Enrollment 2024 as Excel…|Student Enrollment 2024 exported as Excel)$/,
  );
  const bar = modal.getByRole("progressbar");
  await expect(bar).toBeVisible();
  // Whatever was seen on the way, the bar only ever grows and ends full.
  const seen: number[] = [];
  await expect
    .poll(
      async () => {
        const now = Number(await bar.getAttribute("aria-valuenow"));
        seen.push(now);
        return now;
      },
      { timeout: 60_000, intervals: [100] },
    )
    .toBe(100);
  seen.slice(1).forEach((value, i) => expect(value).toBeGreaterThanOrEqual(seen[i] ?? 0));
  expect(await bar.evaluate((el) => (el as HTMLElement).style.width)).toBe("100%");
  await expect(modal.getByText("8,500 / 8,500 records processed")).toBeVisible();
  await expect(modal.getByRole("status").filter({ hasText: "Download complete" })).toBeVisible();
  await snapshot(page, "job-modal-complete");

  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^student-enrollment-2024_\d{8}_\d{6}\.xlsx$/);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(new Uint8Array(await readFile(await download.path())).buffer);
  const sheet = workbook.worksheets[0]!;
  expect(sheet.actualRowCount).toBe(8501);
  expect((sheet.getRow(1).getCell(1).fill as ExcelJS.FillPattern).fgColor?.argb).toBe("FF4472C4");
  // The modal closes itself 2 s after the download started.
  await expect(modal).toBeHidden({ timeout: 5_000 });
});

test("an admin follows a large export in Korean to the end, and cancels the next one", async ({ page }) => {
  await signIn(page, "admin");
  await switchToKorean(page);
  await page.goto("/datasets");
  await page.getByRole("link", { name: "All Students 2024-2025" }).click();

  const downloading = page.waitForEvent("download", { timeout: 60_000 });
  await page.getByRole("button", { name: "Excel 다운로드" }).click();
  const modal = page.getByTestId("export-progress");
  await expect(modal).toBeVisible();
  await expect(modal).toHaveAccessibleName(/All Students 2024-2025.*Excel/);
  const bar = modal.getByRole("progressbar");
  // Caught while running (one poll, so a quick job cannot finish between two checks): records
  // processed and the time left — or, when the job is quicker than the first throughput
  // measurement, the line saying it is being estimated. The modal polls every 2 s and these
  // 75,000 rows take about as long, so the only running frame may be the first, at 0. The
  // ETA's wording in both languages is covered by the modal's component tests.
  const timeLeft = modal.getByText(/^(약 \d+(초|분) 남음|남은 시간을 계산하는 중…)$/);
  const records = modal.getByText(/^[\d,]+ \/ 75,000건 처리됨$/);
  await expect
    .poll(
      async () => {
        const now = Number((await bar.getAttribute("aria-valuenow", { timeout: 200 }).catch(() => null)) ?? 0);
        return now < 100 && (await timeLeft.isVisible()) && (await records.isVisible());
      },
      { timeout: 30_000, intervals: [50] },
    )
    .toBe(true);
  const [width, valueNow] = await bar.evaluate((el) => [
    (el as HTMLElement).style.width,
    el.getAttribute("aria-valuenow"),
  ]);
  expect(width).toBe(`${valueNow}%`);
  await snapshot(page, "job-modal-progress-ko");

  await expect(modal.getByRole("status").filter({ hasText: "다운로드가 완료되었습니다" })).toBeVisible({
    timeout: 60_000,
  });
  await expect(modal.getByText("75,000 / 75,000건 처리됨")).toBeVisible();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^all-students-2024-2025_\d{8}_\d{6}\.xlsx$/);
  await expect(modal).toBeHidden({ timeout: 5_000 });

  // The same export again, cancelled at once: 75,000 rows take seconds, the cancel does not.
  await page.getByRole("button", { name: "Excel 다운로드" }).click();
  await expect(modal).toBeVisible();
  await modal.getByRole("button", { name: "취소" }).click();
  await expect(modal.getByRole("status").filter({ hasText: "내보내기가 취소되었습니다" })).toBeVisible();
  await expect(bar).not.toHaveAttribute("aria-valuenow", "100");
  await snapshot(page, "job-modal-cancelled-ko");
  await modal.getByRole("button", { name: "닫기" }).click();
  await expect(modal).toBeHidden();
});
