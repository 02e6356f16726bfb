// Excel exports end to end, by the job and by the direct download: the workbook's
// "Export info" sheet speaks the requester's language, and the data sheet's column widths
// follow every row the export holds — a value longer than anything in the first batch of
// 5,000 rows (row 6,000 here) still sets its column's width.
//
// The sources' copy of the seeded database: no route test of the other files spends its
// users' export rate limit there, and the dataset this file adds shows in nobody's list.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { GET } from "@/app/api/export/[format]/[datasetId]/route";
import { config } from "@/lib/config";
import { prisma } from "@/lib/data/prisma";
import { loadDatasetRows } from "@/lib/datasets/dataset-rows";
import { defineExportJob } from "@/lib/exports/export-job";
import { resetExportRequests } from "@/lib/exports/export-rate-limit";
import { stopJobQueue } from "@/lib/jobs/queue";
import { runJob } from "@/lib/jobs/run-job";
import { demoUser, requestAs, routeContext } from "../helpers/auth";
import { createJob, downloadAs } from "./helpers";

process.env.DATABASE_URL = inject("sourcesDatabaseUrl");
const exportDir = mkdtempSync(path.join(os.tmpdir(), "outport-excel-"));
process.env.OUTPORT_EXPORT_DIR = exportDir;

const ROWS = 6_000;
const LONG = "a text of forty characters, at row 6,000";
const KOREAN = { "accept-language": "ko-KR,ko;q=0.9" };

let datasetId: number;
let title: string;
const saved = { ...config.export };

async function workbookOf(response: Response): Promise<ExcelJS.Workbook> {
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("spreadsheetml");
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load((await response.arrayBuffer()) as ArrayBuffer);
  return workbook;
}

async function jobWorkbook(options: Record<string, unknown>, headers: Record<string, string>) {
  const response = await createJob("manager", { dataset_id: datasetId, format: "excel", options }, headers);
  expect(response.status).toBe(202);
  const { job_id } = (await response.json()) as { job_id: string };
  expect(await runJob(defineExportJob({ dir: exportDir }), job_id, { heartbeatMs: 100 })).toBe("completed");
  return workbookOf(await downloadAs("manager", job_id));
}

async function directWorkbook(headers: Record<string, string>) {
  config.export.directRowsExcel = 10_000;
  const request = await requestAs("manager", `/api/export/excel/${datasetId}`, { headers });
  return workbookOf(await GET(request, routeContext({ format: "excel", datasetId: String(datasetId) })));
}

function widths(sheet: ExcelJS.Worksheet): Array<number | undefined> {
  return [1, 2, 3].map((n) => sheet.getColumn(n).width);
}

/** The info sheet as [label, value] pairs. */
function infoOf(sheet: ExcelJS.Worksheet): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  sheet.eachRow((row) => rows.push([String(row.getCell(1).value), String(row.getCell(2).value)]));
  return rows;
}

beforeAll(async () => {
  expect(LONG).toHaveLength(40);
  const owner = await demoUser("manager");
  title = `Excel widths ${process.pid}-${Date.now()}`;
  const created = await prisma().dataset.create({
    data: {
      title,
      ownerId: owner.id,
      columns: {
        create: [
          { position: 0, key: "code", label: "Code", type: "string" },
          { position: 1, key: "amount", label: "Amount", type: "integer" },
          { position: 2, key: "day", label: "Day", type: "date" },
        ],
      },
    },
  });
  datasetId = created.id;
  const records = Array.from({ length: ROWS }, (_, i) =>
    i === ROWS - 1
      ? { code: LONG, amount: 123_456_789_012, day: "2025-01-01" }
      : { code: `c${i + 1}`, amount: i, day: "2025-01-01" },
  );
  expect(await loadDatasetRows(datasetId, [records])).toBe(ROWS);
  await prisma().dataset.update({ where: { id: datasetId }, data: { recordCount: ROWS } });
});

beforeEach(async () => {
  await resetExportRequests((await demoUser("manager")).id);
});

afterEach(() => {
  Object.assign(config.export, saved);
});

afterAll(async () => {
  await stopJobQueue({ graceful: false });
  rmSync(exportDir, { recursive: true, force: true });
});

describe("Excel exports", () => {
  it("by a job for a Korean requester: the info sheet in Korean, widths from every row", async () => {
    const workbook = await jobWorkbook({ timezone: "Asia/Seoul" }, KOREAN);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(["Data", "내보내기 정보"]);
    const data = workbook.getWorksheet("Data")!;
    expect(data.rowCount).toBe(ROWS + 1);
    expect(data.getCell(`A${ROWS + 1}`).value).toBe(LONG);
    // 40 characters + 2 of padding; "123,456,789,012" (15) + 2; a date's 10 + 2.
    expect(widths(data)).toEqual([42, 17, 12]);
    const info = infoOf(workbook.getWorksheet("내보내기 정보")!);
    expect(info.map(([label]) => label)).toEqual(["데이터셋", "필터", "열", "행", "내보낸 사람", "내보낸 시각"]);
    expect(info[0]![1]).toBe(title);
    expect(info[1]![1]).toBe("없음: 모든 레코드");
    expect(info[3]![1]).toBe(String(ROWS));
    expect(info[5]![1]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d Asia\/Seoul$/);
  });

  it("by a job, narrowed by a filter: the widths of the rows exported only", async () => {
    const workbook = await jobWorkbook({ filters: [{ column: "amount", op: "lt", value: 100 }] }, KOREAN);
    const data = workbook.getWorksheet("Data")!;
    expect(data.rowCount).toBe(101);
    expect(widths(data)).toEqual([8, 8, 12]);
    expect(infoOf(workbook.getWorksheet("내보내기 정보")!)[1]![1]).toBe("amount lt 100");
  });

  it("downloaded directly: Korean for a Korean requester, English otherwise, exact widths either way", async () => {
    const korean = await directWorkbook(KOREAN);
    expect(korean.worksheets.map((s) => s.name)).toEqual(["Data", "내보내기 정보"]);
    expect(widths(korean.getWorksheet("Data")!)).toEqual([42, 17, 12]);
    expect(infoOf(korean.getWorksheet("내보내기 정보")!)[5]![0]).toBe("내보낸 시각");

    const english = await directWorkbook({ "accept-language": "en-US" });
    expect(english.worksheets.map((s) => s.name)).toEqual(["Data", "Export info"]);
    expect(widths(english.getWorksheet("Data")!)).toEqual([42, 17, 12]);
    const info = infoOf(english.getWorksheet("Export info")!);
    expect(info.map(([label]) => label)).toEqual([
      "Dataset",
      "Filters",
      "Columns",
      "Rows",
      "Exported by",
      "Exported at",
    ]);
    expect(info[1]![1]).toBe("None: every record");
    expect(info[5]![1]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
  });
});
