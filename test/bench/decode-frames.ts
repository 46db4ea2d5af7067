import { seededRandom } from "@store/domain";
import {
  addNoise,
  blur,
  glare,
  lowContrast,
  placeOnCanvas,
  renderBarcode,
  rotate,
  wrapAroundCylinder,
  type RenderSpec,
  type RgbaImage,
} from "@store/barcode/testing";

export const WIDTH = 640;
export const HEIGHT = 480;

/** The codes a kiosk camera meets; `expected` is what a correct read stands for (see the bench's `payload`). */
export const CODES: Array<RenderSpec & { expected: string }> = [
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
export const DEGRADATIONS: Degradation[] = [
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
 * Added after the first figures: a can or bottle, the code wrapped over a quarter of its
 * circumference. Drawn from a seed of its own so that the first 100 frames stay as they were.
 */
const CURVED: Degradation = {
  name: "curved",
  make: (code, random) => frame(wrapAroundCylinder(code, 90), random, 1.5),
};

export type DecodeFrame = { image: RgbaImage; expected: string; code: string; degradation: string };

/** Every code under every degradation, in a fixed order from fixed seeds: the same frames on every run. */
export async function decodeFrames(): Promise<DecodeFrame[]> {
  const rendered = await Promise.all(CODES.map((code) => renderBarcode(code)));
  const frames: DecodeFrame[] = [];
  const add = (degradations: Degradation[], seed: number) => {
    const random = seededRandom(seed);
    CODES.forEach((code, index) => {
      for (const degradation of degradations) {
        frames.push({
          image: degradation.make(rendered[index]!, random),
          expected: code.expected,
          code: code.bcid,
          degradation: degradation.name,
        });
      }
    });
  };
  add(DEGRADATIONS, 20261125);
  add([CURVED], 20261126);
  return frames;
}
