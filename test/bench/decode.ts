import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { decodeLuminance } from "@store/barcode";
import { isDomainError, normalizeGtin, seededRandom } from "@store/domain";
import {
  addNoise,
  blur,
  glare,
  lowContrast,
  placeOnCanvas,
  renderBarcode,
  rotate,
  type RenderSpec,
  type RgbaImage,
} from "@store/barcode/testing";
import { prepareZXingModule, readBarcodes, type ReaderOptions } from "zxing-wasm/reader";
import { note, percentile, report } from "./support";

const WIDTH = 640;
const HEIGHT = 480;
const GS = String.fromCharCode(29);

/** The codes a kiosk camera meets; `expected` is what a correct read stands for (see `payload`). */
const CODES: Array<RenderSpec & { expected: string }> = [
  { bcid: "ean13", text: "4006381333931", expected: "04006381333931" },
  { bcid: "ean13", text: "6901028315272", expected: "06901028315272" },
  { bcid: "ean13", text: "2012345012509", expected: "02012345012509" },
  { bcid: "ean8", text: "96385074", expected: "00000096385074" },
  { bcid: "upca", text: "036000291452", expected: "00036000291452" },
  { bcid: "upce", text: "01234565", expected: "00012345000065" },
  { bcid: "gs1-128", text: "(01)04006381333931(3103)001250", expected: "01040063813339313103001250" },
  { bcid: "itf14", text: "14006381333938", expected: "14006381333938" },
  { bcid: "qrcode", text: "https://shop.example/r/42", expected: "https://shop.example/r/42" },
  {
    bcid: "gs1datamatrix",
    text: "(01)04006381333931(17)271231",
    expected: "010400638133393117271231",
  },
];

type Degradation = { name: string; make: (code: RgbaImage, random: () => number) => RgbaImage };

function frame(code: RgbaImage, random: () => number, scale: number): RgbaImage {
  const width = code.width * scale;
  const height = code.height * scale;
  const x = Math.floor(random() * Math.max(1, WIDTH - width));
  const y = Math.floor(random() * Math.max(1, HEIGHT - height));
  return placeOnCanvas(code, { width: WIDTH, height: HEIGHT, x, y, scale });
}

/** Each code under each of these, code placed at a seeded random spot of a 640×480 frame. */
const DEGRADATIONS: Degradation[] = [
  { name: "clean", make: (code, random) => frame(code, random, 1.5) },
  { name: "blur", make: (code, random) => blur(frame(code, random, 2), 1) },
  { name: "heavy-blur", make: (code, random) => blur(frame(code, random, 2.5), 2) },
  { name: "tilt-5", make: (code, random) => rotate(frame(code, random, 1.5), 5) },
  { name: "tilt-12", make: (code, random) => rotate(frame(code, random, 1.5), -12) },
  { name: "low-contrast", make: (code, random) => lowContrast(frame(code, random, 1.5), 110, 150) },
  {
    name: "noise",
    make: (code, random) => addNoise(frame(code, random, 1.5), 60, Math.floor(random() * 1e9)),
  },
  {
    name: "glare",
    make: (code, random) => glare(frame(code, random, 1.5), { x: 320, y: 240, radius: 220, strength: 0.8 }),
  },
  { name: "small", make: (code, random) => frame(code, random, 0.8) },
  {
    name: "dim-noisy-blur",
    make: (code, random) => addNoise(lowContrast(blur(frame(code, random, 2), 1), 60, 130), 25, 7),
  },
];

/**
 * What a read stands for, so both decoders' output compares: a GTIN-14 for retail codes (zxing-cpp
 * reports UPC-A as a 13-digit EAN-13 and UPC-E expanded), otherwise the payload without AIM
 * identifier or FNC1.
 */
function payload(text: string): string {
  let plain = text.replace(/^\][A-Za-z][0-9A-Za-z]/, "");
  while (plain.startsWith(GS)) plain = plain.slice(1);
  plain = plain.replaceAll(GS, "");
  if (!/^(\d{8}|\d{12,14})$/.test(plain)) return plain;
  try {
    return normalizeGtin(plain);
  } catch (error) {
    if (isDomainError(error)) return plain;
    throw error;
  }
}

