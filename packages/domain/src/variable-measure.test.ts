import { describe, expect, it } from "vitest";
import { gtinCheckDigit } from "./gtin";
import { errorOf, randomDigits, randomInt, seededRandom } from "./testing.test-helper";
import {
  buildVariableMeasureBarcode,
  defaultNomenclature,
  nomenclatureSchema,
  parseVariableMeasure,
  priceCheckDigit,
  variableMeasureRuleFor,
  type Nomenclature,
} from "./variable-measure";

describe("priceCheckDigit (GS1 General Specifications 7.9.3)", () => {
  it.each([
    // 4 digits, weights 2- 2- 3 5-: 2->4, 8->5 (16: 6-1), 7->1 (21), 5->3 (25: 5-2); 13 x 3 = 39 -> 9
    ["2875", 9],
    // 1->2, 2->4, 9->7 (27), 9->1 (45: 5-4); 14 x 3 = 42 -> 2
    ["1299", 2],
    ["0000", 0],
    // 5 digits, weights 5+ 2- 5- 5+ 2-: 1->5, 4->8, 6->7 (30: 0-3), 8->4 (40: 4+0), 5->9 (10: 0-1);
    // 33 -> 40 - 33 = 7, and 6 is the digit whose 5- product is 7 (30: 0-3 = -3 -> 7)
    ["14685", 6],
    ["00000", 0],
  ])("%s -> %d", (value, digit) => {
    expect(priceCheckDigit(value)).toBe(digit);
  });

  it("rejects other lengths and non-digits", () => {
    expect(errorOf(() => priceCheckDigit("123")).code).toBe("BARCODE_FORMAT");
    expect(errorOf(() => priceCheckDigit("123456")).code).toBe("BARCODE_FORMAT");
    expect(errorOf(() => priceCheckDigit("12a4")).code).toBe("BARCODE_FORMAT");
  });

  it("detects every single-digit error in every 4-digit price", () => {
    let undetected = 0;
    for (let value = 0; value < 10_000; value += 1) {
      const digits = String(value).padStart(4, "0");
      const check = priceCheckDigit(digits);
      for (let position = 0; position < 4; position += 1) {
        for (let digit = 0; digit <= 9; digit += 1) {
          if (String(digit) === digits[position]) continue;
          const tampered = `${digits.slice(0, position)}${digit}${digits.slice(position + 1)}`;
          if (priceCheckDigit(tampered) === check) undetected += 1;
        }
      }
    }
    expect(undetected).toBe(0);
  });

  it("detects every single-digit error in 5-digit prices", () => {
    let undetected = 0;
    for (let value = 0; value < 100_000; value += 13) {
      const digits = String(value).padStart(5, "0");
      const check = priceCheckDigit(digits);
      for (let position = 0; position < 5; position += 1) {
        for (let digit = 0; digit <= 9; digit += 1) {
          if (String(digit) === digits[position]) continue;
          const tampered = `${digits.slice(0, position)}${digit}${digits.slice(position + 1)}`;
          if (priceCheckDigit(tampered) === check) undetected += 1;
        }
      }
    }
    expect(undetected).toBe(0);
  });
});

