import type { Reader, Result } from "@zxing/library";
import { stretchContrast, upscaleDouble, type LuminanceImage } from "./image";
import type { MatrixRegion } from "./locate";
import { zxing } from "./zxing";

export type MatrixFormat = "QR_CODE" | "DATA_MATRIX";
export type MatrixRead = { text: string; format: MatrixFormat };

/** A crop this large (shorter side, pixels) already has modules of several pixels: doubling would only cost time. */
const LARGE_CROP = 320;

/**
 * Ways to present a 2D region to zxing, tried in turn. Each cuts the region out with a margin for
 * the quiet zone and stretches its contrast (a faded or dim code then spans the full range). Then:
 * doubled in size (unless large already), which interpolates modules of a pixel or two into shapes the detectors can
 * follow and smooths sensor noise, under one global threshold (robust to noise, where local
 * thresholds break modules apart); the crop as it is under local thresholds (uneven light, glare);
 * and a wider margin, which gives the global threshold more background to settle on.
 */
const ATTEMPTS = [
  { margin: 0.15, double: true, binarizer: "global" },
  { margin: 0.15, double: false, binarizer: "hybrid" },
  { margin: 0.3, double: true, binarizer: "global" },
] as const;

export function matrixReaders(formats: readonly MatrixFormat[]): Reader[] {
  const readers: Reader[] = [];
  if (formats.includes("QR_CODE")) readers.push(new zxing.QRCodeReader());
  if (formats.includes("DATA_MATRIX")) readers.push(new zxing.DataMatrixReader());
  return readers;
}

/**
 * Reads a QR code or DataMatrix in a located region: the region is cut out and decoded alone.
 * zxing's DataMatrix detector starts from the centre of the image it is given and grows a
 * rectangle outwards until its sides are white: on a whole frame with the code off-centre that
 * rectangle never encloses the symbol, which is why GS1 DataMatrix codes placed anywhere but the
 * middle of a frame were not read. Both symbologies carry Reed-Solomon error correction, so a
 * read needs no second opinion.
 */
export function readMatrixRegion(
  image: LuminanceImage,
  region: MatrixRegion,
  readers: readonly Reader[],
  deadline: number,
): MatrixRead | null {
  const size = Math.max(region.right - region.left, region.bottom - region.top);
  for (const { margin: fraction, double, binarizer } of ATTEMPTS) {
    if (performance.now() > deadline) return null;
    const margin = Math.round(fraction * size) + 8;
    let crop = stretchContrast(
      cut(image, region.left - margin, region.top - margin, region.right + margin, region.bottom + margin),
    );
    if (double && Math.min(crop.width, crop.height) < LARGE_CROP) crop = upscaleDouble(crop);
    const source = new zxing.RGBLuminanceSource(crop.data, crop.width, crop.height);
    const bitmap = new zxing.BinaryBitmap(
      binarizer === "global" ? new zxing.GlobalHistogramBinarizer(source) : new zxing.HybridBinarizer(source),
    );
    for (const reader of readers) {
      const result = attempt(reader, bitmap);
      if (result) {
        return {
          text: result.getText(),
          format: zxing.BarcodeFormat[result.getBarcodeFormat()] as MatrixFormat,
        };
      }
    }
  }
  return null;
}

function attempt(reader: Reader, bitmap: InstanceType<typeof zxing.BinaryBitmap>): Result | null {
  try {
    return reader.decode(bitmap);
  } catch (error) {
    // zxing says "nothing here" (and a failed checksum or format) by throwing; anything else is a bug.
    if (
      !(error instanceof zxing.NotFoundException) &&
      !(error instanceof zxing.ChecksumException) &&
      !(error instanceof zxing.FormatException)
    ) {
      throw error;
    }
    return null;
  } finally {
    reader.reset();
  }
}

/** The pixels of a rectangle, clipped to the image. */
function cut(
  image: LuminanceImage,
  left: number,
  top: number,
  right: number,
  bottom: number,
): LuminanceImage {
  const x0 = Math.max(0, Math.floor(left));
  const y0 = Math.max(0, Math.floor(top));
  const x1 = Math.min(image.width, Math.ceil(right));
  const y1 = Math.min(image.height, Math.ceil(bottom));
  const width = x1 - x0;
  const height = y1 - y0;
  const data = new Uint8ClampedArray(width * height);
  for (let y = 0; y < height; y += 1) {
    const from = (y0 + y) * image.width + x0;
    data.set(image.data.subarray(from, from + width), y * width);
  }
  return { width, height, data };
}
