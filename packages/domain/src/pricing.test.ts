import { describe, expect, it } from "vitest";
import {
  MAX_EXHAUSTIVE_PROMOTIONS,
  priceCart,
  type CartLine,
  type PricedCart,
  type Promotion,
} from "./pricing";
import { parseQuantity } from "./quantity";
import { errorOf, randomInt, seededRandom } from "./testing.test-helper";

const each = (
  lineId: string,
  productId: string,
  units: number,
  unitPriceMinor: number,
  taxRateBp = 1300,
): CartLine => ({
  lineId,
  productId,
  unitOfSale: "EACH",
  quantityMilli: units * 1000,
  unitPriceMinor,
  taxRateBp,
});

const weighed = (
  lineId: string,
  productId: string,
  grams: string,
  pricePerKgMinor: number,
  taxRateBp = 900,
): CartLine => ({
  lineId,
  productId,
  unitOfSale: "WEIGHT",
  quantityMilli: parseQuantity(grams),
  unitPriceMinor: pricePerKgMinor,
  taxRateBp,
});

const multiBuy = (
  code: string,
  productIds: string[],
  buyQuantity: number,
  payQuantity: number,
): Promotion => ({
  code,
  kind: "MULTI_BUY",
  buyQuantity,
  payQuantity,
  items: productIds.map((productId) => ({ productId })),
});

const fixedPrice = (
  code: string,
  productIds: string[],
  buyQuantity: number,
  priceMinor: number,
): Promotion => ({
  code,
  kind: "FIXED_PRICE",
  buyQuantity,
  priceMinor,
  items: productIds.map((productId) => ({ productId })),
});

const percentOff = (code: string, productIds: string[], percentOffBp: number): Promotion => ({
  code,
  kind: "PERCENT_OFF",
  percentOffBp,
  items: productIds.map((productId) => ({ productId })),
});

const bundle = (code: string, items: [string, number][], priceMinor: number): Promotion => ({
  code,
  kind: "BUNDLE",
  priceMinor,
  items: items.map(([productId, quantity]) => ({ productId, quantity })),
});

/** The invariants every priced cart keeps, whatever the promotions. */
function expectConsistent(cart: PricedCart): void {
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  expect(sum(cart.lines.map((line) => line.grossMinor))).toBe(cart.subtotalMinor);
  expect(sum(cart.lines.map((line) => line.discountMinor))).toBe(cart.discountMinor);
  expect(sum(cart.lines.map((line) => line.totalMinor))).toBe(cart.totalMinor);
  expect(cart.totalMinor).toBe(cart.subtotalMinor - cart.discountMinor);
  expect(sum(cart.lines.map((line) => line.taxMinor))).toBe(cart.taxMinor);
  expect(sum(cart.taxes.map((group) => group.taxMinor))).toBe(cart.taxMinor);
  expect(sum(cart.promotions.map((promotion) => promotion.discountMinor))).toBe(cart.discountMinor);
  expect(cart.savingsMinor).toBe(cart.discountMinor);
  for (const line of cart.lines) {
    expect(line.discountMinor).toBeGreaterThanOrEqual(0);
    expect(line.discountMinor).toBeLessThanOrEqual(line.grossMinor);
    expect(line.totalMinor).toBe(line.grossMinor - line.discountMinor);
    expect(line.taxMinor).toBeGreaterThanOrEqual(0);
    expect(line.taxMinor).toBeLessThanOrEqual(line.totalMinor);
  }
}

function figures(
  cart: PricedCart,
): Record<string, [gross: number, discount: number, total: number, codes: string[]]> {
  return Object.fromEntries(
    cart.lines.map((line) => [
      line.lineId,
      [line.grossMinor, line.discountMinor, line.totalMinor, line.promotionCodes],
    ]),
  );
}

function price(lines: CartLine[], promotions: Promotion[] = []): PricedCart {
  const cart = priceCart({ lines, promotions });
  expectConsistent(cart);
  return cart;
}

