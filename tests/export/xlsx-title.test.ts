// The workbook's title (docProps/core.xml, dc:title) is Dublin Core text, not SpreadsheetML:
// nothing decodes `_xHHHH_` there, so the dataset's title must be written as it is (only
// XML's own escapes). LibreOffice shows dc:title as written: "Q_x005F_x0041_" for "Q_x0041_".
import { SaxesParser } from "saxes";
import { describe, expect, it } from "vitest";
import { writeXlsx } from "@/lib/export/formats/xlsx";
import type { ExportColumn } from "@/lib/export/types";
import { batchesOf, collect, context } from "./helpers";
import { entryBytes, zipEntries } from "./zip-entries";

const COLUMNS: ExportColumn[] = [{ key: "a", header: "A", type: "string" }];

async function titleOf(datasetTitle: string): Promise<string> {
  const xlsx = await collect(
    writeXlsx(batchesOf([["a"]]), {
      ...context(COLUMNS),
      info: { datasetTitle, filters: "none", user: "u", generatedAt: new Date(Date.UTC(2025, 0, 1)) },
    }),
  );
  const { entries, close } = await zipEntries(xlsx);
  try {
    const core = (await entryBytes(entries.find((e) => e.name === "docProps/core.xml")!)).toString("utf8");
    let title: string | null = null;
    let inTitle = false;
    const errors: string[] = [];
    const parser = new SaxesParser({ xmlns: true });
    parser.on("error", (error) => errors.push(error.message));
    parser.on("opentag", (tag) => {
      if (tag.local === "title" && tag.uri === "http://purl.org/dc/elements/1.1/") {
        inTitle = true;
        title = "";
      }
    });
    parser.on("text", (text) => {
      if (inTitle) title += text;
    });
    parser.on("closetag", () => {
      inTitle = false;
    });
    parser.write(core).close();
    expect(errors).toEqual([]);
    expect(title).not.toBeNull();
    return title!;
  } finally {
    close();
  }
}

describe("the workbook's title", () => {
  it("is the dataset's title, markup characters included", async () => {
    expect(await titleOf('Q1 Sales & <Returns> "2025" 한글')).toBe('Q1 Sales & <Returns> "2025" 한글');
  });

  it("keeps text that looks like SpreadsheetML's _xHHHH_ escape as it is", async () => {
    expect(await titleOf("Q_x0041_ report")).toBe("Q_x0041_ report");
  });
});
