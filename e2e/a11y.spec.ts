// axe-core on every page, signed out and signed in, at 1280 px: no violation whose impact
// is serious or critical. A page whose markup differs by role (the datasets, a dataset, the
// history, the tokens) is checked for each role that sees it differently; the others once.
// Also the dataset page with the options dialog open, the phone layout with its menu open,
// and the skip link that jumps past the top bar.
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { datasetId, finishedExport, messages, ROLES, signedInState, chooseLanguage, type Role } from "./layout-helpers";

test.use({ viewport: { width: 1280, height: 900 } });

type Page11y = {
  name: string;
  path: (dataset: number) => string;
  roles: Role[];
  /** Rules left out on this page only, each with the reason. */
  knownExceptions?: string[];
  /** Parts of the page not ours to fix, left out of the check (with the reason). */
  exclude?: string[];
};

const PAGES: Page11y[] = [
  { name: "datasets list", path: () => "/datasets", roles: ROLES },
  { name: "dataset page", path: (dataset) => `/datasets/${dataset}`, roles: ROLES },
  { name: "new dataset", path: () => "/datasets/new", roles: ["manager", "viewer"] },
  { name: "export history", path: () => "/export/history", roles: ROLES },
  { name: "tokens", path: () => "/settings/tokens", roles: ["admin", "viewer"] },
  // A viewer's page only explains; a manager's and an admin's differ by the owner they show.
  { name: "schedules", path: () => "/schedules", roles: ROLES },
  {
    name: "API reference",
    path: () => "/docs/api",
    roles: ["manager"],
    // The reference itself is drawn by the Scalar viewer (a dependency, its own markup);
    // the frame around it — top bar, heading, skip link — is still checked.
    exclude: [".scalar-app"],
  },
  {
    name: "audit trail",
    path: () => "/admin/audit",
    roles: ["admin"],
  },
  { name: "users", path: () => "/admin/users", roles: ["admin"] },
  { name: "account settings", path: () => "/settings/account", roles: ["viewer"] },
  { name: "change password", path: () => "/account/password", roles: ["manager"] },
];

/** Fails with each serious or critical violation's rule, help text and elements. */
async function expectNoSeriousViolations(page: Page, what: string, disabled: string[] = [], exclude: string[] = []) {
  let builder = new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"])
    .disableRules(disabled);
  for (const selector of exclude) builder = builder.exclude(selector);
  const results = await builder.analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const report = serious
    .map(
      (v) =>
        `- ${v.id} (${v.impact}): ${v.help}\n${v.nodes
          .slice(0, 5)
          .map((node) => `    ${node.target.join(" ")}`)
          .join("\n")}`,
    )
    .join("\n");
  expect(serious, `${what}: axe-core found\n${report}`).toEqual([]);
}

test("signed out: the sign-in page, in English and Korean", async ({ page, baseURL }) => {
  for (const lang of ["en", "ko"] as const) {
    await chooseLanguage(page, lang, baseURL ?? "");
    await page.goto("/login");
    await expect(page.getByRole("button", { name: messages(lang)["login.submit"], exact: true })).toBeVisible();
    await expectNoSeriousViolations(page, `sign-in (${lang})`);
  }
});

for (const role of ROLES) {
  test.describe(role, () => {
    let state = "";
    test.beforeAll(async ({ browser, baseURL }) => {
      state = await signedInState(browser, baseURL ?? "", role, "en");
    });
    test.use({ storageState: async ({}, provide) => provide(state) });

    for (const visit of PAGES.filter((candidate) => candidate.roles.includes(role))) {
      test(`the ${visit.name}`, async ({ page }) => {
        await page.goto("/datasets");
        const dataset = await datasetId(page);
        // The history is checked with a row in it, its buttons included.
        if (visit.name === "export history" && role !== "viewer") await finishedExport(page, dataset);
        const response = await page.goto(visit.path(dataset));
        expect(response?.status(), visit.path(dataset)).toBeLessThan(400);
        await expect(page.locator("h1").first()).toBeVisible();
        await expectNoSeriousViolations(page, visit.name, visit.knownExceptions, visit.exclude);
      });
    }

    if (role !== "viewer") {
      test("the dataset page with the options dialog open", async ({ page }) => {
        const m = messages("en");
        await page.goto("/datasets");
        await page.goto(`/datasets/${await datasetId(page)}`);
        await page.getByRole("button", { name: m["export.options"] }).click();
        const dialog = page.getByRole("dialog");
        await expect(dialog.getByRole("button", { name: m["options.apply"], exact: true })).toBeVisible();
        // The dialog's own way out, named for screen readers.
        await expect(dialog.getByRole("button", { name: m["dialog.close"], exact: true })).toBeVisible();
        await expectNoSeriousViolations(page, "the options dialog");
      });
    }

    if (role !== "viewer") {
      test("the schedules page with the schedule form open", async ({ page }) => {
        const m = messages("en");
        await page.goto("/schedules");
        await page.getByRole("button", { name: m["schedules.new"], exact: true }).click();
        const dialog = page.getByRole("dialog");
        await expect(dialog.getByRole("button", { name: m["schedules.form.create"], exact: true })).toBeVisible();
        await expectNoSeriousViolations(page, "the schedule form");
      });
    }

    test("the phone layout with its menu open", async ({ page }) => {
      // Skipped for manager and viewer: their menu is the admin's with fewer links, so one check covers it.
      test.skip(role !== "admin", "checked with the admin's menu, which has every link");
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto("/datasets");
      await page.getByTestId("menu-button").click();
      await expect(page.getByRole("navigation")).toBeVisible();
      await expectNoSeriousViolations(page, "the phone menu");
    });
  });
}

test("the skip link is the first stop of Tab and moves the focus to the page's content", async ({
  browser,
  baseURL,
}) => {
  for (const lang of ["en", "ko"] as const) {
    const m = messages(lang);
    const state = await signedInState(browser, baseURL ?? "", "manager", lang);
    const context = await browser.newContext({ storageState: state, baseURL });
    const tab = await context.newPage();
    await tab.goto("/datasets");
    await tab.keyboard.press("Tab");
    const skip = tab.getByRole("link", { name: m["layout.skipToContent"], exact: true });
    await expect(skip).toBeFocused();
    await expect(skip).toBeVisible();
    await tab.keyboard.press("Enter");
    await expect(tab.locator("main#main")).toBeFocused();
    // The next Tab goes on from the content, past the top bar's links.
    await tab.keyboard.press("Tab");
    await expect(tab.getByRole("navigation").getByRole("link").first()).not.toBeFocused();
    await context.close();
  }
});

test("the charts say what they show to a screen reader", async ({ browser, baseURL }) => {
  const state = await signedInState(browser, baseURL ?? "", "manager", "ko");
  const context = await browser.newContext({ storageState: state, baseURL });
  const tab = await context.newPage();
  await tab.goto("/datasets");
  await tab.goto(`/datasets/${await datasetId(tab)}`);
  const month = tab.getByRole("img", { name: /^월별 레코드 수: .+\d+건/ });
  await expect(month).toBeVisible();
  await context.close();
});
