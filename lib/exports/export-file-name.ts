// File names of exports: `{title-slug}_{YYYYMMDD}_{HHMMSS}.{ext}` (UTC), in Unicode, and
// in ASCII for clients that cannot take more (lib/http/content-disposition.ts sends both).
import { FILE_EXTENSIONS } from "../export/formats";

export type ExportFileName = { name: string; asciiName: string };

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

export function slugify(title: string): string {
  return title
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80)
    .replace(/-+$/, "");
}

function asciiSlug(title: string): string {
  return slugify(
    title
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[^\x00-\x7f]/g, " "),
  );
}

export function exportFileName(title: string, extension: string, at: Date = new Date()): ExportFileName {
  const stamp =
    `${at.getUTCFullYear()}${pad(at.getUTCMonth() + 1)}${pad(at.getUTCDate())}_` +
    `${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}`;
  return {
    name: `${slugify(title) || "export"}_${stamp}.${extension}`,
    asciiName: `${asciiSlug(title) || "export"}_${stamp}.${extension}`,
  };
}

/** The names of a stored export from its Unicode file name (the ASCII one rebuilt from it). */
export function storedFileName(name: string): ExportFileName {
  const known = FILE_EXTENSIONS.find((ext) => name.endsWith(`.${ext}`) && name.length > ext.length + 1);
  const base = known ? name.slice(0, -(known.length + 1)) : name;
  const extension = known ? `.${known}` : "";
  const stamp = /_\d{8}_\d{6}$/.exec(base)?.[0] ?? "";
  const title = stamp ? base.slice(0, -stamp.length) : base;
  return { name, asciiName: `${asciiSlug(title) || "export"}${stamp}${extension}` };
}
