// An account that must change its password (as the first admin with a generated password,
// or a demo account off loopback, is created): after signing in it is sent to the
// change-password page, the API refuses it, and once the password is changed it goes on to
// the datasets. The e2e app runs the loopback demo, so the account is made here, in the
// app's own embedded database.
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import bcrypt from "bcryptjs";
import pg from "pg";
import { runningEmbeddedUrl } from "../lib/data/embedded-server";
import { snapshot } from "./helpers";

const GIVEN = "given-by-the-admin";
const CHOSEN = "my own long passphrase";

function database(): pg.Client {
  const url = runningEmbeddedUrl(path.resolve("var/e2e/postgres"));
  if (!url) throw new Error("The e2e app's embedded database is not running (var/e2e/postgres).");
  return new pg.Client({ connectionString: url });
}

async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<T[]> {
  const client = database();
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

async function createFlaggedUser(email: string): Promise<void> {
  await query(
    `INSERT INTO users (email, name, role, password_hash, must_change_password, updated_at)
     VALUES ($1, 'First Sign-in', 'manager', $2, true, now())`,
    [email, await bcrypt.hash(GIVEN, 10)],
  );
}

async function removeUser(email: string): Promise<void> {
  await query(`DELETE FROM audit_events WHERE actor_id = (SELECT id FROM users WHERE email = $1)`, [email]);
  await query(`DELETE FROM users WHERE email = $1`, [email]);
}

async function signInAs(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function fillChange(page: Page, current: string, next: string, again: string) {
  await page.getByLabel("Current password").fill(current);
  await page.getByLabel("New password", { exact: true }).fill(next);
  await page.getByLabel("New password, again").fill(again);
  await page.getByRole("button", { name: "Change password" }).click();
}

test("a user who must change the password is held on the change page until it is changed", async ({ page }) => {
  const email = `first-sign-in-${Date.now()}@example.com`;
  await createFlaggedUser(email);
  try {
    await signInAs(page, email, GIVEN);
    await expect(page).toHaveURL(/\/account\/password$/);
    await expect(page.getByRole("heading", { name: "Change your password" })).toBeVisible();
    await expect(page.getByText("Choose a new one to continue.")).toBeVisible();

    const refused = await page.request.get("/api/datasets");
    expect(refused.status()).toBe(403);
    expect(await refused.json()).toEqual({ detail: "Change your password first: open /account/password in the app." });
    await page.goto("/datasets/1");
    await expect(page).toHaveURL(/\/account\/password$/);

    await fillChange(page, GIVEN, CHOSEN, `${CHOSEN}!`);
    await expect(page.getByRole("main").getByRole("alert")).toHaveText("The two new passwords are not the same.");
    await fillChange(page, "not-the-password", CHOSEN, CHOSEN);
    await expect(page.getByRole("main").getByRole("alert")).toHaveText("The current password is not correct.");
    await snapshot(page, "change-password-error");

    await fillChange(page, GIVEN, CHOSEN, CHOSEN);
    await expect(page).toHaveURL(/\/datasets$/);
    await expect(page.getByTestId("user-name")).toHaveText("First Sign-in");
    expect((await page.request.get("/api/datasets")).status()).toBe(200);

    const [row] = await query<{ must_change_password: boolean }>(
      "SELECT must_change_password FROM users WHERE email = $1",
      [email],
    );
    expect(row?.must_change_password).toBe(false);
  } finally {
    await removeUser(email);
  }
});

test("the change page fits a phone and reads in Korean", async ({ page }) => {
  const email = `first-sign-in-ko-${Date.now()}@example.com`;
  await createFlaggedUser(email);
  try {
    await page.setViewportSize({ width: 390, height: 844 });
    await signInAs(page, email, GIVEN);
    await expect(page).toHaveURL(/\/account\/password$/);
    await page.getByRole("button", { name: "한국어" }).click();
    await expect(page.getByRole("heading", { name: "비밀번호 변경" })).toBeVisible();
    await expect(page.getByText("12자 이상.")).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await snapshot(page, "change-password-390-ko");
  } finally {
    await removeUser(email);
  }
});