describe("priceCart without promotions", () => {
  it("prices EACH and WEIGHT lines with tax per rate group", () => {
    const cart = price([each("cola", "cola", 3, 350), weighed("apples", "apple", "523.25", 1298)]);
    // cola 3 x 3.50 = 1050; apples 1298 x 0.52325 = 679.18 -> 679
    expect(figures(cart)).toEqual({ cola: [1050, 0, 1050, []], apples: [679, 0, 679, []] });
    expect(cart).toMatchObject({ currency: "CNY", subtotalMinor: 1729, discountMinor: 0, totalMinor: 1729 });
    // 13 %: 1050 / 1.13 = 929.20 -> net 929, tax 121; 9 %: 679 / 1.09 = 622.94 -> net 623, tax 56
    expect(cart.taxes).toEqual([
      { taxRateBp: 900, totalMinor: 679, taxMinor: 56, netMinor: 623 },
      { taxRateBp: 1300, totalMinor: 1050, taxMinor: 121, netMinor: 929 },
    ]);
    expect(cart.taxMinor).toBe(177);
    expect(cart.lines.map((line) => line.taxMinor)).toEqual([121, 56]);
    expect(cart.lines[0]).toEqual({
      lineId: "cola",
      productId: "cola",
      unitOfSale: "EACH",
      quantityMilli: 3000,
      unitPriceMinor: 350,
      fixedPriceMinor: null,
      taxRateBp: 1300,
      grossMinor: 1050,
      discountMinor: 0,
      totalMinor: 1050,
      taxMinor: 121,
      promotionCodes: [],
    });
  });

  it("prices an empty cart at zero", () => {
    expect(priceCart({ lines: [] })).toEqual({
      currency: "CNY",
      lines: [],
      subtotalMinor: 0,
      discountMinor: 0,
      totalMinor: 0,
      taxMinor: 0,
      savingsMinor: 0,
      taxes: [],
      promotions: [],
    });
  });

  it("charges a price-embedded label exactly, for weighed and counted items", () => {
    const cart = price([
      { ...weighed("beef", "beef", "412", 9800), fixedPriceMinor: 4050 },
      { ...each("salad", "salad", 1, 1590), fixedPriceMinor: 1230 },
    ]);
    expect(figures(cart)).toEqual({ beef: [4050, 0, 4050, []], salad: [1230, 0, 1230, []] });
  });
});

describe("MULTI_BUY", () => {
  it("3 for 2 on one line of 7 gives two units free", () => {
    // 7 x 5.90 = 4130; two groups of three, one unit of each free: 2 x 590 = 1180
    const cart = price([each("y", "yogurt", 7, 590)], [multiBuy("Y3FOR2", ["yogurt"], 3, 2)]);
    expect(figures(cart)).toEqual({ y: [4130, 1180, 2950, ["Y3FOR2"]] });
    expect(cart.promotions).toEqual([
      { code: "Y3FOR2", kind: "MULTI_BUY", applications: 2, discountMinor: 1180, lineIds: ["y"] },
    ]);
  });

  it("pools units of one product across lines and allocates by participating amount", () => {
    // 2 + 2 units at 5.90: one group of three (y1 x2, y2 x1) saves 590; y2's fourth unit pays in full.
    // 590 over 1180 : 590 -> 393.33, 196.67 -> 393 and 197 (largest remainder)
    const cart = price(
      [each("y1", "yogurt", 2, 590), each("y2", "yogurt", 2, 590)],
      [multiBuy("Y3FOR2", ["yogurt"], 3, 2)],
    );
    expect(figures(cart)).toEqual({ y1: [1180, 393, 787, ["Y3FOR2"]], y2: [1180, 197, 983, ["Y3FOR2"]] });
    expect(cart.totalMinor).toBe(1770);
  });

  it("mixes and matches across listed products, the cheapest unit of each group free", () => {
    // units sorted 5.00 5.00 3.00 2.00: group [5, 5, 3] frees 3.00; the 2.00 unit is left over
    // 300 over a 1000 : b 300 -> 230.77, 69.23 -> 231, 69
    const cart = price(
      [each("a", "A", 2, 500), each("b", "B", 1, 300), each("c", "C", 1, 200)],
      [multiBuy("MIX3FOR2", ["A", "B", "C"], 3, 2)],
    );
    expect(figures(cart)).toEqual({
      a: [1000, 231, 769, ["MIX3FOR2"]],
      b: [300, 69, 231, ["MIX3FOR2"]],
      c: [200, 0, 200, []],
    });
  });

  it("frees the cheapest units whatever order the lines were scanned in", () => {
    // same units as above, cheapest scanned first: still [5, 5, 3] with 3.00 free, not [2, 3, 5]
    const cart = price(
      [each("c", "C", 1, 200), each("b", "B", 1, 300), each("a", "A", 2, 500)],
      [multiBuy("MIX3FOR2", ["A", "B", "C"], 3, 2)],
    );
    expect(figures(cart)).toEqual({
      c: [200, 0, 200, []],
      b: [300, 69, 231, ["MIX3FOR2"]],
      a: [1000, 231, 769, ["MIX3FOR2"]],
    });
  });

  it("buy one get one free", () => {
    // 5 x 4.50 = 2250; two groups of two, one free each: 900
    const cart = price([each("p", "pasta", 5, 450)], [multiBuy("BOGOF", ["pasta"], 2, 1)]);
    expect(figures(cart)).toEqual({ p: [2250, 900, 1350, ["BOGOF"]] });
  });

  it("does nothing below the group size or for unlisted products", () => {
    const cart = price(
      [each("y", "yogurt", 2, 590), each("m", "milk", 3, 1000)],
      [multiBuy("Y3FOR2", ["yogurt"], 3, 2)],
    );
    expect(cart.discountMinor).toBe(0);
    expect(cart.promotions).toEqual([]);
  });

  it("ignores weighed lines", () => {
    const cart = price([weighed("a", "apple", "3000", 1298)], [multiBuy("APPLE3FOR2", ["apple"], 3, 2)]);
    expect(cart.discountMinor).toBe(0);
  });

  it("handles huge quantities without expanding units", () => {
    // 1,000,000 x 1.00; 333,333 groups free one unit each
    const cart = price([each("bulk", "water", 1_000_000, 100)], [multiBuy("W3FOR2", ["water"], 3, 2)]);
    expect(figures(cart)).toEqual({ bulk: [100_000_000, 33_333_300, 66_666_700, ["W3FOR2"]] });
  });
});

