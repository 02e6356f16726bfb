// Applied export options made visible and kept, in the browser: the summary line under
// the export buttons says what will be exported (and when nothing would be), the preview
// shows the chosen columns, and a reload finds the options still applied.
import { expect, test, type Page } from "@playwright/test";
import { signIn, snapshot } from "./helpers";

async function openDataset(page: Page, title: string) {
  await page.goto("/datasets");
  await page.getByRole("link", { name: title }).click();
  await expect(page.getByRole("heading", { name: title })).toBeVisible();
}

const summary = (page: Page) => page.getByTestId("export-summary");
const previewHeaders = (page: Page) => page.getByTestId("preview-table").getByRole("columnheader");

test("a filter that matches nothing: the dialog and the summary line say the file would be empty", async ({ page }) => {
  await signIn(page, "manager");
  await openDataset(page, "Q1 Sales");
  await expect(summary(page)).toHaveText("All 3,500 records");
  await page.getByRole("button", { name: /^Options/ }).click();
  const dialog = page.getByRole("dialog", { name: "Export options" });
  await dialog.getByRole("button", { name: "+ Add filter" }).click();
  const filter = dialog.getByTestId("option-filter");
  await filter.getByLabel("Column").selectOption({ label: "Order ID" });
  await filter.getByLabel("Value", { exact: true }).fill("no such order");
  // The live count, before Apply.
  await expect(dialog.getByTestId("options-count")).toContainText("No records match these options");
  await dialog.getByRole("button", { name: "Apply" }).click();
  await expect(summary(page)).toContainText(
    'Order ID equals "no such order" · No records match these options — the file would be empty.',
  );
  await expect(page.getByRole("button", { name: /^Options/ })).toContainText("1 setting");
  // The preview shows what would be exported: nothing.
  await expect(page.getByText("No records match these options — the file would be empty.").last()).toBeVisible();
  await snapshot(page, "export-options-none");
});

test("three chosen columns: the preview shows those three, the line says 3 of 12, and a reload keeps them", async ({
  page,
}) => {
  await signIn(page, "manager");
  await openDataset(page, "Q1 Sales");
  await expect(previewHeaders(page)).toHaveCount(12);
  await page.getByRole("button", { name: /^Options/ }).click();
  const dialog = page.getByRole("dialog", { name: "Export options" });
  await dialog.getByRole("button", { name: "None", exact: true }).click();
  await dialog.getByRole("checkbox", { name: "Order ID", exact: true }).check();
  await dialog.getByRole("checkbox", { name: "Region", exact: true }).check();
  await dialog.getByRole("checkbox", { name: "Amount", exact: true }).check();
  await dialog.getByRole("button", { name: "Apply" }).click();

  await expect(summary(page)).toHaveText("3 of 12 columns · ≈ 3,500 records");
  await expect(previewHeaders(page)).toHaveText(["Order ID", "Region", "Amount"]);

  await page.reload();
  await expect(page.getByRole("heading", { name: "Q1 Sales" })).toBeVisible();
  await expect(summary(page)).toHaveText("3 of 12 columns · ≈ 3,500 records");
  await expect(previewHeaders(page)).toHaveText(["Order ID", "Region", "Amount"]);
  await expect(page.getByRole("button", { name: /^Options/ })).toContainText("1 setting");
  await snapshot(page, "export-options-columns");

  // The downloaded file has the same three columns.
  const downloading = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download CSV" }).click();
  const text = await (await downloading).createReadStream().then(async (stream) => {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  });
  expect(text.replace(/^\uFEFF/, "").split("\r\n")[0]).toBe("Order ID,Region,Amount");
});
