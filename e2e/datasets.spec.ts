import { expect, test } from "@playwright/test";
import { signIn, snapshot, switchToKorean } from "./helpers";

const DEMO = [
  ["Agent Interactions (confidential)", "2,000"],
  ["All Students 2024-2025", "75,000"],
  ["Course Evaluations", "1,200"],
  ["Evaluation Results", "10,000"],
  ["Q1 Sales", "3,500"],
  ["Student Enrollment 2024", "8,500"],
] as const;

test("the datasets page lists the six demo datasets with their row counts", async ({ page }) => {
  await signIn(page, "manager");
  const rows = page.getByTestId("dataset-row");
  await expect(rows).toHaveCount(6);
  for (const [index, [title, count]] of DEMO.entries()) {
    await expect(rows.nth(index).getByRole("link")).toHaveText(title);
    await expect(rows.nth(index).getByTestId("dataset-rows")).toHaveText(count);
  }
  // The manager may export their own datasets only.
  await expect(rows.filter({ hasText: "Q1 Sales" })).toContainText("You can export");
  await expect(rows.filter({ hasText: "All Students" })).toContainText("View only");
  await snapshot(page, "datasets-manager");
});

test("a dataset page shows both charts and a paged preview", async ({ page }) => {
  await signIn(page, "admin");
  await page.getByRole("link", { name: "Student Enrollment 2024" }).click();
  await expect(page.getByRole("heading", { name: "Student Enrollment 2024" })).toBeVisible();
  for (const chart of ["chart-category", "chart-month"]) {
    const canvas = page.getByTestId(chart).locator("canvas");
    await expect(canvas).toBeVisible();
    const box = await canvas.boundingBox();
    expect(box?.width ?? 0).toBeGreaterThan(200);
    expect(box?.height ?? 0).toBeGreaterThan(150);
  }
  await expect(page.getByTestId("chart-category")).toContainText("Records per Department");
  const preview = page.getByTestId("preview-table");
  await expect(preview.locator("tbody tr")).toHaveCount(25);
  await expect(page.getByTestId("preview-range")).toHaveText("Rows 1–25 of 8,500");
  await expect(preview.locator("tbody tr").first()).toContainText("STU-24-00001");
  await snapshot(page, "dataset-admin");

  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByTestId("preview-range")).toHaveText("Rows 26–50 of 8,500");
  await expect(preview.locator("tbody tr").first()).toContainText("STU-24-00026");
  await page.getByRole("button", { name: "Previous" }).click();
  await expect(page.getByTestId("preview-range")).toHaveText("Rows 1–25 of 8,500");
});

test("sensitive columns are redacted for a manager and shown to an admin", async ({ page }) => {
  await signIn(page, "manager");
  await page.goto("/datasets");
  await page.getByRole("link", { name: "Agent Interactions (confidential)" }).click();
  const firstRow = page.getByTestId("preview-table").locator("tbody tr").first();
  await expect(firstRow).toContainText("[REDACTED]");
  await expect(firstRow).not.toContainText("sk-live-");
  await snapshot(page, "dataset-sensitive-manager");
});

test("the language switch turns the UI Korean and the choice persists", async ({ page }) => {
  await signIn(page, "viewer");
  await switchToKorean(page);
  await expect(page.getByRole("heading", { name: "데이터셋" })).toBeVisible();
  await expect(page.getByRole("button", { name: "로그아웃" })).toBeVisible();
  await expect(page.locator("[data-role=viewer]")).toHaveText("뷰어");
  await expect(page.locator("html")).toHaveAttribute("lang", "ko");
  await snapshot(page, "datasets-viewer-ko");

  await page.getByRole("link", { name: "Q1 Sales" }).click();
  await expect(page.getByTestId("preview-range")).toHaveText("3,500행 중 1–25행");
  await expect(page.getByTestId("chart-month")).toContainText("월별 레코드 수");
  await snapshot(page, "dataset-viewer-ko");

  await page.reload();
  await expect(page.getByRole("button", { name: "로그아웃" })).toBeVisible();
  await page.getByRole("button", { name: "English" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
});

test("an unknown dataset id is a friendly 404", async ({ page }) => {
  await signIn(page, "viewer");
  const response = await page.goto("/datasets/999999");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});
