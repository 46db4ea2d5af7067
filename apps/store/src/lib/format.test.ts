import { describe, expect, it } from "vitest";
import {
  formatDistance,
  formatPrice,
  formatStockQuantity,
  printedBarcode,
  shiftDecimalPoint,
  stockState,
} from "./format";

describe("formatPrice", () => {
  it("shows the store's currency format whatever the UI language", () => {
    expect(formatPrice(1280, "CNY")).toBe("¥12.80");
    expect(formatPrice(5, "CNY")).toBe("¥0.05");
  });
});

describe("shiftDecimalPoint", () => {
  it("moves the point without floating-point arithmetic", () => {
    expect(shiftDecimalPoint(1_234_567, 6)).toBe("1.234567");
    expect(shiftDecimalPoint(5, 3)).toBe("0.005");
    expect(shiftDecimalPoint(-1500, 3)).toBe("-1.500");
  });
});

describe("formatStockQuantity", () => {
  it("shows counts for products sold by the piece", () => {
    expect(formatStockQuantity("24.000", "EACH", "en")).toBe("24");
    expect(formatStockQuantity("1250", "EACH", "zh-CN")).toBe("1,250");
  });

  it("shows weighed stock in kilograms from one kilogram up, exactly to the gram", () => {
    expect(formatStockQuantity("12500.000", "WEIGHT", "en")).toBe("12.5 kg");
    expect(formatStockQuantity("1000", "WEIGHT", "en")).toBe("1 kg");
    expect(formatStockQuantity("2345.5", "WEIGHT", "en")).toBe("2.346 kg");
  });

  it("shows weighed stock under a kilogram in grams, keeping fractions of a gram", () => {
    expect(formatStockQuantity("523.25", "WEIGHT", "en")).toBe("523.25 g");
    expect(formatStockQuantity("0", "WEIGHT", "en")).toBe("0 g");
  });

  it("rejects text that is not an exact decimal", () => {
    expect(() => formatStockQuantity("1e3", "EACH", "en")).toThrow(/exponent/);
  });
});

describe("stockState", () => {
  it("is out at zero or below", () => {
    expect(stockState("0.000")).toBe("out");
    expect(stockState("-1")).toBe("out");
  });

  it("is low at or under the reorder point", () => {
    expect(stockState("5", "5.000")).toBe("low");
    expect(stockState("5.001", "5")).toBe("in");
  });

  it("is in stock without a reorder point", () => {
    expect(stockState("0.001")).toBe("in");
  });
});

describe("formatDistance", () => {
  it("shows a radius in kilometres, to a tenth", () => {
    expect(formatDistance(3000, "en")).toBe("3 km");
    expect(formatDistance(2500, "zh-CN")).toBe("2.5 km");
    expect(formatDistance(12_340, "en")).toBe("12.3 km");
  });
});

describe("printedBarcode", () => {
  it("shows GTINs as printed on the pack", () => {
    expect(printedBarcode("GTIN", "06901234567892")).toEqual({
      symbology: "EAN-13",
      digits: "6901234567892",
    });
    expect(printedBarcode("GTIN", "00000069312342")).toEqual({ symbology: "EAN-8", digits: "69312342" });
    expect(printedBarcode("GTIN", "16901234567899")).toEqual({
      symbology: "GTIN-14",
      digits: "16901234567899",
    });
  });

  it("shows PLUs and scale-label item references as they are", () => {
    expect(printedBarcode("PLU", "4011")).toEqual({ symbology: "PLU", digits: "4011" });
    expect(printedBarcode("VARIABLE_MEASURE", "2012345")).toEqual({ symbology: "GS1", digits: "2012345" });
  });
});
