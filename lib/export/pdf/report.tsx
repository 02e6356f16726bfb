// The report's pages as react-pdf components. Each page is laid out by ./layout.ts
// beforehand; nothing here wraps or paginates (every <Page> is wrap={false}).
// PdfImage: react-pdf's image has no alt text (a PDF is not HTML); the name keeps the HTML img lint off it.
import { Image as PdfImage, Page, Path, Rect, Svg, Text, View } from "@react-pdf/renderer";
import type { ReactElement, ReactNode } from "react";
import type { ColumnType } from "../types";
import { TEXT_FONTS } from "./fonts";
import {
  BORDER,
  CELL_PADDING_X,
  CELL_PADDING_Y,
  CHARTS_HEIGHT,
  FOOTER_HEIGHT,
  HEADER_HEIGHT,
  IMAGE_TITLE_HEIGHT,
  INFO_HEIGHT,
  STATS_ROW_HEIGHT,
  STATS_TITLE_HEIGHT,
  TABLE_FONT_SIZE,
  TABLE_LINE_HEIGHT,
  imageBox,
  isNumericType,
  needsClip,
  type PageGeometry,
  type SummaryBlock,
  type TableLayout,
} from "./layout";
import type { PdfChartImage, PdfLabels, PdfSeries, PdfSummary } from "./types";

const BRAND = "#4472C4";
const INK = "#111827";
const MUTED = "#4B5563";
const RULE = "#9CA3AF";
const HEADER_FILL = "#1F2937";
const ZEBRA_FILL = "#F1F5F9";

/** What every page shows around its body. */
export type Frame = {
  page: PageGeometry;
  title: string;
  dateText: string;
  labels: PdfLabels;
  /** A PNG or JPEG from configuration; the Outport mark when null. */
  logo: { data: Buffer; format: "png" | "jpg" } | null;
};

function OutportMark() {
  return (
    <View style={{ flexDirection: "row", alignItems: "center" }}>
      <Svg width={20} height={20} viewBox="0 0 24 24">
        <Rect x={0} y={0} width={24} height={24} rx={5} ry={5} fill={BRAND} />
        <Path d="M6 18 L17 7" stroke="#FFFFFF" strokeWidth={2.4} strokeLinecap="round" />
        <Path d="M9.5 7 H17 V14.5" stroke="#FFFFFF" strokeWidth={2.4} strokeLinecap="round" strokeLinejoin="round" fill="none" />
      </Svg>
      <Text style={{ marginLeft: 5, fontSize: 11, fontWeight: 700, color: INK }}>Outport</Text>
    </View>
  );
}

export function ReportPage({ frame, number, pages, children }: { frame: Frame; number: number; pages: number; children: ReactNode }) {
  const { page, labels } = frame;
  return (
    <Page
      size="A4"
      orientation={page.width > page.height ? "landscape" : "portrait"}
      wrap={false}
      style={{ padding: page.margin, fontFamily: TEXT_FONTS, fontSize: 8, color: INK }}
    >
      <View
        style={{ height: HEADER_HEIGHT, flexDirection: "row", alignItems: "center", borderBottomWidth: 1, borderBottomColor: BRAND, paddingBottom: 6, marginBottom: 0 }}
      >
        <View style={{ width: 130, height: 26, justifyContent: "center" }}>
          {frame.logo ? <PdfImage src={frame.logo} style={{ maxWidth: 130, maxHeight: 26, objectFit: "contain" }} /> : <OutportMark />}
        </View>
        <Text style={{ flex: 1, textAlign: "center", fontSize: 12, fontWeight: 700, maxLines: 1, textOverflow: "ellipsis" }}>{frame.title}</Text>
        <Text style={{ width: 130, textAlign: "right", fontSize: 7.5, color: MUTED, maxLines: 2 }}>{frame.dateText}</Text>
      </View>
      <View style={{ height: page.bodyHeight, paddingTop: 8 }}>{children}</View>
      <View
        style={{ height: FOOTER_HEIGHT, flexDirection: "row", alignItems: "flex-end", borderTopWidth: 1, borderTopColor: RULE, paddingBottom: 2, fontSize: 7.5, color: MUTED }}
      >
        <Text style={{ flex: 1 }}>{labels.copyright}</Text>
        <Text style={{ flex: 1, textAlign: "right" }}>{labels.page(number, pages)}</Text>
      </View>
    </Page>
  );
}

