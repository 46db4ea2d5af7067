import { describe, expect, it } from "vitest";
import {
  assertMinorUnits,
  divideRoundHalfUp,
  formatMoney,
  minorToDecimalString,
  minorUnitsOf,
  parseMoney,
  priceForUnits,
  priceForWeight,
} from "./money";
import { errorOf, randomInt, seededRandom } from "./testing.test-helper";

describe("minorUnitsOf", () => {
  it.each([
    ["CNY", 2],
    ["JPY", 0],
    ["KWD", 3],
    ["USD", 2],
    ["EUR", 2],
    ["KRW", 0],
    ["BHD", 3],
    // ISO 4217 where CLDR (Intl) shows fewer digits
    ["HUF", 2],
    ["IDR", 2],
    ["IQD", 3],
  ])("%s has %d decimals", (currency, exponent) => {
    expect(minorUnitsOf(currency)).toBe(exponent);
  });

  it("defaults to CNY", () => {
    expect(minorUnitsOf()).toBe(2);
  });

  it.each(["XYZ", "cny", "", "YUAN"])("rejects %j", (currency) => {
    const error = errorOf(() => minorUnitsOf(currency));
    expect(error.code).toBe("CURRENCY_UNKNOWN");
    expect(error.message).toContain(`'${currency}'`);
  });
});

describe("minorToDecimalString", () => {
  it.each([
    [1234, "CNY", "12.34"],
    [5, "CNY", "0.05"],
    [-5, "CNY", "-0.05"],
    [0, "CNY", "0.00"],
    [1234, "JPY", "1234"],
    [1234, "KWD", "1.234"],
    [1, "KWD", "0.001"],
  ])("%d %s is %s", (amount, currency, text) => {
    expect(minorToDecimalString(amount, currency)).toBe(text);
  });
});

describe("formatMoney", () => {
  it.each([
    [1234, "CNY", "zh-CN", "¥12.34"],
    [123456789, "CNY", "zh-CN", "¥1,234,567.89"],
    [0, "CNY", "zh-CN", "¥0.00"],
    [-5, "CNY", "zh-CN", "-¥0.05"],
    [1234, "CNY", "en-GB", "CN¥12.34"],
    [-5, "CNY", "en-GB", "-CN¥0.05"],
    [1234, "JPY", "en-GB", "JP¥1,234"],
    [1234, "KWD", "en-GB", "KWD\u00a01.234"],
    [1234, "GBP", "en-GB", "£12.34"],
    [1234, "USD", "zh-CN", "US$12.34"],
    // every minor digit is shown even where CLDR would hide it
    [12345, "HUF", "en-GB", "HUF\u00a0123.45"],
    // exact beyond float precision: the amount reaches Intl as a decimal string
    [Number.MAX_SAFE_INTEGER, "CNY", "en-GB", "CN¥90,071,992,547,409.91"],
  ])("%d %s in %s is %s", (amount, currency, locale, text) => {
    expect(formatMoney(amount, currency, locale)).toBe(text);
  });

  it("defaults to CNY in zh-CN", () => {
    expect(formatMoney(990)).toBe("¥9.90");
  });

  it("rejects non-integer amounts and unknown currencies", () => {
    expect(errorOf(() => formatMoney(12.5)).code).toBe("MONEY_RANGE");
    expect(errorOf(() => formatMoney(Number.NaN)).code).toBe("MONEY_RANGE");
    expect(errorOf(() => formatMoney(100, "ABC")).code).toBe("CURRENCY_UNKNOWN");
  });
});

describe("parseMoney", () => {
  it.each([
    ["12.34", "CNY", 1234],
    ["12.3", "CNY", 1230],
    ["12", "CNY", 1200],
    ["0.01", "CNY", 1],
    ["0", "CNY", 0],
    [" 7.50\r\n", "CNY", 750],
    ["1234", "JPY", 1234],
    ["1.234", "KWD", 1234],
    ["1.2", "KWD", 1200],
    ["90071992547409.91", "CNY", Number.MAX_SAFE_INTEGER],
  ])("%j in %s is %d", (text, currency, minor) => {
    expect(parseMoney(text, currency)).toBe(minor);
  });

  it("says how many decimals the currency allows", () => {
    const error = errorOf(() => parseMoney("12.345", "CNY"));
    expect(error.code).toBe("MONEY_FORMAT");
    expect(error.message).toBe("Invalid amount '12.345': CNY has 2 decimal places, got 3");
    expect(errorOf(() => parseMoney("12.5", "JPY")).message).toBe(
      "Invalid amount '12.5': JPY has 0 decimal places, got 1",
    );
  });

  it.each(["", "-1", "1,000", "¥12", "12 元", "1e3", "12.", ".5", "NaN", "Infinity", "0x10"])(
    "rejects %j",
    (text) => {
      const error = errorOf(() => parseMoney(text));
      expect(error.code).toBe("MONEY_FORMAT");
      expect(error.message).toContain("expected digits with an optional decimal point, like 12.34");
    },
  );

  it("shows an example in the currency's own format", () => {
    expect(errorOf(() => parseMoney("abc", "KWD")).message).toContain("like 1.234");
    expect(errorOf(() => parseMoney("abc", "JPY")).message).toContain("like 1234");
  });

  it("rejects amounts beyond the safe-integer range", () => {
    expect(errorOf(() => parseMoney("90071992547409.92")).code).toBe("MONEY_RANGE");
  });

  it("round-trips with minorToDecimalString", () => {
    const random = seededRandom(11);
    for (const currency of ["CNY", "JPY", "KWD"]) {
      for (let index = 0; index < 500; index += 1) {
        const amount = randomInt(random, 0, 1_000_000_000);
        expect(parseMoney(minorToDecimalString(amount, currency), currency)).toBe(amount);
      }
    }
  });
});

