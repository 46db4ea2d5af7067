import { readFile } from "node:fs/promises";
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import type { PixelImage } from "../image";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG_SIGNATURE = Buffer.from([0xff, 0xd8, 0xff]);
/** A phone photo is at most ~50 MP; jpeg-js refuses larger by default too, this just says so in our words. */
const MAX_PIXELS = 64_000_000;

/** RGBA pixels of a PNG or JPEG, told apart by their signature rather than the file name. */
export function decodeImageBytes(bytes: Uint8Array, name = "image"): PixelImage {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let width: number;
  let height: number;
  let data: Uint8Array;
  if (buffer.subarray(0, 8).equals(PNG_SIGNATURE)) {
    ({ width, height, data } = PNG.sync.read(buffer));
  } else if (buffer.subarray(0, 3).equals(JPEG_SIGNATURE)) {
    ({ width, height, data } = jpeg.decode(buffer, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: MAX_PIXELS / 1_000_000,
    }));
  } else {
    throw new Error(`Cannot read '${name}': not a PNG or JPEG file`);
  }
  if (width * height > MAX_PIXELS) throw new Error(`Cannot read '${name}': ${width}×${height} is too large`);
  return { width, height, data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength) };
}

/** The file's pixels; every failure (missing, unreadable, not an image) reads "Cannot read '<path>': <why>". */
export async function readImageFile(path: string): Promise<PixelImage> {
  try {
    return decodeImageBytes(await readFile(path), path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (reason.startsWith("Cannot read")) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : reason;
    throw new Error(`Cannot read '${path}': ${why}`, { cause: error });
  }
}
