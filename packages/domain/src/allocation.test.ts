import { describe, expect, it } from "vitest";
import { allocateProportionally } from "./allocation";
import { errorOf, randomInt, seededRandom } from "./testing.test-helper";

describe("allocateProportionally (largest remainder)", () => {
  it.each([
    // 590 over 1180 : 590 -> quotas 393.33, 196.67 -> floors 393, 196, the 1 left goes to .67
    [590, [1180, 590], [393, 197]],
    // 300 over 1000 : 300 -> 230.77, 69.23 -> 230, 69, the 1 left to .77
    [300, [1000, 300], [231, 69]],
    // 115 over ten equal weights: 11.5 each -> 11 each, 5 left to the first five (ties by index)
    [115, Array.from({ length: 10 }, () => 100), [12, 12, 12, 12, 12, 11, 11, 11, 11, 11]],
    // exact quotas need no adjustment
    [500, [1500, 600, 400], [300, 120, 80]],
    // zero weights get nothing
    [10, [0, 5, 0, 5], [0, 5, 0, 5]],
    [0, [3, 4], [0, 0]],
    [0, [0, 0], [0, 0]],
    [7, [1], [7]],
    [1, [1, 1, 1], [1, 0, 0]],
  ])("%d over %j -> %j", (total, weights, shares) => {
    expect(allocateProportionally(total, weights)).toEqual(shares);
  });

  it("sums exactly and stays within one unit of each exact quota", () => {
    const random = seededRandom(21);
    for (let index = 0; index < 500; index += 1) {
      const weights = Array.from({ length: randomInt(random, 1, 12) }, () => randomInt(random, 0, 100_000));
      if (weights.every((weight) => weight === 0)) continue;
      const weightSum = weights.reduce((sum, weight) => sum + weight, 0);
      const total = randomInt(random, 0, weightSum);
      const shares = allocateProportionally(total, weights);
      expect(shares.reduce((sum, share) => sum + share, 0)).toBe(total);
      shares.forEach((share, position) => {
        const quota = (total * (weights[position] ?? 0)) / weightSum;
        expect(Math.abs(share - quota)).toBeLessThan(1);
        expect(share).toBeLessThanOrEqual(weights[position] ?? 0);
      });
    }
  });

  it("is exact with products beyond 2^53", () => {
    const shares = allocateProportionally(9_000_000_000_000, [3_000_000_000_000, 6_000_000_000_001]);
    expect(shares.reduce((sum, share) => sum + share, 0)).toBe(9_000_000_000_000);
    expect(shares).toEqual([3_000_000_000_000, 6_000_000_000_000]);
  });

  it("refuses what cannot be allocated", () => {
    expect(errorOf(() => allocateProportionally(5, [0, 0])).code).toBe("CART_INVALID");
    expect(() => allocateProportionally(-1, [1])).toThrow(RangeError);
    expect(() => allocateProportionally(1.5, [1])).toThrow(RangeError);
    expect(() => allocateProportionally(1, [-1, 2])).toThrow(RangeError);
  });
});
