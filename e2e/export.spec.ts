import { readFile } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import ExcelJS from "exceljs";
import { signIn, snapshot, switchToKorean } from "./helpers";

async function openDataset(page: Page, title: string) {
  await page.goto("/datasets");
  await page.getByRole("link", { name: title }).click();
  await expect(page.getByRole("heading", { name: title })).toBeVisible();
}

function parseCsvLines(text: string): string[] {
  return text.replace(/^\uFEFF/, "").split("\r\n");
}

test("a manager downloads Q1 Sales as CSV: spinner while it starts, then a file with every row", async ({ page }) => {
  await signIn(page, "manager");
  await openDataset(page, "Q1 Sales");
  // Hold the response a moment so the waiting state can be seen.
  await page.route("**/api/export/**", async (route) => {
    await new Promise((r) => setTimeout(r, 800));
    await route.continue();
  });
  const csvButton = page.getByRole("button", { name: "Download CSV" });
  const downloading = page.waitForEvent("download");
  await csvButton.click();
  await expect(page.getByRole("status").filter({ hasText: "Preparing your download…" })).toBeVisible();
  await expect(csvButton).toBeDisabled();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^q1-sales_\d{8}_\d{6}\.csv$/);
  const text = await readFile(await download.path(), "utf8");
  expect(text.charCodeAt(0)).toBe(0xfeff);
  const lines = parseCsvLines(text);
  expect(lines[0]).toBe(
    "Order ID,Sale date,Region,Customer,Product,Category,Quantity,Unit price,Amount,Currency,Paid,Notes",
  );
  expect(lines.filter((l) => l.startsWith("SO-2025-"))).toHaveLength(3500);
  expect(text).toContain(",'@acme_corp,");
  await expect(page.getByTestId("toast").filter({ hasText: "Download started" })).toBeVisible();
  await expect(csvButton).toBeEnabled();
});

test("a manager downloads Q1 Sales as Excel and the workbook opens with all rows and the styling", async ({ page }) => {
  await signIn(page, "manager");
  await openDataset(page, "Q1 Sales");
  const downloading = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download Excel" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^q1-sales_\d{8}_\d{6}\.xlsx$/);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(new Uint8Array(await readFile(await download.path())).buffer);
  const sheet = workbook.worksheets[0]!;
  expect(sheet.actualRowCount).toBe(3501);
  expect(sheet.getRow(1).getCell(1).value).toBe("Order ID");
  expect((sheet.getRow(1).getCell(1).fill as ExcelJS.FillPattern).fgColor?.argb).toBe("FF4472C4");
  expect(typeof sheet.getRow(2).getCell(9).value).toBe("number");
  expect(workbook.getWorksheet("Export info")).toBeDefined();
});

test("options: a column subset, a rename and a filter shape the downloaded file", async ({ page }) => {
  await signIn(page, "manager");
  await openDataset(page, "Q1 Sales");
  await page.getByRole("button", { name: /Options/ }).click();
  const dialog = page.getByRole("dialog", { name: "Export options" });
  await dialog.getByRole("button", { name: "None", exact: true }).click();
  await dialog.getByRole("checkbox", { name: "Order ID", exact: true }).check();
  await dialog.getByRole("checkbox", { name: "Amount", exact: true }).check();
  await dialog.getByLabel("Header for Amount").fill("Total");
  await dialog.getByRole("button", { name: "+ Add filter" }).click();
  const filter = dialog.getByTestId("option-filter");
  await filter.getByLabel("Column").selectOption({ label: "Amount" });
  await filter.getByLabel("Condition").selectOption({ label: "less than" });
  await filter.getByLabel("Value", { exact: true }).fill("0");
  await snapshot(page, "export-options");
  await dialog.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByRole("button", { name: /Options/ })).toContainText("3 settings");

  const downloading = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download CSV" }).click();
  const lines = parseCsvLines(await readFile(await (await downloading).path(), "utf8")).filter(Boolean);
  expect(lines[0]).toBe("Order ID,Total");
  expect(lines.length).toBeGreaterThan(10);
  for (const line of lines.slice(1)) expect(Number(line.split(",")[1])).toBeLessThan(0);
});

test("a viewer sees the export buttons disabled with the reason, and a click explains without a request", async ({
  page,
}) => {
  await signIn(page, "viewer");
  await openDataset(page, "Q1 Sales");
  const exportRequests: string[] = [];
  page.on("request", (request) => {
    if (request.url().includes("/api/export/")) exportRequests.push(request.url());
  });
  for (const name of ["Download CSV", "Download Excel", "Download PDF"]) {
    const button = page.getByRole("button", { name });
    await expect(button).toHaveAttribute("aria-disabled", "true");
    await expect(button).toHaveAttribute("title", "You don't have permission to export");
  }
  // force: Playwright would wait for an aria-disabled button to become enabled; a person
  // can click it, and must be told why nothing happens.
  await page.getByRole("button", { name: "Download CSV" }).click({ force: true });
  await expect(page.getByTestId("toast")).toHaveText(/You don't have permission to export/);
  await snapshot(page, "dataset-viewer-export-denied");
  expect(exportRequests).toEqual([]);

  await switchToKorean(page);
  await expect(page.getByRole("button", { name: "CSV 다운로드" })).toHaveAttribute("title", "내보내기 권한이 없습니다");
  await page.getByRole("button", { name: "Excel 다운로드" }).click({ force: true });
  await expect(page.getByTestId("toast").filter({ hasText: "내보내기 권한이 없습니다" })).toBeVisible();
  expect(exportRequests).toEqual([]);
});
