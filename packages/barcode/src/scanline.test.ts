import { seededRandom } from "@store/domain";
import { describe, expect, it } from "vitest";
import { rowOf } from "./linear";
import { findEdges, sampleProfile } from "./scanline";
import { decodeUpcERow } from "./upce";

/** A profile of bars (widths in samples, dark first after `lead` light samples), softened by a box blur. */
function bars(widths: number[], lead: number, radius: number, dark = 20, light = 220): Float32Array {
  const sharp: number[] = Array<number>(lead).fill(light);
  widths.forEach((width, index) => sharp.push(...Array<number>(width).fill(index % 2 === 0 ? dark : light)));
  sharp.push(...Array<number>(lead).fill(light));
  return Float32Array.from(sharp, (_, index) => {
    let sum = 0;
    for (let offset = -radius; offset <= radius; offset += 1)
      sum += sharp[Math.min(sharp.length - 1, Math.max(0, index + offset))]!;
    return sum / (2 * radius + 1);
  });
}

describe("findEdges", () => {
  it("puts the edges of blurred bars where the sharp edges were, alternating", () => {
    // Dark 30..35, light 36..38, dark 39..41: edges between samples 29|30, 35|36, 38|39, 41|42.
    const { edges, firstDark } = findEdges(bars([6, 3, 3], 30, 1), 0.25, 1);
    expect(firstDark).toBe(true);
    expect(edges).toHaveLength(4);
    [29.5, 35.5, 38.5, 41.5].forEach((expected, index) => expect(edges[index]).toBeCloseTo(expected, 0));
  });

  it("keeps a narrow space between wide bars that blur has made shallow, at a low threshold", () => {
    const profile = bars([12, 2, 12], 30, 2);
    expect(findEdges(profile, 0.1, 1).edges).toHaveLength(4);
  });

  it("finds the bars' edges and none of the noise's on a noisy profile", () => {
    const random = seededRandom(5);
    const profile = bars([8, 4, 4, 12, 8], 40, 1).map((value) => value + (random() * 2 - 1) * 15);
    expect(findEdges(profile, 0.25, 1).edges).toHaveLength(6);
  });
});

describe("sampleProfile", () => {
  it("samples along any direction and averages across it", () => {
    // A vertical dark stripe at x 10..19 on a 40×40 image.
    const data = new Uint8ClampedArray(40 * 40).fill(200);
    for (let y = 0; y < 40; y += 1) for (let x = 10; x < 20; x += 1) data[y * 40 + x] = 0;
    const image = { width: 40, height: 40, data };
    const across = sampleProfile(image, { x: 0, y: 20, angle: 0, step: 1, length: 30 }, 5, 6);
    expect(across[5]).toBe(200);
    expect(across[15]).toBe(0);
    // Along the stripe the profile is flat.
    const along = sampleProfile(image, { x: 15, y: 2, angle: Math.PI / 2, step: 1, length: 30 }, 2, 3);
    expect(new Set(along)).toEqual(new Set([0]));
  });
});

describe("UPC-E", () => {
  /** UPC-E 0 123456 5 drawn as modules: guard 101, digits in L/G parity (pattern EOEOOE... from the check digit), guard 010101. */
  const modules = (code: string) => {
    const L = [
      "0001101",
      "0011001",
      "0010011",
      "0111101",
      "0100011",
      "0110001",
      "0101111",
      "0111011",
      "0110111",
      "0001011",
    ];
    const G = [
      "0100111",
      "0110011",
      "0011011",
      "0100001",
      "0011101",
      "0111001",
      "0000101",
      "0010001",
      "0001001",
      "0010111",
    ];
    // Number system 0: the check digit's parity pattern, E (G code) or O (L code) per digit.
    const parities = [
      "EEEOOO",
      "EEOEOO",
      "EEOOEO",
      "EEOOOE",
      "EOEEOO",
      "EOOEEO",
      "EOOOEE",
      "EOEOEO",
      "EOEOOE",
      "EOOEOE",
    ];
    const pattern = parities[Number(code[7])]!;
    let bits = "101";
    for (let index = 0; index < 6; index += 1) {
      const digit = Number(code[index + 1]);
      bits += pattern[index] === "E" ? G[digit]! : L[digit]!;
    }
    return `${"0".repeat(9)}${bits}010101${"0".repeat(9)}`;
  };
  const row = (bits: string, scale: number) => {
    const profile = Float32Array.from(
      bits.split("").flatMap((bit) => Array<number>(scale).fill(bit === "1" ? 20 : 220)),
    );
    return rowOf(profile, 0.25, 1);
  };

  it("decodes a row, forwards only, and checks the expanded UPC-A's check digit", () => {
    expect(decodeUpcERow(row(modules("01234565"), 4))).toBe("01234565");
    const reversed = row(modules("01234565"), 4);
    reversed.reverse();
    expect(decodeUpcERow(reversed)).toBeNull();
    // Same bars with the parity pattern of check digit 6: its check digit fails, so no read.
    expect(decodeUpcERow(row(modules("01234566"), 4))).toBeNull();
  });
});
