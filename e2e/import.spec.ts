import { readFile } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import ExcelJS from "exceljs";
import { signIn, snapshot } from "./helpers";

// The upload page at the widths people use it: a laptop and a phone.
const WIDE = { width: 1280, height: 900 };
const NARROW = { width: 390, height: 844 };

test.use({ viewport: WIDE });

// A dataset a test made and did not get to delete through the page: removed after the
// test, so a failure here does not change the dataset counts the later specs check.
let leftover: string | null = null;
test.afterEach(async ({ page }) => {
  if (leftover) await page.request.delete(leftover);
  leftover = null;
});

async function snapshotBoth(page: Page, name: string) {
  await snapshot(page, `${name}-1280`);
  await page.setViewportSize(NARROW);
  await snapshot(page, `${name}-390`);
  await page.setViewportSize(WIDE);
}

const REGIONS = ["서울", "부산", "대구", "인천", "광주"] as const;
const PRODUCTS = ["김치", "라면", "떡볶이", "불고기", "비빔밥"] as const;
const ROWS = 50;

/**
 * 50 orders in UTF-8 with Korean text: a date, a category (the region), a customer number
 * that looks like a whole number but is an identifier, a postal code with a leading zero,
 * a whole-number quantity and an amount with decimals. One note holds a quoted comma.
 */
function ordersCsv(): string {
  const lines = ["주문번호,주문일,지역,상품,고객번호,우편번호,수량,금액,비고"];
  for (let i = 0; i < ROWS; i++) {
    const day = new Date(Date.UTC(2025, 0, 3 + i * 2));
    const note = i === 0 ? '"매운맛, 대용량"' : i % 7 === 0 ? "선물 포장" : "";
    lines.push(
      [
        `KR-${String(i + 1).padStart(4, "0")}`,
        day.toISOString().slice(0, 10),
        REGIONS[i % REGIONS.length],
        PRODUCTS[(i * 3) % PRODUCTS.length],
        String(100101 + i),
        `0${6230 + i}`,
        String(1 + (i % 9)),
        (12000 + i * 137.25).toFixed(2),
        note,
      ].join(","),
    );
  }
  return lines.join("\n") + "\n";
}

async function chooseFile(page: Page, name: string, text: string) {
  await page.locator('[data-testid="drop-zone"] input[type="file"]').setInputFiles({
    name,
    mimeType: "text/csv",
    buffer: Buffer.from(text, "utf8"),
  });
}

