// Rows, columns and report inputs shared by the PDF writer and layout tests.
import type { PdfWriterOptions } from "@/lib/export/formats/pdf";
import type { PdfSummary } from "@/lib/export/pdf/types";
import type { ExportColumn } from "@/lib/export/types";
import { pdfLabels } from "@/lib/exports/pdf-report";

export const COLUMNS: ExportColumn[] = [
  { key: "id", header: "Student ID", type: "string" },
  { key: "name", header: "Name", type: "string" },
  { key: "credits", header: "Credits", type: "integer" },
  { key: "balance", header: "Balance", type: "number" },
  { key: "enrolled", header: "Enrolled", type: "date" },
  { key: "active", header: "Active", type: "boolean" },
];

const NAMES = ["김민준", "王伟", "José Martínez", "Zoë Müller"];

export function rows(n: number): unknown[][] {
  return Array.from({ length: n }, (_, i) => [
    `STU-${String(i + 1).padStart(5, "0")}`,
    NAMES[i % NAMES.length],
    String(i % 140),
    String(i * 1000.5 - 2500),
    `2024-03-${String(1 + (i % 28)).padStart(2, "0")}`,
    i % 2 === 0 ? "true" : "false",
  ]);
}

export function summary(records: number, extra: Partial<PdfSummary> = {}): PdfSummary {
  return {
    records,
    columnCount: COLUMNS.length,
    numeric: [
      { header: "Credits", type: "integer", min: 0, avg: 69.5, max: 139 },
      { header: "Balance", type: "number", min: -2500, avg: 1234567.891, max: 2497500 },
    ],
    byCategory: { column: "Department", labels: ["Computer Science", "수학", "物理"], counts: [50, 30, 20] },
    byMonth: { column: "Enrolled", labels: ["2024-01", "2024-02", "2024-03"], counts: [10, 40, 50] },
    ...extra,
  };
}

export function options(records: number, overrides: Partial<PdfWriterOptions> = {}): PdfWriterOptions {
  const labels = pdfLabels("en", 2026);
  return {
    info: {
      datasetTitle: "Student Enrollment 2024",
      filters: "none",
      user: "Mina Manager <manager@outport.local>",
      generatedAt: new Date("2026-11-23T14:05:00Z"),
    },
    filters: "credits gte 0",
    summary: summary(records),
    labels,
    dateText: labels.generated("2026-11-23 14:05 UTC"),
    language: "en",
    landscape: false,
    charts: true,
    chartImages: [],
    logo: null,
    ...overrides,
  };
}
