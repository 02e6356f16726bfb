// Messages of the upload routes and the HTTP edge, in English and Korean. Spread into en.ts and ko.ts; the Korean
// object must have exactly the English keys (the type says so).
export const uploadApiEn = {} as const;

export const uploadApiKo: Record<keyof typeof uploadApiEn, string> = {};
