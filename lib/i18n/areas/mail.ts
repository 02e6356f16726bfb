// Messages of the e-mails Outport sends — a scheduled export's delivery and the notice
// that a schedule paused itself — in English and Korean. Spread into en.ts and ko.ts; the
// Korean object must have exactly the English keys.
export const mailEn = {
  "mail.footer": "Sent by {organisation}.",
  "mail.footer.recipient": "Sent by {organisation} because this address is a recipient of the schedule.",
  "mail.footer.schedules": "Manage the schedules",
  "mail.when": "{when} ({zone})",
  "mail.fact.dataset": "Dataset",
  "mail.fact.format": "Format",
  "mail.fact.scheduledFor": "Scheduled for",
  "mail.fact.startedAt": "Started",
  "mail.fact.rows": "Rows",
  "mail.fact.size": "Size",
  "mail.fact.file": "File",
  "mail.fact.sha256": "SHA-256",
  "mail.fact.owner": "Owner",
  "mail.fact.reason": "Reason",
  "mail.fact.pausedAt": "Paused",
  "mail.run.subject": "{dataset} — {format} export for {when}",
  "mail.run.subject.catchUp": "{dataset} — {format} export for {when} (catch-up for {missed} missed runs)",
  "mail.run.subject.catchUpOne": "{dataset} — {format} export for {when} (catch-up for a missed run)",
  "mail.run.subject.manual": "{dataset} — {format} export, run now ({when})",
  "mail.run.intro": "Here is the scheduled {format} export of {dataset}.",
  "mail.run.intro.catchUp":
    "Here is a catch-up {format} export of {dataset}: {missed} scheduled runs were missed while the export service was down, and this one run stands for them.",
  "mail.run.intro.catchUpOne":
    "Here is a catch-up {format} export of {dataset}: a scheduled run was missed while the export service was down, and this run makes up for it.",
  "mail.run.intro.manual": 'Here is the {format} export of {dataset}, started with "Run now" on its schedule.',
  "mail.run.link": "Download the file with this link, valid for {days} days, until {until}:",
  "mail.run.linkOneDay": "Download the file with this link, valid for 1 day, until {until}:",
  "mail.run.attached": "The file is attached.",
  "mail.run.tooLarge":
    "The file is {size} ({encoded} as an attachment), over the {limit} limit for attachments: download it with the link.",
  "mail.run.notAttached": "The file is not attached: download it with the link.",
  "mail.run.checkHash":
    "To check that the file arrived intact, compute its SHA-256 and compare it with the one above, for example with:",
  "mail.pause.subject": "Your scheduled export of {dataset} is paused",
  "mail.pause.subject.admins": "The scheduled export of {dataset} by {owner} is paused",
  "mail.pause.intro": "Your schedule for {dataset} paused itself and will not run again until it is resumed.",
  "mail.pause.intro.admins":
    "The schedule of {owner} ({email}) for {dataset} paused itself and will not run again until it is resumed. You are told as an administrator because its owner cannot act on it.",
  "mail.pause.todo":
    "What to do: if you should still send this export, ask an administrator to give you the right back, or edit the schedule so that it fits again; then resume it on the schedules page.",
  "mail.pause.todo.admins":
    "What to do: restore the owner's account or right, or edit the schedule; then resume it on the schedules page. Delete it if it is no longer needed.",
  "mail.pause.link": "The schedules page:",
} as const;

export const mailKo: Record<keyof typeof mailEn, string> = {
  "mail.footer": "{organisation}에서 보냈습니다.",
  "mail.footer.recipient": "이 주소가 예약의 받는 사람으로 등록되어 있어 {organisation}에서 보냈습니다.",
  "mail.footer.schedules": "예약 관리",
  "mail.when": "{when} ({zone})",
  "mail.fact.dataset": "데이터셋",
  "mail.fact.format": "형식",
  "mail.fact.scheduledFor": "예약 시각",
  "mail.fact.startedAt": "시작 시각",
  "mail.fact.rows": "행 수",
  "mail.fact.size": "크기",
  "mail.fact.file": "파일",
  "mail.fact.sha256": "SHA-256",
  "mail.fact.owner": "소유자",
  "mail.fact.reason": "사유",
  "mail.fact.pausedAt": "일시 중지 시각",
  "mail.run.subject": "{dataset} — {when} {format} 내보내기",
  "mail.run.subject.catchUp": "{dataset} — {when} {format} 내보내기 (놓친 실행 {missed}회 보충)",
  "mail.run.subject.catchUpOne": "{dataset} — {when} {format} 내보내기 (놓친 실행 보충)",
  "mail.run.subject.manual": "{dataset} — {format} 내보내기, 지금 실행 ({when})",
  "mail.run.intro": "{dataset}의 예약된 {format} 내보내기입니다.",
  "mail.run.intro.catchUp":
    "{dataset}의 {format} 보충 내보내기입니다. 내보내기 서비스가 멈춰 있는 동안 예약된 실행 {missed}회를 놓쳐, 이 한 번의 실행으로 대신합니다.",
  "mail.run.intro.catchUpOne":
    "{dataset}의 {format} 보충 내보내기입니다. 내보내기 서비스가 멈춰 있는 동안 예약된 실행 1회를 놓쳐, 이번 실행으로 대신합니다.",
  "mail.run.intro.manual": '예약에서 "지금 실행"으로 시작된 {dataset}의 {format} 내보내기입니다.',
  "mail.run.link": "아래 링크로 파일을 내려받으세요. {days}일 동안, {until}까지 유효합니다.",
  "mail.run.linkOneDay": "아래 링크로 파일을 내려받으세요. 1일 동안, {until}까지 유효합니다.",
  "mail.run.attached": "파일이 첨부되어 있습니다.",
  "mail.run.tooLarge":
    "파일 크기가 {size}(첨부하면 {encoded})로 첨부 한도 {limit}를 넘어 첨부하지 않았습니다. 링크로 내려받으세요.",
  "mail.run.notAttached": "파일을 첨부하지 않았습니다. 링크로 내려받으세요.",
  "mail.run.checkHash":
    "파일이 손상 없이 도착했는지 확인하려면 파일의 SHA-256을 계산해 위의 값과 비교하세요. 예를 들어 다음 명령으로 확인할 수 있습니다.",
  "mail.pause.subject": "{dataset} 예약 내보내기가 일시 중지되었습니다",
  "mail.pause.subject.admins": "{owner}님의 {dataset} 예약 내보내기가 일시 중지되었습니다",
  "mail.pause.intro": "{dataset} 예약이 일시 중지되어, 다시 시작할 때까지 실행되지 않습니다.",
  "mail.pause.intro.admins":
    "{owner}({email})님의 {dataset} 예약이 일시 중지되어, 다시 시작할 때까지 실행되지 않습니다. 소유자가 직접 조치할 수 없어 관리자에게 알려 드립니다.",
  "mail.pause.todo":
    "조치 방법: 이 내보내기를 계속 보내야 한다면 관리자에게 권한을 다시 요청하거나, 예약을 수정해 다시 맞게 한 뒤 예약 페이지에서 다시 시작하세요.",
  "mail.pause.todo.admins":
    "조치 방법: 소유자의 계정이나 권한을 복구하거나 예약을 수정한 뒤 예약 페이지에서 다시 시작하세요. 더 이상 필요 없다면 삭제하세요.",
  "mail.pause.link": "예약 페이지:",
};
