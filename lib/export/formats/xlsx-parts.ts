// The fixed parts of an Outport workbook (SpreadsheetML): the package's content types and
// relationships, the document properties, the workbook with its sheets, and one styles
// part holding every style the workbook uses (docs/product.md, "Excel"). The sheets
// themselves are written row by row (./xlsx-sheet.ts); everything here is a few hundred
// bytes, made once per file.

const MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PACKAGE_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships";
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

/**
 * The cell formats of styles.xml (`s="…"` on a cell), each with its zebra twin where rows
 * alternate. Built-in number formats: 3 `#,##0`, 4 `#,##0.00`, 49 `@` (Text); 164 and 165
 * are ours.
 */
export const STYLE = {
  plain: 0,
  header: 1,
  /** A header a spreadsheet could take for a formula: Text format, so it stays text. */
  headerText: 2,
  zebra: 3,
  text: 4,
  textZebra: 5,
  number: 6,
  numberZebra: 7,
  integer: 8,
  integerZebra: 9,
  date: 10,
  dateZebra: 11,
  datetime: 12,
  datetimeZebra: 13,
  infoKey: 14,
  /** Text of more than one line: wrapped, so each line shows (and their Text-format twins). */
  wrapped: 15,
  wrappedZebra: 16,
  wrappedText: 17,
  wrappedTextZebra: 18,
} as const;

export const NUMBER_FORMATS = {
  number: "#,##0.00",
  integer: "#,##0",
  date: "yyyy-mm-dd",
  datetime: "yyyy-mm-dd hh:mm:ss",
  text: "@",
} as const;

export const HEADER_FILL = "FF4472C4";
export const HEADER_FONT_COLOR = "FFFFFFFF";
export const ZEBRA_FILL = "FFF2F2F2";

