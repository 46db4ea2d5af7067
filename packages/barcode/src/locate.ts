import type { LuminanceImage } from "./image";

/**
 * Where a barcode may be, found from the structure of the luminance gradient before any decoder
 * runs: the decoders then look only there, along the code's own axis, instead of scanning every
 * row of the frame. Per cell of the frame, the gradient's structure tensor tells "edges all in one
 * direction" (the bars of a linear code: high coherence) from "edges in every direction" (the
 * modules of a QR code or DataMatrix: high energy, low coherence) and from flat background.
 */
export type LinearRegion = {
  kind: "linear";
  /** Centre of the bars, in pixels. */
  x: number;
  y: number;
  /** Direction across the bars (radians; the scan direction), known only modulo π. */
  angle: number;
  /** Half the extent across the bars and along them, in pixels. */
  halfLength: number;
  halfHeight: number;
  /** Gradient energy above the noise floor: larger regions with stronger edges first. */
  score: number;
};

export type MatrixRegion = {
  kind: "matrix";
  /** Bounding box in pixels, end exclusive. */
  left: number;
  top: number;
  right: number;
  bottom: number;
  score: number;
};

export type Regions = { linear: LinearRegion[]; matrix: MatrixRegion[] };

/** Cells are this many pixels square on a VGA frame; larger frames get proportionally larger cells. */
const BASE_CELL = 16;
/** Above this coherence a cell's edges run in one direction (bars); below it, in many (2D modules). */
const LINEAR_COHERENCE = 0.6;
/** Neighbouring bar cells join one region only when their bar directions agree this closely. */
const MAX_ANGLE_STEP = (20 * Math.PI) / 180;

/** Mean squared Sobel gradient (per sampled pixel) below which a cell is flat, however clean the frame. */
const MIN_EDGE_ENERGY = 1000;

/**
 * Narrower than this across its bars (in pixels, either side of the middle), a region cannot hold
 * a retail code: UPC-E, the shortest, has 51 modules, and modules under 1.3 pixels do not resolve.
 */
const MIN_HALF_LENGTH = 24;

type Cells = {
  columns: number;
  rows: number;
  size: number;
  /** Per cell: mean gx², gy², gx·gy over its sampled pixels (Sobel gradients). */
  xx: Float64Array;
  yy: Float64Array;
  xy: Float64Array;
};

/**
 * Sobel gradients summed into the structure tensor of each cell. Sobel rather than a plain
 * difference because its smoothing along the edge keeps sensor noise from looking like texture.
 */
function structureTensors(image: LuminanceImage): Cells {
  const { width, height, data } = image;
  const size = BASE_CELL * Math.max(1, Math.round(Math.sqrt((width * height) / (640 * 480))));
  const columns = Math.ceil(width / size);
  const rows = Math.ceil(height / size);
  const xx = new Float64Array(columns * rows);
  const yy = new Float64Array(columns * rows);
  const xy = new Float64Array(columns * rows);
  const samples = new Float64Array(columns * rows);
  // Every other row and column: the cells only need the gradient's statistics (each gradient is
  // still taken at full resolution), and this quarters the cost.
  for (let y = 1; y < height - 1; y += 2) {
    const cellRow = Math.floor(y / size) * columns;
    const above = (y - 1) * width;
    const here = y * width;
    const below = (y + 1) * width;
    // One cell-wide run at a time, its sums kept in locals: the pixel loop stays free of divisions
    // and of writes to the cell arrays.
    for (let column = 0; column < columns; column += 1) {
      const from = Math.max(1, column * size);
      const to = Math.min(width - 1, (column + 1) * size);
      let sumXX = 0;
      let sumYY = 0;
      let sumXY = 0;
      for (let x = from; x < to; x += 2) {
        const a = data[above + x - 1]!;
        const b = data[above + x]!;
        const c = data[above + x + 1]!;
        const d = data[here + x - 1]!;
        const f = data[here + x + 1]!;
        const g = data[below + x - 1]!;
        const h = data[below + x]!;
        const i = data[below + x + 1]!;
        const gx = c + 2 * f + i - a - 2 * d - g;
        const gy = g + 2 * h + i - a - 2 * b - c;
        sumXX += gx * gx;
        sumYY += gy * gy;
        sumXY += gx * gy;
      }
      const cell = cellRow + column;
      xx[cell]! += sumXX;
      yy[cell]! += sumYY;
      xy[cell]! += sumXY;
      samples[cell]! += Math.ceil((to - from) / 2);
    }
  }
  // Means rather than sums: cells cut by the image's right or bottom edge weigh the same.
  for (let cell = 0; cell < samples.length; cell += 1) {
    const count = Math.max(1, samples[cell]!);
    xx[cell]! /= count;
    yy[cell]! /= count;
    xy[cell]! /= count;
  }
  return { columns, rows, size, xx, yy, xy };
}

function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

/** Eigenvalues of the 2×2 tensor [[xx, xy], [xy, yy]], larger first. */
function eigen(xx: number, yy: number, xy: number): [number, number] {
  const mean = (xx + yy) / 2;
  const spread = Math.sqrt(((xx - yy) / 2) ** 2 + xy * xy);
  return [mean + spread, mean - spread];
}

