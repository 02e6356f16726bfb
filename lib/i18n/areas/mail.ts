// Messages of the e-mails Outport sends — a scheduled export's delivery and the notice
// that a schedule paused itself — in English and Korean. Spread into en.ts and ko.ts; the
// Korean object must have exactly the English keys.
export const mailEn = {
  "mail.footer": "Sent by {organisation}.",
} as const;

export const mailKo: Record<keyof typeof mailEn, string> = {
  "mail.footer": "{organisation}에서 보냈습니다.",
};
