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

test("after too many wrong passwords the sign-in page says how long to wait, and the right one is refused", async ({
  page,
}) => {
  // An account nobody else uses in the suite: its counter cannot hold up another test.
  const email = "throttled-e2e@outport.local";
  await page.goto("/login");
  const { csrfToken } = (await (await page.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const wrong = await Promise.all(
    Array.from({ length: 10 }, () =>
      page.request.post("/api/auth/callback/credentials", {
        form: { email, password: "guess", csrfToken, json: "true" },
      }),
    ),
  );
  const statuses = wrong.map((response) => response.status());
  expect(statuses.filter((status) => status === 401)).toHaveLength(5);
  expect(statuses.filter((status) => status === 429)).toHaveLength(5);
  expect(Number(wrong.find((response) => response.status() === 429)?.headers()["retry-after"])).toBeGreaterThan(0);

  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill("guess");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText(/Too many sign-in attempts\. Please wait 1[45] min and try again\./)).toHaveAttribute(
    "role",
    "alert",
  );
  await snapshot(page, "login-throttled");
  expect((await page.request.get("/api/datasets")).status()).toBe(401);

  // The others on this address are not held up.
  await signIn(page, "viewer");
});
