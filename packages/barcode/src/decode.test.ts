import { describe, expect, it } from "vitest";
import { checkedGtin, decodeLuminance, toLuminance } from "./index";
import {
  addNoise,
  blankImage,
  blur,
  glare,
  lowContrast,
  placeOnCanvas,
  renderBarcode,
  rotate,
  wrapAroundCylinder,
  type RgbaImage,
  type RenderSpec,
} from "./testing";

const GS = String.fromCharCode(29);

describe("decodeLuminance on clean renderings", () => {
  it.each<[string, RenderSpec, { text: string; format: string; gtin?: string }]>([
    [
      "EAN-13",
      { bcid: "ean13", text: "4006381333931" },
      { text: "4006381333931", format: "EAN_13", gtin: "04006381333931" },
    ],
    [
      "EAN-8",
      { bcid: "ean8", text: "96385074" },
      { text: "96385074", format: "EAN_8", gtin: "00000096385074" },
    ],
    [
      "UPC-A",
      { bcid: "upca", text: "036000291452" },
      { text: "036000291452", format: "UPC_A", gtin: "00036000291452" },
    ],
    [
      "GS1-128 with a net weight (3103)",
      { bcid: "gs1-128", text: "(01)04006381333931(3103)001250" },
      { text: "]C101040063813339313103001250", format: "CODE_128", gtin: "04006381333931" },
    ],
    [
      "ITF-14",
      { bcid: "itf14", text: "14006381333938" },
      { text: "14006381333938", format: "ITF", gtin: "14006381333938" },
    ],
    [
      "QR",
      { bcid: "qrcode", text: "https://shop.example/r/42" },
      { text: "https://shop.example/r/42", format: "QR_CODE" },
    ],
    [
      "DataMatrix",
      { bcid: "datamatrix", text: "HEMA-SH-001" },
      { text: "HEMA-SH-001", format: "DATA_MATRIX" },
    ],
    [
      "GS1 DataMatrix",
      { bcid: "gs1datamatrix", text: "(01)04006381333931(17)271231" },
      { text: `${GS}010400638133393117271231`, format: "DATA_MATRIX", gtin: "04006381333931" },
    ],
  ])("%s", async (_name, spec, expected) => {
    const result = decodeLuminance(await renderBarcode(spec));
    expect(result).toMatchObject(expected);
    if (!("gtin" in expected)) expect(result).not.toHaveProperty("gtin");
  });
});

describe("decodeLuminance on degraded 640×480 frames", () => {
  const frame = (code: RgbaImage, scale: number, x = 150, y = 150) =>
    placeOnCanvas(code, { width: 640, height: 480, x, y, scale });

  it.each<[string, (code: RgbaImage) => RgbaImage]>([
    ["blurred", (code) => blur(frame(code, 2), 1)],
    ["tilted 4° clockwise", (code) => rotate(frame(code, 1.5), 4)],
    ["tilted 7° anticlockwise", (code) => rotate(frame(code, 1.5), -7)],
    ["low contrast (grey 100 on grey 150)", (code) => lowContrast(frame(code, 1.5), 100, 150)],
    ["noisy (±50 grey levels)", (code) => addNoise(frame(code, 1.5), 50, 7)],
    ["under a glare spot", (code) => glare(frame(code, 1.5), { x: 260, y: 220, radius: 100, strength: 0.7 })],
    ["near the top edge", (code) => frame(code, 1.5, 300, 10)],
    ["wrapped around a can", (code) => frame(wrapAroundCylinder(code, 90), 1.5)],
    [
      "printed vertically",
      (code) => rotate(placeOnCanvas(code, { width: 640, height: 640, x: 150, y: 250, scale: 1.5 }), 90),
    ],
  ])("reads an EAN-13 %s", async (_name, degrade) => {
    const code = await renderBarcode({ bcid: "ean13", text: "4006381333931" });
    expect(decodeLuminance(degrade(code))).toMatchObject({ text: "4006381333931", gtin: "04006381333931" });
  });

  it("reads a QR code and a DataMatrix placed in a frame", async () => {
    const qr = await renderBarcode({ bcid: "qrcode", text: "https://shop.example/r/42" });
    const dataMatrix = await renderBarcode({ bcid: "datamatrix", text: "HEMA-SH-001" });
    expect(decodeLuminance(frame(qr, 1.2, 200, 120))).toMatchObject({ text: "https://shop.example/r/42" });
    expect(decodeLuminance(frame(dataMatrix, 1.5, 250, 150))).toMatchObject({ text: "HEMA-SH-001" });
  });

  it("reads a UPC-E, which zxing-js's own reader never returns (zxing-js/library#573)", async () => {
    const code = await renderBarcode({ bcid: "upce", text: "01234565" });
    expect(decodeLuminance(code)).toMatchObject({
      text: "01234565",
      format: "UPC_E",
      gtin: "00012345000065",
    });
    expect(decodeLuminance(rotate(blur(frame(code, 1.5), 1), -10))).toMatchObject({ text: "01234565" });
  });

  it("reads a GS1 DataMatrix away from the middle of the frame", async () => {
    const code = await renderBarcode({ bcid: "gs1datamatrix", text: "(01)04006381333931(17)271231" });
    expect(decodeLuminance(frame(code, 1.5, 20, 300))).toMatchObject({
      format: "DATA_MATRIX",
      gtin: "04006381333931",
      pass: "matrix",
    });
  });
});

