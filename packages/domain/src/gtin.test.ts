import { describe, expect, it } from "vitest";
import {
  compressUpcA,
  expandUpcE,
  gtinCheckDigit,
  isValidGtin,
  normalizeGtin,
  parseGtin,
  withCheckDigit,
} from "./gtin";
import { errorOf, randomDigits, randomInt, seededRandom } from "./testing.test-helper";

describe("gtinCheckDigit", () => {
  // Weights 3, 1, 3, ... from the right of the body; check = (10 - sum mod 10) mod 10.
  it.each([
    // 4006381333931 (EAN-13): body reversed 3 9 3 3 3 1 8 3 6 0 0 4
    // 9+9+9+3+9+1+24+3+18+0+0+4 = 89 -> 1
    ["400638133393", 1],
    // 036000291452 (UPC-A): 5 4 1 9 2 0 0 0 6 3 0 -> 15+4+3+9+6+0+0+0+18+3+0 = 58 -> 2
    ["03600029145", 2],
    // 5901234123457 (EAN-13): 5 4 3 2 1 4 3 2 1 0 9 5 -> 15+4+9+2+3+4+9+2+3+0+27+5 = 83 -> 7
    ["590123412345", 7],
    // 96385074 (EAN-8): 7 0 5 8 3 6 9 -> 21+0+15+8+9+6+27 = 86 -> 4
    ["9638507", 4],
    // 10012345678902 (GTIN-14): 0 9 8 7 6 5 4 3 2 1 0 0 1 -> 0+9+24+7+18+5+12+3+6+1+0+0+3 = 88 -> 2
    ["1001234567890", 2],
    // 6901234567892 (a Chinese 690 prefix): 9 8 7 6 5 4 3 2 1 0 9 6 -> 27+8+21+6+15+4+9+2+3+0+27+6 = 128 -> 2
    ["690123456789", 2],
    // sum already a multiple of ten -> 0
    ["0000000000000", 0],
  ])("body %s -> %d", (body, digit) => {
    expect(gtinCheckDigit(body)).toBe(digit);
    expect(withCheckDigit(body)).toBe(`${body}${digit}`);
  });

  it("rejects non-digits, empty and overlong bodies", () => {
    expect(errorOf(() => gtinCheckDigit("12a4")).code).toBe("BARCODE_FORMAT");
    expect(errorOf(() => gtinCheckDigit("")).message).toBe("Empty GTIN body: no digits were read");
    expect(errorOf(() => gtinCheckDigit("1".repeat(18))).code).toBe("BARCODE_FORMAT");
  });

  it("gives every 12-digit body exactly one valid check digit", () => {
    const random = seededRandom(1);
    for (let index = 0; index < 1000; index += 1) {
      const body = `${randomInt(random, 1, 9)}${randomDigits(random, 11)}`;
      const valid = Array.from({ length: 10 }, (_, digit) => digit).filter((digit) =>
        isValidGtin(`${body}${digit}`),
      );
      expect(valid).toEqual([gtinCheckDigit(body)]);
    }
  });

  it("detects every single-digit substitution", () => {
    const random = seededRandom(2);
    const undetected: string[] = [];
    for (let index = 0; index < 200; index += 1) {
      const code = withCheckDigit(`${randomInt(random, 1, 9)}${randomDigits(random, 11)}`);
      for (let position = 0; position < code.length; position += 1) {
        for (let digit = 0; digit <= 9; digit += 1) {
          if (String(digit) === code[position]) continue;
          const tampered = `${code.slice(0, position)}${digit}${code.slice(position + 1)}`;
          if (isValidGtin(tampered)) undetected.push(tampered);
        }
      }
    }
    expect(undetected).toEqual([]);
  });

  it("detects adjacent transpositions unless the digits differ by 5 (the known mod-10 blind spot)", () => {
    const random = seededRandom(4);
    for (let index = 0; index < 500; index += 1) {
      const code = withCheckDigit(`${randomInt(random, 1, 9)}${randomDigits(random, 11)}`);
      for (let position = 0; position < code.length - 1; position += 1) {
        const a = code.charAt(position);
        const b = code.charAt(position + 1);
        if (a === b) continue;
        const swapped = `${code.slice(0, position)}${b}${a}${code.slice(position + 2)}`;
        expect(isValidGtin(swapped)).toBe(Math.abs(Number(a) - Number(b)) === 5);
      }
    }
  });
});

