// Messages of the export history's direct downloads, "Export again", cancel and the line
// about each row's options, in English and Korean. Spread into en.ts and ko.ts; the Korean
// object must have exactly the English keys.
export const historyEn = {
  "history.directHint": "Streamed to the browser; no copy was kept, export it again to get it.",
  "history.downloading": "Downloading…",
  "history.exportAgain": "Export again",
  "history.exportAgainLabel": "Export again: {dataset} as {format}",
  "history.exportAgainDone": "Downloaded {file}.",
  "history.cancelJob": "Cancel",
  "history.cancelJobLabel": "Cancel the {format} export of {dataset}",
  "history.cancelled": "Export cancelled.",
  "history.sha256": "SHA-256",
  "history.copy": "Copy",
  "history.copySha": "Copy SHA-256",
  "history.shaCopied": "SHA-256 copied.",
  "history.optionsColumnsAll": "All {total} columns",
  "history.optionsColumnsSome": "{count} of {total} columns",
  "history.optionsFilters": "Filters: {filters}",
  "job.error.directLost": "The download was interrupted: the server stopped while sending it.",
} as const;

export const historyKo: Record<keyof typeof historyEn, string> = {
  "history.downloading": "내려받는 중…",
  "history.directHint": "브라우저로 바로 전송되어 사본이 남지 않았습니다. 다시 받으려면 다시 내보내세요.",
  "history.exportAgain": "다시 내보내기",
  "history.exportAgainLabel": "{dataset}을(를) {format}(으)로 다시 내보내기",
  "history.exportAgainDone": "{file} 파일을 다운로드했습니다.",
  "history.cancelJob": "취소",
  "history.cancelJobLabel": "{dataset}의 {format} 내보내기 취소",
  "history.cancelled": "내보내기를 취소했습니다.",
  "history.sha256": "SHA-256",
  "history.copy": "복사",
  "history.copySha": "SHA-256 복사",
  "history.shaCopied": "SHA-256을 복사했습니다.",
  "history.optionsColumnsAll": "전체 {total}개 열",
  "history.optionsColumnsSome": "{total}개 열 중 {count}개",
  "history.optionsFilters": "필터: {filters}",
  "job.error.directLost": "서버가 전송 중에 멈춰 다운로드가 중단되었습니다.",
} as const;