/** Candidate regions, strongest first. Costs one pass over the pixels plus work per cell. */
export function locate(image: LuminanceImage): Regions {
  const cells = structureTensors(image);
  const { columns, rows, size, xx, yy, xy } = cells;
  const count = columns * rows;
  const minor = new Float64Array(count);
  const major = new Float64Array(count);
  for (let cell = 0; cell < count; cell += 1) {
    [major[cell], minor[cell]] = eigen(xx[cell]!, yy[cell]!, xy[cell]!);
  }
  // Noise adds the same energy in every direction, so the smaller eigenvalue of background and
  // bar cells alike measures it: its spread over the cells (median absolute deviation) is how far a
  // cell of pure noise strays. Its first quartile is the noise floor: the median would do where
  // background fills most of the image, but a 2D code filling it raises the median, not the quartile.
  const sorted = Float64Array.from(minor).sort();
  const middle = quantile(sorted, 0.5);
  const deviations = minor.map((value) => Math.abs(value - middle)).sort();
  const spread = 1.4826 * quantile(deviations, 0.5);
  const floor = quantile(sorted, 0.25);
  // A cell counts when its edges stand out from the noise, and at least as strong as a faded
  // print's (a grey-level difference of ~20 over a few pixels).
  const threshold = Math.max(6 * spread, MIN_EDGE_ENERGY);
  const kind = new Int8Array(count); // 0 background, 1 bars, 2 modules in every direction
  const angle = new Float64Array(count);
  const energy = new Float64Array(count);
  for (let cell = 0; cell < count; cell += 1) {
    const strong = major[cell]! - floor;
    const weak = Math.max(0, minor[cell]! - floor);
    if (strong < threshold) continue;
    energy[cell] = strong + weak;
    const coherence = (strong - weak) / (strong + weak);
    kind[cell] = coherence >= LINEAR_COHERENCE ? 1 : 2;
    angle[cell] = 0.5 * Math.atan2(2 * xy[cell]!, xx[cell]! - yy[cell]!);
  }

  const linear: LinearRegion[] = [];
  const matrix: MatrixRegion[] = [];
  const seen = new Uint8Array(count);
  const stack: number[] = [];
  const members: number[] = [];
  const flood = (start: number, joins: (from: number, to: number) => boolean) => {
    members.length = 0;
    stack.length = 0;
    stack.push(start);
    seen[start] = 1;
    while (stack.length > 0) {
      const cell = stack.pop()!;
      members.push(cell);
      const cx = cell % columns;
      const cy = (cell - cx) / columns;
      for (let dy = -1; dy <= 1; dy += 1) {
        for (let dx = -1; dx <= 1; dx += 1) {
          const nx = cx + dx;
          const ny = cy + dy;
          if (nx < 0 || ny < 0 || nx >= columns || ny >= rows) continue;
          const next = ny * columns + nx;
          if (seen[next] || !joins(cell, next)) continue;
          seen[next] = 1;
          stack.push(next);
        }
      }
    }
    return members;
  };

  for (let cell = 0; cell < count; cell += 1) {
    if (seen[cell] || kind[cell] !== 1) continue;
    const region = flood(
      cell,
      (from, to) => kind[to] === 1 && angleBetween(angle[from]!, angle[to]!) < MAX_ANGLE_STEP,
    );
    if (region.length < 2) continue;
    const bars = linearRegion(region, cells, floor);
    if (bars.halfLength >= MIN_HALF_LENGTH) linear.push(bars);
  }

  seen.fill(0);
  for (let cell = 0; cell < count; cell += 1) {
    if (seen[cell] || kind[cell] !== 2) continue;
    const region = flood(cell, (_from, to) => kind[to] !== 0);
    const modules = region.filter((member) => kind[member] === 2).length;
    // A 2D code's cells mostly see edges in every direction; the ends of a bar region do too, a few.
    if (modules < 2 || modules * 3 < region.length) continue;
    let left = columns;
    let top = rows;
    let right = 0;
    let bottom = 0;
    let score = 0;
    for (const member of region) {
      const mx = member % columns;
      const my = (member - mx) / columns;
      left = Math.min(left, mx);
      top = Math.min(top, my);
      right = Math.max(right, mx + 1);
      bottom = Math.max(bottom, my + 1);
      score += energy[member]!;
    }
    matrix.push({
      kind: "matrix",
      left: left * size,
      top: top * size,
      right: Math.min(image.width, right * size),
      bottom: Math.min(image.height, bottom * size),
      score,
    });
  }
  linear.sort((a, b) => b.score - a.score);
  matrix.sort((a, b) => b.score - a.score);
  return { linear, matrix };
}

function angleBetween(a: number, b: number): number {
  const difference = Math.abs(a - b) % Math.PI;
  return Math.min(difference, Math.PI - difference);
}

function linearRegion(members: readonly number[], cells: Cells, floor: number): LinearRegion {
  const { columns, size, xx, yy, xy } = cells;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  let score = 0;
  for (const cell of members) {
    sxx += xx[cell]!;
    syy += yy[cell]!;
    sxy += xy[cell]!;
  }
  const angle = 0.5 * Math.atan2(2 * sxy, sxx - syy);
  const ux = Math.cos(angle);
  const uy = Math.sin(angle);
  let uMin = Infinity;
  let uMax = -Infinity;
  let vMin = Infinity;
  let vMax = -Infinity;
  for (const cell of members) {
    const x = ((cell % columns) + 0.5) * size;
    const y = (Math.floor(cell / columns) + 0.5) * size;
    const u = x * ux + y * uy;
    const v = -x * uy + y * ux;
    uMin = Math.min(uMin, u);
    uMax = Math.max(uMax, u);
    vMin = Math.min(vMin, v);
    vMax = Math.max(vMax, v);
    score += eigen(xx[cell]!, yy[cell]!, xy[cell]!)[0] - floor;
  }
  const u = (uMin + uMax) / 2;
  const v = (vMin + vMax) / 2;
  return {
    kind: "linear",
    x: u * ux - v * uy,
    y: u * uy + v * ux,
    angle,
    halfLength: (uMax - uMin + size) / 2,
    halfHeight: (vMax - vMin + size) / 2,
    score,
  };
}
