import type { LuminanceImage } from "./image";

/** A straight line through the image: `length` samples `step` pixels apart from (x, y) along `angle`. */
export type Scanline = { x: number; y: number; angle: number; step: number; length: number };

/**
 * Luminance along a scanline, each sample the mean of `taps` bilinear samples spread ±`halfWidth`
 * pixels across it. Along a barcode's bars this averages sensor noise away without blurring the
 * edges the decoder needs, which smoothing along the line would.
 */
export function sampleProfile(
  image: LuminanceImage,
  line: Scanline,
  halfWidth: number,
  taps: number,
): Float32Array {
  const { width, height, data } = image;
  const ux = Math.cos(line.angle) * line.step;
  const uy = Math.sin(line.angle) * line.step;
  // Across the line, i.e. along the bars.
  const vx = -Math.sin(line.angle);
  const vy = Math.cos(line.angle);
  const spacing = taps > 1 ? (2 * halfWidth) / (taps - 1) : 0;
  const offset = taps > 1 ? -halfWidth : 0;
  const profile = new Float32Array(line.length);
  const maxX = width - 1.001;
  const maxY = height - 1.001;
  for (let index = 0; index < line.length; index += 1) {
    const cx = line.x + index * ux;
    const cy = line.y + index * uy;
    let sum = 0;
    for (let tap = 0; tap < taps; tap += 1) {
      const along = offset + tap * spacing;
      const x = Math.min(maxX, Math.max(0, cx + along * vx));
      const y = Math.min(maxY, Math.max(0, cy + along * vy));
      const x0 = x | 0;
      const y0 = y | 0;
      const fx = x - x0;
      const fy = y - y0;
      const at = y0 * width + x0;
      const top = data[at]! + (data[at + 1]! - data[at]!) * fx;
      const bottom = data[at + width]! + (data[at + width + 1]! - data[at + width]!) * fx;
      sum += top + (bottom - top) * fy;
    }
    profile[index] = sum / taps;
  }
  return profile;
}

/**
 * The edges of a profile, as sub-sample positions alternating dark-to-light and light-to-dark:
 * the peaks of its derivative that stand out from the noise and from a fraction of the strongest
 * edge nearby. Edges rather than a threshold on grey levels, because blur shrinks a narrow bar's
 * depth (a fixed threshold loses it) but leaves its edges where they were, and glare or a dim
 * frame change the levels but not where they change.
 *
 * `relative` is that fraction: lower finds the faint edges of blurred narrow bars, higher ignores
 * more noise. `span` is the half-width in samples of the difference taken as slope: wider averages
 * more noise away from a blurred edge but merges the edges of bars narrower than it.
 * The first edge's direction is reported so the runs can be coloured.
 */
export function findEdges(
  profile: Float32Array,
  relative: number,
  span: number,
): { edges: Float64Array; firstDark: boolean } {
  const length = profile.length;
  const slope = new Float32Array(length);
  for (let index = span; index < length - span; index += 1)
    slope[index] = profile[index + span]! - profile[index - span]!;
  const noise = noiseLevel(slope);
  // The strongest edge within a window: relative thresholds follow the local contrast (glare).
  const window = 48;
  const localMax = slidingMaxAbs(slope, window);
  const positions: number[] = [];
  const signs: number[] = [];
  const strengths: number[] = [];
  for (let index = 2; index < length - 2; index += 1) {
    const value = slope[index]!;
    const magnitude = Math.abs(value);
    if (magnitude < NOISE_FACTOR * noise || magnitude < relative * localMax[index]!) continue;
    const before = slope[index - 1]!;
    const after = slope[index + 1]!;
    // A peak of the slope's magnitude with the same sign on both sides (ties broken to the left).
    if (value > 0 ? !(value >= before && value > after) : !(value <= before && value < after)) continue;
    const curvature = before - 2 * value + after;
    const shift = curvature === 0 ? 0 : (0.5 * (before - after)) / curvature;
    const sign = value > 0 ? 1 : -1;
    const position = index + Math.max(-0.5, Math.min(0.5, shift));
    const last = signs.length - 1;
    if (last >= 0 && signs[last] === sign) {
      // Two rises in a row: a grey step, not a bar. The stronger one is the edge.
      if (magnitude > strengths[last]!) {
        positions[last] = position;
        strengths[last] = magnitude;
      }
      continue;
    }
    positions.push(position);
    signs.push(sign);
    strengths.push(magnitude);
  }
  return { edges: Float64Array.from(positions), firstDark: signs[0] === -1 };
}

/**
 * An edge must stand this many noise deviations above zero. Low, because a dim, noisy, blurred
 * frame's edges are only a little stronger than its noise: what this lets through is filtered by
 * the relative threshold, by the decoders' patterns and check digits, and by the second scanline.
 */
const NOISE_FACTOR = 1.6;

/**
 * The slope's noise: a robust deviation of its magnitudes over a profile mostly of flat bars,
 * spaces and margins. The lower third is flat ground almost surely, even where the code fills most
 * of the line. A histogram of quarter levels instead of a sort: this runs for every scanline.
 */
function noiseLevel(slope: Float32Array): number {
  const bins = new Uint32Array(NOISE_BINS);
  for (let index = 0; index < slope.length; index += 1) {
    bins[Math.min(NOISE_BINS - 1, Math.floor(Math.abs(slope[index]!) * 4))]! += 1;
  }
  const rank = Math.floor(slope.length / 3);
  let seen = 0;
  let bin = 0;
  while (bin < NOISE_BINS - 1 && seen + bins[bin]! <= rank) seen += bins[bin++]!;
  // For normally distributed noise a third of the magnitudes lie below 0.43 deviations.
  return bin / 4 / 0.4307 + 0.5;
}

const NOISE_BINS = 4 * 512;

function slidingMaxAbs(values: Float32Array, radius: number): Float32Array {
  const length = values.length;
  const out = new Float32Array(length);
  // Block maxima (van Herk / Gil-Werman) keep this linear in the profile's length.
  const block = 2 * radius + 1;
  const forward = new Float32Array(length);
  const backward = new Float32Array(length);
  for (let index = 0; index < length; index += 1) {
    const value = Math.abs(values[index]!);
    forward[index] = index % block === 0 ? value : Math.max(forward[index - 1]!, value);
  }
  for (let index = length - 1; index >= 0; index -= 1) {
    const value = Math.abs(values[index]!);
    backward[index] =
      index === length - 1 || (index + 1) % block === 0 ? value : Math.max(backward[index + 1]!, value);
  }
  for (let index = 0; index < length; index += 1) {
    const from = Math.max(0, index - radius);
    const to = Math.min(length - 1, index + radius);
    out[index] = Math.max(backward[from]!, forward[to]!);
  }
  return out;
}
