// The format registry: every format has a writer, names its files and says how it is sent.
import { describe, expect, it } from "vitest";
import {
  EXPORT_FORMATS,
  FILE_EXTENSIONS,
  FORMATS,
  fileContentType,
  fileExtension,
  isExportFormat,
} from "@/lib/export/formats";
import { FORMAT_WRITERS } from "@/lib/export/formats/writers";
import { exportFileName, storedFileName } from "@/lib/exports/export-file-name";
import { ExportFormat } from "@/lib/generated/prisma/enums";

describe("the format registry", () => {
  it("lists every format once, each with a writer", () => {
    expect(Object.keys(FORMATS).sort()).toEqual([...EXPORT_FORMATS].sort());
    expect(Object.keys(FORMAT_WRITERS).sort()).toEqual([...EXPORT_FORMATS].sort());
    expect(isExportFormat("csv")).toBe(true);
    expect(isExportFormat("docx")).toBe(false);
    expect(isExportFormat("toString")).toBe(false);
  });

  it("matches the formats the database accepts (a new format needs its migration)", () => {
    expect(Object.values(ExportFormat).sort()).toEqual([...EXPORT_FORMATS].sort());
  });

  it("gzips only the formats that take it, naming and typing the file accordingly", () => {
    expect(fileExtension("csv", { compression: "gzip" })).toBe("csv.gz");
    expect(fileContentType("csv", { compression: "gzip" })).toBe("application/gzip");
    expect(fileExtension("excel", { compression: "gzip" })).toBe("xlsx");
    expect(fileContentType("excel", { compression: "gzip" })).toBe(FORMATS.excel.contentType);
    expect(fileExtension("json", { compression: "none" })).toBe("json");
  });

  it.each(FILE_EXTENSIONS)("recovers the ASCII name of a stored .%s file", (extension) => {
    const at = new Date(Date.UTC(2026, 11, 1, 8, 30, 5));
    const { name, asciiName } = exportFileName("Évaluations 한글 2024", extension, at);
    expect(storedFileName(name)).toEqual({ name, asciiName });
    expect(asciiName).toBe(`evaluations-2024_20261201_083005.${extension}`);
  });
});
