// Scheduled exports in a real browser: a manager opens Q1 Sales, presses Schedule…, sets
// weekly on Monday at 09:00 as Excel and saves; the schedule shows its next run. Run now
// starts a run that reaches "Delivered" (the browser suite's server has no SMTP, so the
// mail is written as a file and the page says delivery is off), with its file: Download
// gives a workbook, and the history link shows its row. Then the page reads in Korean.
import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { signIn, snapshot, switchToKorean } from "./helpers";
import { expectNoSidewaysScroll, expectOnScreen } from "./layout-helpers";

test("a manager schedules Q1 Sales weekly as Excel, runs it now and gets its file", async ({ page }) => {
  // A run exports, then writes its mail: more than the default minute on a loaded machine.
  test.setTimeout(120_000);
  // One recipient of this test's own, to find its schedule among any a reused server kept.
  const recipient = `team-${Date.now()}@example.com`;
  await signIn(page, "manager");
  await page.getByRole("link", { name: "Q1 Sales" }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: "Q1 Sales" })).toBeVisible();
  await page.getByRole("link", { name: "Schedule…" }).click();

  const dialog = page.getByRole("dialog", { name: "New schedule" });
  await expect(dialog).toBeVisible();
  // The address drops ?new= once the form is open, so a reload does not open it again.
  await expect(page).toHaveURL(/\/schedules$/);
  await expect(dialog.getByLabel("Dataset")).toHaveValue(/\d+/);
  await expect(dialog.getByLabel("Dataset").locator("option:checked")).toHaveText("Q1 Sales");
  await dialog.getByLabel("Format").selectOption({ label: "Excel" });
  await dialog.getByRole("radio", { name: "Weekly" }).check();
  for (const day of ["Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]) {
    await expect(dialog.getByRole("checkbox", { name: day })).not.toBeChecked();
  }
  await dialog.getByRole("checkbox", { name: "Monday" }).check();
  await dialog.getByLabel("Time", { exact: true }).fill("09:00");
  await expect(dialog.getByLabel("Recipients")).toHaveValue("manager@outport.local");
  await dialog.getByLabel("Recipients").fill(`manager@outport.local\n${recipient}`);
  await dialog.getByRole("button", { name: "Create schedule" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText("Schedule created")).toBeVisible();

  const card = page.getByTestId("schedule").filter({ hasText: recipient });
  await expect(card).toHaveCount(1);
  await expect(card.getByRole("heading", { name: "Q1 Sales" })).toBeVisible();
  await expect(card.getByTestId("schedule-format")).toHaveText("Excel");
  await expect(card.getByTestId("schedule-when")).toHaveText("Every Monday at 09:00");
  await expect(card.getByTestId("schedule-next-run").locator("time")).toHaveAttribute("datetime", /^\d{4}-/);
  await expect(card.getByTestId("schedule-enabled")).toHaveText("Active");
  await expect(card.getByTestId("runs-empty")).toBeVisible();
  // No mail server in the browser suite: the page says mail is written as files.
  await expect(page.getByTestId("mail-off")).toContainText("E-mail delivery is off");

  await card.getByRole("button", { name: "Run now: Q1 Sales" }).click();
  await expect(page.getByText("Run started")).toBeVisible();
  const run = card.getByTestId("run").first();
  await expect(run.getByTestId("run-trigger")).toHaveText("Run now");
  // The list is read again while the run is on its way, until it is delivered.
  await expect(run.getByTestId("run-state")).toHaveAttribute("data-state", "delivered", { timeout: 90_000 });
  await expect(run.getByTestId("run-state")).toHaveText("Delivered");
  await expect(run.getByTestId("run-delivery")).toHaveAttribute("data-delivery", "written");
  await expect(card.getByTestId("last-run-state")).toHaveText("Delivered");
  const file = run.getByTestId("run-file");
  await expect(file).toContainText(/\.xlsx/);
  await expect(run.getByTestId("run-sha256")).toHaveAttribute("title", /^[0-9a-f]{64}$/);
  await snapshot(page, "schedules-delivered");

  // On a phone the card, its actions and its run's file fit the window.
  await page.setViewportSize({ width: 390, height: 844 });
  await expectNoSidewaysScroll(page, "the schedules page with a delivered run");
  await expectOnScreen(page, card.getByRole("button", { name: "Run now: Q1 Sales" }), "Run now");
  await expectOnScreen(page, card.getByRole("button", { name: "Delete: Q1 Sales" }), "Delete");
  await expectOnScreen(page, run.getByTestId("run-download"), "Download");
  await expectOnScreen(page, run.getByTestId("run-history"), "In the history");
  await snapshot(page, "schedules-phone");
  await page.setViewportSize({ width: 1280, height: 900 });

  const downloading = page.waitForEvent("download");
  await run.getByTestId("run-download").click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
  const bytes = await readFile((await download.path())!);
  // A workbook is a zip archive.
  expect(bytes.subarray(0, 2).toString("latin1")).toBe("PK");

  const historyLink = run.getByTestId("run-history");
  const href = await historyLink.getAttribute("href");
  const jobId = new URL(href ?? "", "http://x").searchParams.get("job");
  expect(jobId).toBeTruthy();
  await historyLink.click();
  await expect(page).toHaveURL(/\/export\/history\?job=/);
  const row = page.locator(`[data-testid="history-row"][data-job-id="${jobId}"]`);
  await expect(row).toBeVisible();
  await expect(row).toHaveAttribute("aria-current", "true");
  await expect(row).toContainText("Q1 Sales");
  await expect(row).toBeInViewport();

  // The same page in Korean.
  await page.goto("/schedules");
  await switchToKorean(page);
  await expect(page.getByRole("heading", { level: 1, name: "예약 내보내기" })).toBeVisible();
  await expect(page.getByRole("navigation").getByRole("link", { name: "예약", exact: true })).toBeVisible();
  const koCard = page.getByTestId("schedule").filter({ hasText: recipient });
  await expect(koCard.getByTestId("schedule-when")).toHaveText("매주 월요일 09:00");
  await expect(koCard.getByTestId("schedule-enabled")).toHaveText("사용 중");
  await expect(koCard.getByRole("button", { name: "지금 실행: Q1 Sales" })).toBeVisible();
  await expect(koCard.getByTestId("run").first().getByTestId("run-state")).toHaveText("전달됨");
  await expect(koCard.getByTestId("run").first().getByTestId("run-trigger")).toHaveText("지금 실행");
  await expect(koCard.getByTestId("run-history").first()).toHaveText("내역에서 보기");
  await expect(page.getByTestId("mail-off")).toContainText("메일 발송이 꺼져 있습니다");
  await snapshot(page, "schedules-ko");
  // Back to English for the specs after this one (the choice is stored with the user too).
  await page.getByRole("button", { name: "English" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Scheduled exports" })).toBeVisible();

  // Deleting it leaves the other specs a server as they found it.
  await page
    .getByTestId("schedule")
    .filter({ hasText: recipient })
    .getByRole("button", { name: "Delete: Q1 Sales" })
    .click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete schedule" }).click();
  await expect(page.getByTestId("schedule").filter({ hasText: recipient })).toHaveCount(0);
});

test("a viewer is told scheduling needs the manager role, and Schedule… explains itself", async ({ page }) => {
  await signIn(page, "viewer");
  await expect(page.getByRole("navigation").getByRole("link", { name: "Schedules" })).toHaveCount(0);
  await page.goto("/schedules");
  await expect(page.getByTestId("schedules-viewer")).toContainText("needs the manager role");
  await expect(page.getByRole("button", { name: "New schedule" })).toHaveCount(0);
  await page.goto("/datasets");
  await page.getByRole("link", { name: "Q1 Sales" }).first().click();
  const button = page.getByRole("button", { name: "Schedule…" });
  await expect(button).toHaveAttribute("aria-disabled", "true");
  // aria-disabled, which Playwright will not click unless forced: the click must still explain itself.
  await button.click({ force: true });
  await expect(page.getByRole("alert").filter({ hasText: "You don't have permission to export" })).toBeVisible();
});
