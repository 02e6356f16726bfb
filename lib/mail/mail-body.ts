// A mail's body, said once and rendered twice: as plain text and as HTML carrying the same
// facts. Every value is escaped here, so a composer hands over plain strings only; the HTML
// uses inline styles (mail clients drop style sheets) and no remote images.

export type MailFact = { label: string; value: string; mono?: boolean };

export type MailBlock =
  | { kind: "paragraph"; text: string }
  | { kind: "facts"; facts: MailFact[] }
  /** A link on a line of its own, with a sentence before it. */
  | { kind: "link"; label: string; href: string }
  /** A command to type, shown as code. */
  | { kind: "code"; text: string }
  | { kind: "footer"; text: string; link?: { label: string; href: string } };

const CHARACTER_REFERENCES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Text for HTML content and quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => CHARACTER_REFERENCES[c]!);
}

/** A subject stays one line, whatever a dataset or a person is called. */
export function oneLine(text: string): string {
  return text.replace(/[\s\p{Cc}]+/gu, " ").trim();
}

/** Only web links become `<a href>`; anything else is shown as text and never followed. */
function isWebLink(href: string): boolean {
  return /^https?:\/\//i.test(href);
}

const FONT = "font-family:-apple-system,'Segoe UI',Roboto,'Noto Sans KR','Apple SD Gothic Neo',sans-serif";
const MONO = "font-family:ui-monospace,Menlo,Consolas,monospace";
const STYLE = {
  body: `margin:0;padding:24px 16px;background:#f4f4f5;color:#18181b;${FONT};font-size:15px;line-height:1.5`,
  card: "max-width:600px;margin:0 auto;background:#ffffff;border:1px solid #e4e4e7;border-radius:8px;padding:24px",
  paragraph: "margin:0 0 16px 0",
  table: "border-collapse:collapse;margin:0 0 16px 0;width:100%",
  label: "padding:4px 12px 4px 0;color:#52525b;vertical-align:top;white-space:nowrap",
  value: "padding:4px 0;vertical-align:top;overflow-wrap:anywhere",
  mono: `${MONO};font-size:13px;word-break:break-all`,
  link: "color:#1d4ed8;word-break:break-all",
  code: `display:block;margin:0 0 16px 0;padding:8px 12px;background:#f4f4f5;border-radius:4px;${MONO};font-size:13px;word-break:break-all`,
  footer: "margin:24px 0 0 0;padding-top:16px;border-top:1px solid #e4e4e7;color:#71717a;font-size:13px",
};

function anchor(label: string, href: string): string {
  if (!isWebLink(href)) return escapeHtml(label === href ? href : `${label} ${href}`);
  return `<a href="${escapeHtml(href)}" style="${STYLE.link}">${escapeHtml(label)}</a>`;
}

function blockHtml(block: MailBlock): string {
  switch (block.kind) {
    case "paragraph":
      return `<p style="${STYLE.paragraph}">${escapeHtml(block.text)}</p>`;
    case "facts": {
      const rows = block.facts.map(
        (fact) =>
          `<tr><th scope="row" align="left" style="${STYLE.label};font-weight:normal">${escapeHtml(fact.label)}</th>` +
          `<td style="${STYLE.value}${fact.mono ? `;${STYLE.mono}` : ""}">${escapeHtml(fact.value)}</td></tr>`,
      );
      return `<table role="presentation" style="${STYLE.table}">${rows.join("")}</table>`;
    }
    case "link":
      return `<p style="${STYLE.paragraph}">${escapeHtml(block.label)}<br>${anchor(block.href, block.href)}</p>`;
    case "code":
      return `<code style="${STYLE.code}">${escapeHtml(block.text)}</code>`;
    case "footer":
      return (
        `<p style="${STYLE.footer}">${escapeHtml(block.text)}` +
        (block.link ? ` ${anchor(block.link.label, block.link.href)}` : "") +
        "</p>"
      );
  }
}

/** Columns a text takes in a monospaced font: Hangul, CJK and full-width forms take two. */
function displayWidth(text: string): number {
  let width = 0;
  for (const character of text) width += WIDE.test(character) ? 2 : 1;
  return width;
}
const WIDE = /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/;

function blockText(block: MailBlock): string {
  switch (block.kind) {
    case "paragraph":
      return block.text;
    case "facts": {
      const width = Math.max(...block.facts.map((fact) => displayWidth(fact.label)));
      return block.facts
        .map((fact) => `${fact.label}:${" ".repeat(width - displayWidth(fact.label) + 1)}${fact.value}`)
        .join("\n");
    }
    case "link":
      return `${block.label}\n${block.href}`;
    case "code":
      return `    ${block.text}`;
    case "footer":
      return `-- \n${block.text}${block.link ? `\n${block.link.label}: ${block.link.href}` : ""}`;
  }
}

/** The same blocks as plain text and as an HTML document in the mail's language. */
export function renderMailBody(
  blocks: MailBlock[],
  { lang, title }: { lang: string; title: string },
): {
  text: string;
  html: string;
} {
  const text = `${blocks.map(blockText).join("\n\n")}\n`;
  const html =
    `<!DOCTYPE html><html lang="${escapeHtml(lang)}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title></head>` +
    `<body style="${STYLE.body}"><div style="${STYLE.card}">${blocks.map(blockHtml).join("")}</div></body></html>`;
  return { text, html };
}