describe("FIXED_PRICE", () => {
  it("2 for ¥10 on five units at ¥5.90", () => {
    // two groups: 2 x (11.80 - 10.00) = 3.60 off; the fifth unit pays 5.90 -> 25.90
    const cart = price([each("j", "juice", 5, 590)], [fixedPrice("J2FOR10", ["juice"], 2, 1000)]);
    expect(figures(cart)).toEqual({ j: [2950, 360, 2590, ["J2FOR10"]] });
    expect(cart.promotions[0]).toMatchObject({ applications: 2, discountMinor: 360 });
  });

  it("never charges more than the regular price", () => {
    // 2 x 4.50 = 9.00 < 10.00
    const cart = price([each("j", "juice", 2, 450)], [fixedPrice("J2FOR10", ["juice"], 2, 1000)]);
    expect(cart.discountMinor).toBe(0);
    expect(cart.lines[0]?.promotionCodes).toEqual([]);
  });

  it("does not apply when a group costs exactly the promotional price", () => {
    const cart = price([each("j", "juice", 2, 500)], [fixedPrice("J2FOR10", ["juice"], 2, 1000)]);
    expect(figures(cart)).toEqual({ j: [1000, 0, 1000, []] });
    expect(cart.promotions).toEqual([]);
  });

  it("groups the most expensive units first, whatever the scan order", () => {
    // cheapest scanned first; the pair of 6.00 units still forms the saving group
    const cart = price(
      [each("q", "Q", 2, 450), each("p", "P", 2, 600)],
      [fixedPrice("PQ2FOR10", ["P", "Q"], 2, 1000)],
    );
    expect(figures(cart)).toEqual({ q: [900, 0, 900, []], p: [1200, 200, 1000, ["PQ2FOR10"]] });
  });

  it("groups the most expensive units first and stops when a group would not save", () => {
    // units 6.00 6.00 4.50 4.50: [6, 6] = 12.00 -> 10.00 saves 2.00; [4.5, 4.5] = 9.00 would not
    const cart = price(
      [each("p", "P", 2, 600), each("q", "Q", 2, 450)],
      [fixedPrice("PQ2FOR10", ["P", "Q"], 2, 1000)],
    );
    expect(figures(cart)).toEqual({ p: [1200, 200, 1000, ["PQ2FOR10"]], q: [900, 0, 900, []] });
  });

  it("allocates a group spanning two lines by their share", () => {
    // units 7.00 4.50 4.50 4.50: [7, 4.5] = 11.50 saves 1.50; [4.5, 4.5] would not.
    // 150 over 700 : 450 -> 91.30, 58.70 -> 91, 59
    const cart = price(
      [each("p", "P", 1, 700), each("q", "Q", 3, 450)],
      [fixedPrice("PQ2FOR10", ["P", "Q"], 2, 1000)],
    );
    expect(figures(cart)).toEqual({ p: [700, 91, 609, ["PQ2FOR10"]], q: [1350, 59, 1291, ["PQ2FOR10"]] });
  });
});

