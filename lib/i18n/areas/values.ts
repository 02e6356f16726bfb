// Words of value presentation (the preview's and the PDF's cells, the audit trail's details)
// and how an export was delivered (the history's rows and the audit trail say it the same),
// in English and Korean.
// Spread into en.ts and ko.ts; the Korean object must have exactly the English keys.
export const valuesEn = {
  "value.yes": "Yes",
  "value.no": "No",
  "delivery.direct": "Downloaded directly",
  "delivery.job": "Background job",
} as const;

export const valuesKo: Record<keyof typeof valuesEn, string> = {
  "value.yes": "예",
  "value.no": "아니요",
  "delivery.direct": "바로 내려받음",
  "delivery.job": "백그라운드 작업",
};
