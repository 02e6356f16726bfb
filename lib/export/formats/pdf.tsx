// PDF report writer: summary pages (record count, filters, numeric statistics, charts,
// the browser's chart images), then the data table, a page at a time. Rows are turned
// into cell texts as they arrive (column widths fitted to the first page's), painted a
// group of pages at a time (../pdf/table-canvas.ts) and the bytes handed
// on, so memory holds one group of pages whatever the report's length. The page count
// comes from `summary.records`, so the caller must stream exactly that many rows (it reads
// summary and rows in one snapshot); any other number is an error, never a wrong footer.
import { Canvas } from "@react-pdf/renderer";
import type { ReactElement } from "react";
import { PdfPageStream } from "../pdf/render";
import {
  fitColumnWidths,
  pageGeometry,
  summaryPages,
  tableGrid,
  tablePageCount,
  type TableLayout,
} from "../pdf/layout";
import { ReportPage, SummaryBody, type Frame } from "../pdf/report";
import { columnNeeds, paintTablePage, tableHeight, tableWidth, type TableColumn } from "../pdf/table-canvas";
import type { PdfChartImage, PdfLabels, PdfSummary } from "../pdf/types";
import type { ExportInfo, FormatWriter } from "../types";
import { presentValue, type PresentOptions } from "../present-value";
import { columnValueOptions } from "../warnings";

export type PdfWriterOptions = {
  info: ExportInfo;
  /** The filters as the summary prints them. */
  filters: string;
  summary: PdfSummary;
  labels: PdfLabels;
  /** The generation date as printed in the header, in the export's time zone. */
  dateText: string;
  language: string;
  landscape: boolean;
  /** Draw the records-per-category and records-per-month charts. */
  charts: boolean;
  chartImages: readonly PdfChartImage[];
  logo: Frame["logo"];
  /** Called after each group of pages is laid out, with the rows laid out so far. */
  onRowsLaidOut?: (rows: number) => void;
  /** Pages laid out together: more is a little faster, fewer holds less memory. */
  pagesPerGroup?: number;
};

export class PdfRowCountError extends Error {
  constructor(expected: number, actual: string) {
    super(`the PDF was planned for ${expected} rows but received ${actual}`);
    this.name = "PdfRowCountError";
  }
}

export const writePdf: FormatWriter<PdfWriterOptions> = async function* writePdf(batches, context) {
  const { columns, summary, labels, info, onRowsLaidOut, pagesPerGroup = 8 } = context;
  const page = pageGeometry(context.landscape);
  // Column widths are fitted to the first page's rows when they arrive; the grid (row
  // height, rows per page, so the page count) does not depend on them.
  const grid = tableGrid(columns, page);
  let table: TableLayout | null = null;
  const plan = summaryPages(
    { numericColumns: summary.numeric.length, charts: context.charts, images: context.chartImages },
    page,
  );
  const pages = plan.length + tablePageCount(summary.records, grid);
  const frame: Frame = { page, title: info.datasetTitle, dateText: context.dateText, labels, logo: context.logo };
  const out = new PdfPageStream({
    title: info.datasetTitle,
    author: info.user,
    subject: info.filters,
    creationDate: info.generatedAt,
    language: context.language,
  });

  await out.addPages(
    plan.map((blocks, i) => (
      <ReportPage key={i} frame={frame} number={i + 1} pages={pages}>
        <SummaryBody
          blocks={blocks}
          summary={summary}
          labels={labels}
          page={page}
          images={context.chartImages}
          filters={context.filters}
          user={info.user}
        />
      </ReportPage>
    )),
  );
  yield* out.take();

  const tableColumns: TableColumn[] = columns.map(({ header, type }) => ({ header, type }));
  const fonts = await out.tableFonts();
  const values = columnValueOptions(columns, context);
  const cellOptions: PresentOptions[] = values.options.map((options) => ({ ...options, labels }));
  let rows = 0;
  let pageNumber = plan.length;
  let pageRows: string[][] = [];
  let group: ReactElement[] = [];
  const closePage = () => {
    pageNumber++;
    table ??= fitColumnWidths(grid, columnNeeds(tableColumns, pageRows, fonts), page);
    const body = {
      columns: tableColumns,
      table,
      rows: pageRows,
      firstRow: rows - pageRows.length,
      noRecords: labels.noRecords,
    };
    group.push(
      <ReportPage key={pageNumber} frame={frame} number={pageNumber} pages={pages}>
        <Canvas
          style={{ width: tableWidth(table), height: tableHeight(table, pageRows.length) }}
          paint={out.paint((canvas) => paintTablePage(canvas, fonts, body))}
        />
      </ReportPage>,
    );
    pageRows = [];
  };
  const layOut = async () => {
    await out.addPages(group);
    group = [];
    onRowsLaidOut?.(rows);
  };

  for await (const batch of batches) {
    for (const row of batch) {
      rows++;
      if (rows > summary.records) throw new PdfRowCountError(summary.records, "more");
      values.current.row = rows;
      const cells: string[] = new Array<string>(columns.length);
      for (let i = 0; i < columns.length; i++) {
        // The preview shows a cell by the same rule (present-value.ts).
        cells[i] = presentValue(
          row[i],
          (columns[i] as (typeof columns)[number]).type,
          cellOptions[i] as PresentOptions,
        );
      }
      pageRows.push(cells);
      if (pageRows.length === grid.rowsPerPage) {
        closePage();
        if (group.length >= pagesPerGroup) {
          await layOut();
          yield* out.take();
        }
      }
    }
  }
  if (rows !== summary.records) throw new PdfRowCountError(summary.records, String(rows));
  if (pageRows.length > 0 || pageNumber < pages) closePage();
  if (group.length > 0) await layOut();
  await out.finish();
  yield* out.take();
};