describe("PERCENT_OFF", () => {
  it("rounds half up per line and applies to weighed lines", () => {
    // 10 x 0.25 = 2.50 at 15 % = 0.375 -> 0.38; apples 6.79 at 20 % = 1.358 -> 1.36
    const cart = price(
      [each("g", "gum", 10, 25), weighed("apples", "apple", "523.25", 1298)],
      [percentOff("FRESH", ["gum", "apple"], 1500), percentOff("APPLE20", ["apple"], 2000)],
    );
    expect(figures(cart)).toEqual({ g: [250, 38, 212, ["FRESH"]], apples: [679, 136, 543, ["APPLE20"]] });
  });

  it("never discounts a price-embedded label, but does a weighed line of the same product", () => {
    // the kiosk-weighed steak: 9800 x 0.412 = 4037.6 -> 4038; 20 % = 807.6 -> 808
    const cart = price(
      [
        { ...weighed("label", "beef", "412", 9800), fixedPriceMinor: 4038 },
        weighed("kiosk", "beef", "412", 9800),
      ],
      [percentOff("BEEF20", ["beef"], 2000)],
    );
    expect(figures(cart)).toEqual({ label: [4038, 0, 4038, []], kiosk: [4038, 808, 3230, ["BEEF20"]] });
  });

  it("gives 100 % off completely", () => {
    const cart = price([each("s", "sample", 2, 999)], [percentOff("FREE", ["sample"], 10_000)]);
    expect(figures(cart)).toEqual({ s: [1998, 1998, 0, ["FREE"]] });
    expect(cart.taxMinor).toBe(0);
  });
});

describe("BUNDLE", () => {
  it("meal deal: one of each for a price, allocated by component price", () => {
    // 15.00 + 6.00 + 4.00 = 25.00 -> 20.00 saves 5.00: 300, 120, 80 exactly; the second sandwich pays in full
    const cart = price(
      [each("s", "sandwich", 2, 1500), each("d", "drink", 1, 600), each("k", "snack", 1, 400)],
      [
        bundle(
          "MEAL",
          [
            ["sandwich", 1],
            ["drink", 1],
            ["snack", 1],
          ],
          2000,
        ),
      ],
    );
    expect(figures(cart)).toEqual({
      s: [3000, 300, 2700, ["MEAL"]],
      d: [600, 120, 480, ["MEAL"]],
      k: [400, 80, 320, ["MEAL"]],
    });
    expect(cart.promotions[0]).toMatchObject({ applications: 1, discountMinor: 500 });
  });

  it("takes several units of an item per bundle", () => {
    // bundle = 2 yogurts + 1 granola for 15.00: 2 x 5.90 + 12.90 = 24.70 saves 9.70; two bundles save 19.40.
    // 1940 over yogurt 2360 : granola 2580 -> 926.80, 1013.20 -> 927, 1013
    const cart = price(
      [each("y", "yogurt", 5, 590), each("g", "granola", 2, 1290)],
      [
        bundle(
          "BREAKFAST",
          [
            ["yogurt", 2],
            ["granola", 1],
          ],
          1500,
        ),
      ],
    );
    expect(figures(cart)).toEqual({
      y: [2950, 927, 2023, ["BREAKFAST"]],
      g: [2580, 1013, 1567, ["BREAKFAST"]],
    });
    expect(cart.promotions[0]).toMatchObject({ applications: 2, discountMinor: 1940 });
  });

  it("uses the dearest units of an item when its lines have different prices", () => {
    // two drink lines at 3.00 and 6.00 (scanned in that order): the bundle takes the 6.00 drink
    // 15.00 + 6.00 = 21.00 -> 18.00 saves 3.00: 1500 : 600 -> 214.29, 85.71 -> 214, 86
    const cart = price(
      [each("cheap", "drink", 1, 300), each("s", "sandwich", 1, 1500), each("dear", "drink", 1, 600)],
      [
        bundle(
          "MEAL",
          [
            ["sandwich", 1],
            ["drink", 1],
          ],
          1800,
        ),
      ],
    );
    expect(figures(cart)).toEqual({
      cheap: [300, 0, 300, []],
      s: [1500, 214, 1286, ["MEAL"]],
      dear: [600, 86, 514, ["MEAL"]],
    });
  });

  it("needs every component and a real saving", () => {
    const partial = price(
      [each("s", "sandwich", 1, 1500), each("d", "drink", 1, 600)],
      [
        bundle(
          "MEAL",
          [
            ["sandwich", 1],
            ["drink", 1],
            ["snack", 1],
          ],
          2000,
        ),
      ],
    );
    expect(partial.discountMinor).toBe(0);
    const dear = price(
      [each("s", "sandwich", 1, 1500), each("d", "drink", 1, 600)],
      [
        bundle(
          "DEAR",
          [
            ["sandwich", 1],
            ["drink", 1],
          ],
          2100,
        ),
      ],
    );
    expect(dear.discountMinor).toBe(0);
  });
});