// ── Summary ─────────────────────────────────────────────────────────────────────────

function InfoBlock({ summary, labels, filters, user }: { summary: PdfSummary; labels: PdfLabels; filters: string; user: string }) {
  const line = (label: string, value: string, lines = 1) => (
    <View style={{ flexDirection: "row", marginTop: 3 }}>
      <Text style={{ width: 90, color: MUTED }}>{label}</Text>
      <Text style={{ flex: 1, maxLines: lines, textOverflow: "ellipsis" }}>{value}</Text>
    </View>
  );
  return (
    <View style={{ height: INFO_HEIGHT }}>
      <Text style={{ fontSize: 14, fontWeight: 700, marginBottom: 6 }}>{labels.summary}</Text>
      <View style={{ flexDirection: "row", alignItems: "baseline", marginBottom: 4 }}>
        <Text style={{ fontSize: 22, fontWeight: 700, color: BRAND }}>{labels.formatInteger(summary.records)}</Text>
        <Text style={{ marginLeft: 6, fontSize: 10, color: MUTED }}>{labels.records}</Text>
      </View>
      {line(labels.filters, filters, 3)}
      {line(labels.exportedBy, user)}
      {line(labels.columns, String(summary.columnCount))}
    </View>
  );
}

function StatsBlock({ summary, labels, from, to, continued }: { summary: PdfSummary; labels: PdfLabels; from: number; to: number; continued: boolean }) {
  const cell = { width: 90, textAlign: "right" as const, paddingRight: 6 };
  return (
    <View>
      <Text style={{ height: STATS_TITLE_HEIGHT - STATS_ROW_HEIGHT, fontSize: 10, fontWeight: 700 }}>
        {continued ? labels.statsContinued : labels.statsTitle}
      </Text>
      <View style={{ height: STATS_ROW_HEIGHT, flexDirection: "row", alignItems: "center", backgroundColor: HEADER_FILL, color: "#FFFFFF", fontWeight: 700 }}>
        <Text style={{ flex: 1, paddingLeft: 6 }}>{labels.column}</Text>
        <Text style={cell}>{labels.min}</Text>
        <Text style={cell}>{labels.average}</Text>
        <Text style={cell}>{labels.max}</Text>
      </View>
      {summary.numeric.slice(from, to).map((stat, i) => (
        <View
          key={stat.header + i}
          style={{ height: STATS_ROW_HEIGHT, flexDirection: "row", alignItems: "center", borderBottomWidth: 1, borderBottomColor: "#E5E7EB", backgroundColor: i % 2 === 1 ? ZEBRA_FILL : undefined }}
        >
          <Text style={{ flex: 1, paddingLeft: 6, maxLines: 1, textOverflow: "ellipsis" }}>{stat.header}</Text>
          <Text style={cell}>{labels.formatStat(stat.min, stat.type)}</Text>
          <Text style={cell}>{labels.formatStat(stat.avg, "number")}</Text>
          <Text style={cell}>{labels.formatStat(stat.max, stat.type)}</Text>
        </View>
      ))}
    </View>
  );
}

/** A horizontal bar chart of counts, drawn as vector shapes (records per category). */
function HorizontalBars({ series, labels, width }: { series: PdfSeries; labels: PdfLabels; width: number }) {
  const max = Math.max(1, ...series.counts);
  const labelWidth = Math.min(110, width * 0.36);
  const barArea = width - labelWidth - 42;
  const rowHeight = Math.min(16, (CHARTS_HEIGHT - 40) / Math.max(1, series.labels.length));
  return (
    <View>
      {series.labels.map((label, i) => {
        const count = series.counts[i] ?? 0;
        return (
          <View key={label + i} style={{ flexDirection: "row", alignItems: "center", height: rowHeight }}>
            <Text style={{ width: labelWidth, paddingRight: 4, textAlign: "right", fontSize: 7, maxLines: 1, textOverflow: "ellipsis" }}>{label}</Text>
            <View style={{ width: Math.max(1, (count / max) * barArea), height: rowHeight * 0.62, backgroundColor: BRAND }} />
            <Text style={{ marginLeft: 3, fontSize: 6.5, color: MUTED }}>{labels.formatInteger(count)}</Text>
          </View>
        );
      })}
    </View>
  );
}

