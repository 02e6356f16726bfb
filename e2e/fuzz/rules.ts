// What no answer may contain: a file-system path, a stack trace, SQL or database error
// text, or a secret. Each rule returns a short excerpt around its first match, or null.

export type LeakRule = { name: string; pattern: RegExp };

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export function leakRules(secrets: { authSecret?: string; repoRoot?: string }): LeakRule[] {
  const rules: LeakRule[] = [
    {
      name: "filesystem path",
      pattern: /\/work\/|\/home\/|\/tmp\/|\/root\/|\/usr\/(?:lib|local|src)\/|node_modules|\.next\/|file:\/\/\//,
    },
    // A V8 stack frame ("    at fn (file:1:2)"), or an error followed by a file:line:column.
    { name: "stack trace", pattern: /^[ \t]+at [^\n]{0,200}?(?::\d+:\d+\)?$|\(native\)|<anonymous>)/m },
    { name: "stack trace", pattern: /\b\w*Error:[^\n]{0,300}?\b[\w-]+\.(?:[cm]?js|tsx?):\d+(?::\d+)?/ },
    // SQL keywords in capitals only (prose says "select"); database messages in any case.
    { name: "SQL or database error", pattern: /SELECT |INSERT INTO|UPDATE "|DELETE FROM/ },
    {
      name: "SQL or database error",
      pattern:
        /syntax error at|violates|relation "|prisma|invalid input syntax|invalid byte sequence|unterminated quoted/i,
    },
    { name: "secret (bcrypt hash)", pattern: /\$2[aby]\$\d\d\$/ },
    { name: "secret (database URL)", pattern: /postgres(?:ql)?:\/\/|outport:outport@|password authentication failed/i },
  ];
  if (secrets.authSecret && secrets.authSecret.length >= 16)
    rules.push({ name: "secret (NEXTAUTH_SECRET)", pattern: new RegExp(escapeRegExp(secrets.authSecret)) });
  if (secrets.repoRoot && secrets.repoRoot.length > 1)
    rules.push({ name: "filesystem path", pattern: new RegExp(escapeRegExp(secrets.repoRoot)) });
  return rules;
}

export type LeakMatch = { rule: string; excerpt: string };

export function findLeak(rules: LeakRule[], text: string): LeakMatch | null {
  for (const rule of rules) {
    const match = rule.pattern.exec(text);
    if (match) return { rule: rule.name, excerpt: excerptAround(text, match.index, match[0].length) };
  }
  return null;
}

export function excerptAround(text: string, index: number, length: number): string {
  const start = Math.max(0, index - 60);
  const end = Math.min(text.length, index + length + 60);
  return (start > 0 ? "…" : "") + text.slice(start, end).replace(/\s+/g, " ") + (end < text.length ? "…" : "");
}
