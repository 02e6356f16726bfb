// Messages of an export job that failed because of the object storage its files go to —
// full, refusing the app, or out of reach — in English and Korean, in words the person who
// asked for the export can act on (no bucket, address or credential ever appears). Spread
// into en.ts and ko.ts; the Korean object must have exactly the English keys.
export const storageFaultsEn = {
  "job.error.storage_full":
    "The file storage is full, so the export file could not be saved. An administrator needs to free space or raise the storage limit.",
  "job.error.storage_refused":
    "The file storage refused to save the export file. An administrator needs to check the storage settings.",
  "job.error.storage_unreachable":
    "The file storage could not be reached, so the export file could not be saved. Try again later; if it keeps failing, contact an administrator.",
  "error.storageUnavailable":
    "The file storage cannot be reached right now, so the file cannot be downloaded. Try again in a minute; if it keeps failing, contact an administrator.",
  "error.storageRefused":
    "The file storage refused to hand out the file. An administrator needs to check the storage settings.",
} as const;

export const storageFaultsKo: Record<keyof typeof storageFaultsEn, string> = {
  "job.error.storage_full":
    "파일 저장소가 가득 차서 내보내기 파일을 저장하지 못했습니다. 관리자가 공간을 확보하거나 저장 한도를 늘려야 합니다.",
  "job.error.storage_refused":
    "파일 저장소가 내보내기 파일의 저장을 거부했습니다. 관리자가 저장소 설정을 확인해야 합니다.",
  "job.error.storage_unreachable":
    "파일 저장소에 연결할 수 없어 내보내기 파일을 저장하지 못했습니다. 잠시 후 다시 시도하고, 계속 실패하면 관리자에게 문의하세요.",
  "error.storageUnavailable":
    "지금은 파일 저장소에 연결할 수 없어 파일을 내려받을 수 없습니다. 잠시 후 다시 시도하고, 계속 실패하면 관리자에게 문의하세요.",
  "error.storageRefused": "파일 저장소가 파일 제공을 거부했습니다. 관리자가 저장소 설정을 확인해야 합니다.",
};
