import type { BitArray, DecodeHintType, MultiFormatOneDReader } from "@zxing/library";
import type { LuminanceImage } from "./image";
import type { LinearRegion } from "./locate";
import { findEdges, sampleProfile } from "./scanline";
import { decodeUpcERow } from "./upce";
import { zxing } from "./zxing";

export type LinearFormat = "EAN_13" | "EAN_8" | "UPC_A" | "UPC_E" | "CODE_128" | "ITF";
export type LinearRead = { text: string; format: LinearFormat };

/** Samples per pixel along a scanline: two, so a 1.6-pixel module still spans three samples. */
const SAMPLES_PER_PIXEL = 2;
/**
 * Edge detection settings tried in turn (see findEdges): first sharp slopes and clear edges only,
 * then also the shallow edges of narrow bars under heavy blur, then a wider slope that lifts a
 * dim, noisy, blurred frame's edges out of its noise.
 */
const EDGE_SETTINGS = [
  { relative: 0.25, span: 1 },
  { relative: 0.1, span: 1 },
  { relative: 0.15, span: 2 },
] as const;
/** Scanlines across a region, spread over this fraction of the bars' height about their middle. */
const SPREAD = 0.6;
const LINES = 5;
/** Each scanline averages over this fraction of the bars' height (up to MAX_HALF_WIDTH either side). */
const THICKNESS = 0.25;
const MAX_HALF_WIDTH = 20;

export type LinearReader = {
  /** zxing's EAN-13/EAN-8/UPC-A, Code 128 and ITF row decoders. */
  zxing: MultiFormatOneDReader | null;
  hints: Map<DecodeHintType, unknown>;
  upcE: boolean;
};

export function linearReader(formats: readonly LinearFormat[]): LinearReader {
  // UPC-E is decoded here (see upce.ts); zxing's own UPC-E reader never succeeds, and costs time.
  const zxingFormats = formats.filter((format) => format !== "UPC_E");
  const hints = new Map<DecodeHintType, unknown>([
    [zxing.DecodeHintType.POSSIBLE_FORMATS, zxingFormats.map((format) => zxing.BarcodeFormat[format])],
    // GS1-128 then reads as "]C1" + element string with group separators, which @store/domain parses.
    [zxing.DecodeHintType.ASSUME_GS1, true],
  ]);
  return {
    zxing: zxingFormats.length > 0 ? new zxing.MultiFormatOneDReader(hints) : null,
    hints,
    upcE: formats.includes("UPC_E"),
  };
}

/**
 * Reads a linear code in a located region: scanlines along its own axis (so a tilted code reads
 * as well as a straight one), each sampled thick along the bars, binarized at its edges and
 * decoded by zxing's row decoders in both directions. A text counts only once two different
 * scanlines agree on it: a single line misread by a smudge, a crease or noise that still passes
 * a check digit (one in ten for EAN/UPC) will not be repeated by a line elsewhere on the bars.
 */
export function readLinearRegion(
  image: LuminanceImage,
  region: LinearRegion,
  reader: LinearReader,
  deadline: number,
): LinearRead | null {
  // The region covers the bars; the decoders also check the quiet zones beyond them.
  const margin = 0.3 * region.halfLength + 16;
  const half = region.halfLength + margin;
  const step = 1 / SAMPLES_PER_PIXEL;
  const cos = Math.cos(region.angle);
  const sin = Math.sin(region.angle);
  const length = Math.ceil((2 * half) / step);
  const halfWidth = Math.max(1, Math.min(MAX_HALF_WIDTH, THICKNESS * region.halfHeight));
  // A tap every two pixels or so: neighbouring pixels share the lens's blur, so closer taps add little.
  const taps = Math.max(3, Math.round(halfWidth) + 1);
  const votes = new Map<string, { read: LinearRead; lines: Set<number> }>();
  const profiles: Float32Array[] = [];
  for (const setting of EDGE_SETTINGS) {
    for (let line = 0; line < LINES; line += 1) {
      if (performance.now() > deadline) return null;
      let profile = profiles[line];
      if (!profile) {
        // Middle first, then alternately either side of it.
        const rank = Math.ceil(line / 2) * (line % 2 === 0 ? 1 : -1);
        const offset = (rank / Math.floor(LINES / 2)) * SPREAD * region.halfHeight;
        profile = sampleProfile(
          image,
          {
            x: region.x - half * cos - offset * sin,
            y: region.y - half * sin + offset * cos,
            angle: region.angle,
            step,
            length,
          },
          halfWidth,
          taps,
        );
        profiles[line] = profile;
      }
      const read = readRow(rowOf(profile, setting.relative, setting.span), reader);
      if (!read) continue;
      const key = `${read.format}:${read.text}`;
      const vote = votes.get(key) ?? { read, lines: new Set<number>() };
      vote.lines.add(line);
      votes.set(key, vote);
      if (vote.lines.size >= 2) return vote.read;
    }
  }
  return null;
}

/** Bits per profile sample: edges are found to a fraction of a sample, so the row keeps that. */
const BITS_PER_SAMPLE = 2;

/** The profile as a row of bits (set = dark), cut at its edges. */
export function rowOf(profile: Float32Array, relative: number, span: number): BitArray {
  const { edges, firstDark } = findEdges(profile, relative, span);
  const size = profile.length * BITS_PER_SAMPLE;
  const row = new zxing.BitArray(size);
  // Runs alternate between edges; the first edge going dark means the run after it is a bar.
  let dark = firstDark;
  for (let index = 0; index < edges.length; index += 1) {
    if (dark) {
      const from = Math.round(edges[index]! * BITS_PER_SAMPLE);
      const to = index + 1 < edges.length ? Math.round(edges[index + 1]! * BITS_PER_SAMPLE) : size;
      if (to > from) row.setRange(from, to);
    }
    dark = !dark;
  }
  return row;
}

const GROUP_SEPARATOR = String.fromCharCode(29);
const CODE128_FNC1 = 102;
const CODE128_STOP = 106;

/**
 * zxing's Code 128 text without its checksum. zxing-js drops the checksum character from the text
 * only when it was printable; with GS1 on, a checksum of value 102 (FNC1, one symbol in 103) is
 * appended as a group separator and kept: "SKU-55254882" reads "SKU-55254882\x1d". The codewords
 * (start, data, checksum, stop) show which it was. A text still ending in a group separator is
 * refused: no GS1 element string ends with FNC1, and the codewords of a symbol longer than
 * zxing-js records (20) cannot tell.
 */
function code128Text(text: string, codewords: Uint8Array | null): string | null {
  if (!text.endsWith(GROUP_SEPARATOR)) return text;
  const stop = codewords ? codewords.indexOf(CODE128_STOP) : -1;
  if (stop > 0 && codewords![stop - 1] === CODE128_FNC1) return text.slice(0, -1);
  return null;
}

function readRow(row: BitArray, reader: LinearReader): LinearRead | null {
  for (const reversed of [false, true]) {
    if (reversed) row.reverse();
    if (reader.zxing) {
      try {
        const result = reader.zxing.decodeRow(0, row, reader.hints);
        const format = zxing.BarcodeFormat[result.getBarcodeFormat()] as LinearFormat;
        if (format !== "CODE_128") return { text: result.getText(), format };
        const text = code128Text(result.getText(), result.getRawBytes());
        if (text !== null) return { text, format };
      } catch (error) {
        if (!(error instanceof zxing.NotFoundException)) throw error;
      }
    }
    if (reader.upcE) {
      const text = decodeUpcERow(row);
      if (text) return { text, format: "UPC_E" };
    }
  }
  return null;
}