describe("parseVariableMeasure with the default nomenclature", () => {
  it("reads an embedded weight (prefix 20, kg with 3 decimals -> grams)", () => {
    // 20 | 12345 | 01234 | check: 4 3 2 1 0 5 4 3 2 1 0 2 -> 12+3+6+1+0+5+12+3+6+1+0+2 = 51 -> 9
    expect(parseVariableMeasure("2012345012349")).toEqual({
      code: "2012345012349",
      prefix: "20",
      itemReference: "2012345",
      kind: "weight",
      weightG: 1_234_000,
    });
  });

  it("reads an embedded price (prefix 21, 2 decimals)", () => {
    const body = "210004201299";
    const code = `${body}${gtinCheckDigit(body)}`;
    expect(parseVariableMeasure(code)).toEqual({
      code,
      prefix: "21",
      itemReference: "2100042",
      kind: "price",
      priceMinor: 1299,
    });
  });

  it("verifies a 5-digit price check digit (prefix 22)", () => {
    // 22 | 1234 | 6 | 14685 | check: 5 8 6 4 1 6 4 3 2 1 2 2 -> 15+8+18+4+3+6+12+3+6+1+6+2 = 84 -> 6
    expect(parseVariableMeasure("2212346146856")).toMatchObject({
      itemReference: "221234",
      kind: "price",
      priceMinor: 14685,
    });
    const tampered = "221234" + "5" + "14685";
    const code = `${tampered}${gtinCheckDigit(tampered)}`;
    const error = errorOf(() => parseVariableMeasure(code));
    expect(error.code).toBe("BARCODE_PRICE_CHECK_DIGIT");
    expect(error.message).toBe(
      `Bad price check digit in '${code}': expected 6 for price digits 14685, got 5`,
    );
  });

  it("reads the UPC-A random-weight form (leading 2) as EAN-13 02...", () => {
    // UPC-A 2 12345 2 1299 8: price check of 1299 is 2; EAN-13 check of 021234521299 is 8
    const expected = {
      code: "0212345212998",
      prefix: "02",
      itemReference: "0212345",
      kind: "price",
      priceMinor: 1299,
    };
    expect(parseVariableMeasure("212345212998")).toEqual(expected);
    expect(parseVariableMeasure("0212345212998")).toEqual(expected);
    expect(parseVariableMeasure("00212345212998")).toEqual(expected);
  });

  it("names the code and expected digit on a bad EAN-13 check digit", () => {
    const error = errorOf(() => parseVariableMeasure("2012345012340"));
    expect(error.code).toBe("BARCODE_CHECK_DIGIT");
    expect(error.message).toBe(
      "Bad check digit in '2012345012340' (variable-measure EAN-13): expected 9, got 0",
    );
  });

  it("rejects a prefix the store has not configured", () => {
    const body = "250004201299";
    const code = `${body}${gtinCheckDigit(body)}`;
    const error = errorOf(() => parseVariableMeasure(code));
    expect(error.code).toBe("BARCODE_UNKNOWN_PREFIX");
    expect(error.message).toBe(
      `No variable-measure rule for '${code}': this store's nomenclature has prefixes 02, 20, 21, 22`,
    );
  });

  it("rejects a zero weight or price", () => {
    const body = "201234500000";
    const code = `${body}${gtinCheckDigit(body)}`;
    const error = errorOf(() => parseVariableMeasure(code));
    expect(error.code).toBe("BARCODE_ZERO_MEASURE");
    expect(error.message).toBe(`Label '${code}' for item 2012345 carries a zero weight`);
    const priceBody = "210004200000";
    expect(errorOf(() => parseVariableMeasure(`${priceBody}${gtinCheckDigit(priceBody)}`)).code).toBe(
      "BARCODE_ZERO_MEASURE",
    );
  });

  it.each([
    ["4006381333931", "is not a variable-measure barcode"],
    ["036000291452", "expected 13 digits (EAN-13) or a 12-digit UPC-A starting with 2"],
    ["20123450123", "expected 13 digits"],
    ["201234501234x", "only digits are allowed"],
    ["10212345212998", "expected 13 digits"],
  ])("rejects %s as malformed", (code, message) => {
    const error = errorOf(() => parseVariableMeasure(code));
    expect(error.code).toBe("BARCODE_FORMAT");
    expect(error.message).toContain(message);
  });
});

