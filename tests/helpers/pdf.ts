// Reads a PDF back as a reader would: pdf.js (the engine of Firefox's viewer) extracts each
// page's text and counts the images each page paints.
import { createCanvas } from "@napi-rs/canvas";
import { getDocument, OPS } from "pdfjs-dist/legacy/build/pdf.mjs";

/** A bar chart drawn on a canvas, as the dataset page's Chart.js canvases give it: a PNG data URL. */
export function chartPng(width: number, height: number): string {
  const canvas = createCanvas(width, height);
  const g = canvas.getContext("2d");
  g.fillStyle = "#ffffff";
  g.fillRect(0, 0, width, height);
  g.fillStyle = "#4472c4";
  for (let i = 0; i < 6; i++)
    g.fillRect(10 + i * (width / 7), height * (0.8 - i * 0.1), width / 10, height * (0.1 + i * 0.1));
  return canvas.toDataURL("image/png");
}

export type PdfPage = { text: string; images: number; width: number; height: number };

export async function readPdf(data: Uint8Array): Promise<{ pages: PdfPage[]; title: string | null }> {
  const doc = await getDocument({
    data: new Uint8Array(data),
    useSystemFonts: false,
    isEvalSupported: false,
    verbosity: 0,
  }).promise;
  const pages: PdfPage[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const content = await page.getTextContent();
    // Runs that touch on the same line are one word (a font change splits a run: digits in
    // Helvetica, Hangul in Noto); a gap is a space, a new line a line break.
    let text = "";
    let last: { x: number; y: number } | null = null;
    for (const item of content.items) {
      if (!("str" in item)) continue;
      const [, , , , x = 0, y = 0] = item.transform as number[];
      if (last) text += Math.abs(y - last.y) > 1 ? "\n" : Math.abs(x - last.x) < 0.6 ? "" : " ";
      text += item.str;
      last = { x: x + item.width, y };
    }
    const ops = await page.getOperatorList();
    const images = ops.fnArray.filter(
      (fn) => fn === OPS.paintImageXObject || fn === OPS.paintInlineImageXObject,
    ).length;
    const [, , width, height] = page.view;
    pages.push({ text: text.replace(/[ \t]+/g, " "), images, width: width ?? 0, height: height ?? 0 });
  }
  const meta = await doc.getMetadata();
  const info = meta.info as { Title?: string };
  await doc.destroy();
  return { pages, title: info.Title ?? null };
}
