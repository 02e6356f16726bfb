// Messages of the running-exports indicator in the top bar, of the toasts that follow a
// background export once its modal is closed, and of the export buttons while the server
// asks to wait (rate limit), in English and Korean. Spread into en.ts and ko.ts; the
// Korean object must have exactly the English keys.
export const runningExportsEn = {
  "runningExports.button": "Exports",
  "runningExports.buttonLabel": "Running exports: {count}",
  "runningExports.title": "Your exports",
  "runningExports.empty": "No export is running.",
  "runningExports.waiting": "Waiting to start…",
  "runningExports.progress": "{percent}% · {done} records",
  "runningExports.ready": "Ready",
  "runningExports.failed": "Failed",
  "runningExports.cancel": "Cancel",
  "runningExports.cancelling": "Cancelling…",
  "runningExports.download": "Download",
  "runningExports.dismiss": "Dismiss",
  "runningExports.entryName": "{dataset} · {format}",
  "runningExports.history": "All exports",
  "runningExports.stillExporting": "Still exporting — follow it in the top bar.",
  "runningExports.readyToast": "Your export is ready: {dataset} · {format}",
  "runningExports.failedToast": "The export of {dataset} · {format} failed.",
  "runningExports.cancelFailed": "The export could not be cancelled: {reason}",
  "rateLimit.waiting": "Too many exports in a short time: you can export again in {seconds} s.",
  "rateLimit.started": "Too many exports in a short time: the export buttons wait until the server allows more.",
  "rateLimit.over": "You can export again.",
} as const;

export const runningExportsKo: Record<keyof typeof runningExportsEn, string> = {
  "runningExports.button": "내보내기",
  "runningExports.buttonLabel": "진행 중인 내보내기: {count}개",
  "runningExports.title": "내 내보내기",
  "runningExports.empty": "진행 중인 내보내기가 없습니다.",
  "runningExports.waiting": "시작을 기다리는 중…",
  "runningExports.progress": "{percent}% · {done}개 레코드",
  "runningExports.ready": "준비됨",
  "runningExports.failed": "실패",
  "runningExports.cancel": "취소",
  "runningExports.cancelling": "취소하는 중…",
  "runningExports.download": "다운로드",
  "runningExports.dismiss": "닫기",
  "runningExports.entryName": "{dataset} · {format}",
  "runningExports.history": "전체 내보내기 기록",
  "runningExports.stillExporting": "아직 내보내는 중입니다. 상단 바에서 진행 상황을 확인하세요.",
  "runningExports.readyToast": "내보내기가 준비되었습니다: {dataset} · {format}",
  "runningExports.failedToast": "{dataset} · {format} 내보내기에 실패했습니다.",
  "runningExports.cancelFailed": "내보내기를 취소하지 못했습니다: {reason}",
  "rateLimit.waiting": "짧은 시간에 내보내기를 너무 많이 요청했습니다. {seconds}초 후에 다시 내보낼 수 있습니다.",
  "rateLimit.started":
    "짧은 시간에 내보내기를 너무 많이 요청했습니다. 서버가 허용할 때까지 내보내기 버튼이 기다립니다.",
  "rateLimit.over": "이제 다시 내보낼 수 있습니다.",
};
