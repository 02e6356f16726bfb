// Messages of the upload routes and the HTTP edge, in English and Korean. Spread into en.ts and ko.ts; the Korean
// object must have exactly the English keys (the type says so).
export const uploadApiEn = {
  "upload.error.tooLarge": "The file is too large: at most {limit} MB.",
  "upload.error.noFile": "Send the file in a form part named “file”.",
  "upload.error.oneFile": "Send one file at a time.",
  "upload.error.empty": "The file is empty.",
  "upload.error.unknownPart":
    "“{name}” is not part of an upload: send the file as “file” and the settings as “metadata”.",
  "upload.error.malformed": "The upload is not a valid multipart/form-data body.",
  "upload.error.incomplete": "The upload ended before the whole file arrived. Try again.",
  "upload.error.mediaType":
    "Send the file as multipart/form-data, or as the body with its own type (CSV, TSV, JSON, NDJSON, XLSX or Parquet).",
  "upload.error.metadata": "The upload's settings (metadata) must be a JSON object.",
  "upload.error.idle": "No data arrived for {seconds} seconds, so the upload was stopped.",
  "upload.error.invalidFile": "The file cannot be imported as it is.",
} as const;

export const uploadApiKo: Record<keyof typeof uploadApiEn, string> = {
  "upload.error.tooLarge": "파일이 너무 큽니다. 최대 {limit}MB까지 올릴 수 있습니다.",
  "upload.error.noFile": "파일을 “file”이라는 이름의 양식 파트로 보내세요.",
  "upload.error.oneFile": "파일은 한 번에 하나씩 보내세요.",
  "upload.error.empty": "파일이 비어 있습니다.",
  "upload.error.unknownPart": "“{name}”은(는) 업로드 항목이 아닙니다. 파일은 “file”로, 설정은 “metadata”로 보내세요.",
  "upload.error.malformed": "업로드가 올바른 multipart/form-data 본문이 아닙니다.",
  "upload.error.incomplete": "파일이 모두 도착하기 전에 업로드가 끝났습니다. 다시 시도하세요.",
  "upload.error.mediaType":
    "파일을 multipart/form-data로 보내거나, 본문에 파일 형식(CSV, TSV, JSON, NDJSON, XLSX, Parquet)을 지정해 보내세요.",
  "upload.error.metadata": "업로드 설정(metadata)은 JSON 객체여야 합니다.",
  "upload.error.idle": "{seconds}초 동안 데이터가 오지 않아 업로드를 중단했습니다.",
  "upload.error.invalidFile": "이 파일은 그대로 가져올 수 없습니다.",
};