test("a manager imports a Korean CSV, fixes a column type, exports it as Excel and deletes it", async ({ page }) => {
  const title = "지역별 주문 2025";
  // Fake timers that run at real speed: the completed modal can be held still for its
  // screenshots before it opens the dataset.
  await page.clock.install();
  await signIn(page, "manager");
  await page.goto("/datasets");
  await page.getByRole("link", { name: "New dataset" }).click();
  await expect(page).toHaveURL(/\/datasets\/new$/);
  await expect(page.getByRole("heading", { name: "New dataset from a file" })).toBeVisible();
  // One "Choose file" button: the file input behind it is not a second one.
  await expect(page.getByRole("button", { name: "Choose file" })).toBeVisible();
  await snapshotBoth(page, "import-upload");

  await chooseFile(page, "지역별 주문.csv", ordersCsv());
  await expect(page.getByTestId("chosen-file")).toContainText("지역별 주문.csv");
  const choices = page.getByTestId("read-choices");
  await expect(choices.getByTestId("detected-format")).toHaveText("CSV");
  await expect(choices.getByLabel("Encoding")).toHaveValue("utf-8");
  await expect(choices.getByLabel("Delimiter")).toHaveValue(",");
  await expect(choices.getByLabel("The first row is the header")).toBeChecked();
  // The postal code keeps its leading zero as text, and the page says why.
  await expect(choices).toContainText("Column “우편번호” has values with leading zeros (like 06230)");
  // An empty last field (the notes) is a field, not a missing one.
  await expect(choices).not.toContainText("different number of fields");
  await expect(page.getByLabel("Type of column 우편번호")).toHaveValue("string");

  const editor = page.getByTestId("column-editor");
  await expect(editor.getByTestId("column-row")).toHaveCount(9);
  await expect(page.getByLabel("Type of column 주문일")).toHaveValue("date");
  await expect(page.getByLabel("Type of column 지역")).toHaveValue("string");
  await expect(page.getByLabel("Type of column 수량")).toHaveValue("integer");
  await expect(page.getByLabel("Type of column 금액")).toHaveValue("number");
  // A customer number is an identifier, not a quantity: nobody sums it, and it must be
  // exported as the text it is.
  await expect(page.getByLabel("Type of column 고객번호")).toHaveValue("integer");
  await page.getByLabel("Type of column 고객번호").selectOption("string");
  await expect(page.getByLabel("Date column")).toHaveValue(/.+/);
  await page.getByLabel("Category column").selectOption({ label: "지역" });
  await expect(page.getByLabel("Title", { exact: true })).toHaveValue("지역별 주문");
  await page.getByLabel("Title", { exact: true }).fill(title);
  const preview = page.getByTestId("typed-preview");
  await expect(preview.locator("tbody tr")).toHaveCount(20);
  await expect(preview).toContainText("매운맛, 대용량");
  await expect(page.getByTestId("preview-bad-count")).toHaveCount(0);
  await snapshotBoth(page, "import-columns");

  await page.getByRole("button", { name: "Import", exact: true }).click();
  const modal = page.getByTestId("import-progress");
  await expect(modal).toBeVisible();
  await expect(modal.getByRole("status")).toHaveText(`Import complete: ${ROWS} rows (0 rejected)`);
  // The title says how it ended, not "Importing…".
  await expect(modal.getByRole("heading", { name: "Import complete" })).toBeVisible();
  // Stop time so "Opening the dataset…" stays up for both screenshots.
  await page.clock.pauseAt(await page.evaluate(() => Date.now() + 300));
  await expect(modal.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "100");
  await expect(modal).toContainText("Opening the dataset…");
  await snapshotBoth(page, "import-progress");
  await page.clock.resume();

  await expect(page).toHaveURL(/\/datasets\/\d+$/);
  leftover = `/api${new URL(page.url()).pathname}`;
  await expect(page.getByRole("heading", { name: title, level: 1 })).toBeVisible();
  await expect(page.getByTestId("record-count")).toHaveText(`${ROWS} records`);
  await expect(page.getByTestId("preview-table").locator("tbody tr")).toHaveCount(25);
  await expect(page.getByTestId("preview-table")).toContainText("떡볶이");
  for (const chart of ["chart-category", "chart-month"]) {
    await expect(page.getByTestId(chart).locator("canvas")).toBeVisible();
  }
  await expect(page.getByTestId("chart-category")).toContainText("지역");
  await snapshotBoth(page, "import-dataset");
  // A window made narrow after the charts were drawn: they shrink with it.
  await page.setViewportSize(NARROW);
  await expect
    .poll(async () => (await page.getByTestId("chart-category").boundingBox())?.width ?? 0)
    .toBeLessThanOrEqual(NARROW.width);
  await page.setViewportSize(WIDE);

  const downloading = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download Excel" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(new Uint8Array(await readFile(await download.path())).buffer);
  const sheet = workbook.worksheets[0]!;
  expect(sheet.actualRowCount).toBe(ROWS + 1);
  expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual([
    "주문번호",
    "주문일",
    "지역",
    "상품",
    "고객번호",
    "우편번호",
    "수량",
    "금액",
    "비고",
  ]);
  const first = sheet.getRow(2);
  expect(first.getCell(1).value).toBe("KR-0001");
  expect(first.getCell(3).value).toBe("서울");
  expect(first.getCell(9).value).toBe("매운맛, 대용량");
  const date = first.getCell(2).value;
  expect(date).toBeInstanceOf(Date);
  expect((date as Date).toISOString().slice(0, 10)).toBe("2025-01-03");
  expect(first.getCell(8).value).toBe(12000);
  expect(sheet.getRow(3).getCell(8).value).toBe(12137.25);
  expect(first.getCell(7).value).toBe(1);
  // The type fixed in the editor: text, not a number; and the leading zero kept.
  expect(first.getCell(5).value).toBe("100101");
  expect(first.getCell(6).value).toBe("06230");

  // Delete it, so the specs after this one see only the demo datasets.
  await page.getByRole("button", { name: "Delete dataset" }).click();
  const confirm = page.getByRole("dialog", { name: "Delete this dataset?" });
  await expect(confirm.getByTestId("delete-confirmation")).toContainText(`“${title}” and its ${ROWS} rows`);
  // The Excel file was downloaded directly: no export job, no file kept, none to delete.
  await expect(confirm).toContainText("There are no exports of this dataset.");
  await confirm.getByRole("button", { name: "Delete dataset" }).click();
  await expect(page).toHaveURL(/\/datasets$/);
  leftover = null;
  await expect(page.getByTestId("toast").filter({ hasText: `The dataset “${title}” was deleted.` })).toBeVisible();
  await expect(page.getByTestId("dataset-row")).toHaveCount(6);
  await expect(page.getByRole("link", { name: title })).toHaveCount(0);
});

