// The words of an Excel export's "Export info" sheet (lib/exports/excel-info.ts), in English
// and Korean. Spread into en.ts and ko.ts; the Korean object must have exactly the English keys.
export const excelInfoEn = {
  "excel.info.sheet": "Export info",
  "excel.info.dataset": "Dataset",
  "excel.info.filters": "Filters",
  "excel.info.columns": "Columns",
  "excel.info.rows": "Rows",
  "excel.info.exportedBy": "Exported by",
  "excel.info.exportedAt": "Exported at",
} as const;

export const excelInfoKo: Record<keyof typeof excelInfoEn, string> = {
  "excel.info.sheet": "내보내기 정보",
  "excel.info.dataset": "데이터셋",
  "excel.info.filters": "필터",
  "excel.info.columns": "열",
  "excel.info.rows": "행",
  "excel.info.exportedBy": "내보낸 사람",
  "excel.info.exportedAt": "내보낸 시각",
};
