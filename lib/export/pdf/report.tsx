// The report's pages as react-pdf components (the data table itself is painted by
// ./table-canvas.ts inside a page). Each page is laid out by ./layout.ts
// beforehand; nothing here wraps or paginates (every <Page> is wrap={false}).
// PdfImage: react-pdf's image has no alt text (a PDF is not HTML); the name keeps the HTML img lint off it.
import { Image as PdfImage, Page, Path, Rect, Svg, Text, View } from "@react-pdf/renderer";
import type { ReactElement, ReactNode } from "react";
import { TEXT_FONTS } from "./fonts";
import {
  BODY_GAP,
  CHARTS_HEIGHT,
  FOOTER_HEIGHT,
  HEADER_HEIGHT,
  IMAGE_TITLE_HEIGHT,
  INFO_HEIGHT,
  STATS_ROW_HEIGHT,
  STATS_TITLE_HEIGHT,
  imageBox,
  type PageGeometry,
  type SummaryBlock,
} from "./layout";
import { BRAND, HEADER_FILL, INK, MUTED, RULE, ZEBRA_FILL } from "./theme";
import type { PdfChartImage, PdfLabels, PdfSeries, PdfSummary } from "./types";

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
        <Path
          d="M9.5 7 H17 V14.5"
          stroke="#FFFFFF"
          strokeWidth={2.4}
          strokeLinecap="round"
          strokeLinejoin="round"
          fill="none"
        />
      </Svg>
      <Text style={{ marginLeft: 5, fontSize: 11, fontWeight: 700, color: INK }}>Outport</Text>
    </View>
  );
}

export function ReportPage({
  frame,
  number,
  pages,
  children,
}: {
  frame: Frame;
  number: number;
  pages: number;
  children: ReactNode;
}) {
  const { page, labels } = frame;
  return (
    <Page
      size="A4"
      orientation={page.width > page.height ? "landscape" : "portrait"}
      wrap={false}
      style={{ padding: page.margin, fontFamily: TEXT_FONTS, fontSize: 8, color: INK }}
    >
      <View
        style={{
          height: HEADER_HEIGHT,
          flexDirection: "row",
          alignItems: "center",
          borderBottomWidth: 1,
          borderBottomColor: BRAND,
          paddingBottom: 6,
          marginBottom: 0,
        }}
      >
        <View style={{ width: 130, height: 26, justifyContent: "center" }}>
          {frame.logo ? (
            <PdfImage src={frame.logo} style={{ maxWidth: 130, maxHeight: 26, objectFit: "contain" }} />
          ) : (
            <OutportMark />
          )}
        </View>
        <Text
          style={{ flex: 1, textAlign: "center", fontSize: 12, fontWeight: 700, maxLines: 1, textOverflow: "ellipsis" }}
        >
          {frame.title}
        </Text>
        <Text style={{ width: 130, textAlign: "right", fontSize: 7.5, color: MUTED, maxLines: 2 }}>
          {frame.dateText}
        </Text>
      </View>
      <View style={{ height: page.bodyHeight + BODY_GAP, paddingTop: BODY_GAP }}>{children}</View>
      <View
        style={{
          height: FOOTER_HEIGHT,
          flexDirection: "row",
          alignItems: "flex-end",
          borderTopWidth: 1,
          borderTopColor: RULE,
          paddingBottom: 2,
          fontSize: 7.5,
          color: MUTED,
        }}
      >
        <Text style={{ flex: 1 }}>{labels.copyright}</Text>
        <Text style={{ flex: 1, textAlign: "right" }}>{labels.page(number, pages)}</Text>
      </View>
    </Page>
  );
}

// ── Summary ─────────────────────────────────────────────────────────────────────────

