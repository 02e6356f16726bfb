import { expect, test } from "@playwright/test";
import { signIn, snapshot, USERS } from "./helpers";

test("an anonymous visitor is sent to the sign-in page", async ({ page }) => {
  await page.goto("/datasets/1");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fdatasets%2F1/);
  await expect(page.getByRole("heading", { name: "Sign in to Outport" })).toBeVisible();
  await snapshot(page, "login");
});

test("a wrong password gives a clear message and no session", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(USERS.manager.email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Incorrect e-mail or password.")).toHaveAttribute("role", "alert");
  await snapshot(page, "login-error");
  const response = await page.request.get("/api/datasets");
  expect(response.status()).toBe(401);
});

for (const who of ["admin", "manager", "viewer"] as const) {
  test(`${who} signs in, sees name and role, and signs out`, async ({ page }) => {
    await signIn(page, who);
    await expect(page).toHaveURL(/\/datasets$/);
    const role = { admin: "Admin", manager: "Manager", viewer: "Viewer" }[who];
    await expect(page.locator(`[data-role="${who}"]`)).toHaveText(role);
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page.getByText("You have been signed out.")).toBeVisible();
    await page.goto("/datasets");
    await expect(page).toHaveURL(/\/login/);
  });
}

test("after sign-in the visitor lands where they were going", async ({ page }) => {
  await page.goto("/datasets/3");
  await page.getByLabel("E-mail").fill(USERS.viewer.email);
  await page.getByLabel("Password").fill(USERS.viewer.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Course Evaluations" })).toBeVisible();
});
