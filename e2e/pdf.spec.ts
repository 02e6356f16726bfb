import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { signIn, snapshot } from "./helpers";

test("the admin exports Course Evaluations as a PDF with the page's charts: the modal completes and the file is a valid PDF", async ({
  page,
}) => {
  await signIn(page, "admin");
  await page.goto("/datasets");
  await page.getByRole("link", { name: "Course Evaluations" }).click();
  await expect(page.getByRole("heading", { name: "Course Evaluations" })).toBeVisible();
  // The charts the PDF will carry are drawn on the page.
  await expect(page.getByTestId("chart-category").locator("canvas")).toBeVisible();
  await expect(page.getByTestId("chart-month").locator("canvas")).toBeVisible();

  const downloading = page.waitForEvent("download", { timeout: 60_000 });
  await page.getByRole("button", { name: "Download PDF" }).click();
  const modal = page.getByTestId("export-progress");
  await expect(modal).toBeVisible();
  await expect(modal.getByRole("status").filter({ hasText: "Download complete" })).toBeVisible({ timeout: 60_000 });
  await expect(modal.getByText("1,200 / 1,200 records processed")).toBeVisible();
  await snapshot(page, "pdf-modal-complete");

  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^course-evaluations_\d{8}_\d{6}\.pdf$/);
  const bytes = await readFile(await download.path());
  expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
  expect(bytes.subarray(-32).toString()).toContain("%%EOF");
  const text = bytes.toString("latin1");
  // Two images (the page's two charts), each an XObject the pages paint.
  expect(text.match(/\/Subtype \/Image/g)?.length).toBeGreaterThanOrEqual(2);
  expect(Number(/\/Type \/Pages[\s\S]*?\/Count (\d+)/.exec(text)?.[1])).toBeGreaterThan(20);
});
