import type { Reader } from "@zxing/library";
import { DomainError, parseGtin } from "@store/domain";
import { toLuminance, type LuminanceImage, type PixelImage } from "./image";
import { linearReader, readLinearRegion, type LinearFormat, type LinearReader } from "./linear";
import { locate } from "./locate";
import { matrixReaders, readMatrixRegion, type MatrixFormat } from "./matrix";

/** The symbologies a grocery store meets on packs, shelf labels, cases and receipts. */
export const RETAIL_FORMATS = [
  "EAN_13",
  "EAN_8",
  "UPC_A",
  "UPC_E",
  "CODE_128",
  "ITF",
  "DATA_MATRIX",
  "QR_CODE",
] as const;
export type RetailFormat = (typeof RETAIL_FORMATS)[number];

const MATRIX_FORMATS: ReadonlySet<RetailFormat> = new Set(["DATA_MATRIX", "QR_CODE"]);
const LINEAR_FORMATS: ReadonlySet<RetailFormat> = new Set(
  RETAIL_FORMATS.filter((format) => !MATRIX_FORMATS.has(format)),
);

export type DecodeOptions = {
  /** Symbologies to look for (default: all of RETAIL_FORMATS). Fewer formats decode faster. */
  formats?: readonly RetailFormat[];
  /**
   * Skip the remaining regions and passes once this many milliseconds have gone by (default: run
   * them all; their number is bounded, so a frame costs tens of milliseconds at most). A camera
   * loop that must keep up with its frame rate passes its frame time: the next frame is a fresh chance.
   */
  budgetMs?: number;
};

export type DecodeResult = {
  /** As decoded; GS1 codes keep the AIM identifier "]C1" and FNC1 as ASCII 29, as scanners send them. */
  text: string;
  format: RetailFormat;
  /** GTIN-14 of a retail code (EAN/UPC, ITF-14, GS1 with AI 01), checked by its check digit. */
  gtin?: string;
  /** Which kind of located region gave it: "linear" or "matrix". */
  pass: string;
  ms: number;
};

/** Regions tried per frame, strongest first: the rest are print on the pack, shadows, shelf edges. */
const MAX_LINEAR_REGIONS = 3;
const MAX_MATRIX_REGIONS = 2;

type Readers = { linear: LinearReader | null; matrix: Reader[] };

function readersFor(formats: readonly RetailFormat[]): Readers {
  const linear = formats.filter((format): format is LinearFormat => LINEAR_FORMATS.has(format));
  const matrix = formats.filter((format): format is MatrixFormat => MATRIX_FORMATS.has(format));
  return {
    linear: linear.length > 0 ? linearReader(linear) : null,
    matrix: matrixReaders(matrix),
  };
}

/** The last frame's luminance buffer, reused by the next frame of the same size. */
let scratch: Uint8ClampedArray | undefined;

const readerCache = new Map<string, Readers>();
function cachedReaders(formats: readonly RetailFormat[]): Readers {
  const key = formats.join(",");
  let readers = readerCache.get(key);
  if (!readers) {
    readers = readersFor(formats);
    readerCache.set(key, readers);
  }
  return readers;
}

const AIM_IDENTIFIER = /^\][A-Za-z][0-9A-Za-z]/;
const GROUP_SEPARATOR = String.fromCharCode(29);

/**
 * The GTIN-14 a decoded text stands for, `undefined` when it carries none, or `null` when its
 * check digit fails: a misread that must never reach the cart.
 */
export function checkedGtin(text: string, format: RetailFormat): string | undefined | null {
  const parse = (code: string, symbology?: "EAN-8" | "UPC-E") => {
    try {
      return parseGtin(code, symbology ? { symbology } : {}).gtin14;
    } catch (error) {
      if (error instanceof DomainError) return null;
      throw error;
    }
  };
  switch (format) {
    case "EAN_13":
    case "UPC_A":
      return parse(text);
    case "EAN_8":
      return parse(text, "EAN-8");
    case "UPC_E":
      return parse(text, "UPC-E");
    case "ITF":
      // Only ITF-14 (case codes) carries a check digit; other lengths are too easy to misread partially.
      return text.length === 14 ? parse(text) : null;
    case "CODE_128":
    case "DATA_MATRIX":
    case "QR_CODE": {
      let element = text.replace(AIM_IDENTIFIER, "");
      while (element.startsWith(GROUP_SEPARATOR)) element = element.slice(1);
      const isGs1 = text !== element;
      if (!isGs1 || !/^01\d{14}/.test(element)) return undefined;
      return parse(element.slice(2, 16));
    }
  }
}

function now(): number {
  return globalThis.performance.now();
}

/**
 * Decodes the first barcode found in a frame, or null. Every result has passed its symbology's
 * check (zxing's own checksums, two agreeing scanlines for linear codes, and the GS1 check digit
 * of any GTIN); a read failing it is dropped and the next region tried, as a misread costs the
 * shopper more than a second look.
 *
 * The frame is first searched for regions that look like bars or 2D modules (locate.ts); linear
 * regions are read along their own axis (linear.ts), 2D regions cut out and read alone (matrix.ts).
 * zxing never searches the whole frame itself: its 1D readers accept a single row (ours need two
 * agreeing scanlines), and its 2D search costs a frame without a code (the kiosk's usual frame)
 * several times all of the above, while in the benchmark it found nothing the regions missed.
 */
export function decodeLuminance(image: PixelImage, options: DecodeOptions = {}): DecodeResult | null {
  const started = now();
  const formats = options.formats ?? RETAIL_FORMATS;
  if (formats.length === 0) throw new RangeError("No formats to decode: pass at least one of RETAIL_FORMATS");
  const deadline = started + (options.budgetMs ?? Infinity);
  const base = toLuminance(image, scratch);
  // Frames come one after another at the same size: the next one converts into the same buffer.
  // Nothing of `base` outlives this call.
  if (base.data !== image.data) scratch = base.data;
  const readers = cachedReaders(formats);
  const found = withoutStackTraces(() => search(base, readers, deadline));
  if (!found) return null;
  return { ...found, ms: now() - started };
}

type Found = Omit<DecodeResult, "ms">;

function search(base: LuminanceImage, readers: Readers, deadline: number): Found | null {
  const regions = locate(base);
  const linear = readers.linear ? regions.linear.slice(0, MAX_LINEAR_REGIONS) : [];
  const matrix = readers.matrix.length > 0 ? regions.matrix.slice(0, MAX_MATRIX_REGIONS) : [];
  // The strongest region first, whatever its kind: a QR code's finder patterns make small bar
  // regions too, and a linear code's quiet zone no 2D region, so the stronger kind is the real one.
  const ordered = [...linear, ...matrix].sort((a, b) => b.score - a.score);
  for (const region of ordered) {
    if (now() > deadline) return null;
    const read =
      region.kind === "linear"
        ? readLinearRegion(base, region, readers.linear!, deadline)
        : readMatrixRegion(base, region, readers.matrix, deadline);
    const found = read && accept(read.text, read.format, region.kind);
    if (found) return found;
  }
  return null;
}

function accept(text: string, format: RetailFormat, pass: string): Found | null {
  const gtin = checkedGtin(text, format);
  if (gtin === null) return null;
  return { text, format, ...(gtin === undefined ? {} : { gtin }), pass };
}

/**
 * zxing says "nothing here" by throwing, and each of its exceptions captures a stack trace (twice:
 * Error's constructor and ts-custom-error's): hundreds per frame, a good part of the decoding time.
 * Nothing reads those traces, so none are captured while decoding.
 */
function withoutStackTraces<T>(work: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return work();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
