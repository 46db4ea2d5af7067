import { seededRandom } from "@store/domain";
/**
 * Degradations a camera inflicts on a printed code, as small pure functions over RGBA images.
 * Unit tests and the decode benchmark build their hard frames from them; every random choice
 * comes from a seed, so a failing frame can be rebuilt exactly.
 */
export type RgbaImage = { width: number; height: number; data: Uint8ClampedArray };

const WHITE = 255;

export function blankImage(width: number, height: number, level = WHITE): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4).fill(level);
  return { width, height, data };
}

function mapPixels(image: RgbaImage, map: (value: number, pixel: number) => number): RgbaImage {
  const data = new Uint8ClampedArray(image.data.length);
  for (let offset = 0; offset < data.length; offset += 4) {
    const pixel = offset >> 2;
    data[offset] = map(image.data[offset]!, pixel);
    data[offset + 1] = map(image.data[offset + 1]!, pixel);
    data[offset + 2] = map(image.data[offset + 2]!, pixel);
    data[offset + 3] = 255;
  }
  return { width: image.width, height: image.height, data };
}

function bilinear(image: RgbaImage, x: number, y: number, channel: number, background: number): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const at = (px: number, py: number) =>
    px < 0 || py < 0 || px >= image.width || py >= image.height
      ? background
      : image.data[(py * image.width + px) * 4 + channel]!;
  const top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx;
  const bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx;
  return top * (1 - fy) + bottom * fy;
}

/**
 * The image scaled by `scale` and drawn with its top-left corner at (x, y) on a canvas of the
 * given size: a code held at arm's length fills a small part of a 640×480 frame.
 */
export function placeOnCanvas(
  image: RgbaImage,
  canvas: { width: number; height: number; x: number; y: number; scale?: number; background?: number },
): RgbaImage {
  const scale = canvas.scale ?? 1;
  const background = canvas.background ?? WHITE;
  const out = blankImage(canvas.width, canvas.height, background);
  for (let y = 0; y < canvas.height; y += 1) {
    for (let x = 0; x < canvas.width; x += 1) {
      const sourceX = (x - canvas.x + 0.5) / scale - 0.5;
      const sourceY = (y - canvas.y + 0.5) / scale - 0.5;
      if (sourceX < -1 || sourceY < -1 || sourceX > image.width || sourceY > image.height) continue;
      const offset = (y * canvas.width + x) * 4;
      for (let channel = 0; channel < 3; channel += 1) {
        out.data[offset + channel] = bilinear(image, sourceX, sourceY, channel, background);
      }
    }
  }
  return out;
}

/** Rotated by `degrees` (clockwise) about its centre on a same-sized canvas: a tilted pack. */
export function rotate(image: RgbaImage, degrees: number, background = WHITE): RgbaImage {
  const radians = (degrees * Math.PI) / 180;
  const cos = Math.cos(radians);
  const sin = Math.sin(radians);
  const cx = (image.width - 1) / 2;
  const cy = (image.height - 1) / 2;
  const out = blankImage(image.width, image.height, background);
  for (let y = 0; y < image.height; y += 1) {
    for (let x = 0; x < image.width; x += 1) {
      const dx = x - cx;
      const dy = y - cy;
      const sourceX = cos * dx + sin * dy + cx;
      const sourceY = -sin * dx + cos * dy + cy;
      const offset = (y * image.width + x) * 4;
      for (let channel = 0; channel < 3; channel += 1) {
        out.data[offset + channel] = bilinear(image, sourceX, sourceY, channel, background);
      }
    }
  }
  return out;
}

/** Three box blurs of the given radius, close to a Gaussian: an out-of-focus lens or a moving hand. */
export function blur(image: RgbaImage, radius: number): RgbaImage {
  if (radius <= 0) return image;
  let current = image;
  for (let round = 0; round < 3; round += 1) current = boxBlur(boxBlur(current, radius, true), radius, false);
  return current;
}

