// Streams a react-pdf document out a few pages at a time. `renderToBuffer` lays out the
// whole document before writing a byte: 5,000 table rows took 26 s and 1 GB that way.
// Here one pdfkit document receives page after page: each group of pages is reconciled,
// laid out by @react-pdf/layout and drawn by @react-pdf/render (the same steps
// `renderToBuffer` runs), then dropped, so memory holds one group of pages and the bytes
// drawn so far leave as they are produced. Fonts are shared, so each glyph is embedded once.
import * as ReactPdf from "@react-pdf/renderer";
import { Document, Font } from "@react-pdf/renderer";
import layoutDocument, { type DocumentNode, type SafeDocumentNode } from "@react-pdf/layout";
import renderPdf from "@react-pdf/render";
import PDFDocument from "pdfkit";
import { createElement, type ReactElement } from "react";
import { registerPdfFonts } from "./fonts";

/** react-pdf's reconciler; exported at runtime but missing from its type declarations. */
type Reconciler = {
  createContainer(container: { type: "ROOT"; document: DocumentNode | null }): unknown;
  updateContainer(element: ReactElement | null, mount: unknown, parent: null, callback: () => void): void;
};
const { createRenderer } = ReactPdf as unknown as { createRenderer: (options: { onChange?: () => void }) => Reconciler };
/** The layout takes the font store as a second argument (its declaration omits it). */
const layOut = layoutDocument as unknown as (doc: DocumentNode, fonts: typeof Font) => Promise<SafeDocumentNode>;

export type PdfMetadata = { title: string; author: string; subject: string; creationDate: Date; language: string };

/** The pdfkit document as @react-pdf/render sees it, plus the stream side it also is. */
type PdfKitDocument = Parameters<typeof renderPdf>[0] & {
  on(event: "data", listener: (chunk: Buffer) => void): void;
  on(event: "end" | "error", listener: (value?: unknown) => void): void;
  end(): void;
};

export class PdfPageStream {
  private readonly doc: PdfKitDocument;
  private readonly reconciler: Reconciler;
  private chunks: Buffer[] = [];
  private readonly ended: Promise<void>;

  constructor(meta: PdfMetadata) {
    registerPdfFonts();
    this.reconciler = createRenderer({});
    this.doc = new PDFDocument({
      compress: true,
      autoFirstPage: false,
      displayTitle: true,
      lang: meta.language,
      info: { Title: meta.title, Author: meta.author, Subject: meta.subject, Creator: "Outport", Producer: "Outport (react-pdf)", CreationDate: meta.creationDate },
    }) as unknown as PdfKitDocument;
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
