/**
 * Pixel operations on 8-bit luminance planes. They run on every camera frame in the kiosk, so each
 * is a single pass over the pixels with no allocation beyond its output.
 */
export type LuminanceImage = { width: number; height: number; data: Uint8ClampedArray };

/** Pixels as a browser's ImageData carries them: `data` is RGBA (4 bytes a pixel) or already luminance (1). */
export type PixelImage = { width: number; height: number; data: Uint8ClampedArray };

/**
 * The image as luminance: `data` itself when it already is, else converted into `into` when that
 * has the right size (a caller decoding frame after frame reuses one buffer rather than leave a
 * frame-sized array to the garbage collector each time) or into a new array.
 */
export function toLuminance(image: PixelImage, into?: Uint8ClampedArray): LuminanceImage {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`Invalid image size ${width}×${height}: width and height must be positive integers`);
  }
  const pixels = width * height;
  if (data.length === pixels) return { width, height, data };
  if (data.length !== pixels * 4) {
    throw new RangeError(
      `Invalid image data for ${width}×${height}: ${data.length} bytes, expected ${pixels} (luminance) or ${pixels * 4} (RGBA)`,
    );
  }
  const luminance = into?.length === pixels ? into : new Uint8ClampedArray(pixels);
  for (let pixel = 0, offset = 0; pixel < pixels; pixel += 1, offset += 4) {
    // Rec. 601 weights in integer arithmetic (sum 256); alpha is ignored as camera frames are opaque.
    luminance[pixel] = (77 * data[offset]! + 150 * data[offset + 1]! + 29 * data[offset + 2]!) >> 8;
  }
  return { width, height, data: luminance };
}

/**
 * Stretches the 2nd..98th percentile of luminance to the full range: a faded print or a dim frame
 * leaves bars and spaces a few levels apart, which the binarizers' thresholds can miss.
 */
export function stretchContrast(image: LuminanceImage): LuminanceImage {
  const { data } = image;
  const histogram = new Uint32Array(256);
  for (let index = 0; index < data.length; index += 1) histogram[data[index]!]! += 1;
  const cut = Math.floor(data.length * 0.02);
  let low = 0;
  for (let seen = 0; low < 255 && seen + histogram[low]! <= cut; low += 1) seen += histogram[low]!;
  let high = 255;
  for (let seen = 0; high > 0 && seen + histogram[high]! <= cut; high -= 1) seen += histogram[high]!;
  if (high - low < 2) return image;
  const table = new Uint8ClampedArray(256);
  for (let level = 0; level < 256; level += 1) table[level] = ((level - low) * 255) / (high - low);
  const stretched = new Uint8ClampedArray(data.length);
  for (let index = 0; index < data.length; index += 1) stretched[index] = table[data[index]!]!;
  return { width: image.width, height: image.height, data: stretched };
}

/**
 * Doubles each side with bilinear interpolation: a code only a few pixels per module wide gains
 * sub-pixel edge positions the readers can threshold. Each output pixel sits a quarter pixel from
 * its nearest source pixel, so its weights are always 3/4 and 1/4 per axis (9:3:3:1 in all).
 */
export function upscaleDouble(image: LuminanceImage): LuminanceImage {
  const { width, height, data } = image;
  const outWidth = width * 2;
  const out = new Uint8ClampedArray(outWidth * height * 2);
  for (let y = 0; y < height; y += 1) {
    const row = y * width;
    // Output rows 2y and 2y+1 lean towards source rows y-1 and y+1 respectively (clamped at the border).
    const up = Math.max(0, y - 1) * width;
    const down = Math.min(height - 1, y + 1) * width;
    const top = 2 * y * outWidth;
    const bottom = top + outWidth;
    for (let x = 0; x < width; x += 1) {
      const left = Math.max(0, x - 1);
      const right = Math.min(width - 1, x + 1);
      const centre = data[row + x]!;
      const upper = 3 * centre + data[up + x]!;
      const lower = 3 * centre + data[down + x]!;
      const upperLeft = 3 * data[row + left]! + data[up + left]!;
      const upperRight = 3 * data[row + right]! + data[up + right]!;
      const lowerLeft = 3 * data[row + left]! + data[down + left]!;
      const lowerRight = 3 * data[row + right]! + data[down + right]!;
      out[top + 2 * x] = (3 * upper + upperLeft + 8) >> 4;
      out[top + 2 * x + 1] = (3 * upper + upperRight + 8) >> 4;
      out[bottom + 2 * x] = (3 * lower + lowerLeft + 8) >> 4;
      out[bottom + 2 * x + 1] = (3 * lower + lowerRight + 8) >> 4;
    }
  }
  return { width: outWidth, height: height * 2, data: out };
}