function InfoBlock({
  summary,
  labels,
  filters,
  user,
}: {
  summary: PdfSummary;
  labels: PdfLabels;
  filters: string;
  user: string;
}) {
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

function StatsBlock({
  summary,
  labels,
  from,
  to,
  continued,
}: {
  summary: PdfSummary;
  labels: PdfLabels;
  from: number;
  to: number;
  continued: boolean;
}) {
  const cell = { width: 90, textAlign: "right" as const, paddingRight: 6 };
  return (
    <View>
      <Text style={{ height: STATS_TITLE_HEIGHT - STATS_ROW_HEIGHT, fontSize: 10, fontWeight: 700 }}>
        {continued ? labels.statsContinued : labels.statsTitle}
      </Text>
      <View
        style={{
          height: STATS_ROW_HEIGHT,
          flexDirection: "row",
          alignItems: "center",
          backgroundColor: HEADER_FILL,
          color: "#FFFFFF",
          fontWeight: 700,
        }}
      >
        <Text style={{ flex: 1, paddingLeft: 6 }}>{labels.column}</Text>
        <Text style={cell}>{labels.min}</Text>
        <Text style={cell}>{labels.average}</Text>
        <Text style={cell}>{labels.max}</Text>
      </View>
      {summary.numeric.slice(from, to).map((stat, i) => (
        <View
          key={stat.header + i}
          style={{
            height: STATS_ROW_HEIGHT,
            flexDirection: "row",
            alignItems: "center",
            borderBottomWidth: 1,
            borderBottomColor: "#E5E7EB",
            backgroundColor: i % 2 === 1 ? ZEBRA_FILL : undefined,
          }}
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
            <Text
              style={{
                width: labelWidth,
                paddingRight: 4,
                textAlign: "right",
                fontSize: 7,
                maxLines: 1,
                textOverflow: "ellipsis",
              }}
            >
              {label}
            </Text>
            <View
              style={{ width: Math.max(1, (count / max) * barArea), height: rowHeight * 0.62, backgroundColor: BRAND }}
            />
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
      <View
        style={{
          height: plotHeight,
          flexDirection: "row",
          alignItems: "flex-end",
          borderBottomWidth: 1,
          borderBottomColor: RULE,
        }}
      >
        {series.counts.map((count, i) => (
          <View key={i} style={{ width: slot, alignItems: "center", justifyContent: "flex-end" }}>
            {n <= 16 ? (
              <Text style={{ fontSize: 5.5, color: MUTED, marginBottom: 1 }}>{labels.formatInteger(count)}</Text>
            ) : null}
            <View
              style={{
                width: Math.max(1, slot * 0.7),
                height: Math.max(0.5, (count / max) * (plotHeight - 10)),
                backgroundColor: BRAND,
              }}
            />
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
      <Text style={{ marginTop: 4, fontSize: 6.5, color: MUTED }}>{labels.peak(labels.formatInteger(max))}</Text>
    </View>
  );
}

function ChartCard({ title, width, children }: { title: string; width: number; children: ReactNode }) {
  return (
    <View style={{ width, height: CHARTS_HEIGHT, borderWidth: 1, borderColor: "#E5E7EB", padding: 8 }}>
      <Text style={{ fontSize: 9, fontWeight: 700, marginBottom: 8, maxLines: 1, textOverflow: "ellipsis" }}>
        {title}
      </Text>
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
        {byCategory && byCategory.counts.length > 0 ? (
          <HorizontalBars series={byCategory} labels={labels} width={inner} />
        ) : (
          empty
        )}
      </ChartCard>
      <ChartCard title={labels.byMonth(byMonth?.column ?? "")} width={width}>
        {byMonth && byMonth.counts.length > 0 ? <Columns series={byMonth} labels={labels} width={inner} /> : empty}
      </ChartCard>
    </View>
  );
}

function ImageBlock({
  image,
  index,
  labels,
  page,
}: {
  image: PdfChartImage;
  index: number;
  labels: PdfLabels;
  page: PageGeometry;
}) {
  const box = imageBox(image, page);
  return (
    <View style={{ alignItems: "center" }}>
      <Text style={{ height: IMAGE_TITLE_HEIGHT, alignSelf: "flex-start", fontSize: 9, fontWeight: 700 }}>
        {labels.browserChart(index + 1)}
      </Text>
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
            return (
              <StatsBlock
                key={i}
                summary={summary}
                labels={labels}
                from={block.from}
                to={block.to}
                continued={block.continued}
              />
            );
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
