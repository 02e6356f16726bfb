import { expect, type Page } from "@playwright/test";

export const USERS = {
  admin: { email: "admin@outport.local", password: "outport-admin", name: "Ada Admin" },
  manager: { email: "manager@outport.local", password: "outport-manager", name: "Mina Manager" },
  manager2: { email: "manager2@outport.local", password: "outport-manager2", name: "Marco Manager" },
  viewer: { email: "viewer@outport.local", password: "outport-viewer", name: "Victor Viewer" },
} as const;

export async function signIn(page: Page, who: keyof typeof USERS) {
  const user = USERS[who];
  await page.goto("/login");
  // English unless the spec chose a language: without a language cookie a signed-in page
  // is drawn in the user's stored language, which another spec may have set to Korean.
  const origin = new URL(page.url()).origin;
  const chosen = (await page.context().cookies(origin)).some((cookie) => cookie.name === "outport_locale");
  if (!chosen) await page.context().addCookies([{ name: "outport_locale", value: "en", url: origin }]);
  await page.getByLabel(/e-mail|이메일/i).fill(user.email);
  await page.getByLabel(/password|비밀번호/i).fill(user.password);
  await page.getByRole("button", { name: /sign in|로그인/i }).click();
  await expect(page.getByTestId("user-name")).toHaveText(user.name);
}

/** Screenshots for a person to look at; kept out of git under test-results/. */
export async function snapshot(page: Page, name: string) {
  await page.screenshot({ path: `test-results/screens/${name}.png`, fullPage: true });
}

/** Switches the UI to Korean and waits until the page has re-rendered in it. */
export async function switchToKorean(page: Page) {
  await page.getByRole("button", { name: "한국어" }).click();
  await expect(page.getByRole("button", { name: "한국어" })).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByRole("navigation").getByRole("link", { name: "데이터셋" })).toBeVisible();
}
