/**
 * Pixel operations on 8-bit luminance planes. They run on every camera frame in the kiosk, so each
 * is a single pass over the pixels with no allocation beyond its output.
 */
export type LuminanceImage = { width: number; height: number; data: Uint8ClampedArray };

/** Pixels as a browser's ImageData carries them: `data` is RGBA (4 bytes a pixel) or already luminance (1). */
export type PixelImage = { width: number; height: number; data: Uint8ClampedArray };

export function toLuminance(image: PixelImage): LuminanceImage {
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
  const luminance = new Uint8ClampedArray(pixels);
  for (let pixel = 0, offset = 0; pixel < pixels; pixel += 1, offset += 4) {
    // Rec. 601 weights in integer arithmetic (sum 256); alpha is ignored as camera frames are opaque.
    luminance[pixel] = (77 * data[offset]! + 150 * data[offset + 1]! + 29 * data[offset + 2]!) >> 8;
  }
  return { width, height, data: luminance };
}

/** A quarter turn clockwise: 1D readers scan rows, so a code printed vertically needs its rows turned. */
export function rotateQuarter(image: LuminanceImage): LuminanceImage {
  const { width, height, data } = image;
  const rotated = new Uint8ClampedArray(width * height);
  for (let y = 0; y < height; y += 1) {
    const row = y * width;
    const column = height - 1 - y;
    for (let x = 0; x < width; x += 1) rotated[x * height + column] = data[row + x]!;
  }
  return { width: height, height: width, data: rotated };
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

/** Halves each side by averaging 2×2 blocks: a blurred or noisy code gets sharper edges relative to its bars. */
export function downscaleHalf(image: LuminanceImage): LuminanceImage {
  const width = image.width >> 1;
  const height = image.height >> 1;
  if (width === 0 || height === 0) return image;
  const { data } = image;
  const source = image.width;
  const half = new Uint8ClampedArray(width * height);
  for (let y = 0; y < height; y += 1) {
    const top = 2 * y * source;
    const bottom = top + source;
    for (let x = 0; x < width; x += 1) {
      const left = 2 * x;
      half[y * width + x] =
        (data[top + left]! + data[top + left + 1]! + data[bottom + left]! + data[bottom + left + 1]! + 2) >>
        2;
    }
  }
  return { width, height, data: half };
}

/**
 * Doubles each side with bilinear interpolation: a code only a few pixels per module wide gains
 * sub-pixel edge positions the readers can threshold. Only used on small images (see the pipeline).
 */
export function upscaleDouble(image: LuminanceImage): LuminanceImage {
  const { width, height, data } = image;
  const outWidth = width * 2;
  const outHeight = height * 2;
  const out = new Uint8ClampedArray(outWidth * outHeight);
  for (let y = 0; y < outHeight; y += 1) {
    const sourceY = Math.min(height - 1, Math.max(0, (y - 0.5) / 2));
    const y0 = Math.floor(sourceY);
    const y1 = Math.min(height - 1, y0 + 1);
    const fy = sourceY - y0;
    for (let x = 0; x < outWidth; x += 1) {
      const sourceX = Math.min(width - 1, Math.max(0, (x - 0.5) / 2));
      const x0 = Math.floor(sourceX);
      const x1 = Math.min(width - 1, x0 + 1);
      const fx = sourceX - x0;
      const top = data[y0 * width + x0]! * (1 - fx) + data[y0 * width + x1]! * fx;
      const bottom = data[y1 * width + x0]! * (1 - fx) + data[y1 * width + x1]! * fx;
      out[y * outWidth + x] = top * (1 - fy) + bottom * fy + 0.5;
    }
  }
  return { width: outWidth, height: outHeight, data: out };
}