/** A column chart of counts (records per month): bars on a baseline, every few labels shown. */
function Columns({ series, labels, width }: { series: PdfSeries; labels: PdfLabels; width: number }) {
  const max = Math.max(1, ...series.counts);
  const n = series.labels.length;
  const plotHeight = CHARTS_HEIGHT - 70;
  const slot = width / Math.max(1, n);
  const every = Math.max(1, Math.ceil(n / Math.max(1, Math.floor(width / 34))));
  return (
    <View>
      <View style={{ height: plotHeight, flexDirection: "row", alignItems: "flex-end", borderBottomWidth: 1, borderBottomColor: RULE }}>
        {series.counts.map((count, i) => (
          <View key={i} style={{ width: slot, alignItems: "center", justifyContent: "flex-end" }}>
            {n <= 16 ? <Text style={{ fontSize: 5.5, color: MUTED, marginBottom: 1 }}>{labels.formatInteger(count)}</Text> : null}
            <View style={{ width: Math.max(1, slot * 0.7), height: Math.max(0.5, (count / max) * (plotHeight - 10)), backgroundColor: BRAND }} />
          </View>
        ))}
      </View>
      <View style={{ flexDirection: "row", marginTop: 2 }}>
        {series.labels.map((label, i) => (
          <Text key={i} style={{ width: slot, fontSize: 5.5, textAlign: "center", color: MUTED, maxLines: 1 }}>
            {i % every === 0 ? label : ""}
          </Text>
        ))}
      </View>
      <Text style={{ marginTop: 4, fontSize: 6.5, color: MUTED }}>
        {labels.peak(labels.formatInteger(max))}
      </Text>
    </View>
  );
}

function ChartCard({ title, width, children }: { title: string; width: number; children: ReactNode }) {
  return (
    <View style={{ width, height: CHARTS_HEIGHT, borderWidth: 1, borderColor: "#E5E7EB", padding: 8 }}>
      <Text style={{ fontSize: 9, fontWeight: 700, marginBottom: 8, maxLines: 1, textOverflow: "ellipsis" }}>{title}</Text>
      {children}
    </View>
  );
}

function ChartsBlock({ summary, labels, page }: { summary: PdfSummary; labels: PdfLabels; page: PageGeometry }) {
  const gap = 12;
  const width = (page.contentWidth - gap) / 2;
  const inner = width - 18;
  const empty = <Text style={{ color: MUTED, marginTop: 40, textAlign: "center" }}>{labels.noChartData}</Text>;
  const { byCategory, byMonth } = summary;
  return (
    <View style={{ flexDirection: "row", justifyContent: "space-between" }}>
      <ChartCard title={labels.byCategory(byCategory?.column ?? "")} width={width}>
        {byCategory && byCategory.counts.length > 0 ? <HorizontalBars series={byCategory} labels={labels} width={inner} /> : empty}
      </ChartCard>
      <ChartCard title={labels.byMonth(byMonth?.column ?? "")} width={width}>
        {byMonth && byMonth.counts.length > 0 ? <Columns series={byMonth} labels={labels} width={inner} /> : empty}
      </ChartCard>
    </View>
  );
}

function ImageBlock({ image, index, labels, page }: { image: PdfChartImage; index: number; labels: PdfLabels; page: PageGeometry }) {
  const box = imageBox(image, page);
  return (
    <View style={{ alignItems: "center" }}>
      <Text style={{ height: IMAGE_TITLE_HEIGHT, alignSelf: "flex-start", fontSize: 9, fontWeight: 700 }}>{labels.browserChart(index + 1)}</Text>
      <PdfImage src={{ data: image.data, format: "png" }} style={{ width: box.width, height: box.height }} />
    </View>
  );
}

export function SummaryBody({
  blocks,
  summary,
  labels,
  page,
  images,
  filters,
  user,
}: {
  blocks: readonly SummaryBlock[];
  summary: PdfSummary;
  labels: PdfLabels;
  page: PageGeometry;
  images: readonly PdfChartImage[];
  filters: string;
  user: string;
}) {
  return (
    <View style={{ gap: 14 }}>
      {blocks.map((block, i): ReactElement | null => {
        switch (block.kind) {
          case "info":
            return <InfoBlock key={i} summary={summary} labels={labels} filters={filters} user={user} />;
          case "stats":
            return <StatsBlock key={i} summary={summary} labels={labels} from={block.from} to={block.to} continued={block.continued} />;
          case "charts":
            return <ChartsBlock key={i} summary={summary} labels={labels} page={page} />;
          case "image": {
            const image = images[block.index];
            return image ? <ImageBlock key={i} image={image} index={block.index} labels={labels} page={page} /> : null;
          }
        }
      })}
    </View>
  );
}

