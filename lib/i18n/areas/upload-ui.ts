// Messages of the upload page and the dataset management UI, in English and Korean. Spread into en.ts and ko.ts; the Korean
// object must have exactly the English keys (the type says so).
export const uploadUiEn = {} as const;

export const uploadUiKo: Record<keyof typeof uploadUiEn, string> = {};
