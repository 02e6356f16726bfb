// Messages of the API document's page (/docs/api), in English and Korean. Spread into en.ts and ko.ts; the
// Korean object must have exactly the English keys (the type says so).
export const apiDocEn = {
  "apiDoc.title": "API reference",
  "apiDoc.subtitle":
    "Every endpoint of the HTTP API, with its parameters, bodies and answers. Scripts sign in with a personal access token.",
  "apiDoc.download": "Download the OpenAPI document",
  "apiDoc.loading": "Loading the API reference…",
} as const;

export const apiDocKo: Record<keyof typeof apiDocEn, string> = {
  "apiDoc.title": "API 문서",
  "apiDoc.subtitle":
    "HTTP API의 모든 엔드포인트와 매개변수, 요청 본문, 응답을 보여 줍니다. 스크립트는 개인 액세스 토큰으로 로그인합니다.",
  "apiDoc.download": "OpenAPI 문서 내려받기",
  "apiDoc.loading": "API 문서를 불러오는 중…",
};