describe("custom nomenclatures", () => {
  const store: Nomenclature = nomenclatureSchema.parse([
    {
      prefix: "28",
      kind: "weight",
      itemDigits: 4,
      valueDigits: 5,
      valueDecimals: 3,
      hasPriceCheckDigit: true,
    },
    { prefix: "29", kind: "price", itemDigits: 5, valueDigits: 5, valueDecimals: 1 },
    // a finer split of prefix 29: weight in kg with 2 decimals
    { prefix: "295", kind: "weight", itemDigits: 4, valueDigits: 5, valueDecimals: 2 },
  ]);

  it("uses the longest matching prefix", () => {
    // 295 | 1234 | 00150 -> 1.50 kg = 1500 g
    const body = "295123400150";
    expect(parseVariableMeasure(`${body}${gtinCheckDigit(body)}`, store)).toMatchObject({
      prefix: "295",
      itemReference: "2951234",
      kind: "weight",
      weightG: 1_500_000,
    });
    // 29 | 41234 | 01299 -> 129.9 with 1 decimal -> 12990 fen
    const priceBody = "294123401299";
    expect(parseVariableMeasure(`${priceBody}${gtinCheckDigit(priceBody)}`, store)).toMatchObject({
      prefix: "29",
      itemReference: "2941234",
      kind: "price",
      priceMinor: 12990,
    });
  });

  it("supports a weight with a measure check digit", () => {
    const value = "02500";
    const body = `281234${priceCheckDigit(value)}${value}`;
    expect(parseVariableMeasure(`${body}${gtinCheckDigit(body)}`, store)).toMatchObject({
      itemReference: "281234",
      weightG: 2_500_000,
    });
  });

  it("scales prices to the currency's minor unit, and refuses more decimals than it has", () => {
    const yen = nomenclatureSchema.parse([
      { prefix: "23", kind: "price", itemDigits: 5, valueDigits: 5, valueDecimals: 0 },
    ]);
    const body = "230004201299";
    expect(parseVariableMeasure(`${body}${gtinCheckDigit(body)}`, yen, "JPY")).toMatchObject({
      priceMinor: 1299,
    });
    expect(parseVariableMeasure(`${body}${gtinCheckDigit(body)}`, yen, "CNY")).toMatchObject({
      priceMinor: 129900,
    });
    const cnyBody = "210004201299";
    const error = errorOf(() =>
      parseVariableMeasure(`${cnyBody}${gtinCheckDigit(cnyBody)}`, defaultNomenclature, "JPY"),
    );
    expect(error.code).toBe("NOMENCLATURE_INVALID");
    expect(error.message).toBe("Rule 21 prices with 2 decimals but JPY has 0");
  });

  it("validates a nomenclature that bypassed the schema", () => {
    const broken = [
      {
        prefix: "20",
        kind: "weight",
        itemDigits: 5,
        valueDigits: 4,
        valueDecimals: 3,
        hasPriceCheckDigit: false,
      },
    ] as const;
    const error = errorOf(() => parseVariableMeasure("2012345012349", broken));
    expect(error.code).toBe("NOMENCLATURE_INVALID");
    expect(error.message).toContain("rule 20 lays out 12 digits");
  });
});

describe("nomenclatureSchema", () => {
  it("accepts the default nomenclature and fills hasPriceCheckDigit", () => {
    expect(nomenclatureSchema.parse(defaultNomenclature)).toEqual(defaultNomenclature);
    expect(
      nomenclatureSchema.parse([
        { prefix: "20", kind: "weight", itemDigits: 5, valueDigits: 5, valueDecimals: 3 },
      ])[0]?.hasPriceCheckDigit,
    ).toBe(false);
  });

  it.each([
    [[], "Too small"],
    [
      [{ prefix: "19", kind: "weight", itemDigits: 5, valueDigits: 5, valueDecimals: 3 }],
      "prefix must be 02 or 20-29",
    ],
    [
      [{ prefix: "2", kind: "weight", itemDigits: 6, valueDigits: 5, valueDecimals: 3 }],
      "prefix must be 02 or 20-29",
    ],
    [
      [{ prefix: "20", kind: "weight", itemDigits: 5, valueDigits: 4, valueDecimals: 3 }],
      "lays out 12 digits",
    ],
    [
      [
        {
          prefix: "20",
          kind: "price",
          itemDigits: 3,
          valueDigits: 6,
          valueDecimals: 2,
          hasPriceCheckDigit: true,
        },
      ],
      "a price check digit covers 4 or 5 value digits, not 6",
    ],
    [
      [{ prefix: "20", kind: "price", itemDigits: 5, valueDigits: 5, valueDecimals: 4 }],
      "no currency has 4 decimals",
    ],
    [
      [
        { prefix: "20", kind: "weight", itemDigits: 5, valueDigits: 5, valueDecimals: 3 },
        { prefix: "20", kind: "price", itemDigits: 5, valueDigits: 5, valueDecimals: 2 },
      ],
      "prefix 20 has more than one rule",
    ],
    [[{ prefix: "20", kind: "volume", itemDigits: 5, valueDigits: 5, valueDecimals: 3 }], "Invalid option"],
  ])("rejects %j", (rules, message) => {
    const result = nomenclatureSchema.safeParse(rules);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message).join("; ")).toContain(message);
  });
});

