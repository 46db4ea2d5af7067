import { describe, expect, it } from "vitest";
import { DomainError } from "./errors";
import {
  assertQuantityMilli,
  assertWholeQuantity,
  formatQuantity,
  parseQuantity,
  unitsToMilli,
} from "./quantity";
import { errorOf, randomInt, seededRandom } from "./testing.test-helper";

describe("parseQuantity", () => {
  it.each([
    ["1.5", 1500],
    ["523.25", 523250],
    ["523.250", 523250],
    ["0.001", 1],
    ["0", 0],
    ["2", 2000],
    ["007", 7000],
    [" 12.5\n", 12500],
    ["9007199254740.991", Number.MAX_SAFE_INTEGER],
  ])("parses text %j to %d milli", (text, milli) => {
    expect(parseQuantity(text)).toBe(milli);
  });

  it.each([
    [2, 2000],
    [1.5, 1500],
    [0.125, 125],
    [-0, 0],
    [523.25, 523250],
  ])("parses the number %d to %d milli", (value, milli) => {
    expect(parseQuantity(value)).toBe(milli);
  });

  it.each([
    ["1.2345", "QUANTITY_FORMAT", "at most 3 decimal places"],
    ["1e3", "QUANTITY_FORMAT", "exponent notation"],
    ["1E-3", "QUANTITY_FORMAT", "exponent notation"],
    ["-1", "QUANTITY_RANGE", "must not be negative"],
    ["-0", "QUANTITY_RANGE", "must not be negative"],
    ["", "QUANTITY_FORMAT", "expected a decimal number"],
    ["abc", "QUANTITY_FORMAT", "expected a decimal number"],
    ["NaN", "QUANTITY_FORMAT", "expected a decimal number"],
    ["1.", "QUANTITY_FORMAT", "expected a decimal number"],
    [".5", "QUANTITY_FORMAT", "expected a decimal number"],
    ["1,5", "QUANTITY_FORMAT", "expected a decimal number"],
    ["+1", "QUANTITY_FORMAT", "expected a decimal number"],
    ["1 000", "QUANTITY_FORMAT", "expected a decimal number"],
    ["9007199254740.992", "QUANTITY_RANGE", "too large"],
  ])("rejects text %j with %s", (text, code, message) => {
    const error = errorOf(() => parseQuantity(text));
    expect(error.code).toBe(code);
    expect(error.message).toContain(message);
    expect(error.message).toContain(`'${text.trim()}'`);
  });

  it.each([
    [Number.NaN, "QUANTITY_FORMAT"],
    [Number.POSITIVE_INFINITY, "QUANTITY_FORMAT"],
    [-1.5, "QUANTITY_RANGE"],
    [1e21, "QUANTITY_FORMAT"],
    [1e-7, "QUANTITY_FORMAT"],
    [0.1 + 0.2, "QUANTITY_FORMAT"],
    [1.0005, "QUANTITY_FORMAT"],
  ])("rejects the number %d with %s", (value, code) => {
    expect(errorOf(() => parseQuantity(value)).code).toBe(code);
  });

  it("round-trips with formatQuantity for many values", () => {
    const random = seededRandom(7);
    for (let index = 0; index < 2000; index += 1) {
      const milli = randomInt(random, 0, 10_000_000_000);
      expect(parseQuantity(formatQuantity(milli))).toBe(milli);
    }
  });
});

describe("formatQuantity", () => {
  it.each([
    [523500, "523.5"],
    [523250, "523.25"],
    [2000, "2"],
    [1, "0.001"],
    [10, "0.01"],
    [0, "0"],
    [-1500, "-1.5"],
    [-1, "-0.001"],
    [Number.MAX_SAFE_INTEGER, "9007199254740.991"],
  ])("formats %d as %s", (milli, text) => {
    expect(formatQuantity(milli)).toBe(text);
  });

  it("rejects non-integers", () => {
    expect(() => formatQuantity(1.5)).toThrow(DomainError);
  });
});

describe("assertQuantityMilli and unitsToMilli", () => {
  it("accepts safe integers, negative included (ledger deltas)", () => {
    expect(() => assertQuantityMilli(-5000)).not.toThrow();
    expect(errorOf(() => assertQuantityMilli(0.5)).code).toBe("QUANTITY_RANGE");
    expect(errorOf(() => assertQuantityMilli(2 ** 53)).code).toBe("QUANTITY_RANGE");
  });

  it("converts whole counts", () => {
    expect(unitsToMilli(3)).toBe(3000);
    expect(unitsToMilli(0)).toBe(0);
    expect(errorOf(() => unitsToMilli(1.5)).code).toBe("QUANTITY_NOT_WHOLE");
    expect(errorOf(() => unitsToMilli(Number.MAX_SAFE_INTEGER)).code).toBe("QUANTITY_RANGE");
  });
});

describe("assertWholeQuantity", () => {
  it("returns the count of a whole quantity", () => {
    expect(assertWholeQuantity(3000)).toBe(3);
    expect(assertWholeQuantity(0)).toBe(0);
  });

  it("names the product in the error", () => {
    const error = errorOf(() => assertWholeQuantity(1500, "Coca-Cola 330ml"));
    expect(error.code).toBe("QUANTITY_NOT_WHOLE");
    expect(error.message).toBe(
      "Quantity 1.5 of 'Coca-Cola 330ml' must be a whole number: it is sold by the piece",
    );
    expect(error.details).toEqual({ milli: 1500, product: "Coca-Cola 330ml" });
  });

  it("works without a product name", () => {
    expect(errorOf(() => assertWholeQuantity(1)).message).toBe(
      "Quantity 0.001 must be a whole number: it is sold by the piece",
    );
  });
});