describe("competing promotions: best for the customer", () => {
  it("prefers 50 % off to 3 for 2 on three units", () => {
    // 3 for 2 saves 6.00; 50 % saves 9.00
    const cart = price(
      [each("x", "X", 3, 600)],
      [multiBuy("A3FOR2", ["X"], 3, 2), percentOff("BHALF", ["X"], 5000)],
    );
    expect(figures(cart)).toEqual({ x: [1800, 900, 900, ["BHALF"]] });
    expect(cart.promotions.map((promotion) => promotion.code)).toEqual(["BHALF"]);
  });

  it("combines 3 for 2 with 30 % off the leftover unit", () => {
    // 4 x 10.00: 3 for 2 on three (10.00) + 30 % on the fourth (3.00) = 13.00 beats 30 % on all four (12.00)
    const cart = price(
      [each("x", "X", 4, 1000)],
      [multiBuy("A3FOR2", ["X"], 3, 2), percentOff("B30", ["X"], 3000)],
    );
    expect(figures(cart)).toEqual({ x: [4000, 1300, 2700, ["A3FOR2", "B30"]] });
  });

  it("prefers a bundle to a percent-off on one of its items when it saves more", () => {
    // A 2 x 10.00, B 1 x 10.00; bundle A+B 14.00 saves 6.00 (300 each), A 40 % off saves 4.00 a unit.
    // bundle then 40 % on the second A = 10.00; 40 % first on both A = 8.00 and no bundle.
    const cart = price(
      [each("a", "A", 2, 1000), each("b", "B", 1, 1000)],
      [
        bundle(
          "MEAL",
          [
            ["A", 1],
            ["B", 1],
          ],
          1400,
        ),
        percentOff("A40", ["A"], 4000),
      ],
    );
    expect(figures(cart)).toEqual({ a: [2000, 700, 1300, ["MEAL", "A40"]], b: [1000, 300, 700, ["MEAL"]] });
  });

  it("breaks ties by promotion code, whatever the input order", () => {
    const lines = [each("x", "X", 2, 1000)];
    const forward = price(lines, [percentOff("X10", ["X"], 1000), percentOff("Y10", ["X"], 1000)]);
    const backward = price(lines, [percentOff("Y10", ["X"], 1000), percentOff("X10", ["X"], 1000)]);
    expect(figures(forward)).toEqual({ x: [2000, 200, 1800, ["X10"]] });
    expect(backward).toEqual(forward);
  });

  it("applies promotions on different products independently", () => {
    const cart = price(
      [each("y", "yogurt", 3, 590), weighed("apples", "apple", "1000", 1298)],
      [multiBuy("Y3FOR2", ["yogurt"], 3, 2), percentOff("APPLE10", ["apple"], 1000)],
    );
    // yogurt 590 off; apples 12.98 at 10 % = 1.298 -> 1.30
    expect(figures(cart)).toEqual({
      y: [1770, 590, 1180, ["Y3FOR2"]],
      apples: [1298, 130, 1168, ["APPLE10"]],
    });
  });

  it(`tries every order up to ${MAX_EXHAUSTIVE_PROMOTIONS} competing promotions, then falls back to greedy`, () => {
    const lines = [each("x", "X", 4, 1000)];
    const core = [multiBuy("A3FOR2", ["X"], 3, 2), percentOff("B30", ["X"], 3000)];
    const filler = (count: number) =>
      Array.from({ length: count }, (_, index) => percentOff(`C${index}`, ["X"], 100));
    // exhaustive: 3 for 2 then 30 % on the last unit = 13.00
    expect(price(lines, [...core, ...filler(MAX_EXHAUSTIVE_PROMOTIONS - 2)]).discountMinor).toBe(1300);
    // greedy: 30 % off all four (12.00) saves most as a first step and leaves nothing for the rest
    const greedy = price(lines, [...core, ...filler(MAX_EXHAUSTIVE_PROMOTIONS - 1)]);
    expect(figures(greedy)).toEqual({ x: [4000, 1200, 2800, ["B30"]] });
  });

  it("greedy fallback still combines promotions on what is left", () => {
    // 4 x 10.00 with 3 for 2 and seven tiny 1 % offers: 3 for 2 saves most, then C0 (first code) takes the 4th unit
    const promotions = [
      multiBuy("A3FOR2", ["X"], 3, 2),
      ...Array.from({ length: 7 }, (_, index) => percentOff(`C${index}`, ["X"], 100)),
    ];
    const cart = price([each("x", "X", 4, 1000)], promotions);
    expect(figures(cart)).toEqual({ x: [4000, 1010, 2990, ["A3FOR2", "C0"]] });
  });
});

