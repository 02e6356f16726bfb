// Streams a react-pdf document out a few pages at a time. `renderToBuffer` lays out the
// whole document before writing a byte: 5,000 table rows took 26 s and 1 GB that way.
// Here one pdfkit document receives page after page: each group of pages is reconciled,
// laid out by @react-pdf/layout and drawn by @react-pdf/render (the same steps
// `renderToBuffer` runs), then dropped, so memory holds one group of pages and the bytes
// drawn so far leave as they are produced. Fonts are shared, so each glyph is embedded once.
// The table's pages hold a <Canvas> whose paint function writes into this same document
// (`paint`, `tableFonts`): see ./table-canvas.ts.
import * as ReactPdf from "@react-pdf/renderer";
import { Document, Font } from "@react-pdf/renderer";
import layoutDocument, { type DocumentNode, type SafeDocumentNode } from "@react-pdf/layout";
import renderPdf from "@react-pdf/render";
import PDFDocument from "pdfkit";
import { createElement, type ReactElement } from "react";
import { FontStack } from "./cell-lines";
import { registerPdfFonts, TEXT_FONTS } from "./fonts";
import type { PdfFace, TableCanvas, TableFonts } from "./table-canvas";

/** react-pdf's reconciler; exported at runtime but missing from its type declarations. */
type Reconciler = {
  createContainer(container: { type: "ROOT"; document: DocumentNode | null }): unknown;
  updateContainer(element: ReactElement | null, mount: unknown, parent: null, callback: () => void): void;
};
const { createRenderer } = ReactPdf as unknown as {
  createRenderer: (options: { onChange?: () => void }) => Reconciler;
};
/** The layout takes the font store as a second argument (its declaration omits it). */
const layOut = layoutDocument as unknown as (doc: DocumentNode, fonts: typeof Font) => Promise<SafeDocumentNode>;

export type PdfMetadata = { title: string; author: string; subject: string; creationDate: Date; language: string };

/** The pdfkit document as @react-pdf/render sees it, plus the stream side it also is. */
type PdfKitDocument = Parameters<typeof renderPdf>[0] & {
  on(event: "data", listener: (chunk: Buffer) => void): void;
  on(event: "end" | "error", listener: (value?: unknown) => void): void;
  end(): void;
  /** Selects a font (a standard font's name or a fontkit font); the PDF font is then `_font`. */
  font(src: unknown): unknown;
  _font: unknown;
  page: { fonts: Record<string, unknown> };
  addContent(operators: string): unknown;
};

// pdfkit's font objects (internal, undeclared): what the table painter needs of them.
type KitFont = { id: string; ref(): unknown };
type KitStandardFont = KitFont & {
  font: {
    encodeText(text: string): string[];
    characterToGlyph(code: number): string;
    widthOfGlyph(glyph: string): number;
  };
};
type KitEmbeddedFont = KitFont & {
  subset: { includeGlyph(id: number): number };
  widths: number[];
  unicode: number[][];
  scale: number;
};
type Glyph = { id: number; advanceWidth: number };
/** A fontkit font as react-pdf loaded it. */
type FontkitFont = {
  unitsPerEm: number;
  hasGlyphForCodePoint(cp: number): boolean;
  glyphForCodePoint(cp: number): Glyph;
};

/** Characters Helvetica can set: WinAnsi, i.e. Latin-1 plus the 0x80–0x9F extras (€, “”, –, …). */
const WIN_ANSI_EXTRAS = new Set([
  0x20ac, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x017d, 0x2018,
  0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x017e, 0x0178,
]);
const inWinAnsi = (cp: number) => (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xff) || WIN_ANSI_EXTRAS.has(cp);

function standardFace(font: KitStandardFont): PdfFace {
  const afm = font.font;
  return {
    id: font.id,
    ref: () => font.ref(),
    has: inWinAnsi,
    advance: (cp) => afm.widthOfGlyph(afm.characterToGlyph(cp)),
    encode: (text) => afm.encodeText(text).join(""),
  };
}