function boxBlur(image: RgbaImage, radius: number, horizontal: boolean): RgbaImage {
  const { width, height } = image;
  const out = new Uint8ClampedArray(image.data.length);
  const lines = horizontal ? height : width;
  const length = horizontal ? width : height;
  const index = (line: number, position: number) => {
    const clamped = Math.min(length - 1, Math.max(0, position));
    return (horizontal ? line * width + clamped : clamped * width + line) * 4;
  };
  const span = 2 * radius + 1;
  for (let line = 0; line < lines; line += 1) {
    for (let channel = 0; channel < 3; channel += 1) {
      let sum = 0;
      for (let position = -radius; position <= radius; position += 1)
        sum += image.data[index(line, position) + channel]!;
      for (let position = 0; position < length; position += 1) {
        out[index(line, position) + channel] = sum / span;
        sum +=
          image.data[index(line, position + radius + 1) + channel]! -
          image.data[index(line, position - radius) + channel]!;
      }
    }
    for (let position = 0; position < length; position += 1) out[index(line, position) + 3] = 255;
  }
  return { width, height, data: out };
}

/** Black printed as `dark` and white as `light`: faded thermal labels, dim or washed-out frames. */
export function lowContrast(image: RgbaImage, dark: number, light: number): RgbaImage {
  return mapPixels(image, (value) => dark + ((light - dark) * value) / 255);
}

/** Sensor noise: each pixel's grey level moved by up to ±amplitude (the same on R, G and B). */
export function addNoise(image: RgbaImage, amplitude: number, seed: number): RgbaImage {
  const random = seededRandom(seed);
  const offsets = new Float32Array(image.width * image.height);
  for (let pixel = 0; pixel < offsets.length; pixel += 1) offsets[pixel] = (random() * 2 - 1) * amplitude;
  return mapPixels(image, (value, pixel) => value + offsets[pixel]!);
}

/**
 * A specular highlight: a bright disc fading out from (x, y), as a shrink-wrapped pack reflects
 * the store's lights. `strength` 1 turns its centre fully white.
 */
export function glare(
  image: RgbaImage,
  spot: { x: number; y: number; radius: number; strength: number },
): RgbaImage {
  return mapPixels(image, (value, pixel) => {
    const dx = (pixel % image.width) - spot.x;
    const dy = Math.floor(pixel / image.width) - spot.y;
    const fall = Math.max(0, 1 - Math.sqrt(dx * dx + dy * dy) / spot.radius);
    return value + (255 - value) * spot.strength * fall * fall;
  });
}

/**
 * The image wrapped around a cylinder whose axis runs top to bottom, as a camera straight in front
 * sees it: a code on a can or bottle. It spans `degrees` of the cylinder's circumference, so its
 * modules narrow towards the sides (to cos(degrees / 2) of their width at the edges) and the
 * surface turning away from the light darkens them (Lambert's cosine, half strength).
 */
export function wrapAroundCylinder(image: RgbaImage, degrees: number, background = WHITE): RgbaImage {
  const half = (degrees * Math.PI) / 360;
  const radius = image.width / 2 / half;
  const width = Math.max(1, Math.round(2 * radius * Math.sin(half)));
  const out = blankImage(width, image.height, background);
  const centre = width / 2;
  for (let x = 0; x < width; x += 1) {
    const angle = Math.asin(Math.max(-1, Math.min(1, (x + 0.5 - centre) / radius)));
    const sourceX = image.width / 2 + angle * radius - 0.5;
    const shade = 0.5 + 0.5 * Math.cos(angle);
    for (let y = 0; y < image.height; y += 1) {
      const offset = (y * width + x) * 4;
      for (let channel = 0; channel < 3; channel += 1) {
        out.data[offset + channel] = bilinear(image, sourceX, y, channel, background) * shade;
      }
    }
  }
  return out;
}