describe("priceCart input", () => {
  it("accepts Prisma-shaped promotion rows (nulls and extra fields)", () => {
    const row = {
      id: "p1",
      storeId: "s1",
      code: "Y3FOR2",
      nameEn: "Yogurt 3 for 2",
      nameZh: "酸奶买三付二",
      kind: "MULTI_BUY",
      buyQuantity: 3,
      payQuantity: 2,
      priceMinor: null,
      percentOffBp: null,
      items: [{ promotionId: "p1", productId: "yogurt", quantity: 1 }],
    };
    const cart = priceCart({
      lines: [{ ...each("y", "yogurt", 3, 590), fixedPriceMinor: null }],
      promotions: [row as unknown as Promotion],
    });
    expect(cart.discountMinor).toBe(590);
  });

  it("names the product when an EACH quantity is fractional", () => {
    const error = errorOf(() =>
      priceCart({ lines: [{ ...each("c", "cola-330", 1, 350), quantityMilli: 1500 }] }),
    );
    expect(error.code).toBe("QUANTITY_NOT_WHOLE");
    expect(error.message).toContain("'cola-330'");
  });

  it.each([
    ["a zero quantity", [{ ...each("a", "A", 1, 100), quantityMilli: 0 }], "lines.0.quantityMilli"],
    ["a negative price", [each("a", "A", 1, -100)], "lines.0.unitPriceMinor"],
    ["a fractional price", [each("a", "A", 1, 99.5)], "lines.0.unitPriceMinor"],
    ["a tax rate above 100 %", [each("a", "A", 1, 100, 10_001)], "lines.0.taxRateBp"],
    ["a duplicate line id", [each("a", "A", 1, 100), each("a", "B", 1, 100)], "lineId must be unique"],
    [
      "an unknown unit of sale",
      [{ ...each("a", "A", 1, 100), unitOfSale: "BOX" as "EACH" }],
      "lines.0.unitOfSale",
    ],
  ])("rejects %s", (_case, lines, message) => {
    const error = errorOf(() => priceCart({ lines }));
    expect(error.code).toBe("CART_INVALID");
    expect(error.message).toMatch(/^Invalid cart: /);
    expect(error.message).toContain(message);
  });

  it.each([
    ["pay not below buy", multiBuy("BAD", ["A"], 2, 2), "payQuantity must be less than buyQuantity"],
    [
      "a missing buyQuantity",
      { code: "BAD", kind: "MULTI_BUY", payQuantity: 1, items: [{ productId: "A" }] },
      "buyQuantity",
    ],
    ["zero percent", percentOff("BAD", ["A"], 0), "percentOffBp"],
    ["more than 100 percent", percentOff("BAD", ["A"], 10_001), "percentOffBp"],
    [
      "a product listed twice",
      bundle(
        "BAD",
        [
          ["A", 1],
          ["A", 1],
        ],
        100,
      ),
      "each product may be listed once",
    ],
    ["no items", { code: "BAD", kind: "PERCENT_OFF", percentOffBp: 100, items: [] }, "items"],
    ["an unknown kind", { code: "BAD", kind: "CASHBACK", items: [{ productId: "A" }] }, "kind"],
  ])("rejects a promotion with %s", (_case, promotion, message) => {
    const error = errorOf(() =>
      priceCart({ lines: [each("a", "A", 1, 100)], promotions: [promotion as Promotion] }),
    );
    expect(error.code).toBe("PROMOTION_INVALID");
    expect(error.message).toMatch(/^Invalid promotions: /);
    expect(error.message).toContain(message);
  });

  it("rejects duplicate promotion codes", () => {
    const error = errorOf(() =>
      priceCart({ lines: [], promotions: [percentOff("P", ["A"], 100), percentOff("P", ["B"], 100)] }),
    );
    expect(error.code).toBe("PROMOTION_INVALID");
    expect(error.message).toContain("promotion codes must be unique");
  });

  it("rejects an unknown currency and totals beyond the safe range", () => {
    expect(errorOf(() => priceCart({ lines: [], currency: "XXY" })).code).toBe("CURRENCY_UNKNOWN");
    const huge = Math.floor(Number.MAX_SAFE_INTEGER / 1.5);
    expect(errorOf(() => priceCart({ lines: [each("a", "A", 1, huge), each("b", "B", 1, huge)] })).code).toBe(
      "MONEY_RANGE",
    );
  });

  it("prices in the requested currency", () => {
    expect(priceCart({ lines: [each("a", "A", 2, 150)], currency: "JPY" })).toMatchObject({
      currency: "JPY",
      totalMinor: 300,
    });
  });
});

