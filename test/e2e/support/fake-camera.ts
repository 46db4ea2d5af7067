import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { blankImage, placeOnCanvas, renderBarcode, type RgbaImage } from "@store/barcode/testing";

/**
 * A video file for Chromium's fake camera (--use-file-for-fake-video-capture): a few seconds of
 * an empty counter, then a printed barcode held in front of the lens. The kiosk's real camera
 * path (getUserMedia, canvas, Web Worker, zxing) reads it like a shopper's pack.
 */
export async function barcodeVideo(
  spec: { bcid: string; text: string },
  options: { emptyFrames?: number } = {},
): Promise<string> {
  const width = 640;
  const height = 480;
  const code = await renderBarcode({ bcid: spec.bcid, text: spec.text, scale: 3 });
  const scale = Math.min(1, (width * 0.7) / code.width);
  const held = placeOnCanvas(code, {
    width,
    height,
    x: Math.round((width - code.width * scale) / 2),
    y: Math.round((height - code.height * scale) / 2),
    scale,
    background: 235,
  });
  const empty = blankImage(width, height, 235);
  const frames = [
    ...Array.from({ length: options.emptyFrames ?? 15 }, () => empty),
    ...Array.from({ length: 30 }, () => held),
  ];
  const dir = mkdtempSync(path.join(tmpdir(), "store-camera-"));
  const file = path.join(dir, `${spec.bcid}-${spec.text}.y4m`);
  writeFileSync(file, y4m(frames, width, height));
  return file;
}

/** YUV4MPEG2 with 4:2:0 chroma, the format Chromium's file-backed fake camera plays (in a loop). */
function y4m(frames: RgbaImage[], width: number, height: number): Buffer {
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F30:1 Ip A1:1 C420jpeg\n`);
  const parts: Buffer[] = [header];
  for (const frame of frames) {
    parts.push(Buffer.from("FRAME\n"), yuv420(frame, width, height));
  }
  return Buffer.concat(parts);
}

function yuv420(frame: RgbaImage, width: number, height: number): Buffer {
  const lumaSize = width * height;
  const chromaWidth = width / 2;
  const chromaSize = (width / 2) * (height / 2);
  const out = Buffer.alloc(lumaSize + 2 * chromaSize);
  const { data } = frame;
  for (let i = 0; i < lumaSize; i++) {
    const r = data[i * 4]!;
    const g = data[i * 4 + 1]!;
    const b = data[i * 4 + 2]!;
    out[i] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
  }
  for (let y = 0; y < height / 2; y++) {
    for (let x = 0; x < chromaWidth; x++) {
      const i = (y * 2 * width + x * 2) * 4;
      const r = data[i]!;
      const g = data[i + 1]!;
      const b = data[i + 2]!;
      out[lumaSize + y * chromaWidth + x] = Math.round(128 - 0.168736 * r - 0.331264 * g + 0.5 * b);
      out[lumaSize + chromaSize + y * chromaWidth + x] = Math.round(
        128 + 0.5 * r - 0.418688 * g - 0.081312 * b,
      );
    }
  }
  return out;
}
