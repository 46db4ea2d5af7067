import type {
  Binarizer,
  BinaryBitmap,
  DecodeHintType,
  LuminanceSource,
  Reader,
  Result,
} from "@zxing/library";
import { zxing } from "./zxing";
import { DomainError, parseGtin } from "@store/domain";
import {
  downscaleHalf,
  rotateQuarter,
  stretchContrast,
  toLuminance,
  upscaleDouble,
  type LuminanceImage,
  type PixelImage,
} from "./image";

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
const LINEAR_FORMATS: ReadonlySet<RetailFormat> = new Set(RETAIL_FORMATS.filter((format) => !MATRIX_FORMATS.has(format)));

export type DecodeOptions = {
  /** Symbologies to look for (default: all of RETAIL_FORMATS). Fewer formats decode faster. */
  formats?: readonly RetailFormat[];
  /**
   * Skip the remaining passes once this many milliseconds have gone by (default: run them all).
   * A camera loop passes its frame budget: the next frame is a fresh chance anyway.
   */
  budgetMs?: number;
};

export type DecodeResult = {
  /** As decoded; GS1 codes keep the AIM identifier "]C1" and FNC1 as ASCII 29, as scanners send them. */
  text: string;
  format: RetailFormat;
  /** GTIN-14 of a retail code (EAN/UPC, ITF-14, GS1 with AI 01), checked by its check digit. */
  gtin?: string;
  /** Which pass found it, e.g. "hybrid" or "rotated": tells the benchmark where hard frames are won. */
  pass: string;
  ms: number;
};

type Pass = {
  name: string;
  image: (base: LuminanceImage) => LuminanceImage;
  binarizer: (source: LuminanceSource) => Binarizer;
  /** Passes after the first two only look for linear codes: 2D codes carry error correction and locate themselves. */
  linearOnly: boolean;
  /** Upper bound on the pixels this pass may process, so its cost per frame stays bounded. */
  maxPixels: number;
  /**
   * zxing's TRY_HARDER: linear readers scan every row instead of 15 rows about the middle, and 2D
   * detectors look harder. Many times the cost of a linear pass, so only the first pass uses it.
   */
  thorough: boolean;
};

const hybrid = (source: LuminanceSource) => new zxing.HybridBinarizer(source);
const global = (source: LuminanceSource) => new zxing.GlobalHistogramBinarizer(source);
const same = (image: LuminanceImage) => image;
const VGA = 640 * 480;

/**
 * In order of cost and of how often each wins: HybridBinarizer (local thresholds: glare and
 * uneven light), GlobalHistogramBinarizer (one threshold: blur that smears local contrast), then
 * transformed frames for linear codes: a quarter turn (zxing's 1D readers only scan rows), a
 * contrast stretch (faded print, dim frames), half size (noise and blur averaged away) and double
 * size (codes only a pixel or two per module), the last only for frames up to VGA.
 */
const PASSES: readonly Pass[] = [
  { name: "hybrid", image: same, binarizer: hybrid, linearOnly: false, maxPixels: Infinity, thorough: true },
  { name: "global", image: same, binarizer: global, linearOnly: false, maxPixels: Infinity, thorough: false },
  {
    name: "rotated",
    image: rotateQuarter,
    binarizer: hybrid,
    linearOnly: true,
    maxPixels: Infinity,
    thorough: false,
  },
  {
    name: "stretched",
    image: stretchContrast,
    binarizer: global,
    linearOnly: true,
    maxPixels: Infinity,
    thorough: false,
  },
  {
    name: "downscaled",
    image: downscaleHalf,
    binarizer: global,
    linearOnly: true,
    maxPixels: Infinity,
    thorough: false,
  },
  {
    name: "upscaled",
    image: upscaleDouble,
    binarizer: hybrid,
    linearOnly: true,
    maxPixels: VGA,
    thorough: false,
  },
];

type Readers = { readers: Reader[]; hints: Map<DecodeHintType, unknown> };

/**
 * The readers for a set of formats, driven here rather than through zxing's MultiFormatReader:
 * since 0.23 that one logs a warning with a stack trace for every reader that finds nothing, which
 * floods stderr and costs more than the decoding itself.
 */
function readersFor(formats: readonly RetailFormat[], thorough: boolean): Readers {
  const hints = new Map<DecodeHintType, unknown>([
    [zxing.DecodeHintType.POSSIBLE_FORMATS, formats.map((format) => zxing.BarcodeFormat[format])],
    ...(thorough ? [[zxing.DecodeHintType.TRY_HARDER, true] as const] : []),
    // GS1-128 then reads as "]C1" + element string with group separators, which @store/domain parses.
    [zxing.DecodeHintType.ASSUME_GS1, true],
  ]);
  const readers: Reader[] = [];
  if (formats.some((format) => LINEAR_FORMATS.has(format)))
    readers.push(new zxing.MultiFormatOneDReader(hints));
  if (formats.includes("QR_CODE")) readers.push(new zxing.QRCodeReader());
  if (formats.includes("DATA_MATRIX")) readers.push(new zxing.DataMatrixReader());
  return { readers, hints };
}

const readerCache = new Map<string, Readers>();
function cachedReaders(formats: readonly RetailFormat[], thorough: boolean): Readers {
  const key = `${formats.join(",")}${thorough ? "+" : ""}`;
  let readers = readerCache.get(key);
  if (!readers) {
    readers = readersFor(formats, thorough);
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
 * check (zxing's own checksums, and the GS1 check digit of any GTIN); a read failing it is
 * dropped and the next pass tried, as a misread costs the shopper more than a second look.
 */
export function decodeLuminance(image: PixelImage, options: DecodeOptions = {}): DecodeResult | null {
  const started = now();
  const formats = options.formats ?? RETAIL_FORMATS;
  if (formats.length === 0) throw new RangeError("No formats to decode: pass at least one of RETAIL_FORMATS");
  const linear = formats.filter((format) => LINEAR_FORMATS.has(format));
  const base = toLuminance(image);
  const budget = options.budgetMs ?? Infinity;
  for (const [index, pass] of PASSES.entries()) {
    if (index > 0 && now() - started > budget) break;
    const passFormats = pass.linearOnly ? linear : formats;
    if (passFormats.length === 0 || base.width * base.height > pass.maxPixels) continue;
    const frame = pass.image(base);
    const source = new zxing.RGBLuminanceSource(frame.data, frame.width, frame.height);
    const result = attempt(
      cachedReaders(passFormats, pass.thorough),
      new zxing.BinaryBitmap(pass.binarizer(source)),
    );
    if (!result) continue;
    const format = zxing.BarcodeFormat[result.getBarcodeFormat()] as RetailFormat;
    const text = result.getText();
    const gtin = checkedGtin(text, format);
    if (gtin === null) continue;
    return { text, format, ...(gtin === undefined ? {} : { gtin }), pass: pass.name, ms: now() - started };
  }
  return null;
}

function attempt({ readers, hints }: Readers, bitmap: BinaryBitmap): Result | null {
  for (const reader of readers) {
    try {
      return reader.decode(bitmap, hints);
    } catch (error) {
      // zxing says "nothing here" (and a failed checksum or format) by throwing; anything else is a bug.
      if (
        !(error instanceof zxing.NotFoundException) &&
        !(error instanceof zxing.ChecksumException) &&
        !(error instanceof zxing.FormatException)
      ) {
        throw error;
      }
    } finally {
      reader.reset();
    }
  }
  return null;
}
