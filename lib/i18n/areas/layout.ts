// Messages of the page frame — the top bar's menu and links, the skip link, the dialogs'
// close button and the charts' text alternatives — in English and Korean. Spread into
// en.ts and ko.ts; the Korean object must have exactly the English keys.
export const layoutEn = {
  "nav.users": "Users",
  "nav.account": "Account",
  "nav.menu": "Menu",
  "layout.skipToContent": "Skip to content",
  "dialog.close": "Close",
  "dataset.chart.summary": "{title}: {items}.",
  "dataset.chart.summaryItem": "{label} {count}",
} as const;

export const layoutKo: Record<keyof typeof layoutEn, string> = {
  "nav.users": "사용자",
  "nav.account": "계정",
  "nav.menu": "메뉴",
  "layout.skipToContent": "본문으로 건너뛰기",
  "dialog.close": "닫기",
  "dataset.chart.summary": "{title}: {items}.",
  "dataset.chart.summaryItem": "{label} {count}건",
};
