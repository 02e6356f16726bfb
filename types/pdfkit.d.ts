// pdfkit ships no type declarations; Outport only constructs the document and hands it to
// @react-pdf/render (see lib/export/pdf/render.ts), which declares what it uses.
declare module "pdfkit" {
  const PDFDocument: new (options: Record<string, unknown>) => unknown;
  export default PDFDocument;
}
