// Messages of import jobs and managing datasets (lib/datasets): job errors, audit words, in English and Korean. Spread into en.ts and ko.ts; the Korean
// object must have exactly the English keys (the type says so).
export const importJobsEn = {} as const;

export const importJobsKo: Record<keyof typeof importJobsEn, string> = {};