test("a viewer cannot create a dataset: the button says why and the page shows the reason", async ({ page }) => {
  await signIn(page, "viewer");
  await page.goto("/datasets");
  const button = page.getByRole("button", { name: "New dataset" });
  await expect(button).toHaveAttribute("aria-disabled", "true");
  await expect(button).toHaveAttribute("title", "You don't have permission to create datasets");
  await expect(page.getByRole("link", { name: "New dataset" })).toHaveCount(0);
  await button.click({ force: true });
  await expect(page).toHaveURL(/\/datasets$/);
  await expect(page.getByTestId("toast")).toHaveText(/You don't have permission to create datasets/);

  await page.goto("/datasets/new");
  await expect(page.getByTestId("upload-denied")).toHaveText("You don't have permission to create datasets");
  await expect(page.getByTestId("drop-zone")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Choose file" })).toHaveCount(0);
});

test("an import with more rejected rows than allowed fails, lists the lines and links the CSV", async ({ page }) => {
  const title = "점수 거부 테스트";
  const lines = ["이름,점수"];
  // Data rows 4, 8, 12, 16 and 19 hold no score: file lines 5, 9, 13, 17 and 20.
  for (let i = 1; i <= 20; i++) lines.push(`학생${i},${[4, 8, 12, 16, 19].includes(i) ? "없음" : 60 + i}`);
  await signIn(page, "manager");
  await page.goto("/datasets/new");
  await chooseFile(page, "scores.csv", lines.join("\n") + "\n");
  // The missing scores make it text; the manager says it is a whole number.
  await expect(page.getByLabel("Type of column 점수")).toHaveValue("string");
  await page.getByLabel("Type of column 점수").selectOption("integer");
  await expect(page.getByTestId("preview-bad-count")).toContainText(": 5.");
  await expect(page.getByTestId("typed-preview").locator('td[data-bad="true"]').first()).toHaveAttribute(
    "title",
    "not a whole number",
  );
  await page.getByLabel("Title", { exact: true }).fill(title);
  await page.getByLabel("Rows that may be rejected").fill("2");
  await page.getByRole("button", { name: "Import", exact: true }).click();

  const modal = page.getByTestId("import-progress");
  const failure = modal.getByRole("alert");
  await expect(failure).toContainText("The import failed");
  await expect(modal.getByRole("heading", { name: "Import failed" })).toBeVisible();
  await expect(failure).toContainText("More than 2 rows were rejected (the import stopped at line 13)");
  const rejected = modal.getByTestId("import-rejected");
  await expect(rejected.getByRole("listitem")).toHaveCount(3);
  for (const line of [5, 9, 13]) await expect(rejected).toContainText(`Line ${line}:`);
  const link = rejected.getByRole("link", { name: "Download the rejected rows (CSV)" });
  const href = await link.getAttribute("href");
  expect(href).toBeTruthy();
  const csv = await page.request.get(href!);
  expect(csv.status()).toBe(200);
  const text = await csv.text();
  expect(text).toContain("학생4");
  expect(text).toContain("학생12");
  await snapshotBoth(page, "import-rejected");

  await modal.getByRole("button", { name: "Back" }).click();
  await expect(modal).toHaveCount(0);
  // Back on the form with the choices kept, and no half-made dataset left behind.
  await expect(page.getByLabel("Title", { exact: true })).toHaveValue(title);
  await page.goto("/datasets");
  await expect(page.getByTestId("dataset-row").first()).toBeVisible();
  await expect(page.getByRole("link", { name: title })).toHaveCount(0);
});
