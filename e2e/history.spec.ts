// The export history and the audit trail in a real browser: a manager downloads an earlier
// export (the count goes up) and deletes another; the admin sees both users' exports and
// finds the manager's actions in the audit trail. A direct download is in the history too,
// with the SHA-256 of the bytes the browser got, and can be exported again.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import { signIn, snapshot, switchToKorean, USERS } from "./helpers";

type Accepted = { job_id: string };

/** Queues an export through the API with the page's session and waits for its file. */
async function finishedExport(page: Page, title: string, format: string): Promise<string> {
  const datasets = (await (await page.request.get("/api/datasets")).json()) as Array<{ id: number; title: string }>;
  const dataset = datasets.find((d) => d.title === title);
  expect(dataset, title).toBeDefined();
  const created = await page.request.post("/api/export/async", { data: { dataset_id: dataset?.id, format } });
  expect(created.status()).toBe(202);
  const { job_id } = (await created.json()) as Accepted;
  await expect
    .poll(
      async () =>
        ((await (await page.request.get(`/api/export/status/${job_id}`)).json()) as { status: string }).status,
      {
        timeout: 60_000,
      },
    )
    .toBe("completed");
  return job_id;
}

const row = (page: Page, jobId: string) => page.locator(`[data-testid="history-row"][data-job-id="${jobId}"]`);

