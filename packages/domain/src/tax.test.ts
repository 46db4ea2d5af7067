import { describe, expect, it } from "vitest";
import { CHINA_VAT_AGRICULTURAL_BP, CHINA_VAT_GENERAL_BP, allocateTax, includedTax } from "./tax";
import { errorOf, randomInt, seededRandom } from "./testing.test-helper";

describe("includedTax", () => {
  it.each([
    // 113.00 at 13 %: net 11300 / 1.13 = 10000 -> tax 1300
    [11300, CHINA_VAT_GENERAL_BP, 1300],
    // 10.00 at 9 %: 1000 / 1.09 = 917.43 -> net 917, tax 83
    [1000, CHINA_VAT_AGRICULTURAL_BP, 83],
    // 1.00 at 13 %: 100 / 1.13 = 88.50 -> net 88 (88.495...), tax 12
    [100, CHINA_VAT_GENERAL_BP, 12],
    // 56.50 at 13 %: 5650 / 1.13 = 5000 exactly -> tax 650
    [5650, 1300, 650],
    // 0.01 at 13 %: 1 / 1.13 = 0.885 -> net 1 -> tax 0
    [1, 1300, 0],
    [0, 1300, 0],
    [12345, 0, 0],
    // 100 % (a contrived upper bound): 1000 / 2 = 500
    [1000, 10_000, 500],
    // net exactly at .5: 3 / 1.2 = 2.5 -> net rounds up to 3 -> tax 0
    [3, 2000, 0],
  ])("%d at %d bp contains %d", (total, rate, tax) => {
    expect(includedTax(total, rate)).toBe(tax);
  });

  it("refuses bad rates and totals", () => {
    expect(errorOf(() => includedTax(100, -1)).code).toBe("CART_INVALID");
    expect(errorOf(() => includedTax(100, 10_001)).code).toBe("CART_INVALID");
    expect(errorOf(() => includedTax(100, 13.5)).code).toBe("CART_INVALID");
    expect(errorOf(() => includedTax(-100, 1300)).code).toBe("MONEY_RANGE");
    expect(errorOf(() => includedTax(1.5, 1300)).code).toBe("MONEY_RANGE");
  });
});

describe("allocateTax", () => {
  it("computes tax once per rate group, not per line", () => {
    // ten lines of 1.00 at 13 %: per line 12 each = 120, but on the 10.00 group: 1000 / 1.13 = 884.96
    // -> net 885 -> tax 115, allocated 11.5 each: five lines get 12, five get 11
    const lines = Array.from({ length: 10 }, () => ({ totalMinor: 100, taxRateBp: 1300 }));
    const { lineTaxMinor, groups } = allocateTax(lines);
    expect(groups).toEqual([{ taxRateBp: 1300, totalMinor: 1000, taxMinor: 115, netMinor: 885 }]);
    expect(lineTaxMinor).toEqual([12, 12, 12, 12, 12, 11, 11, 11, 11, 11]);
  });

  it("keeps rates apart and lists groups by rate", () => {
    const { lineTaxMinor, groups } = allocateTax([
      { totalMinor: 11300, taxRateBp: 1300 },
      { totalMinor: 1090, taxRateBp: 900 },
      { totalMinor: 0, taxRateBp: 1300 },
    ]);
    expect(groups).toEqual([
      { taxRateBp: 900, totalMinor: 1090, taxMinor: 90, netMinor: 1000 },
      { taxRateBp: 1300, totalMinor: 11300, taxMinor: 1300, netMinor: 10000 },
    ]);
    expect(lineTaxMinor).toEqual([1300, 90, 0]);
  });

  it("handles an empty cart", () => {
    expect(allocateTax([])).toEqual({ lineTaxMinor: [], groups: [] });
  });

  it("line taxes always sum to their group and the group matches includedTax", () => {
    const random = seededRandom(17);
    for (let index = 0; index < 300; index += 1) {
      const lines = Array.from({ length: randomInt(random, 1, 15) }, () => ({
        totalMinor: randomInt(random, 0, 50_000),
        taxRateBp: [0, 600, 900, 1300][randomInt(random, 0, 3)] ?? 1300,
      }));
      const { lineTaxMinor, groups } = allocateTax(lines);
      for (const group of groups) {
        const members = lines.flatMap((line, position) =>
          line.taxRateBp === group.taxRateBp ? [position] : [],
        );
        expect(members.reduce((sum, position) => sum + (lineTaxMinor[position] ?? 0), 0)).toBe(
          group.taxMinor,
        );
        expect(group.taxMinor).toBe(includedTax(group.totalMinor, group.taxRateBp));
        expect(group.netMinor + group.taxMinor).toBe(group.totalMinor);
      }
      lines.forEach((line, position) => expect(lineTaxMinor[position]).toBeLessThanOrEqual(line.totalMinor));
    }
  });
});
