// Messages of reading uploaded files (lib/imports): why a file cannot be read, inspect warnings, in English and Korean. Spread into en.ts and ko.ts; the Korean
// object must have exactly the English keys (the type says so).
export const importFilesEn = {
  "import.error.unreadable": "The file cannot be read.",
  "import.error.empty": "The file is empty.",
  "import.error.noRows": "The file has no data rows, only a header.",
  "import.error.notText":
    "This is not a text file (it holds binary data). Upload a CSV, Excel (.xlsx), JSON, NDJSON or Parquet file.",
  "import.error.invalidEncoding":
    "Line {line} is not valid {encoding}. Choose another encoding (perhaps {suggestion}) and inspect the file again.",
  "import.error.tooManyColumns": "The file has {count} columns; at most {limit} can be imported.",
  "import.error.tooManyRows": "The file has more than {limit} rows, the most one import can take.",
  "import.error.recordTooLong":
    "The record starting on line {line} is longer than the limit of {limit} characters (perhaps an unclosed quote).",
  "import.error.headerDuplicate":
    "The header names some columns more than once: {columns}. Rename them in the file, or turn off “first row is the header”.",
  "import.error.headerEmpty":
    "The header leaves some columns without a name: {columns}. Name them in the file, or turn off “first row is the header”.",
  "import.error.damagedWorkbook": "The workbook is damaged or incomplete.",
  "import.error.notWorkbook": "This zip file is not an Excel workbook (.xlsx).",
  "import.error.workbookTooLarge":
    "The workbook inflates past {limit} bytes when unpacked, more than an import can take.",
  "import.error.workbookEntities":
    "The workbook declares XML entities (in {part}), which are refused for safety. Save it again from Excel.",
  "import.error.noSheet": "The workbook has no sheet named “{sheet}”.",
  "import.error.noSheets": "The workbook has no sheets.",
  "import.error.invalidJson": "The file is not valid JSON near character {position}: {reason}",
  "import.error.invalidParquet": "The Parquet file is damaged or cannot be read: {reason}",
  "import.error.parquetTooLarge":
    "The Parquet file's row groups inflate past the limit of {limit} MB. Write it with smaller row groups.",
  "import.warning.leadingZeros":
    "Column “{column}” has values with leading zeros (like {example}); it is kept as text so they are not lost.",
  "import.warning.fieldCount":
    "{count} of the first rows have a different number of fields than the header (first on line {line}); missing fields are left empty, rows with extra fields are rejected.",
  "import.warning.partial": "Only the start of the file was inspected; the columns are proposed from its first rows.",
  "import.warning.rowProblems": "{count} of the first rows cannot be imported as they are (first on line {line}).",
  "import.warning.headerGuess":
    "Every column holds text, so whether the first row is a header is a guess: check “first row is the header”.",
} as const;

export const importFilesKo: Record<keyof typeof importFilesEn, string> = {
  "import.error.unreadable": "파일을 읽을 수 없습니다.",
  "import.error.empty": "파일이 비어 있습니다.",
  "import.error.noRows": "파일에 데이터 행이 없고 머리글만 있습니다.",
  "import.error.notText":
    "텍스트 파일이 아닙니다(바이너리 데이터가 들어 있습니다). CSV, Excel(.xlsx), JSON, NDJSON 또는 Parquet 파일을 올려 주세요.",
  "import.error.invalidEncoding":
    "{line}번째 줄이 올바른 {encoding}이(가) 아닙니다. 다른 인코딩(예: {suggestion})을 골라 파일을 다시 검사해 주세요.",
  "import.error.tooManyColumns": "파일의 열이 {count}개입니다. 최대 {limit}개까지 가져올 수 있습니다.",
  "import.error.tooManyRows": "파일의 행이 한 번에 가져올 수 있는 최대치인 {limit}개를 넘습니다.",
  "import.error.recordTooLong":
    "{line}번째 줄에서 시작하는 레코드가 한도인 {limit}자보다 깁니다(닫히지 않은 따옴표일 수 있습니다).",
  "import.error.headerDuplicate":
    "머리글에 같은 이름의 열이 있습니다: {columns}. 파일에서 이름을 바꾸거나 “첫 행이 머리글” 설정을 꺼 주세요.",
  "import.error.headerEmpty":
    "머리글에 이름이 없는 열이 있습니다: {columns}. 파일에서 이름을 붙이거나 “첫 행이 머리글” 설정을 꺼 주세요.",
  "import.error.damagedWorkbook": "통합 문서가 손상되었거나 불완전합니다.",
  "import.error.notWorkbook": "이 zip 파일은 Excel 통합 문서(.xlsx)가 아닙니다.",
  "import.error.workbookTooLarge": "통합 문서의 압축을 풀면 {limit}바이트를 넘어 가져올 수 없습니다.",
  "import.error.workbookEntities":
    "통합 문서({part})에 XML 엔터티 선언이 있어 안전을 위해 거부합니다. Excel에서 다시 저장해 주세요.",
  "import.error.noSheet": "통합 문서에 “{sheet}” 시트가 없습니다.",
  "import.error.noSheets": "통합 문서에 시트가 없습니다.",
  "import.error.invalidJson": "{position}번째 문자 근처가 올바른 JSON이 아닙니다: {reason}",
  "import.error.invalidParquet": "Parquet 파일이 손상되었거나 읽을 수 없습니다: {reason}",
  "import.error.parquetTooLarge":
    "Parquet 파일의 행 그룹이 압축을 풀면 한도 {limit}MB를 넘습니다. 더 작은 행 그룹으로 저장하세요.",
  "import.warning.leadingZeros":
    "“{column}” 열에 앞자리가 0인 값({example} 등)이 있어 값이 사라지지 않도록 텍스트로 둡니다.",
  "import.warning.fieldCount":
    "앞쪽 행 중 {count}개의 필드 수가 머리글과 다릅니다({line}번째 줄부터). 빠진 필드는 비워 두고, 필드가 더 많은 행은 거부합니다.",
  "import.warning.partial": "파일의 앞부분만 검사했습니다. 열은 앞쪽 행들을 보고 제안한 것입니다.",
  "import.warning.rowProblems": "앞쪽 행 중 {count}개는 그대로 가져올 수 없습니다({line}번째 줄부터).",
  "import.warning.headerGuess":
    "모든 열이 텍스트라 첫 행이 머리글인지는 추측입니다. “첫 행이 머리글” 설정을 확인해 주세요.",
};
