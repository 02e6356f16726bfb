// Personal access tokens in a real browser: a manager creates one on the settings page,
// copies it with the Copy button, a script (fetch from the test, no cookies) lists the
// datasets with it, the manager revokes it, and the script's next call is 401.
import { expect, test } from "@playwright/test";
import { signIn, snapshot } from "./helpers";

test("a manager creates a token, a script uses it, and it stops working once revoked", async ({
  page,
  context,
  baseURL,
}) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await signIn(page, "manager");
  await page.getByRole("navigation").getByRole("link", { name: "Tokens" }).click();
  await expect(page.getByRole("heading", { name: "Access tokens" })).toBeVisible();

  const name = `e2e script ${Date.now()}`;
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Expires").selectOption("30");
  await page.getByRole("radio", { name: /export/ }).check();
  await page.getByRole("button", { name: "Create token" }).click();
  const secret = page.getByTestId("token-secret");
  await expect(secret).toHaveText(/^outport_pat_[A-Za-z0-9_-]{43}$/);
  await expect(page.getByText(/this is the only time it is shown/)).toBeVisible();
  await page.getByRole("button", { name: "Copy" }).click();
  await expect(page.getByRole("button", { name: "Copied" })).toBeVisible();
  const token = await page.evaluate(() => navigator.clipboard.readText());
  expect(token).toBe(await secret.textContent());
  await snapshot(page, "tokens-created");

  const call = () => fetch(new URL("/api/datasets", baseURL), { headers: { Authorization: `Bearer ${token}` } });
  const listed = await call();
  expect(listed.status).toBe(200);
  const datasets = (await listed.json()) as Array<{ title: string }>;
  expect(datasets.map((d) => d.title)).toContain("Q1 Sales");

  // The list shows it (its hint, never the secret), then "Last used" once the page reads it again.
  await page.getByRole("button", { name: "Done" }).click();
  await expect(page.getByTestId("token-secret")).toHaveCount(0);
  await page.reload();
  const row = page.getByTestId("token-row").filter({ hasText: name });
  await expect(row).toContainText(`outport_pat_${token.slice("outport_pat_".length, "outport_pat_".length + 6)}…`);
  await expect(row).toContainText("Active");
  await expect(row).not.toContainText("Not yet");
  await expect(page.locator("body")).not.toContainText(token);

  await row.getByRole("button", { name: "Revoke" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(`Revoke “${name}”?`);
  await dialog.getByRole("button", { name: "Revoke" }).click();
  await expect(row).toContainText("Revoked");

  const refused = await call();
  expect(refused.status).toBe(401);
  expect(refused.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');

  // The page fits a phone.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await expect(page.getByRole("heading", { name: "Access tokens" })).toBeVisible();
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  await snapshot(page, "tokens-phone");
});
