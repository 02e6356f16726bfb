// Messages of scheduled exports on the server: the API's refusals, why a run failed or a
// schedule paused itself, and the audit trail's names, in English and Korean. Spread into
// en.ts and ko.ts; the Korean object must have exactly the English keys.
export const schedulesEn = {
  "audit.action.schedule_created": "Schedule created",
  "audit.action.schedule_updated": "Schedule changed",
  "audit.action.schedule_deleted": "Schedule deleted",
  "audit.action.schedule_run": "Scheduled run",
  "audit.action.schedule_paused": "Schedule paused",
  "audit.target.schedule": "Schedule",
  "error.schedule.notFound": "No such schedule.",
  "error.schedule.invalid": "The schedule cannot be saved: see the fields.",
  "error.schedule.ownerInactive": "The schedule's owner is deactivated, so it cannot run.",
  "error.schedule.datasetGone": "The schedule's dataset was deleted, so it cannot run: choose another dataset.",
  "error.schedule.noRecipients":
    "None of the schedule's recipients is at a domain mail may be sent to: change the recipients first.",
  "schedule.paused.notAllowed": "Paused: its owner may no longer export this dataset.",
  "schedule.paused.ownerInactive": "Paused: its owner's account is deactivated.",
  "schedule.paused.datasetGone": "Paused: its dataset was deleted.",
  "schedule.paused.invalidOptions": "Paused: its options no longer fit the dataset.",
  "schedule.paused.recipientsNotAllowed": "Paused: none of its recipients is at a domain mail may be sent to now.",
  "schedule.paused.invalidTiming":
    "Paused: its cron expression or time zone can no longer be read. Edit it, then resume it.",
  "schedule.run.error.notAllowed": "The owner may no longer export this dataset, so the schedule was paused.",
  "schedule.run.error.ownerInactive": "The owner's account is deactivated, so the schedule was paused.",
  "schedule.run.error.datasetGone": "The dataset was deleted, so the schedule was paused.",
  "schedule.run.error.invalidOptions": "The options no longer fit the dataset, so the schedule was paused.",
  "schedule.run.error.recipientsNotAllowed":
    "None of the recipients is at a domain mail may be sent to now, so the schedule was paused.",
  "schedule.run.error.exportDeleted": "The file was deleted from the history before it was mailed.",
  "schedule.run.error.paused": "The schedule was paused before this run started, so it did not run.",
  "schedule.run.error.invalidTiming":
    "Its cron expression or time zone can no longer be read, so the schedule was paused.",
  "schedule.run.error.integrity": "The file did not match its SHA-256 when it was read for the mail; nothing was sent.",
  "schedule.run.error.exportFailed": "The export failed: {reason}",
  "schedule.run.error.exportCancelled": "The export was cancelled, so nothing was mailed.",
  "schedule.run.error.busy": "The owner had too many exports running for too long; this run gave up.",
  "schedule.run.error.mailFailed":
    "The mail could not be sent after {attempts} attempts ({reason}). The file is in the history.",
} as const;

export const schedulesKo: Record<keyof typeof schedulesEn, string> = {
  "audit.action.schedule_created": "예약 생성",
  "audit.action.schedule_updated": "예약 변경",
  "audit.action.schedule_deleted": "예약 삭제",
  "audit.action.schedule_run": "예약 실행",
  "audit.action.schedule_paused": "예약 일시 중지",
  "audit.target.schedule": "예약",
  "error.schedule.notFound": "해당 예약이 없습니다.",
  "error.schedule.invalid": "예약을 저장할 수 없습니다. 각 항목을 확인하세요.",
  "error.schedule.ownerInactive": "예약 소유자의 계정이 비활성화되어 실행할 수 없습니다.",
  "error.schedule.datasetGone": "예약의 데이터셋이 삭제되어 실행할 수 없습니다. 다른 데이터셋을 고르세요.",
  "error.schedule.noRecipients": "메일을 보낼 수 있는 도메인의 받는 사람이 없습니다. 먼저 받는 사람을 바꾸세요.",
  "schedule.paused.notAllowed": "일시 중지됨: 소유자가 더 이상 이 데이터셋을 내보낼 수 없습니다.",
  "schedule.paused.ownerInactive": "일시 중지됨: 소유자의 계정이 비활성화되었습니다.",
  "schedule.paused.datasetGone": "일시 중지됨: 데이터셋이 삭제되었습니다.",
  "schedule.paused.invalidOptions": "일시 중지됨: 옵션이 더 이상 데이터셋과 맞지 않습니다.",
  "schedule.paused.recipientsNotAllowed": "일시 중지됨: 지금 메일을 보낼 수 있는 도메인의 받는 사람이 없습니다.",
  "schedule.paused.invalidTiming":
    "일시 중지됨: cron 식이나 시간대를 더 이상 읽을 수 없습니다. 수정한 뒤 다시 시작하세요.",
  "schedule.run.error.notAllowed": "소유자가 더 이상 이 데이터셋을 내보낼 수 없어 예약을 일시 중지했습니다.",
  "schedule.run.error.ownerInactive": "소유자의 계정이 비활성화되어 예약을 일시 중지했습니다.",
  "schedule.run.error.datasetGone": "데이터셋이 삭제되어 예약을 일시 중지했습니다.",
  "schedule.run.error.invalidOptions": "옵션이 더 이상 데이터셋과 맞지 않아 예약을 일시 중지했습니다.",
  "schedule.run.error.recipientsNotAllowed":
    "지금 메일을 보낼 수 있는 도메인의 받는 사람이 없어 예약을 일시 중지했습니다.",
  "schedule.run.error.exportDeleted": "메일을 보내기 전에 파일이 내보내기 기록에서 삭제되었습니다.",
  "schedule.run.error.paused": "이 실행이 시작되기 전에 예약이 일시 중지되어 실행하지 않았습니다.",
  "schedule.run.error.invalidTiming": "cron 식이나 시간대를 더 이상 읽을 수 없어 예약을 일시 중지했습니다.",
  "schedule.run.error.integrity": "메일에 넣으려고 읽은 파일이 SHA-256과 맞지 않아 아무것도 보내지 않았습니다.",
  "schedule.run.error.exportFailed": "내보내기에 실패했습니다: {reason}",
  "schedule.run.error.exportCancelled": "내보내기가 취소되어 메일을 보내지 않았습니다.",
  "schedule.run.error.busy": "소유자의 내보내기가 너무 오래 많이 실행 중이어서 이번 실행을 포기했습니다.",
  "schedule.run.error.mailFailed":
    "{attempts}번 시도했지만 메일을 보내지 못했습니다({reason}). 파일은 내보내기 기록에 있습니다.",
};
