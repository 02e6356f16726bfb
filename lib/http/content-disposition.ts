// The Content-Disposition of a download: the Unicode name in filename* and the ASCII one
// in filename for old clients (RFC 6266 / 5987).
import type { ExportFileName } from "../exports/export-file-name";

export function contentDisposition({ name, asciiName }: ExportFileName): string {
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${asciiName}"; filename*=UTF-8''${encoded}`;
}