describe("misreads", () => {
  it("never returns a GS1-128 whose GTIN fails its check digit", async () => {
    // A well-formed Code 128 symbol (its own checksum holds) carrying AI (01) with a wrong GTIN check digit.
    const spec = { bcid: "code128", text: "^FNC10104006381333932", options: { parsefnc: true } };
    const image = await renderBarcode(spec);
    const good = await renderBarcode({ ...spec, text: "^FNC10104006381333931" });
    expect(decodeLuminance(good)).toMatchObject({ gtin: "04006381333931" });
    expect(decodeLuminance(image)).toBeNull();
  });

  it("reads a code with a smudge across part of its bars as itself, not as what the smudged lines show", async () => {
    const code = await renderBarcode({ bcid: "ean13", text: "4006381333931" });
    for (const [left, width] of [
      [110, 4],
      [160, 6],
      [215, 3],
    ] as const) {
      const smudged = placeOnCanvas(code, { width: 640, height: 480, x: 100, y: 100, scale: 1.5 });
      // A dark streak over the lower third of the bars, filling spaces there.
      for (let y = 100 + 110; y < 100 + 150; y += 1) {
        for (let x = 100 + left; x < 100 + left + width; x += 1) {
          smudged.data.fill(30, (y * 640 + x) * 4, (y * 640 + x) * 4 + 3);
        }
      }
      expect(decodeLuminance(smudged)?.text).toBe("4006381333931");
    }
  });

  it("does not take a Code 128 checksum of 102 (FNC1) for a group separator in the text", async () => {
    // Its checksum: (104 + 1·S + 2·K + 3·U + 4·- + 5·CodeC + 6·55 + 7·25 + 8·48 + 9·82) mod 103 = 102.
    const code = await renderBarcode({ bcid: "code128", text: "SKU-55254882" });
    expect(decodeLuminance(code)).toMatchObject({ text: "SKU-55254882", format: "CODE_128" });
  });

  it("checks the check digit of every retail format", () => {
    expect(checkedGtin("4006381333931", "EAN_13")).toBe("04006381333931");
    expect(checkedGtin("4006381333932", "EAN_13")).toBeNull();
    expect(checkedGtin("96385075", "EAN_8")).toBeNull();
    expect(checkedGtin("036000291453", "UPC_A")).toBeNull();
    expect(checkedGtin("01234565", "UPC_E")).toBe("00012345000065");
    expect(checkedGtin("01234566", "UPC_E")).toBeNull();
    expect(checkedGtin("14006381333939", "ITF")).toBeNull();
    expect(checkedGtin("400638", "ITF")).toBeNull();
    expect(checkedGtin("SH-001", "CODE_128")).toBeUndefined();
    expect(checkedGtin(`]C1${"01"}04006381333932${"3103"}001250`, "CODE_128")).toBeNull();
  });

  it("finds nothing in a blank frame", () => {
    expect(decodeLuminance(blankImage(320, 240, 200))).toBeNull();
  });
});

describe("toLuminance", () => {
  it("accepts RGBA or luminance and rejects data of the wrong size", () => {
    const rgba = { width: 2, height: 1, data: new Uint8ClampedArray([255, 255, 255, 255, 0, 0, 0, 255]) };
    expect([...toLuminance(rgba).data]).toEqual([255, 0]);
    const luminance = { width: 2, height: 1, data: new Uint8ClampedArray([7, 9]) };
    expect(toLuminance(luminance).data).toBe(luminance.data);
    const into = new Uint8ClampedArray(2);
    expect(toLuminance(rgba, into).data).toBe(into);
    expect([...into]).toEqual([255, 0]);
    expect(toLuminance(rgba, new Uint8ClampedArray(3)).data).toHaveLength(2);
    expect(() => toLuminance({ width: 2, height: 2, data: new Uint8ClampedArray(5) })).toThrow(
      "Invalid image data for 2×2: 5 bytes, expected 4 (luminance) or 16 (RGBA)",
    );
    expect(() => decodeLuminance(rgba, { formats: [] })).toThrow("No formats to decode");
  });
});
