// Messages of reading uploaded files (lib/imports): why a file cannot be read, inspect warnings, in English and Korean. Spread into en.ts and ko.ts; the Korean
// object must have exactly the English keys (the type says so).
export const importFilesEn = {} as const;

export const importFilesKo: Record<keyof typeof importFilesEn, string> = {};
