import { describe, expect, it } from "vitest";
import { acceptedBaseline, BAGGING_PLACE_WINDOW_MS, baggingExpectation, judgeBagging } from "./bagging";

const milk = { unitOfSale: "EACH", unitWeightG: 1040, weightToleranceG: 25, notWeighable: false } as const;
const bananas = {
  unitOfSale: "WEIGHT",
  unitWeightG: null,
  weightToleranceG: null,
  notWeighable: false,
} as const;

describe("baggingExpectation", () => {
  it("multiplies a unit's weight and tolerance by the count", () => {
    expect(baggingExpectation(milk, 2_000)).toEqual({ expectedG: 2080, toleranceG: 50 });
  });

  it("expects weighed goods to weigh what the scale said, with room for the produce bag", () => {
    expect(baggingExpectation(bananas, 1_250_000)).toEqual({ expectedG: 1250, toleranceG: 38 });
    expect(baggingExpectation(bananas, 120_000)).toEqual({ expectedG: 120, toleranceG: 10 });
  });

  it("uses 5 % of the unit weight, never under 10 g, when the catalog gives no tolerance", () => {
    expect(baggingExpectation({ ...milk, weightToleranceG: null }, 1_000)).toEqual({
      expectedG: 1040,
      toleranceG: 52,
    });
    expect(baggingExpectation({ ...milk, unitWeightG: 60, weightToleranceG: null }, 1_000)).toEqual({
      expectedG: 60,
      toleranceG: 10,
    });
  });

  it("exempts items flagged not weighable and units without a catalog weight", () => {
    expect(baggingExpectation({ ...milk, notWeighable: true }, 1_000)).toBeNull();
    expect(baggingExpectation({ ...milk, unitWeightG: null }, 1_000)).toBeNull();
  });
});

describe("judgeBagging", () => {
  const now = 1_000_000;
  const oneMilk = [{ expectedG: 1040, toleranceG: 25 }];
  const check = { baselineG: 200, expectations: oneMilk, lastChangeAt: now - 1_000, now };

  it("is ok when the area weighs the baseline plus the expected items within tolerance", () => {
    expect(judgeBagging({ ...check, stableG: 1240 })).toEqual({ kind: "ok" });
    expect(judgeBagging({ ...check, stableG: 1270 })).toEqual({ kind: "ok" });
  });

  it("flags an item bagged without a scan once the cart has not changed for a while", () => {
    const later = { ...check, now: now - 1_000 + BAGGING_PLACE_WINDOW_MS };
    expect(judgeBagging({ ...later, stableG: 1240 + 400 })).toEqual({
      kind: "unexpected-item",
      excessG: 400,
    });
  });

  it("gives a shopper who just removed a line time to take the item out", () => {
    expect(judgeBagging({ ...check, expectations: [], stableG: 1240 })).toEqual({
      kind: "awaiting-removal",
      excessG: 1040,
    });
  });

  it("waits for a just-scanned item, then calls it removed once the window has passed", () => {
    expect(judgeBagging({ ...check, stableG: 200 })).toEqual({ kind: "awaiting-item", missingG: 1040 });
    const later = { ...check, now: now - 1_000 + BAGGING_PLACE_WINDOW_MS };
    expect(judgeBagging({ ...later, stableG: 200 })).toEqual({ kind: "item-removed", missingG: 1040 });
  });

  it("knows nothing before the first stable reading", () => {
    expect(judgeBagging({ ...check, stableG: null })).toEqual({ kind: "unknown" });
  });

  it("accepts what an attendant saw: the current weight becomes what the cart expects", () => {
    const baselineG = acceptedBaseline(1240 + 400, oneMilk);
    expect(judgeBagging({ ...check, baselineG, stableG: 1640, lastChangeAt: null })).toEqual({ kind: "ok" });
  });
});