describe("expandUpcE", () => {
  it.each([
    // last data digit 0-2: manufacturer d1 d2 d6 00, item 00 d3 d4 d5
    ["04252614", "042100005264"],
    ["01234505", "012000003455"],
    // last data digit 3: manufacturer d1 d2 d3 00, item 000 d4 d5
    ["01234531", "012300000451"],
    // last data digit 4: manufacturer d1 d2 d3 d4 0, item 0000 d5
    ["01234543", "012340000053"],
    // last data digit 5-9: manufacturer d1..d5, item 0000 d6
    ["01234565", "012345000065"],
    // number system 1
    ["12345670", "123456000070"],
  ])("%s -> %s", (upcE, upcA) => {
    expect(expandUpcE(upcE)).toBe(upcA);
    expect(isValidGtin(upcA)).toBe(true);
  });

  it("accepts 7 digits (no check digit) and 6 data digits (number system 0)", () => {
    expect(expandUpcE("0425261")).toBe("042100005264");
    expect(expandUpcE("425261")).toBe("042100005264");
    expect(expandUpcE("1234567")).toBe("123456000070");
  });

  it("names the code and the expected digit on a bad check digit", () => {
    const error = errorOf(() => expandUpcE("04252615"));
    expect(error.code).toBe("BARCODE_CHECK_DIGIT");
    expect(error.message).toBe("Bad check digit in '04252615' (UPC-E): expected 4, got 5");
    expect(error.details).toMatchObject({ code: "04252615", expected: 4, got: 5 });
  });

  it.each([
    ["24252614", "number system must be 0 or 1, got 2"],
    ["0425", "4 digits, expected 6, 7 or 8"],
    ["042526140", "9 digits, expected 6, 7 or 8"],
    ["0425261x", "only digits are allowed"],
  ])("rejects %s", (code, message) => {
    const error = errorOf(() => expandUpcE(code));
    expect(error.code).toBe("BARCODE_FORMAT");
    expect(error.message).toContain(message);
  });
});

describe("compressUpcA", () => {
  it.each([
    ["042100005264", "04252614"],
    ["012000003455", "01234505"],
    ["012300000451", "01234531"],
    ["012340000053", "01234543"],
    ["012345000065", "01234565"],
    ["123456000070", "12345670"],
  ])("%s -> %s", (upcA, upcE) => {
    expect(compressUpcA(upcA)).toBe(upcE);
  });

  it.each([
    // number system 2..9 has no UPC-E form
    ["212345000067"],
    // too few zeros
    ["036000291452"],
    ["012345100000"],
  ])("returns null for %s", (upcA) => {
    expect(compressUpcA(withCheckDigit(upcA.slice(0, 11)))).toBeNull();
  });

  it("checks its input", () => {
    expect(errorOf(() => compressUpcA("04210000526")).code).toBe("BARCODE_FORMAT");
    expect(errorOf(() => compressUpcA("042100005265")).code).toBe("BARCODE_CHECK_DIGIT");
  });

  it("round-trips: UPC-E bodies expand to a UPC-A that compresses back to an equivalent UPC-E", () => {
    const broken: string[] = [];
    for (const numberSystem of ["0", "1"]) {
      // every last digit (the rule selector) with many bodies each
      for (let data = 0; data < 1_000_000; data += 101) {
        const upcA = expandUpcE(`${numberSystem}${String(data).padStart(6, "0")}`);
        const upcE = compressUpcA(upcA);
        if (upcE === null || expandUpcE(upcE) !== upcA) broken.push(upcA);
      }
    }
    expect(broken).toEqual([]);
  });

  it("round-trips: a compressible UPC-A expands back to itself", () => {
    const random = seededRandom(5);
    const broken: string[] = [];
    let compressible = 0;
    for (let index = 0; index < 5000; index += 1) {
      // number system, 5 manufacturer and 5 item digits with a random run of zeros in the middle
      const zeros = randomInt(random, 3, 6);
      const before = randomInt(random, 1, 10 - zeros);
      const body = `${randomInt(random, 0, 1)}${randomDigits(random, before)}${"0".repeat(zeros)}${randomDigits(random, 10 - zeros - before)}`;
      const upcA = withCheckDigit(body);
      const upcE = compressUpcA(upcA);
      if (upcE === null) continue;
      compressible += 1;
      if (expandUpcE(upcE) !== upcA) broken.push(upcA);
    }
    expect(broken).toEqual([]);
    expect(compressible).toBeGreaterThan(500);
  });
});