describe("priceCart on random carts", () => {
  const products = ["p1", "p2", "p3", "p4"];

  function randomCart(random: () => number): { lines: CartLine[]; promotions: Promotion[] } {
    const lines = Array.from({ length: randomInt(random, 1, 8) }, (_, index): CartLine => {
      const productId = products[randomInt(random, 0, products.length - 1)] ?? "p1";
      const line =
        random() < 0.75
          ? each(`l${index}`, productId, randomInt(random, 1, 7), randomInt(random, 1, 3000), 1300)
          : weighed(
              `l${index}`,
              productId,
              String(randomInt(random, 1, 2_000_000) / 1000),
              randomInt(random, 100, 20_000),
            );
      return random() < 0.1 ? { ...line, fixedPriceMinor: randomInt(random, 1, 5000) } : line;
    });
    const pick = () =>
      products.filter(() => random() < 0.5).concat(products[randomInt(random, 0, 3)] ?? "p1");
    const unique = (ids: string[]) => [...new Set(ids)];
    const promotions = Array.from({ length: randomInt(random, 0, 4) }, (_, index): Promotion => {
      const code = `PROMO${index}`;
      switch (randomInt(random, 0, 3)) {
        case 0: {
          const buy = randomInt(random, 2, 4);
          return multiBuy(code, unique(pick()), buy, randomInt(random, 0, buy - 1));
        }
        case 1:
          return fixedPrice(code, unique(pick()), randomInt(random, 1, 3), randomInt(random, 0, 5000));
        case 2:
          return percentOff(code, unique(pick()), randomInt(random, 1, 10_000));
        default:
          return bundle(
            code,
            unique(pick()).map((id) => [id, randomInt(random, 1, 2)] as [string, number]),
            randomInt(random, 0, 6000),
          );
      }
    });
    return { lines, promotions };
  }

  it("keeps every invariant, does not depend on promotion order, and beats any single promotion", () => {
    const random = seededRandom(42);
    for (let round = 0; round < 300; round += 1) {
      const { lines, promotions } = randomCart(random);
      const cart = price(lines, promotions);
      expect(figures(price(lines, [...promotions].reverse()))).toEqual(figures(cart));
      for (const promotion of promotions) {
        expect(cart.discountMinor).toBeGreaterThanOrEqual(price(lines, [promotion]).discountMinor);
      }
    }
  });
});
