// Words of value presentation (the preview's and the PDF's cells) in English and Korean.
// Spread into en.ts and ko.ts; the Korean object must have exactly the English keys.
export const valuesEn = {
  "value.yes": "Yes",
  "value.no": "No",
} as const;

export const valuesKo: Record<keyof typeof valuesEn, string> = {
  "value.yes": "예",
  "value.no": "아니요",
};