/**
 * zxing-wasm fetches its .wasm from a CDN unless told otherwise; here it is read from
 * node_modules, as nothing may be downloaded at run time.
 */
async function preparePeer(): Promise<void> {
  const require = createRequire(import.meta.url);
  const wasmPath = require.resolve("zxing-wasm/reader/zxing_reader.wasm");
  const wasmBinary = await readFile(wasmPath);
  await prepareZXingModule({
    overrides: {
      wasmBinary: wasmBinary.buffer.slice(
        wasmBinary.byteOffset,
        wasmBinary.byteOffset + wasmBinary.byteLength,
      ),
      locateFile: (path: string, prefix: string) => (path.endsWith(".wasm") ? wasmPath : prefix + path),
    },
    fireImmediately: true,
  });
}

const PEER_OPTIONS: ReaderOptions = {
  formats: ["EAN-13", "EAN-8", "UPC-A", "UPC-E", "Code128", "ITF", "DataMatrix", "QRCode"],
  tryHarder: true,
  tryRotate: true,
  tryInvert: false,
  tryDownscale: true,
  maxNumberOfSymbols: 1,
  textMode: "Plain",
};

type Tally = { found: number; misreads: number; ms: number[] };

/**
 * `pnpm bench decode`: our decoder and zxing-wasm (zxing-cpp) on the same generated 640×480
 * frames: decode rate, misreads (a result other than the code in the frame) and ms per frame.
 */
export async function decodeBench(): Promise<void> {
  await preparePeer();
  const random = seededRandom(20261125);
  const frames: Array<{ image: RgbaImage; expected: string; name: string }> = [];
  for (const code of CODES) {
    const rendered = await renderBarcode(code);
    for (const degradation of DEGRADATIONS) {
      frames.push({
        image: degradation.make(rendered, random),
        expected: code.expected,
        name: `${code.bcid}/${degradation.name}`,
      });
    }
  }
  note(`decode: ${frames.length} frames of ${WIDTH}×${HEIGHT}`);
  const ours: Tally = { found: 0, misreads: 0, ms: [] };
  const peer: Tally = { found: 0, misreads: 0, ms: [] };
  const missed: string[] = [];
  for (const { image, expected, name } of frames) {
    let started = performance.now();
    const result = decodeLuminance(image);
    ours.ms.push(performance.now() - started);
    tally(ours, result?.text, expected);
    if (!result) missed.push(name);

    const imageData = { width: image.width, height: image.height, data: image.data, colorSpace: "srgb" };
    started = performance.now();
    // Node has no ImageData; zxing-wasm reads just these fields of one.
    const [read] = await readBarcodes(imageData, PEER_OPTIONS);
    peer.ms.push(performance.now() - started);
    tally(peer, read?.isValid ? read.text : undefined, expected);
    if (read?.isValid && payload(read.text) !== expected)
      note(`peer ${name}: ${JSON.stringify(read.text)} ${read.format}`);
  }
  note(`decode: ours missed ${missed.join(", ") || "none"}`);
  const rate = (tally: Tally) => (100 * tally.found) / frames.length;
  report({ bench: "decode", metric: "frames", value: frames.length, unit: "frames" });
  report({
    bench: "decode",
    metric: "decode rate",
    value: rate(ours),
    unit: "%",
    baseline: rate(peer),
    ratio: rate(ours) / rate(peer),
  });
  report({
    bench: "decode",
    metric: "misreads",
    value: ours.misreads,
    unit: "frames",
    baseline: peer.misreads,
  });
  for (const p of [50, 95]) {
    const mine = percentile(
      [...ours.ms].sort((a, b) => a - b),
      p,
    );
    const theirs = percentile(
      [...peer.ms].sort((a, b) => a - b),
      p,
    );
    report({
      bench: "decode",
      metric: `p${p} per frame`,
      value: mine,
      unit: "ms",
      baseline: theirs,
      ratio: mine / theirs,
    });
  }
}

function tally(into: Tally, text: string | undefined, expected: string): void {
  if (text === undefined) return;
  if (payload(text) === expected) into.found += 1;
  else into.misreads += 1;
}