// ── The data table ──────────────────────────────────────────────────────────────────

export type TableColumn = { header: string; type: ColumnType };

const lineHeight = TABLE_LINE_HEIGHT / TABLE_FONT_SIZE;

/** Cell styles, made once per report: one object per column and variant, shared by every cell. */
export function cellStyles(columns: readonly TableColumn[], table: TableLayout) {
  const base = (i: number, lines: number, clip: boolean) => ({
    width: table.widths[i] ?? 40,
    paddingHorizontal: CELL_PADDING_X,
    paddingVertical: CELL_PADDING_Y,
    // fontSize on the cell itself: a unitless lineHeight is a multiple of the node's own size.
    fontSize: TABLE_FONT_SIZE,
    lineHeight,
    textAlign: isNumericType(columns[i]?.type ?? "string") ? ("right" as const) : ("left" as const),
    maxLines: lines,
    textOverflow: "ellipsis" as const,
    ...(clip ? { overflow: "hidden" as const } : {}),
  });
  const rule = { position: "absolute" as const, top: 0, bottom: 0, width: BORDER, backgroundColor: RULE };
  let x = 0;
  return {
    /** One vertical rule per column edge, drawn over the rows: far cheaper than a border per cell. */
    rules: table.widths.map((w) => {
      x += w;
      return { ...rule, left: x - BORDER };
    }),
    header: columns.map((_, i) => base(i, 2, true)),
    body: columns.map((_, i) => base(i, table.lines, false)),
    clipped: columns.map((_, i) => base(i, table.lines, true)),
    /** Room for text in each column, for needsClip. */
    inner: table.widths.map((w) => w - 2 * CELL_PADDING_X - BORDER),
    headerRow: { flexDirection: "row" as const, height: table.headerHeight, backgroundColor: HEADER_FILL, color: "#FFFFFF", fontWeight: 700, borderBottomWidth: BORDER, borderBottomColor: RULE },
    row: { flexDirection: "row" as const, height: table.rowHeight, borderBottomWidth: BORDER, borderBottomColor: RULE },
    zebraRow: { flexDirection: "row" as const, height: table.rowHeight, borderBottomWidth: BORDER, borderBottomColor: RULE, backgroundColor: ZEBRA_FILL },
    table: { position: "relative" as const, width: x + BORDER, borderLeftWidth: BORDER, borderTopWidth: BORDER, borderColor: RULE, fontSize: TABLE_FONT_SIZE },
  };
}

export type CellStyles = ReturnType<typeof cellStyles>;

/** One page of the table: the dark header row, then the rows (texts already formatted). */
export function TableBody({
  columns,
  styles,
  rows,
  firstRow,
  noRecords,
}: {
  columns: readonly TableColumn[];
  styles: CellStyles;
  rows: readonly (readonly string[])[];
  /** 0-based position of the first row in the export: zebra stripes continue across pages. */
  firstRow: number;
  noRecords: string;
}) {
  return (
    <View style={styles.table}>
      <View style={styles.headerRow}>
        {columns.map((column, i) => (
          <Text key={i} style={styles.header[i]}>
            {column.header}
          </Text>
        ))}
      </View>
      {rows.length === 0 ? (
        <Text style={{ padding: 8, color: MUTED, borderBottomWidth: BORDER, borderColor: RULE }}>{noRecords}</Text>
      ) : (
        rows.map((row, r) => (
          <View key={r} style={(firstRow + r) % 2 === 1 ? styles.zebraRow : styles.row}>
            {row.map((text, i) => (
              <Text key={i} style={needsClip(text, styles.inner[i] ?? 0) ? styles.clipped[i] : styles.body[i]}>
                {text}
              </Text>
            ))}
          </View>
        ))
      )}
      {styles.rules.map((rule, i) => (
        <View key={`rule${i}`} style={rule} />
      ))}
    </View>
  );
}
