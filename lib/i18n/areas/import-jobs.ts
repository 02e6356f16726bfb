// Messages of import jobs and managing datasets (lib/datasets): job errors, audit words, in English and Korean. Spread into en.ts and ko.ts; the Korean
// object must have exactly the English keys (the type says so).
export const importJobsEn = {
  "import.job.concurrentLimit":
    "You already have {limit} imports in progress. Wait for one to finish, or cancel one, then try again.",
  "import.job.notCancellable": "Only a waiting or running import can be cancelled.",
  "import.job.noRejectedRows": "This import rejected no rows.",
  "import.job.error.tooManyRejected":
    "More than {limit} rows were rejected (the import stopped at line {line}). Nothing was imported: download the rejected rows, fix them and import again.",
  "import.job.error.tooManyRows":
    "The file has more than {max} rows, the most one import may bring in. Nothing was imported.",
  "import.job.error.datasetGone": "The dataset was deleted before the import could finish. Nothing was imported.",
  "import.job.error.notAllowed": "You are no longer allowed to import into this dataset. Nothing was imported.",
  "import.job.error.uploadGone": "The uploaded file is no longer on the server. Upload it again.",
  "import.job.error.unreadable": "The file could not be read as it was described. Nothing was imported.",
  "import.job.error.settings": "This import's settings could not be read. Start it again.",
  "import.job.error.columnsChanged":
    "The dataset's columns changed after the import was asked for. Nothing was imported: start it again.",
  "import.job.error.workerLost": "The import was interrupted three times and has been stopped. Nothing was imported.",
  "import.job.error.unexpected":
    "The import failed unexpectedly. Nothing was imported. Try again; if it keeps failing, contact an administrator.",
  "dataset.manageForbidden": "You may not change this dataset.",
  "dataset.transferForbidden": "Only an administrator can give a dataset to someone else.",
  "dataset.importing": "This dataset is still being imported.",
  "audit.action.dataset_created": "Dataset created",
  "audit.action.dataset_imported": "Rows imported",
  "audit.action.dataset_updated": "Dataset changed",
  "audit.action.dataset_deleted": "Dataset deleted",
  "audit.action.dataset_import_failed": "Import failed or cancelled",
} as const;

export const importJobsKo: Record<keyof typeof importJobsEn, string> = {
  "import.job.concurrentLimit":
    "이미 진행 중인 가져오기가 {limit}개 있습니다. 하나가 끝나기를 기다리거나 하나를 취소한 뒤 다시 시도하세요.",
  "import.job.notCancellable": "대기 중이거나 실행 중인 가져오기만 취소할 수 있습니다.",
  "import.job.noRejectedRows": "이 가져오기에서 거부된 행이 없습니다.",
  "import.job.error.tooManyRejected":
    "거부된 행이 허용된 {limit}개를 넘었습니다({line}번째 줄에서 멈춤). 아무것도 가져오지 않았습니다. 거부된 행을 내려받아 고친 뒤 다시 가져오세요.",
  "import.job.error.tooManyRows":
    "파일의 행이 한 번에 가져올 수 있는 최대 {max}개를 넘습니다. 아무것도 가져오지 않았습니다.",
  "import.job.error.datasetGone": "가져오기가 끝나기 전에 데이터셋이 삭제되었습니다. 아무것도 가져오지 않았습니다.",
  "import.job.error.notAllowed": "이 데이터셋으로 더 이상 가져올 수 없습니다. 아무것도 가져오지 않았습니다.",
  "import.job.error.uploadGone": "업로드한 파일이 서버에 더 이상 없습니다. 다시 업로드하세요.",
  "import.job.error.unreadable": "설명된 방식으로 파일을 읽을 수 없습니다. 아무것도 가져오지 않았습니다.",
  "import.job.error.settings": "이 가져오기의 설정을 읽을 수 없습니다. 다시 시작하세요.",
  "import.job.error.columnsChanged":
    "가져오기를 요청한 뒤 데이터셋의 열이 바뀌었습니다. 아무것도 가져오지 않았습니다. 다시 시작하세요.",
  "import.job.error.workerLost": "가져오기가 세 번 중단되어 멈췄습니다. 아무것도 가져오지 않았습니다.",
  "import.job.error.unexpected":
    "가져오기가 예기치 않게 실패했습니다. 아무것도 가져오지 않았습니다. 다시 시도하고, 계속 실패하면 관리자에게 문의하세요.",
  "dataset.manageForbidden": "이 데이터셋을 변경할 수 없습니다.",
  "dataset.transferForbidden": "데이터셋을 다른 사람에게 넘기는 것은 관리자만 할 수 있습니다.",
  "dataset.importing": "이 데이터셋은 아직 가져오는 중입니다.",
  "audit.action.dataset_created": "데이터셋 생성",
  "audit.action.dataset_imported": "행 가져오기",
  "audit.action.dataset_updated": "데이터셋 변경",
  "audit.action.dataset_deleted": "데이터셋 삭제",
  "audit.action.dataset_import_failed": "가져오기 실패 또는 취소",
};
