// The audit page a reviewer can use, in a real browser: an export shows up with its dataset
// by name (a link) and its details in words, the Export CSV button downloads the filtered
// trail as audit-YYYY-MM-DD.csv and is itself audited, axe finds nothing serious or critical
// on the page (the details' <dl> included), and at 390 px the filters wrap and the table
// scrolls inside its card.
import { readFile } from "node:fs/promises";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { signIn, snapshot } from "./helpers";
import { chooseLanguage, datasetId } from "./layout-helpers";

/** Serious and critical axe findings in the page's own content (the top bar is checked elsewhere). */
async function seriousViolations(page: Page) {
  const result = await new AxeBuilder({ page }).include("main").analyze();
  return result.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`);
}

test("an export appears by name with its details in words; the filtered trail downloads as CSV and is audited", async ({
  page,
}) => {
  await signIn(page, "admin");
  const id = await datasetId(page, "Q1 Sales");
  const download = await page.request.get(`/api/export/csv/${id}`);
  expect(download.status()).toBe(200);
  const bytes = (await download.body()).length;

  await page.goto(`/admin/audit?action=export_completed&dataset=${id}`);
  const row = page.getByTestId("audit-row").first();
  await expect(row.getByRole("link", { name: "Q1 Sales" })).toHaveAttribute("href", `/datasets/${id}`);
  await expect(row.getByTestId("audit-actor")).toHaveText("Ada Admin");
  await expect(row).toContainText(/Size:\s*\d+\.\d (KB|MB)/);
  await expect(row).toContainText(/Format:\s*CSV/);
  await expect(row).toContainText(/Delivery:\s*Downloaded directly/);
  await expect(row).not.toContainText(String(bytes));
  await expect(page.locator(`select[name="dataset"]`)).toHaveValue(String(id));
  expect(await seriousViolations(page)).toEqual([]);
  await snapshot(page, "audit-en-1280");

  const [file] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Export CSV" }).click(),
  ]);
  expect(file.suggestedFilename()).toMatch(/^audit-\d{4}-\d{2}-\d{2}\.csv$/);
  const text = (await readFile((await file.path())!, "utf8")).replace(/^\uFEFF/, "");
  const lines = text.split("\r\n").filter(Boolean);
  expect(lines[0]).toBe("Time (UTC),User,E-mail,Action,Target type,Target ID,Target,Details,IP address");
  expect(lines.length).toBeGreaterThan(1);
  for (const line of lines.slice(1)) expect(line).toContain("Export completed");
  expect(text).toContain("Q1 Sales");

  await page.goto("/admin/audit?action=audit_exported");
  const exportedRow = page.getByTestId("audit-row").first();
  await expect(exportedRow).toContainText("Audit trail exported");
  await expect(exportedRow).toContainText(`action: export_completed, dataset: ${id}`);
});

test("at 390 px the filters wrap and the table scrolls inside its card, in English and Korean", async ({
  page,
  baseURL,
}) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, "admin");
  for (const locale of ["en", "ko"] as const) {
    // The language switch sits in the folded menu on a phone; its cookie is what it sets.
    if (locale === "ko") await chooseLanguage(page, "ko", baseURL!);
    await page.goto("/admin/audit");
    const form = page.getByRole("form");
    const card = page.getByTestId("audit-table").locator("..");
    for (const box of [await form.boundingBox(), await card.boundingBox()]) {
      expect(box).not.toBeNull();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    }
    // The table is wider than the screen: its card scrolls, the page does not.
    expect(await card.evaluate((element) => element.scrollWidth > element.clientWidth)).toBe(true);
    const exportButton = page.getByTestId("audit-export");
    await exportButton.scrollIntoViewIfNeeded();
    const button = await exportButton.boundingBox();
    expect(button!.x + button!.width).toBeLessThanOrEqual(390);
    expect(await seriousViolations(page)).toEqual([]);
    await snapshot(page, `audit-${locale}-390`);
  }
});