describe("variableMeasureRuleFor", () => {
  it("finds the rule a product's item reference is printed and read with", () => {
    expect(variableMeasureRuleFor("2012345")).toMatchObject({ prefix: "20", kind: "weight" });
    expect(variableMeasureRuleFor("221234")).toMatchObject({ prefix: "22", kind: "price" });
    expect(variableMeasureRuleFor("0212345")).toMatchObject({ prefix: "02", kind: "price" });
  });

  it.each(["2512345", "201234", "20123456", "20ABCDE", "4011"])(
    "refuses '%s': no rule fits it",
    (itemReference) => {
      expect(errorOf(() => variableMeasureRuleFor(itemReference)).code).toBe("BARCODE_UNKNOWN_PREFIX");
    },
  );
});

describe("buildVariableMeasureBarcode", () => {
  it("prints the labels parseVariableMeasure reads", () => {
    expect(buildVariableMeasureBarcode({ itemReference: "2012345", weightG: 1_234_000 })).toBe(
      "2012345012349",
    );
    expect(buildVariableMeasureBarcode({ itemReference: "221234", priceMinor: 14685 })).toBe("2212346146856");
    expect(buildVariableMeasureBarcode({ itemReference: "0212345", priceMinor: 1299 })).toBe("0212345212998");
  });

  it.each([
    [{ itemReference: "2512345", weightG: 1_000_000 }, "BARCODE_UNKNOWN_PREFIX"],
    [{ itemReference: "201234", weightG: 1_000_000 }, "BARCODE_UNKNOWN_PREFIX"],
    [{ itemReference: "2012345", priceMinor: 100 }, "BARCODE_FORMAT"],
    [{ itemReference: "2012345", weightG: 1_234_500 }, "BARCODE_FORMAT"],
    [{ itemReference: "2012345", weightG: 100_000_000 }, "BARCODE_FORMAT"],
    [{ itemReference: "2012345", weightG: 0 }, "BARCODE_FORMAT"],
    [{ itemReference: "0212345", priceMinor: 10_000 }, "BARCODE_FORMAT"],
  ] as const)("refuses %o", (input, code) => {
    expect(errorOf(() => buildVariableMeasureBarcode(input)).code).toBe(code);
  });

  it("round-trips random labels through every default rule", () => {
    const random = seededRandom(9);
    const mismatches: string[] = [];
    for (let index = 0; index < 3000; index += 1) {
      const rule = defaultNomenclature[randomInt(random, 0, defaultNomenclature.length - 1)];
      if (!rule) continue;
      const itemReference = `${rule.prefix}${randomDigits(random, rule.itemDigits)}`;
      const value = randomInt(random, 1, 10 ** rule.valueDigits - 1);
      const input =
        rule.kind === "weight"
          ? { itemReference, weightG: value * 10 ** (6 - rule.valueDecimals) }
          : { itemReference, priceMinor: value };
      const label = buildVariableMeasureBarcode(input);
      const parsed = parseVariableMeasure(label);
      if (
        parsed.itemReference !== itemReference ||
        (parsed.weightG ?? parsed.priceMinor) !== (input.weightG ?? input.priceMinor)
      ) {
        mismatches.push(label);
      }
    }
    expect(mismatches).toEqual([]);
  });
});
