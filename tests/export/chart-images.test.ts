import { deflateSync, crc32 } from "node:zlib";
import { createCanvas } from "@napi-rs/canvas";
import { decodeChartImage, MAX_CHART_IMAGE_BYTES } from "@/lib/export/chart-images";

function canvasPng(width = 320, height = 160): Buffer {
  const canvas = createCanvas(width, height);
  const g = canvas.getContext("2d");
  g.fillStyle = "#4472c4";
  g.fillRect(10, 10, width / 2, height / 2);
  return canvas.toBuffer("image/png");
}

const url = (data: Buffer) => `data:image/png;base64,${data.toString("base64")}`;

function chunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, "latin1"), body])), 0);
  return Buffer.concat([head, body, crc]);
}

function png(
  width: number,
  height: number,
  {
    depth = 8,
    colour = 6,
    interlace = 0,
    data,
  }: { depth?: number; colour?: number; interlace?: number; data?: Buffer } = {},
): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = depth;
  ihdr[9] = colour;
  ihdr[12] = interlace;
  const raw = data ?? deflateSync(Buffer.alloc((width * 4 + 1) * height));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", raw),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

describe("chart image check", () => {
  it("accepts a canvas PNG and reports its size", () => {
    const check = decodeChartImage(url(canvasPng(320, 160)));
    expect(check).toMatchObject({ ok: true, image: { width: 320, height: 160 } });
  });

  it.each([
    ["a JPEG data URL", "data:image/jpeg;base64,/9j/4AAQSkZJRg==", "must be a PNG data URL (data:image/png;base64,…)"],
    ["a link", "https://evil.example/chart.png", "must be a PNG data URL (data:image/png;base64,…)"],
    ["broken base64", "data:image/png;base64,@@@@", "is not valid base64"],
    [
      "text posing as PNG",
      url(Buffer.from("hello, this is not an image at all, not even close")),
      "is not a PNG image",
    ],
    ["a truncated PNG", url(canvasPng().subarray(0, 60)), "is a truncated PNG"],
    ["an over-large image", url(png(5000, 10)), "must be between 1×1 and 4096×4096 pixels"],
    [
      "an interlaced PNG",
      url(png(4, 4, { interlace: 1 })),
      "must be a non-interlaced PNG with 8-bit colour (as a canvas produces)",
    ],
    [
      "a 16-bit PNG",
      url(png(4, 4, { depth: 16 })),
      "must be a non-interlaced PNG with 8-bit colour (as a canvas produces)",
    ],
    [
      "image data that does not inflate",
      url(png(4, 4, { data: Buffer.from("not zlib") })),
      "is a damaged PNG (its image data does not decompress)",
    ],
  ])("refuses %s", (_name, input, reason) => {
    expect(decodeChartImage(input)).toEqual({ ok: false, reason });
  });

  it("refuses a PNG whose chunk checksum is wrong", () => {
    const data = canvasPng();
    data[30] = (data[30] ?? 0) ^ 0xff; // inside IHDR's CRC or body
    const check = decodeChartImage(url(data));
    expect(check.ok).toBe(false);
  });

  it("refuses more than 1 MB", () => {
    const big = Buffer.concat([canvasPng(), Buffer.alloc(MAX_CHART_IMAGE_BYTES)]);
    expect(decodeChartImage(url(big))).toEqual({ ok: false, reason: "must be at most 1 MB" });
  });
});
