// Shared by the phone-width and the accessibility suites: a signed-in browser state per
// role and language, the pages to visit, and the checks that a page fits its window.
import { mkdirSync } from "node:fs";
import { expect, type Browser, type Locator, type Page } from "@playwright/test";
import { en } from "../lib/i18n/en";
import { ko } from "../lib/i18n/ko";
import { signIn } from "./helpers";

export type Role = "admin" | "manager" | "viewer";
export type Lang = "en" | "ko";
export type Messages = Record<keyof typeof en, string>;

export const ROLES: Role[] = ["admin", "manager", "viewer"];
export const LANGS: Lang[] = ["en", "ko"];
export const messages = (lang: Lang): Messages => (lang === "ko" ? ko : en);

const LOCALE_COOKIE = "outport_locale";

/** Chooses the page language the way the language switch does: with its cookie. */
export async function chooseLanguage(page: Page, lang: Lang, baseURL: string) {
  await page.context().addCookies([{ name: LOCALE_COOKIE, value: lang, url: baseURL }]);
}

/**
 * Signs `role` in once, in `lang`, and keeps the cookies in a file that the tests of a
 * describe block start from (one sign-in per block instead of one per page).
 */
export async function signedInState(browser: Browser, baseURL: string, role: Role, lang: Lang): Promise<string> {
  mkdirSync("test-results/states", { recursive: true });
  const file = `test-results/states/${role}-${lang}.json`;
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await chooseLanguage(page, lang, baseURL);
  await signIn(page, role);
  await context.storageState({ path: file });
  await context.close();
  return file;
}

type Dataset = { id: number; title: string };

/** The id of a demo dataset, asked of the API with the page's session. */
export async function datasetId(page: Page, title = "Q1 Sales"): Promise<number> {
  const datasets = (await (await page.request.get("/api/datasets")).json()) as Dataset[];
  const found = datasets.find((dataset) => dataset.title === title);
  expect(found, `the demo dataset "${title}"`).toBeDefined();
  return found?.id ?? 0;
}

/** Queues an export through the API and waits until its file is ready; the job's id. */
export async function finishedExport(page: Page, id: number, format = "csv"): Promise<string> {
  const created = await page.request.post("/api/export/async", { data: { dataset_id: id, format } });
  expect(created.status(), await created.text()).toBe(202);
  const { job_id: jobId } = (await created.json()) as { job_id: string };
  await expect
    .poll(
      async () => ((await (await page.request.get(`/api/export/status/${jobId}`)).json()) as { status: string }).status,
      { timeout: 60_000 },
    )
    .toBe("completed");
  return jobId;
}

/**
 * The page is no wider than its window (1 px of rounding allowed). On failure the message
 * names the elements that stick out on the right, to find the culprit.
 */
export async function expectNoSidewaysScroll(page: Page, what: string) {
  const report = await page.evaluate(() => {
    const width = window.innerWidth;
    const scrollWidth = document.documentElement.scrollWidth;
    const culprits: string[] = [];
    if (scrollWidth > width + 1) {
      for (const element of Array.from(document.body.querySelectorAll<HTMLElement>("*"))) {
        const box = element.getBoundingClientRect();
        if (box.right <= width + 1 || box.width === 0) continue;
        // Only the outermost offender of each branch says something useful.
        const parent = element.parentElement?.getBoundingClientRect();
        if (parent && parent.right > width + 1) continue;
        const name = `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ""}.${String(element.className).split(" ").slice(0, 4).join(".")}`;
        culprits.push(`${name} (right ${Math.round(box.right)} px): ${(element.textContent ?? "").slice(0, 40)}`);
        if (culprits.length >= 8) break;
      }
    }
    return { width, scrollWidth, culprits };
  });
  expect(
    report.scrollWidth,
    `${what}: the page is ${report.scrollWidth} px wide in a ${report.width} px window; sticking out:\n${report.culprits.join("\n")}`,
  ).toBeLessThanOrEqual(report.width + 1);
}

/** How many lines an element's text takes (2 for a label broken in two). */
export async function lineCount(locator: Locator): Promise<number> {
  return locator.evaluate((element) => {
    const range = document.createRange();
    range.selectNodeContents(element);
    const tops = new Set<number>();
    for (const rect of Array.from(range.getClientRects())) {
      if (rect.width > 0 && rect.height > 0) tops.add(Math.round(rect.top + rect.height / 2));
    }
    // Rects of one line differ by a few pixels in their middle at most (a badge, an icon).
    const sorted = [...tops].sort((a, b) => a - b);
    let lines = sorted.length ? 1 : 0;
    for (let at = 1; at < sorted.length; at += 1) if ((sorted[at] ?? 0) - (sorted[at - 1] ?? 0) > 8) lines += 1;
    return lines;
  });
}

/**
 * A primary action is visible and wholly inside the window horizontally once the page is
 * scrolled to it vertically (never sideways: a button reachable only by scrolling a table
 * to the right does not count as on-screen), and its label is on one line.
 */
export async function expectOnScreen(page: Page, locator: Locator, what: string, { oneLine = true } = {}) {
  await expect(locator, what).toBeVisible();
  await locator.evaluate((element) => {
    const box = element.getBoundingClientRect();
    window.scrollBy(0, box.top - window.innerHeight / 2);
  });
  const box = await locator.boundingBox();
  const width = page.viewportSize()?.width ?? 0;
  expect(box, what).not.toBeNull();
  if (!box) return;
  expect(
    box.x >= -0.5 && box.x + box.width <= width + 0.5,
    `${what}: spans x ${Math.round(box.x)}–${Math.round(box.x + box.width)} px in a ${width} px window`,
  ).toBe(true);
  // A field has no text of its own (0 lines); a label has one line.
  if (oneLine) expect(await lineCount(locator), `${what}: its label wraps`).toBeLessThanOrEqual(1);
}