/** `&`, `<`, `>` and `"` as XML writes them in text and attribute values. */
export function xmlEscape(text: string): string {
  return text.replace(/[&<>"]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : "&quot;"));
}

function xf(numFmtId: number, fontId: number, fillId: number, wrap = false): string {
  const apply = [
    numFmtId ? ' applyNumberFormat="1"' : "",
    fontId ? ' applyFont="1"' : "",
    fillId ? ' applyFill="1"' : "",
    wrap ? ' applyAlignment="1"' : "",
  ];
  const head = `<xf numFmtId="${numFmtId}" fontId="${fontId}" fillId="${fillId}" borderId="0" xfId="0"${apply.join("")}`;
  return wrap ? `${head}><alignment wrapText="1"/></xf>` : `${head}/>`;
}

const FONT = '<sz val="11"/><name val="Calibri"/><family val="2"/>';
const solidFill = (argb: string) =>
  `<fill><patternFill patternType="solid"><fgColor rgb="${argb}"/><bgColor indexed="64"/></patternFill></fill>`;

/**
 * In STYLE's order: [numFmtId, fontId, fillId, wrap text]. Fonts: 0 plain, 1 bold white,
 * 2 bold. Fills: 2 header, 3 zebra.
 */
const CELL_FORMATS: ReadonlyArray<readonly [number, number, number, boolean?]> = [
  [0, 0, 0],
  [0, 1, 2],
  [49, 1, 2],
  [0, 0, 3],
  [49, 0, 0],
  [49, 0, 3],
  [4, 0, 0],
  [4, 0, 3],
  [3, 0, 0],
  [3, 0, 3],
  [164, 0, 0],
  [164, 0, 3],
  [165, 0, 0],
  [165, 0, 3],
  [0, 2, 0],
  [0, 0, 0, true],
  [0, 0, 3, true],
  [49, 0, 0, true],
  [49, 0, 3, true],
];

export const STYLES_XML =
  XML_HEAD +
  `<styleSheet xmlns="${MAIN_NS}">` +
  `<numFmts count="2"><numFmt numFmtId="164" formatCode="${NUMBER_FORMATS.date}"/>` +
  `<numFmt numFmtId="165" formatCode="${NUMBER_FORMATS.datetime}"/></numFmts>` +
  `<fonts count="3"><font>${FONT}</font><font><b/><color rgb="${HEADER_FONT_COLOR}"/>${FONT}</font><font><b/>${FONT}</font></fonts>` +
  `<fills count="4"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>` +
  `${solidFill(HEADER_FILL)}${solidFill(ZEBRA_FILL)}</fills>` +
  '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
  '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
  `<cellXfs count="${CELL_FORMATS.length}">${CELL_FORMATS.map(([n, f, fill, wrap]) => xf(n, f, fill, wrap)).join("")}</cellXfs>` +
  '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
  '<dxfs count="0"/><tableStyles count="0"/></styleSheet>';

export type SheetEntry = {
  name: string;
  /** The autofilter's range (`A1:F120`), or null for a sheet without one. */
  filterRange: string | null;
};

export const sheetPath = (index: number) => `xl/worksheets/sheet${index}.xml`;

/** `'O''Brien'!$A$1:$F$9`: a sheet-qualified absolute range, as a defined name holds it. */
function qualifiedRange(sheet: string, range: string): string {
  const absolute = range.replace(/([A-Z]+)(\d+)/g, "$$$1$$$2");
  return `'${sheet.replace(/'/g, "''")}'!${absolute}`;
}

export function workbookXml(sheets: readonly SheetEntry[]): string {
  const names = sheets.map(
    (sheet, i) => `<sheet name="${xmlEscape(sheet.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`,
  );
  // Excel keeps each sheet's autofilter range under this hidden name, and looks for it.
  const filters = sheets.flatMap((sheet, i) =>
    sheet.filterRange
      ? [
          `<definedName name="_xlnm._FilterDatabase" localSheetId="${i}" hidden="1">${xmlEscape(
            qualifiedRange(sheet.name, sheet.filterRange),
          )}</definedName>`,
        ]
      : [],
  );
  return (
    XML_HEAD +
    `<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><workbookPr/>` +
    '<bookViews><workbookView xWindow="0" yWindow="0" windowWidth="28800" windowHeight="15000"/></bookViews>' +
    `<sheets>${names.join("")}</sheets>` +
    (filters.length > 0 ? `<definedNames>${filters.join("")}</definedNames>` : "") +
    "</workbook>"
  );
}

export function workbookRelsXml(sheetCount: number): string {
  const sheets = Array.from(
    { length: sheetCount },
    (_, i) => `<Relationship Id="rId${i + 1}" Type="${REL_NS}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`,
  );
  return (
    XML_HEAD +
    `<Relationships xmlns="${PACKAGE_REL_NS}">${sheets.join("")}` +
    `<Relationship Id="rId${sheetCount + 1}" Type="${REL_NS}/styles" Target="styles.xml"/></Relationships>`
  );
}

export function contentTypesXml(sheetCount: number): string {
  const type = "application/vnd.openxmlformats-officedocument";
  const sheets = Array.from(
    { length: sheetCount },
    (_, i) => `<Override PartName="/${sheetPath(i + 1)}" ContentType="${type}.spreadsheetml.worksheet+xml"/>`,
  );
  return (
    XML_HEAD +
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    `<Override PartName="/xl/workbook.xml" ContentType="${type}.spreadsheetml.sheet.main+xml"/>` +
    sheets.join("") +
    `<Override PartName="/xl/styles.xml" ContentType="${type}.spreadsheetml.styles+xml"/>` +
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>' +
    `<Override PartName="/docProps/app.xml" ContentType="${type}.extended-properties+xml"/>` +
    "</Types>"
  );
}

export const ROOT_RELS_XML =
  XML_HEAD +
  `<Relationships xmlns="${PACKAGE_REL_NS}">` +
  `<Relationship Id="rId1" Type="${REL_NS}/officeDocument" Target="xl/workbook.xml"/>` +
  `<Relationship Id="rId2" Type="${PACKAGE_REL_NS}/metadata/core-properties" Target="docProps/core.xml"/>` +
  `<Relationship Id="rId3" Type="${REL_NS}/extended-properties" Target="docProps/app.xml"/>` +
  "</Relationships>";

export const APP_XML =
  XML_HEAD +
  '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">' +
  "<Application>Outport</Application></Properties>";

/** Characters XML 1.0 cannot hold at all, and halves of characters. */
const NOT_XML =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The document properties; the title is plain XML text there (no cell escapes), so what XML cannot hold is left out. */
export function coreXml(title: string, created: Date): string {
  const when = created.toISOString().replace(/\.\d{3}Z$/, "Z");
  return (
    XML_HEAD +
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ' +
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ' +
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<dc:title>${xmlEscape(title.replace(NOT_XML, ""))}</dc:title><dc:creator>Outport</dc:creator>` +
    `<dcterms:created xsi:type="dcterms:W3CDTF">${when}</dcterms:created>` +
    `<dcterms:modified xsi:type="dcterms:W3CDTF">${when}</dcterms:modified>` +
    "</cp:coreProperties>"
  );
}

export const SHEET_HEAD = `${XML_HEAD}<worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}">`;
