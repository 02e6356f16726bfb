// Messages of the applied export options made visible: the badge on the Options button,
// the summary line under the export buttons (columns, date range, filters, the live
// record count) and the PDF row cap said before any request. Spread into en.ts and ko.ts;
// the Korean object must have exactly the English keys.
export const exportOptionsEn = {
  "exportOptions.badge.one": "1 setting",
  "exportOptions.badge.other": "{count} settings",
  "exportOptions.summary.columns": "{selected} of {total} columns",
  "exportOptions.summary.columnsReordered": "All {total} columns, reordered",
  "exportOptions.summary.range": "{column} {start} → {end}",
  "exportOptions.summary.filter": "{column} {op} {value}",
  "exportOptions.summary.filterEmpty": "{column} is empty",
  "exportOptions.summary.and": " and ",
  "exportOptions.summary.or": " or ",
  "exportOptions.summary.count.one": "≈ 1 record",
  "exportOptions.summary.count.other": "≈ {count} records",
  "exportOptions.summary.counting": "Counting records…",
  "exportOptions.summary.countFailed": "The records could not be counted.",
  "exportOptions.summary.none": "No records match these options — the file would be empty.",
  "exportOptions.summary.label": "What will be exported",
  "exportOptions.dialog.count": "With these options: {summary}",
  "exportOptions.pdfCap":
    "A PDF report holds at most {cap} records; this export has {count}. Download CSV or Excel, or narrow it with filters.",
} as const;

export const exportOptionsKo: Record<keyof typeof exportOptionsEn, string> = {
  "exportOptions.badge.one": "설정 1개",
  "exportOptions.badge.other": "설정 {count}개",
  "exportOptions.summary.columns": "열 {total}개 중 {selected}개",
  "exportOptions.summary.columnsReordered": "열 {total}개 전체, 순서 변경",
  "exportOptions.summary.range": "{column} {start} → {end}",
  "exportOptions.summary.filter": "{column}: {value} ({op})",
  "exportOptions.summary.filterEmpty": "{column} 비어 있음",
  "exportOptions.summary.and": " 그리고 ",
  "exportOptions.summary.or": " 또는 ",
  "exportOptions.summary.count.one": "약 1건",
  "exportOptions.summary.count.other": "약 {count}건",
  "exportOptions.summary.counting": "레코드 수를 세는 중…",
  "exportOptions.summary.countFailed": "레코드 수를 셀 수 없습니다.",
  "exportOptions.summary.none": "이 옵션에 맞는 레코드가 없습니다. 파일이 비어 있게 됩니다.",
  "exportOptions.summary.label": "내보낼 내용",
  "exportOptions.dialog.count": "이 옵션으로: {summary}",
  "exportOptions.pdfCap":
    "PDF 보고서에는 레코드를 최대 {cap}건까지 담을 수 있는데 이 내보내기는 {count}건입니다. CSV나 Excel로 다운로드하거나 필터로 범위를 좁히세요.",
};
