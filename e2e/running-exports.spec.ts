import { readFile } from "node:fs/promises";
import { expect, test, type Locator } from "@playwright/test";
import ExcelJS from "exceljs";
import { signIn, snapshot } from "./helpers";

test("a background export outlives its closed modal and a page change, then offers its download from the top bar", async ({
  page,
}) => {
  await signIn(page, "admin");
  await page.goto("/datasets");
  await page.getByRole("link", { name: "All Students 2024-2025" }).click();
  await expect(page.getByRole("heading", { name: "All Students 2024-2025" })).toBeVisible();

  // Any download the page starts by itself would be the modal's: there must be none.
  const downloads: string[] = [];
  page.on("download", (download) => downloads.push(download.suggestedFilename()));

  await page.getByRole("button", { name: "Download Excel" }).click();
  const modal = page.getByTestId("export-progress");
  await expect(modal).toBeVisible();
  await modal.getByRole("button", { name: "Close" }).click();
  await expect(modal).toBeHidden();
  await expect(
    page.getByTestId("toast").filter({ hasText: "Still exporting — follow it in the top bar." }),
  ).toBeVisible();

  // Another page, reached through the top bar: the indicator is part of the layout.
  await page.getByRole("navigation").getByRole("link", { name: "Export history" }).click();
  await expect(page).toHaveURL(/\/export\/history$/);
  const indicator = page.getByRole("button", { name: /^Exports/ });
  await expect(indicator).toBeVisible();
  await expect(page.getByTestId("running-exports-count")).toHaveText(/1/);
  await indicator.click();
  const panel = page.getByRole("region", { name: "Your exports" });
  const entry = panel.getByTestId("running-export");
  await expect(entry).toContainText("All Students 2024-2025 · Excel");
  // Running (progress and Cancel) or, on a quick machine, already Ready.
  await expect(entry.getByRole("progressbar").or(entry.getByText("Ready"))).toBeVisible();
  await snapshot(page, "running-exports-panel");
  await page.keyboard.press("Escape");
  await expect(panel).toBeHidden();
  await expect(indicator).toBeFocused();

  // It finishes: a toast offers the file, and the indicator keeps it as Ready.
  const toast = page.getByTestId("toast").filter({ hasText: "Your export is ready: All Students 2024-2025 · Excel" });
  await expect(toast).toBeVisible({ timeout: 90_000 });
  await indicator.click();
  await expect(entry.getByText("Ready")).toBeVisible();
  await page.keyboard.press("Escape");
  expect(downloads).toEqual([]);

  const downloading = page.waitForEvent("download");
  await toast.getByRole("link", { name: "Download" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^all-students-2024-2025_\d{8}_\d{6}\.xlsx$/);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(new Uint8Array(await readFile(await download.path())).buffer);
  expect(workbook.worksheets[0]!.actualRowCount).toBe(75_001);

  // Downloaded: nothing is left in the top bar.
  await expect(indicator).toBeHidden();
});

function overlaps(a: { x: number; y: number; width: number; height: number }, b: typeof a): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

async function box(locator: Locator) {
  const found = await locator.boundingBox();
  if (!found) throw new Error("not on screen");
  return found;
}

test("at 390 px, toasts stay clear of the preview's pager and the export buttons, and repeated ones do not stack", async ({
  page,
}) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, "viewer");
  await page.goto("/datasets");
  await page.getByRole("link", { name: "Q1 Sales" }).click();
  const csv = page.getByRole("button", { name: "Download CSV" });
  // aria-disabled: Playwright would wait for it to be enabled; a person can still click it.
  for (let i = 0; i < 4; i++) await csv.click({ force: true });
  const toasts = page.getByTestId("toast");
  await expect(toasts).toHaveCount(1);
  const toast = await box(toasts.first());
  expect(toast.x).toBeGreaterThanOrEqual(0);
  expect(toast.x + toast.width).toBeLessThanOrEqual(390);
  for (const control of [csv, page.getByRole("button", { name: "Next" })]) {
    if (await control.isVisible()) expect(overlaps(toast, await box(control))).toBe(false);
  }
  await snapshot(page, "toast-390");
});
