import { describe, expect, it } from "vitest";
import { toLuminance } from "./image";
import { locate } from "./locate";
import { addNoise, blankImage, lowContrast, placeOnCanvas, renderBarcode, rotate } from "./testing";

const degrees = (radians: number) => (radians * 180) / Math.PI;
/** Directions are known modulo a half turn. */
const angleOff = (radians: number, expectedDegrees: number) => {
  const difference = Math.abs(degrees(radians) - expectedDegrees) % 180;
  return Math.min(difference, 180 - difference);
};

describe("locate", () => {
  it("finds an EAN-13's bars where they were drawn, with their direction, tilted or not", async () => {
    const code = await renderBarcode({ bcid: "ean13", text: "4006381333931" });
    // 238×117 at 1.5: the bars (without the quiet zone) span about x 36..321, y 18..157 of the code.
    const straight = placeOnCanvas(code, { width: 640, height: 480, x: 200, y: 250, scale: 1.5 });
    const [bars, ...others] = locate(toLuminance(straight)).linear;
    expect(others).toEqual([]);
    expect(bars!.x).toBeGreaterThan(200 + 150);
    expect(bars!.x).toBeLessThan(200 + 210);
    expect(bars!.y).toBeGreaterThan(250 + 60);
    expect(bars!.y).toBeLessThan(250 + 120);
    expect(angleOff(bars!.angle, 0)).toBeLessThan(2);
    expect(bars!.halfLength).toBeGreaterThan(130);

    const tilted = locate(toLuminance(rotate(straight, -12))).linear[0]!;
    expect(angleOff(tilted.angle, -12)).toBeLessThan(2);
    const vertical = locate(toLuminance(rotate(straight, 90))).linear[0]!;
    expect(angleOff(vertical.angle, 90)).toBeLessThan(2);
  });

  it("finds a faded code on a noisy frame", async () => {
    const code = await renderBarcode({ bcid: "ean8", text: "96385074" });
    const frame = addNoise(
      lowContrast(placeOnCanvas(code, { width: 640, height: 480, x: 40, y: 40, scale: 1.5 }), 60, 130),
      25,
      3,
    );
    const [bars] = locate(toLuminance(frame)).linear;
    expect(bars).toBeDefined();
    expect(bars!.x).toBeLessThan(40 + 273);
    expect(bars!.y).toBeLessThan(40 + 176);
  });

  it("tells a 2D code from bars and boxes it", async () => {
    const code = await renderBarcode({ bcid: "qrcode", text: "https://shop.example/r/42" });
    const frame = placeOnCanvas(code, { width: 640, height: 480, x: 400, y: 200, scale: 1.5 });
    const { linear, matrix } = locate(toLuminance(frame));
    expect(matrix).toHaveLength(1);
    const [box] = matrix;
    // The symbol proper: 148 pixels rendered, 24 of padding each side (36 at 1.5).
    expect(box!.left).toBeLessThanOrEqual(400 + 36);
    expect(box!.top).toBeLessThanOrEqual(200 + 36);
    expect(box!.right).toBeGreaterThanOrEqual(400 + 222 - 36);
    expect(box!.bottom).toBeGreaterThanOrEqual(200 + 222 - 36);
    // Its finder patterns may look like short bars, but weaker than the symbol.
    for (const bars of linear) expect(bars.score).toBeLessThan(box!.score);
  });

  it("finds nothing on a blank or merely noisy frame", () => {
    expect(locate(toLuminance(blankImage(640, 480)))).toEqual({ linear: [], matrix: [] });
    expect(locate(toLuminance(addNoise(blankImage(640, 480, 128), 60, 11)))).toEqual({
      linear: [],
      matrix: [],
    });
  });
});