describe("divideRoundHalfUp", () => {
  it.each([
    [5n, 2n, 3n],
    [4n, 2n, 2n],
    [7n, 2n, 4n],
    [1n, 3n, 0n],
    [2n, 3n, 1n],
    [0n, 7n, 0n],
    [25n, 10n, 3n],
    [24n, 10n, 2n],
  ])("%d / %d rounds to %d", (numerator, denominator, expected) => {
    expect(divideRoundHalfUp(numerator, denominator)).toBe(expected);
  });

  it("refuses negative numerators and non-positive denominators", () => {
    expect(() => divideRoundHalfUp(-1n, 2n)).toThrow(RangeError);
    expect(() => divideRoundHalfUp(1n, 0n)).toThrow(RangeError);
  });
});

describe("priceForWeight", () => {
  it.each([
    // ¥39.80/kg x 523.25 g = 3980 * 0.52325 = 2082.535 fen -> 2083
    [3980, 523_250, 2083],
    // ¥12.98/kg x 1 kg
    [1298, 1_000_000, 1298],
    // exact halves round up: 1 fen/kg x 500 g = 0.5 -> 1; 5 fen/kg x 500 g = 2.5 -> 3 (not banker's 2)
    [1, 500_000, 1],
    [5, 500_000, 3],
    [1000, 500, 1],
    // just below a half rounds down: 1000 fen/kg x 0.499 g = 0.499 fen
    [1000, 499, 0],
    [0, 523_250, 0],
    [3980, 0, 0],
    // intermediate product 10^18 > 2^53 is still exact: ¥10,000,000/kg x 1000 kg
    [1_000_000_000, 1_000_000_000, 1_000_000_000_000],
  ])("%d per kg x %d milli-grams = %d", (pricePerKg, weight, expected) => {
    expect(priceForWeight(pricePerKg, weight)).toBe(expected);
  });

  it("agrees with exact decimal arithmetic on random inputs", () => {
    const random = seededRandom(3);
    for (let index = 0; index < 2000; index += 1) {
      const pricePerKg = randomInt(random, 0, 99_999);
      const weight = randomInt(random, 0, 30_000_000);
      const exactTimesMillion = pricePerKg * weight;
      const floor = Math.floor(exactTimesMillion / 1_000_000);
      const remainder = exactTimesMillion % 1_000_000;
      expect(priceForWeight(pricePerKg, weight)).toBe(remainder >= 500_000 ? floor + 1 : floor);
    }
  });

  it("guards its inputs and its result", () => {
    expect(errorOf(() => priceForWeight(-1, 1000)).code).toBe("MONEY_RANGE");
    expect(errorOf(() => priceForWeight(100, -1000)).code).toBe("MONEY_RANGE");
    expect(errorOf(() => priceForWeight(12.5, 1000)).code).toBe("MONEY_RANGE");
    expect(errorOf(() => priceForWeight(100, 1.5)).code).toBe("QUANTITY_RANGE");
    expect(errorOf(() => priceForWeight(Number.MAX_SAFE_INTEGER, 2_000_000)).code).toBe("MONEY_RANGE");
  });
});

describe("priceForUnits and assertMinorUnits", () => {
  it("multiplies exactly and guards the range", () => {
    expect(priceForUnits(590, 3)).toBe(1770);
    expect(priceForUnits(0, 3)).toBe(0);
    expect(errorOf(() => priceForUnits(590, 1.5)).code).toBe("MONEY_RANGE");
    expect(errorOf(() => priceForUnits(-1, 1)).code).toBe("MONEY_RANGE");
    expect(errorOf(() => priceForUnits(Number.MAX_SAFE_INTEGER, 2)).code).toBe("MONEY_RANGE");
  });

  it("assertMinorUnits accepts safe integers only", () => {
    expect(() => assertMinorUnits(-100)).not.toThrow();
    expect(errorOf(() => assertMinorUnits(0.1)).message).toBe(
      "Amount 0.1 is not a safe integer of minor units",
    );
  });
});