describe("normalizeGtin and parseGtin", () => {
  it.each([
    ["4006381333931", "EAN-13", "04006381333931"],
    ["036000291452", "UPC-A", "00036000291452"],
    ["0036000291452", "EAN-13", "00036000291452"],
    ["00036000291452", "GTIN-14", "00036000291452"],
    ["96385074", "EAN-8", "00000096385074"],
    ["04252614", "UPC-E", "00042100005264"],
    ["10012345678902", "GTIN-14", "10012345678902"],
    ["6901234567892", "EAN-13", "06901234567892"],
  ])("%s is %s -> %s", (code, format, gtin14) => {
    expect(parseGtin(code)).toEqual({ code, format, gtin14 });
    expect(normalizeGtin(code)).toBe(gtin14);
  });

  it("normalizes every printed form of one product to the same GTIN-14", () => {
    const forms = ["04252614", "042100005264", "0042100005264", "00042100005264"];
    expect(new Set(forms.map((form) => normalizeGtin(form)))).toEqual(new Set(["00042100005264"]));
  });

  it("trims whitespace, including a keyboard wedge's CR/LF", () => {
    expect(normalizeGtin("  4006381333931\r\n")).toBe("04006381333931");
    expect(normalizeGtin("\t036000291452\n")).toBe("00036000291452");
  });

  it("names the code, the expected and the found digit on a bad check digit", () => {
    const error = errorOf(() => normalizeGtin("4006381333932"));
    expect(error.code).toBe("BARCODE_CHECK_DIGIT");
    expect(error.message).toBe("Bad check digit in '4006381333932' (EAN-13): expected 1, got 2");
    expect(error.details).toEqual({ code: "4006381333932", expected: 1, got: 2 });
    expect(errorOf(() => normalizeGtin("036000291453")).message).toBe(
      "Bad check digit in '036000291453' (UPC-A): expected 2, got 3",
    );
    expect(errorOf(() => normalizeGtin("10012345678903")).message).toBe(
      "Bad check digit in '10012345678903' (GTIN-14): expected 2, got 3",
    );
  });

  it.each([
    ["40063813339", "11 digits"],
    ["12345", "5 digits"],
    ["1234567890", "10 digits"],
    ["123456789012345", "15 digits"],
  ])("rejects %j by length", (code, digits) => {
    const error = errorOf(() => normalizeGtin(code));
    expect(error.code).toBe("BARCODE_FORMAT");
    expect(error.message).toBe(
      `Invalid barcode '${code}': ${digits}, expected 8 (EAN-8 or UPC-E), 12 (UPC-A), 13 (EAN-13) or 14 (GTIN-14)`,
    );
  });

  it("rejects an empty scan", () => {
    expect(errorOf(() => normalizeGtin(" \r\n")).message).toBe("Empty barcode: no digits were read");
  });

  it.each(["400638133393A", "4006381-333931", "4006 381333931", "４００６３８１３３３９３１"])(
    "rejects non-digits in %j",
    (code) => {
      const error = errorOf(() => normalizeGtin(code));
      expect(error.code).toBe("BARCODE_FORMAT");
      expect(error.message).toBe(`Invalid barcode '${code}': only digits are allowed`);
    },
  );

  it("rejects the all-zero GTIN", () => {
    expect(errorOf(() => normalizeGtin("0000000000000")).message).toContain("cannot be all zeros");
    expect(errorOf(() => normalizeGtin("00000000")).message).toContain("cannot be all zeros");
  });

  describe("eight digits: EAN-8 or UPC-E", () => {
    it("reads EAN-8 when the first digit cannot be a UPC-E number system", () => {
      expect(parseGtin("96385074").format).toBe("EAN-8");
      expect(errorOf(() => parseGtin("96385075")).message).toBe(
        "Bad check digit in '96385075' (EAN-8): expected 4, got 5",
      );
    });

    it("prefers UPC-E when both readings are valid, unless told the symbology", () => {
      // 01234565 is a valid UPC-E (-> 012345000065) and a valid EAN-8
      // (0 1 2 3 4 5 6 reversed: 6 5 4 3 2 1 0 -> 18+5+12+3+6+1+0 = 45 -> 5)
      expect(parseGtin("01234565").format).toBe("UPC-E");
      expect(parseGtin("01234565", { symbology: "EAN-8" })).toEqual({
        code: "01234565",
        format: "EAN-8",
        gtin14: "00000001234565",
      });
      expect(normalizeGtin("01234565", { symbology: "UPC-E" })).toBe("00012345000065");
    });

    it("falls back to EAN-8 when only the EAN-8 reading is valid", () => {
      // 0 1 2 3 4 5 0: EAN-8 check: 0 5 4 3 2 1 0 -> 0+5+12+3+6+1+0 = 27 -> 3; as UPC-E it would need 5
      expect(parseGtin("01234503")).toEqual({ code: "01234503", format: "EAN-8", gtin14: "00000001234503" });
    });

    it("reports both expected digits when neither reading is valid", () => {
      // as UPC-E 0425261_ needs 4 (042100005264); as EAN-8: 1 6 2 5 2 4 0 -> 3+6+6+5+6+4+0 = 30 -> 0
      expect(parseGtin("04252610").format).toBe("EAN-8");
      const error = errorOf(() => parseGtin("04252612"));
      expect(error.code).toBe("BARCODE_CHECK_DIGIT");
      expect(error.message).toBe("Bad check digit in '04252612': expected 4 as UPC-E or 0 as EAN-8, got 2");
      expect(error.details).toEqual({ code: "04252612", expected: 4, expectedEan8: 0, got: 2 });
    });

    it("honours an explicit symbology's check digit", () => {
      expect(errorOf(() => parseGtin("04252614", { symbology: "EAN-8" })).code).toBe("BARCODE_CHECK_DIGIT");
      expect(errorOf(() => parseGtin("96385074", { symbology: "UPC-E" })).code).toBe("BARCODE_FORMAT");
    });
  });

  it("isValidGtin mirrors parseGtin without throwing", () => {
    expect(isValidGtin("4006381333931")).toBe(true);
    expect(isValidGtin(" 036000291452 ")).toBe(true);
    expect(isValidGtin("4006381333932")).toBe(false);
    expect(isValidGtin("abc")).toBe(false);
    expect(isValidGtin("123")).toBe(false);
  });
});
