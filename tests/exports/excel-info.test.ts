// The Excel "Export info" sheet's words in the requester's language: the sheet's name and
// labels, the filters or "none" in their words, and when the export was made in the export's
// time zone followed by the zone's name.
import { describe, expect, it } from "vitest";
import { englishInfoSheet } from "@/lib/export/formats/xlsx";
import { ZExportOptionsSchema, type TExportOptionsInput } from "@/lib/export/options";
import { describeFilters, planExport, type DatasetColumnDef } from "@/lib/export/plan";
import type { ExportInfo } from "@/lib/export/types";
import { excelInfoSheet } from "@/lib/exports/excel-info";

const COLUMNS: DatasetColumnDef[] = [
  { key: "name", label: "Name", type: "string", sensitive: false },
  { key: "day", label: "Day", type: "date", sensitive: false },
];
const GENERATED = new Date("2025-05-12T07:28:37.456Z");

function prepared(input: TExportOptionsInput) {
  const options = ZExportOptionsSchema.parse(input);
  const plan = planExport(options, { columns: COLUMNS, dateColumn: "day" }, { mayIncludeSensitive: false });
  const info: ExportInfo = {
    datasetTitle: "Sales",
    filters: describeFilters(plan),
    user: "Ann <ann@example.com>",
    generatedAt: GENERATED,
  };
  return { plan, options, info };
}

describe("excelInfoSheet", () => {
  it("speaks English, with the time in UTC to the second", () => {
    const sheet = excelInfoSheet("en", prepared({ timezone: "UTC" }));
    expect(sheet).toEqual({
      name: "Export info",
      labels: {
        dataset: "Dataset",
        filters: "Filters",
        columns: "Columns",
        rows: "Rows",
        exportedBy: "Exported by",
        exportedAt: "Exported at",
      },
      filters: "None: every record",
      exportedAt: "2025-05-12 07:28:37 UTC",
    });
    // The writer's default differs only in the words for no filters.
    const p = prepared({ timezone: "UTC" });
    expect({ ...sheet, filters: p.info.filters }).toEqual(englishInfoSheet(p.info));
  });

  it("speaks Korean, in the export's time zone", () => {
    const sheet = excelInfoSheet("ko", prepared({ timezone: "Asia/Seoul" }));
    expect(sheet).toEqual({
      name: "내보내기 정보",
      labels: {
        dataset: "데이터셋",
        filters: "필터",
        columns: "열",
        rows: "행",
        exportedBy: "내보낸 사람",
        exportedAt: "내보낸 시각",
      },
      filters: "없음: 모든 레코드",
      exportedAt: "2025-05-12 16:28:37 Asia/Seoul",
    });
  });

  it("describes the filters and the date range when there are some", () => {
    const input: TExportOptionsInput = {
      filters: [{ column: "name", op: "eq", value: "Kim" }],
      date_range: { start: "2025-01-01" },
    };
    expect(excelInfoSheet("ko", prepared(input)).filters).toBe("day 2025-01-01 – …; name eq Kim");
    expect(excelInfoSheet("en", prepared({ date_range: { end: "2025-02-01" } })).filters).toBe("day … – 2025-02-01");
  });
});
