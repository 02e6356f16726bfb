// Chart images sent by the browser (`chart_images`: PNG data URLs of the page's Chart.js
// canvases) are checked before a job is queued, so a bad one is a 422 naming it rather
// than a report that fails later: a PNG data URL, valid base64, at most 1 MB, a real PNG
// (signature, IHDR, every chunk's CRC, image data that inflates), a size a page can hold.
import { crc32, inflateSync } from "node:zlib";

export const MAX_CHART_IMAGES = 4;
export const MAX_CHART_IMAGE_BYTES = 1024 * 1024;
export const MAX_CHART_IMAGE_SIDE = 4096;

const PREFIX = "data:image/png;base64,";
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Colour types and bit depths the PDF writer embeds: grey, RGB, palette, grey+alpha, RGBA. */
const BIT_DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8], 2: [8], 3: [1, 2, 4, 8], 4: [8], 6: [8] };

export type ChartImage = { data: Buffer; width: number; height: number };

export type ChartImageCheck = { ok: true; image: ChartImage } | { ok: false; reason: string };

/** PNG bytes checked as a chart image is (also used for the configured logo). */
export function checkPng(data: Buffer): ChartImageCheck {
  const notPng = { ok: false as const, reason: "is not a PNG image" };
  if (data.length < 8 + 25 || !data.subarray(0, 8).equals(SIGNATURE)) return notPng;
  let offset = 8;
  let header: { width: number; height: number; depth: number; colour: number; interlace: number } | null = null;
  const idat: Buffer[] = [];
  let ended = false;
  while (offset + 12 <= data.length) {
    const length = data.readUInt32BE(offset);
    const type = data.toString("latin1", offset + 4, offset + 8);
    if (offset + 12 + length > data.length) return { ok: false, reason: "is a truncated PNG" };
    const body = data.subarray(offset + 8, offset + 8 + length);
    if (crc32(data.subarray(offset + 4, offset + 8 + length)) !== data.readUInt32BE(offset + 8 + length)) {
      return { ok: false, reason: `is a damaged PNG (bad ${type} checksum)` };
    }
    if (!header) {
      if (type !== "IHDR" || length !== 13) return notPng;
      header = {
        width: body.readUInt32BE(0),
        height: body.readUInt32BE(4),
        depth: body[8] ?? 0,
        colour: body[9] ?? 0,
        interlace: body[12] ?? 0,
      };
    } else if (type === "IDAT") {
      idat.push(body);
    } else if (type === "IEND") {
      ended = true;
      break;
    }
    offset += 12 + length;
  }
  if (!header || !ended || idat.length === 0) return { ok: false, reason: "is a truncated PNG" };
  const { width, height } = header;
  if (width < 1 || height < 1 || width > MAX_CHART_IMAGE_SIDE || height > MAX_CHART_IMAGE_SIDE) {
    return { ok: false, reason: `must be between 1×1 and ${MAX_CHART_IMAGE_SIDE}×${MAX_CHART_IMAGE_SIDE} pixels` };
  }
  if (!BIT_DEPTHS[header.colour]?.includes(header.depth) || header.interlace !== 0) {
    return { ok: false, reason: "must be a non-interlaced PNG with 8-bit colour (as a canvas produces)" };
  }
  try {
    // Inflated size is bounded by the pixel count, itself bounded above.
    inflateSync(Buffer.concat(idat), { maxOutputLength: (width * 8 + 1) * height + 1024 });
  } catch {
    return { ok: false, reason: "is a damaged PNG (its image data does not decompress)" };
  }
  return { ok: true, image: { data, width, height } };
}

/** A `data:image/png;base64,…` URL checked and decoded, or the reason it was refused. */
export function decodeChartImage(url: string): ChartImageCheck {
  if (!url.toLowerCase().startsWith(PREFIX))
    return { ok: false, reason: "must be a PNG data URL (data:image/png;base64,…)" };
  const payload = url.slice(PREFIX.length);
  if (payload.length > Math.ceil(MAX_CHART_IMAGE_BYTES / 3) * 4) return { ok: false, reason: "must be at most 1 MB" };
  if (payload.length % 4 !== 0 || !BASE64.test(payload)) return { ok: false, reason: "is not valid base64" };
  const data = Buffer.from(payload, "base64");
  if (data.length > MAX_CHART_IMAGE_BYTES) return { ok: false, reason: "must be at most 1 MB" };
  return checkPng(data);
}
