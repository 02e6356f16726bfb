// `npm run bench:pdf` – the PDF report writer on 1,000 and 5,000 rows of the demo dataset
// "Student Enrollment 2024" (Korean and Chinese names), with both kinds of chart: the
// server-drawn vector charts and two browser chart PNGs. Each case runs in a fresh process
// (`bench/pdf.ts --one <rows>`), built as the export job builds it, so its peak RSS is its
// own; the PNGs are drawn here, in the parent, so @napi-rs/canvas (which the worker never
// loads) does not count in a case's RSS. Prints rows, seconds, pages, MB and peak RSS.
// Uses the embedded database under var/ (or DATABASE_URL); files go to var/bench/.
import { mkdir, open, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { loadActiveUser } from "../lib/auth/current-user";
import { varDir } from "../lib/config";
import { openDatabase } from "../lib/data/bootstrap";
import { findDataset, listDatasets } from "../lib/datasets/dataset-store";
import { closePgPool, pgPool } from "../lib/data/pg";
import { disconnectPrisma, prisma } from "../lib/data/prisma";
import { isDatabaseEmpty, seedDemoData } from "../lib/data/seed/seed";
import { decodeChartImage } from "../lib/export/chart-images";
import { ZExportOptionsSchema } from "../lib/export/options";
import { openExport } from "../lib/exports/open-export";
import { pdfWriterInput } from "../lib/exports/pdf-report";
import { prepareExport } from "../lib/exports/prepare-export";
import { datasetSource } from "../lib/sources";
import { runJsonChild } from "./support";

type Result = { rows: number; seconds: number; pages: number; megabytes: number; peakRssMb: number };

const TITLE = "Student Enrollment 2024";
const ROWS = [1_000, 5_000];
const outDir = path.join(varDir(), "bench");
const chartsFile = path.join(outDir, "pdf-charts.json");
const log = (line: string) => console.log(`[bench] ${line}`);

/** Two "browser" charts: 800×400 PNG data URLs of a few bars on white, as Chart.js would send. */
async function drawCharts(): Promise<string[]> {
  const { createCanvas } = await import("@napi-rs/canvas");
  return [0, 1].map((n) => {
    const canvas = createCanvas(800, 400);
    const g = canvas.getContext("2d");
    g.fillStyle = "#ffffff";
    g.fillRect(0, 0, 800, 400);
    [0.6, 0.9, 0.4, 0.75, 0.5, 0.3].forEach((h, i) => {
      g.fillStyle = n === 0 ? "#2563eb" : "#16a34a";
      g.fillRect(60 + i * 120, 380 - h * 340, 80, h * 340);
    });
    return canvas.toDataURL("image/png");
  });
}

async function datasetId(): Promise<number> {
  const dataset = (await listDatasets()).find((d) => d.title === TITLE);
  if (!dataset) throw new Error(`no dataset titled "${TITLE}"`);
  return dataset.id;
}

/** One case, in this process: the export job's PDF path, from the database to a file. */
async function one(rows: number): Promise<void> {
  const { rows: admins } = await pgPool().query<{ id: number }>("SELECT id FROM users WHERE email = $1", [
    "admin@outport.local",
  ]);
  const [user, dataset] = await Promise.all([loadActiveUser(admins[0]?.id), findDataset(await datasetId())]);
  if (!user || !dataset) throw new Error("admin@outport.local or the dataset is missing");
  const last = `STU-24-${String(rows).padStart(5, "0")}`;
  const options = ZExportOptionsSchema.parse({
    filters: [{ column: "student_id", op: "lte", value: last }],
    include_charts: true,
  });
  const prepared = await prepareExport(user, dataset.id, "pdf", options);
  const images = (JSON.parse(await readFile(chartsFile, "utf8")) as string[]).map((url) => {
    const check = decodeChartImage(url);
    if (!check.ok) throw new Error(`chart image ${check.reason}`);
    return check.image;
  });
  const file = path.join(outDir, `report-${rows}.pdf`);

  try {
    const measured = await datasetSource(dataset).snapshot(async (reader) => {
      const started = performance.now();
      const pdf = await pdfWriterInput(reader, "en", prepared);
      pdf.chartImages = images;
      const run = openExport(prepared, reader, { batchSize: 500, pdf });
      const out = await open(file, "w");
      let bytes = 0;
      try {
        for await (const chunk of run.bytes) {
          await out.write(chunk);
          bytes += chunk.byteLength;
        }
      } finally {
        await out.close();
      }
      return { rows: run.stats.rows, bytes, seconds: (performance.now() - started) / 1000 };
    });
    const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);

    // After the measurement: pdf.js is only here to count the pages.
    const { getDocument } = await import("pdfjs-dist/legacy/build/pdf.mjs");
    const document = await getDocument({ data: new Uint8Array(await readFile(file)), verbosity: 0 }).promise;
    const result: Result = {
      rows: measured.rows,
      seconds: measured.seconds,
      pages: document.numPages,
      megabytes: measured.bytes / 1e6,
      peakRssMb,
    };
    await document.destroy();
    console.log(JSON.stringify(result));
  } finally {
    await closePgPool();
  }
}

function runCase(rows: number): Promise<Result> {
  return runJsonChild<Result>(["bench/pdf.ts", "--one", String(rows)], `pdf ${rows}`);
}

const oneAt = process.argv.indexOf("--one");
if (oneAt >= 0) {
  await one(Number(process.argv[oneAt + 1]));
} else {
  const db = await openDatabase(log);
  try {
    if (await isDatabaseEmpty(prisma())) await seedDemoData(prisma(), pgPool(), log);
    await datasetId();
    await mkdir(outDir, { recursive: true });
    await writeFile(chartsFile, JSON.stringify(await drawCharts()));

    const results: Result[] = [];
    for (const rows of ROWS) {
      log(`pdf ${rows.toLocaleString("en")} rows, charts + 2 chart images …`);
      results.push(await runCase(rows));
    }

    console.log(`\nPDF report, "${TITLE}", vector charts + 2 browser chart PNGs (one process per case):\n`);
    console.log("| rows | seconds | pages | MB | peak RSS MB |");
    console.log("|---:|---:|---:|---:|---:|");
    for (const r of results) {
      console.log(
        `| ${r.rows.toLocaleString("en")} | ${r.seconds.toFixed(2)} | ${r.pages.toLocaleString("en")} | ${r.megabytes.toFixed(2)} | ${r.peakRssMb} |`,
      );
    }
    console.log("\nTargets: 5,000 rows ≤ 8 s and ≤ 600 MB; 1,000 rows ≤ 2 s.");
  } finally {
    await disconnectPrisma();
    await closePgPool();
    await db.stop();
  }
}
