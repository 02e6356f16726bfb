// The dataset page's Chart.js canvases as PNG data URLs, for a PDF report's `chart_images`.
// Each chart card is marked `data-export-chart`; a canvas too large to send (over the
// server's 1 MB limit per image) is drawn again at a smaller scale first.

const MAX_IMAGES = 4;
const MAX_DATA_URL = 1_300_000; // about 1 MB of PNG once base64 is decoded
const PNG = "data:image/png;base64,";

function asPng(canvas: HTMLCanvasElement): string | null {
  let url = canvas.toDataURL("image/png");
  let scale = 1;
  while (url.length > MAX_DATA_URL && scale > 0.25) {
    scale /= 2;
    const smaller = document.createElement("canvas");
    smaller.width = Math.max(1, Math.round(canvas.width * scale));
    smaller.height = Math.max(1, Math.round(canvas.height * scale));
    smaller.getContext("2d")?.drawImage(canvas, 0, 0, smaller.width, smaller.height);
    url = smaller.toDataURL("image/png");
  }
  return url.startsWith(PNG) && url.length <= MAX_DATA_URL ? url : null;
}

export function captureChartImages(root: ParentNode = document): string[] {
  const canvases = Array.from(root.querySelectorAll<HTMLCanvasElement>("[data-export-chart] canvas"));
  return canvases
    .filter((canvas) => canvas.width > 0 && canvas.height > 0)
    .slice(0, MAX_IMAGES)
    .map(asPng)
    .filter((url): url is string => url !== null);
}
