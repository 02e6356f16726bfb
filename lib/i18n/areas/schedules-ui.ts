// Messages of the schedules page and the "Schedule…" action on a dataset page, in English
// and Korean. Spread into en.ts and ko.ts; the Korean object must have exactly the English keys.
export const schedulesUiEn = {
  "nav.schedules": "Schedules",
} as const;

export const schedulesUiKo: Record<keyof typeof schedulesUiEn, string> = {
  "nav.schedules": "예약",
};