test("a manager downloads an earlier export from the history (the count goes up) and deletes another", async ({
  page,
}) => {
  await signIn(page, "manager");
  const csvJob = await finishedExport(page, "Q1 Sales", "csv");
  const jsonJob = await finishedExport(page, "Q1 Sales", "json");

  await page.getByRole("link", { name: "Export history" }).click();
  await expect(page.getByRole("heading", { name: "Export history" })).toBeVisible();
  const csvRow = row(page, csvJob);
  await expect(csvRow).toContainText("Q1 Sales");
  await expect(csvRow).toContainText("CSV");
  await expect(csvRow.getByText("Completed")).toHaveClass(/bg-green-100/);
  await expect(csvRow.getByTestId("history-size")).toHaveText(/^\d+(\.\d)? (B|KB|MB)$/);
  await expect(csvRow.getByTestId("history-downloads")).toHaveText("Not downloaded yet");
  await snapshot(page, "history-manager");

  const downloading = page.waitForEvent("download");
  await csvRow.getByRole("button", { name: "Download" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^q1-sales_\d{8}_\d{6}\.csv$/);
  const csv = await readFile(await download.path(), "utf8");
  expect(csv.split("\r\n")[0]).toContain("Region");
  await expect(csvRow.getByTestId("history-downloads")).toHaveText("Downloaded 1 time");
  // The server counted it: a fresh page says so too.
  await page.reload();
  await expect(row(page, csvJob).getByTestId("history-downloads")).toHaveText("Downloaded 1 time");

  await row(page, jsonJob).getByRole("button", { name: "Delete" }).click();
  const dialog = page.getByRole("dialog", { name: "Delete this export?" });
  await expect(dialog).toContainText("The JSON export of Q1 Sales");
  await snapshot(page, "history-delete-confirm");
  await dialog.getByRole("button", { name: "Delete export" }).click();
  await expect(row(page, jsonJob)).toHaveCount(0);
  await expect(page.getByRole("status").filter({ hasText: "Export deleted." })).toBeVisible();
  await page.reload();
  await expect(row(page, csvJob)).toBeVisible();
  await expect(row(page, jsonJob)).toHaveCount(0);

  // The format filter narrows the list on the server.
  await page.getByLabel("Format filter").selectOption("excel");
  await expect(row(page, csvJob)).toHaveCount(0);
  await page.getByLabel("Format filter").selectOption("csv");
  await expect(row(page, csvJob)).toBeVisible();
});

test("the admin sees both users' exports in Korean and the manager's actions in the audit trail", async ({ page }) => {
  await signIn(page, "manager");
  const managerJob = await finishedExport(page, "Q1 Sales", "csv");
  const deletedJob = await finishedExport(page, "Q1 Sales", "ndjson");
  expect((await page.request.delete(`/api/export/history/${deletedJob}`)).status()).toBe(204);
  await page.context().clearCookies();

  await signIn(page, "admin");
  const adminJob = await finishedExport(page, "Evaluation Results", "excel");
  await switchToKorean(page);
  await page.getByRole("link", { name: "내보내기 내역" }).click();
  await expect(page.getByRole("heading", { name: "내보내기 내역" })).toBeVisible();
  await expect(row(page, managerJob).getByTestId("history-user")).toContainText(USERS.manager.email);
  await expect(row(page, adminJob).getByTestId("history-user")).toContainText(USERS.admin.email);
  await expect(row(page, managerJob).getByText("완료")).toHaveClass(/bg-green-100/);
  await expect(row(page, managerJob).getByRole("button", { name: "다운로드" })).toBeVisible();
  await expect(row(page, deletedJob)).toHaveCount(0);
  await snapshot(page, "history-admin-ko");

  await page.getByLabel("사용자 필터").selectOption({ label: `${USERS.admin.name} (${USERS.admin.email})` });
  await expect(row(page, managerJob)).toHaveCount(0);
  await expect(row(page, adminJob)).toBeVisible();

  await page.getByRole("link", { name: "감사 로그" }).click();
  await expect(page.getByTestId("audit-table")).toBeVisible();
  // The export is named (its dataset and format), its id kept in the title.
  const aboutDeleted = page.getByTestId("audit-row").filter({ has: page.locator(`[title="${deletedJob}"]`) });
  const deletion = aboutDeleted.filter({ hasText: "내보내기 삭제" });
  await expect(deletion).toHaveCount(1);
  await expect(deletion.getByTestId("audit-target")).toContainText("Q1 Sales · NDJSON");
  await expect(deletion.getByTestId("audit-actor")).toHaveAttribute("title", new RegExp(USERS.manager.email));
  await expect(deletion).toContainText(/파일 삭제됨:\s*예/);
  // Narrowed to deletions by the filter form.
  await page.getByLabel("작업").selectOption("export_deleted");
  await page.getByRole("button", { name: "적용" }).click();
  await expect(page).toHaveURL(/action=export_deleted/);
  await expect(aboutDeleted).toHaveCount(1);
  await snapshot(page, "audit-ko");
});

test("a direct download is in the history as downloaded directly, with its SHA-256, and exports again", async ({
  page,
}) => {
  await signIn(page, "manager");
  const datasets = (await (await page.request.get("/api/datasets")).json()) as Array<{ id: number; title: string }>;
  const id = datasets.find((d) => d.title === "Q1 Sales")?.id;
  const direct = await page.request.post(`/api/export/csv/${id}`, {
    data: { columns: ["order_id", "amount"], filters: [{ column: "amount", op: "lt", value: 0 }] },
  });
  expect(direct.status()).toBe(200);
  const bytes = await direct.body();
  const sha256 = createHash("sha256").update(bytes).digest("hex");

  await page.getByRole("link", { name: "Export history" }).click();
  const directRow = page.locator('[data-testid="history-row"][data-delivery="direct"]').first();
  await expect(directRow.getByTestId("history-direct")).toHaveText("Downloaded directly");
  await expect(directRow.getByTestId("history-sha256")).toHaveAttribute("title", sha256);
  await expect(directRow.getByTestId("history-options")).toContainText("Filters: amount lt 0");
  await expect(directRow.getByRole("button", { name: "Download", exact: true })).toHaveCount(0);
  await snapshot(page, "history-direct");

  const directRows = page.locator('[data-testid="history-row"][data-delivery="direct"]');
  const before = await directRows.count();
  const downloading = page.waitForEvent("download");
  await directRow.getByRole("button", { name: "Export again: Q1 Sales as CSV" }).click();
  const again = await readFile(await (await downloading).path());
  // The same options, so the same rows: the file differs from the first only if the data did.
  expect(createHash("sha256").update(again).digest("hex")).toBe(sha256);
  // The new download is a row of its own (the list is read again once it is done).
  await expect(directRows).toHaveCount(before + 1);
});

test("a viewer's history is empty and offers no delete", async ({ page }) => {
  await signIn(page, "viewer");
  await page.getByRole("link", { name: "Export history" }).click();
  await expect(page.getByTestId("history-empty")).toHaveText(
    "No exports yet. Export a dataset and it will appear here.",
  );
  await expect(page.getByRole("link", { name: "Audit trail" })).toHaveCount(0);
  expect((await page.request.get("/api/audit")).status()).toBe(403);
  expect((await page.goto("/admin/audit"))?.status()).toBe(404);
});