function embeddedFace(font: KitEmbeddedFont, source: FontkitFont): PdfFace {
  const toEm = 1000 / source.unitsPerEm;
  return {
    id: font.id,
    ref: () => font.ref(),
    has: (cp) => source.hasGlyphForCodePoint(cp),
    advance: (cp) => source.glyphForCodePoint(cp).advanceWidth * toEm,
    // As pdfkit's own encode, without its shaping pass: table cells need none.
    encode(text) {
      let hex = "";
      for (const ch of text) {
        const cp = ch.codePointAt(0) as number;
        const glyph = source.glyphForCodePoint(cp);
        const gid = font.subset.includeGlyph(glyph.id);
        font.widths[gid] ??= glyph.advanceWidth * font.scale;
        font.unicode[gid] ??= [cp];
        hex += gid.toString(16).padStart(4, "0");
      }
      return hex;
    },
  };
}

export class PdfPageStream {
  private readonly doc: PdfKitDocument;
  private readonly reconciler: Reconciler;
  private chunks: Buffer[] = [];
  private readonly ended: Promise<void>;
  private fonts: TableFonts | null = null;
  private readonly canvas: TableCanvas;

  constructor(meta: PdfMetadata) {
    registerPdfFonts();
    this.reconciler = createRenderer({});
    this.doc = new PDFDocument({
      compress: true,
      autoFirstPage: false,
      displayTitle: true,
      lang: meta.language,
      info: {
        Title: meta.title,
        Author: meta.author,
        Subject: meta.subject,
        Creator: "Outport",
        Producer: "Outport (react-pdf)",
        CreationDate: meta.creationDate,
      },
    }) as unknown as PdfKitDocument;
    this.canvas = {
      addContent: (operators) => this.doc.addContent(operators),
      useFont: (face) => {
        this.doc.page.fonts[face.id] ??= face.ref();
      },
    };
    this.doc.on("data", (chunk) => this.chunks.push(chunk));
    this.ended = new Promise((resolve, reject) => {
      this.doc.on("end", () => resolve());
      this.doc.on("error", reject);
    });
  }

  /** Lays out and draws these pages after the ones already written. */
  async addPages(pages: ReactElement[]): Promise<void> {
    const container: { type: "ROOT"; document: DocumentNode | null } = { type: "ROOT", document: null };
    const mount = this.reconciler.createContainer(container);
    this.reconciler.updateContainer(createElement(Document, null, ...pages), mount, null, () => {});
    try {
      if (!container.document) throw new Error("react-pdf produced no document");
      const laidOut = await layOut(container.document, Font);
      // @react-pdf/render ends the document after the pages it is given; it is not over yet.
      const end = this.doc.end;
      this.doc.end = () => {};
      try {
        renderPdf(this.doc, laidOut);
      } finally {
        this.doc.end = end;
      }
    } finally {
      this.reconciler.updateContainer(null, mount, null, () => {});
    }
  }

  /**
   * The table's fonts in this document: the text stack (Helvetica, then Noto Sans and the CJK fallbacks)
   * in regular and bold, sharing react-pdf's loaded fonts and the document's PDF fonts.
   */
  async tableFonts(): Promise<TableFonts> {
    if (this.fonts) return this.fonts;
    const stack = async (weight: 400 | 700) => {
      const faces: PdfFace[] = [];
      for (const family of TEXT_FONTS) {
        const source = Font.getFont({ fontFamily: family, fontWeight: weight });
        if (!source) throw new Error(`PDF font not registered: ${family} ${weight}`);
        await source.load();
        const data = source.data as unknown as ({ type: "STANDARD"; fullName: string } & Partial<FontkitFont>) | null;
        if (!data) throw new Error(`PDF font not loaded: ${family} ${weight}`);
        if (data.type === "STANDARD") {
          this.doc.font(data.fullName);
          faces.push(standardFace(this.doc._font as KitStandardFont));
        } else {
          this.doc.font(data);
          faces.push(embeddedFace(this.doc._font as KitEmbeddedFont, data as FontkitFont));
        }
      }
      return new FontStack(faces);
    };
    this.fonts = { regular: await stack(400), bold: await stack(700) };
    return this.fonts;
  }

  /** A react-pdf <Canvas> paint function that hands the painter this document's page. */
  paint(draw: (canvas: TableCanvas) => void): (painter: unknown, width: number, height: number) => null {
    return () => {
      draw(this.canvas);
      return null;
    };
  }

  /** The bytes produced since the last call. */
  take(): Buffer[] {
    const out = this.chunks;
    this.chunks = [];
    return out;
  }

  /** Writes the trailer; the last bytes are then in `take()`. */
  async finish(): Promise<void> {
    this.doc.end();
    await this.ended;
  }
}
