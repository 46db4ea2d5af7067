import { describe, expect, it } from "vitest";
import { gtinCheckDigit } from "./gtin";
import { classifyScan } from "./scan";
import { errorOf } from "./testing.test-helper";
import { defaultNomenclature, nomenclatureSchema } from "./variable-measure";

const GS = String.fromCharCode(29);
const withEanCheck = (body: string) => `${body}${gtinCheckDigit(body)}`;

describe("classifyScan", () => {
  it.each([
    ["4006381333931", "EAN-13", "04006381333931"],
    ["036000291452", "UPC-A", "00036000291452"],
    ["04252614", "UPC-E", "00042100005264"],
    ["96385074", "EAN-8", "00000096385074"],
    ["10012345678902", "GTIN-14", "10012345678902"],
  ])("reads %s as a %s GTIN", (code, format, gtin14) => {
    expect(classifyScan(code, defaultNomenclature)).toEqual({ kind: "gtin", code, format, gtin14 });
  });

  it.each([
    ["keyboard wedge CR", "4006381333931\r"],
    ["keyboard wedge CRLF", "4006381333931\r\n"],
    ["keyboard wedge LF", "4006381333931\n"],
    ["surrounding spaces", "  4006381333931  "],
    ["AIM identifier for EAN-13", "]E04006381333931"],
    ["bracketed element string", "(01)04006381333931"],
    ["bracketed element string with more AIs", "(01)04006381333931(17)271231(10)LOT42"],
    ["unbracketed element string", "0104006381333931"],
    ["GS1-128 with AIM identifier and further AIs", `]C1010400638133393117271231${GS}10LOT42`],
    ["GS1 DataMatrix with leading FNC1", `]d2${GS}0104006381333931`],
  ])("finds the same GTIN through a %s", (_source, raw) => {
    expect(classifyScan(raw, defaultNomenclature)).toMatchObject({ kind: "gtin", gtin14: "04006381333931" });
  });

  it("reads PLUs", () => {
    expect(classifyScan("4011\r\n", defaultNomenclature)).toEqual({
      kind: "plu",
      code: "4011",
      plu: "4011",
      basePlu: "4011",
      organic: false,
    });
    expect(classifyScan("94011", defaultNomenclature)).toEqual({
      kind: "plu",
      code: "94011",
      plu: "94011",
      basePlu: "4011",
      organic: true,
    });
  });

  it("reads weight and price labels with the store's nomenclature", () => {
    expect(classifyScan("2012345012349\r\n", defaultNomenclature)).toEqual({
      kind: "variable",
      code: "2012345012349",
      label: {
        code: "2012345012349",
        prefix: "20",
        itemReference: "2012345",
        kind: "weight",
        weightG: 1_234_000,
      },
    });
    // the UPC-A random-weight form (12 digits, leading 2) becomes EAN-13 02...
    expect(classifyScan("212345212998", defaultNomenclature)).toEqual({
      kind: "variable",
      code: "212345212998",
      label: {
        code: "0212345212998",
        prefix: "02",
        itemReference: "0212345",
        kind: "price",
        priceMinor: 1299,
      },
    });
  });

  it("uses the nomenclature it is given, and the currency option for prices", () => {
    const yen = nomenclatureSchema.parse([
      { prefix: "23", kind: "price", itemDigits: 5, valueDigits: 5, valueDecimals: 0 },
    ]);
    const body = "230004201299";
    const code = `${body}${gtinCheckDigit(body)}`;
    expect(classifyScan(code, yen, { currency: "JPY" })).toMatchObject({ label: { priceMinor: 1299 } });
    expect(errorOf(() => classifyScan(code, defaultNomenclature)).code).toBe("BARCODE_UNKNOWN_PREFIX");
  });

  it("passes a decoder's symbology through for 8-digit codes", () => {
    expect(classifyScan("01234565", defaultNomenclature)).toMatchObject({ format: "UPC-E" });
    expect(classifyScan("01234565", defaultNomenclature, { symbology: "EAN-8" })).toMatchObject({
      format: "EAN-8",
      gtin14: "00000001234565",
    });
  });

  it("uses the default nomenclature when none is given", () => {
    expect(classifyScan("2012345012349")).toMatchObject({ kind: "variable" });
  });

  it.each([
    ["", "BARCODE_FORMAT", "Empty scan: no digits were read"],
    ["\r\n", "BARCODE_FORMAT", "Empty scan: no digits were read"],
    [
      "4006381333932",
      "BARCODE_CHECK_DIGIT",
      "Bad check digit in '4006381333932' (EAN-13): expected 1, got 2",
    ],
    [
      "(01)04006381333932",
      "BARCODE_CHECK_DIGIT",
      "Bad check digit in '04006381333932' (GTIN-14): expected 1, got 2",
    ],
    ["2012345012340", "BARCODE_CHECK_DIGIT", "expected 9, got 0"],
    [withEanCheck("201234500000"), "BARCODE_ZERO_MEASURE", "zero weight"],
    // price check digit 5 where 14685 needs 6, with a correct EAN-13 check digit
    [withEanCheck("221234514685"), "BARCODE_PRICE_CHECK_DIGIT", "Bad price check digit"],
    ["1234", "PLU_FORMAT", "Invalid PLU '1234'"],
    ["abc123", "BARCODE_FORMAT", "Invalid barcode 'abc123': only digits are allowed"],
    ["(01)123", "BARCODE_FORMAT", "expected (01) followed by 14 digits"],
    ["(10)LOT42", "BARCODE_FORMAT", "expected (01) followed by 14 digits"],
    ["123456", "BARCODE_FORMAT", "6 digits"],
    ["1234567890", "BARCODE_FORMAT", "10 digits"],
    // 16 digits that are not AI (01)
    ["1704006381333931", "BARCODE_FORMAT", "16 digits"],
  ])("rejects %j with %s", (raw, code, message) => {
    const error = errorOf(() => classifyScan(raw, defaultNomenclature));
    expect(error.code).toBe(code);
    expect(error.message).toContain(message);
  });
});
