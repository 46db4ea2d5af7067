import { z } from "zod";
import { DomainError } from "./errors";
import { gtinCheckDigit } from "./gtin";
import { DEFAULT_CURRENCY, minorUnitsOf, type MinorUnits } from "./money";
import type { QuantityMilli } from "./quantity";

/**
 * GS1 variable-measure labels (restricted circulation numbers, RCN-13): EAN-13 barcodes with
 * prefix 02 or 20-29 printed by in-store scales, carrying an item reference and the weight or
 * the price of that one pack. The layout inside the 13 digits is the store's choice, so it is
 * data: a nomenclature of rules, in the spirit of Odoo's barcode nomenclatures.
 *
 *   prefix | item digits | [price check digit] | value digits | EAN-13 check digit
 *
 * The item reference (prefix + item digits, e.g. "2012345") is what products are looked up by.
 */

const PREFIX = /^(02|2\d)\d?$/;

export const variableMeasureRuleSchema = z
  .object({
    /** "02" or "20".."29", optionally one more digit to split a prefix between layouts. */
    prefix: z.string().regex(PREFIX, "prefix must be 02 or 20-29, optionally followed by one digit"),
    kind: z.enum(["weight", "price"]),
    itemDigits: z.number().int().min(1).max(8),
    valueDigits: z.number().int().min(3).max(6),
    /**
     * Implied decimals of the value: a weight is in kilograms (3 decimals = grams), a price in
     * the currency (at most its minor-unit digits).
     */
    valueDecimals: z.number().int().min(0).max(6),
    /**
     * A check digit over a 4- or 5-digit value, before it (GS1 General Specifications 7.9.3).
     * Recommended by GS1: the EAN-13 check digit alone misses some misreads of the value.
     */
    hasPriceCheckDigit: z.boolean().default(false),
    name: z.string().optional(),
  })
  .superRefine((rule, context) => {
    const used =
      rule.prefix.length + rule.itemDigits + (rule.hasPriceCheckDigit ? 1 : 0) + rule.valueDigits + 1;
    if (used !== 13) {
      context.addIssue({
        code: "custom",
        message: `rule ${rule.prefix} lays out ${used} digits (prefix ${rule.prefix.length} + item ${rule.itemDigits}${rule.hasPriceCheckDigit ? " + price check 1" : ""} + value ${rule.valueDigits} + check 1), an EAN-13 has 13`,
      });
    }
    if (rule.hasPriceCheckDigit && rule.valueDigits !== 4 && rule.valueDigits !== 5) {
      context.addIssue({
        code: "custom",
        message: `rule ${rule.prefix}: a price check digit covers 4 or 5 value digits, not ${rule.valueDigits}`,
      });
    }
    if (rule.kind === "price" && rule.valueDecimals > 3) {
      context.addIssue({
        code: "custom",
        message: `rule ${rule.prefix}: no currency has ${rule.valueDecimals} decimals`,
      });
    }
  });

export const nomenclatureSchema = z
  .array(variableMeasureRuleSchema)
  .min(1)
  .superRefine((rules, context) => {
    const seen = new Set<string>();
    for (const rule of rules) {
      if (seen.has(rule.prefix)) {
        context.addIssue({ code: "custom", message: `prefix ${rule.prefix} has more than one rule` });
      }
      seen.add(rule.prefix);
    }
  });

export type VariableMeasureRule = z.output<typeof variableMeasureRuleSchema>;
export type Nomenclature = readonly VariableMeasureRule[];

/**
 * The layouts the demo store's scales print (any store can configure its own):
 * - 02: price, the North American UPC-A random-weight layout (2 IIIII V PPPP C read as EAN-13),
 *   5 item digits, price check digit, 4-digit price with 2 decimals (up to 99.99);
 * - 20: weight, 5 item digits, 5-digit weight in kg with 3 decimals (up to 99.999 kg);
 * - 21: price, 5 item digits, 5-digit price with 2 decimals (up to 999.99);
 * - 22: price, 4 item digits, price check digit, 5-digit price with 2 decimals.
 */
export const defaultNomenclature: Nomenclature = nomenclatureSchema.parse([
  {
    prefix: "02",
    kind: "price",
    itemDigits: 5,
    valueDigits: 4,
    valueDecimals: 2,
    hasPriceCheckDigit: true,
    name: "UPC-A random weight, price",
  },
  { prefix: "20", kind: "weight", itemDigits: 5, valueDigits: 5, valueDecimals: 3, name: "Weight in kg" },
  { prefix: "21", kind: "price", itemDigits: 5, valueDigits: 5, valueDecimals: 2, name: "Price" },
  {
    prefix: "22",
    kind: "price",
    itemDigits: 4,
    valueDigits: 5,
    valueDecimals: 2,
    hasPriceCheckDigit: true,
    name: "Price with price check digit",
  },
]);

type VariableMeasureBase = {
  /** The label as an EAN-13 (a 12-digit UPC-A form gains its leading 0). */
  code: string;
  prefix: string;
  /** Prefix + item digits, e.g. "2012345": the key products are found by. */
  itemReference: string;
};

export type VariableMeasure =
  | (VariableMeasureBase & {
      kind: "weight";
      /** Grams in milli units like every quantity: 1.234 kg -> 1234000. */
      weightG: QuantityMilli;
      priceMinor?: undefined;
    })
  | (VariableMeasureBase & { kind: "price"; priceMinor: MinorUnits; weightG?: undefined });

const WEIGHT_2_MINUS = [0, 2, 4, 6, 8, 9, 1, 3, 5, 7];
const WEIGHT_3 = [0, 3, 6, 9, 2, 5, 8, 1, 4, 7];
const WEIGHT_5_PLUS = [0, 5, 1, 6, 2, 7, 3, 8, 4, 9];
const WEIGHT_5_MINUS = [0, 5, 9, 4, 8, 3, 7, 2, 6, 1];

function weighted(table: readonly number[], digit: string): number {
  return table[Number(digit)] ?? 0;
}

/**
 * The price (or measure) check digit of GS1 General Specifications 7.9.3, over 4 or 5 digits.
 * Each digit goes through a weighting table (2-, 3, 5+, 5-: the product's digits combined so
 * that every digit error changes the result):
 * - 4 digits, weights 2- 2- 3 5-: the check digit is the units digit of 3 x the sum;
 * - 5 digits, weights 5+ 2- 5- 5+ 2-: the check digit is the one whose 5- product equals
 *   10 - (sum mod 10).
 *   "2875" -> 9, "14685" -> 6.
 */
export function priceCheckDigit(value: string): number {
  if (!/^\d{4,5}$/.test(value)) {
    throw new DomainError("BARCODE_FORMAT", `Invalid price field '${value}': expected 4 or 5 digits`, {
      value,
    });
  }
  const digits = [...value];
  if (digits.length === 4) {
    const [a = "0", b = "0", c = "0", d = "0"] = digits;
    const sum =
      weighted(WEIGHT_2_MINUS, a) +
      weighted(WEIGHT_2_MINUS, b) +
      weighted(WEIGHT_3, c) +
      weighted(WEIGHT_5_MINUS, d);
    return (sum * 3) % 10;
  }
  const [a = "0", b = "0", c = "0", d = "0", e = "0"] = digits;
  const sum =
    weighted(WEIGHT_5_PLUS, a) +
    weighted(WEIGHT_2_MINUS, b) +
    weighted(WEIGHT_5_MINUS, c) +
    weighted(WEIGHT_5_PLUS, d) +
    weighted(WEIGHT_2_MINUS, e);
  return WEIGHT_5_MINUS.indexOf((10 - (sum % 10)) % 10);
}

const validated = new WeakMap<Nomenclature, Nomenclature>();

function validNomenclature(nomenclature: Nomenclature): Nomenclature {
  const cached = validated.get(nomenclature);
  if (cached) return cached;
  const result = nomenclatureSchema.safeParse(nomenclature);
  if (!result.success) {
    throw new DomainError(
      "NOMENCLATURE_INVALID",
      `Invalid barcode nomenclature: ${result.error.issues.map((issue) => issue.message).join("; ")}`,
      { issues: result.error.issues },
    );
  }
  validated.set(nomenclature, result.data);
  return result.data;
}

/** True for an EAN-13 in the GS1 variable-measure ranges (02, 20-29), whatever the nomenclature. */
export function isVariableMeasurePrefix(ean13: string): boolean {
  return /^(02|2)/.test(ean13) && ean13.length === 13;
}

function findRule(nomenclature: Nomenclature, ean13: string): VariableMeasureRule | undefined {
  let best: VariableMeasureRule | undefined;
  for (const rule of nomenclature) {
    if (ean13.startsWith(rule.prefix) && (!best || rule.prefix.length > best.prefix.length)) best = rule;
  }
  return best;
}

function toEan13(raw: string): string {
  const code = raw.trim();
  if (!/^\d+$/.test(code)) {
    throw new DomainError("BARCODE_FORMAT", `Invalid barcode '${code}': only digits are allowed`, { code });
  }
  if (code.length === 13) return code;
  if (code.length === 12 && code.startsWith("2")) return `0${code}`;
  if (code.length === 14 && code.startsWith("0")) return code.slice(1);
  throw new DomainError(
    "BARCODE_FORMAT",
    `Invalid variable-measure barcode '${code}': expected 13 digits (EAN-13) or a 12-digit UPC-A starting with 2`,
    { code },
  );
}

function decimalScale(from: number, to: number): number {
  return 10 ** (to - from);
}

/** Minor units per unit of a price rule's value: 1 for 2 decimals in CNY, 10 for 1 decimal. */
function priceScale(rule: VariableMeasureRule, currency: string): number {
  const exponent = minorUnitsOf(currency);
  if (rule.valueDecimals > exponent) {
    throw new DomainError(
      "NOMENCLATURE_INVALID",
      `Rule ${rule.prefix} prices with ${rule.valueDecimals} decimals but ${currency} has ${exponent}`,
      { prefix: rule.prefix, currency },
    );
  }
  return decimalScale(rule.valueDecimals, exponent);
}

/**
 * Reads a variable-measure label. Errors: BARCODE_FORMAT (not 13 digits, not prefix 02/20-29),
 * BARCODE_CHECK_DIGIT, BARCODE_UNKNOWN_PREFIX (no rule), BARCODE_PRICE_CHECK_DIGIT,
 * BARCODE_ZERO_MEASURE (a zero weight or price is a misprint, never a free item).
 */
export function parseVariableMeasure(
  raw: string,
  nomenclature: Nomenclature = defaultNomenclature,
  currency: string = DEFAULT_CURRENCY,
): VariableMeasure {
  const rules = validNomenclature(nomenclature);
  const code = toEan13(raw);
  if (!isVariableMeasurePrefix(code)) {
    throw new DomainError(
      "BARCODE_FORMAT",
      `'${code}' is not a variable-measure barcode: GS1 reserves prefixes 02 and 20-29 for them`,
      { code },
    );
  }
  const expected = gtinCheckDigit(code.slice(0, 12));
  if (String(expected) !== code.charAt(12)) {
    throw new DomainError(
      "BARCODE_CHECK_DIGIT",
      `Bad check digit in '${code}' (variable-measure EAN-13): expected ${expected}, got ${code.charAt(12)}`,
      { code, expected, got: Number(code.charAt(12)) },
    );
  }
  const rule = findRule(rules, code);
  if (!rule) {
    throw new DomainError(
      "BARCODE_UNKNOWN_PREFIX",
      `No variable-measure rule for '${code}': this store's nomenclature has prefixes ${rules.map((r) => r.prefix).join(", ")}`,
      { code, prefix: code.slice(0, 2) },
    );
  }
  const itemEnd = rule.prefix.length + rule.itemDigits;
  const itemReference = code.slice(0, itemEnd);
  const valueStart = itemEnd + (rule.hasPriceCheckDigit ? 1 : 0);
  const value = code.slice(valueStart, valueStart + rule.valueDigits);
  if (rule.hasPriceCheckDigit) {
    const expectedPriceCheck = priceCheckDigit(value);
    const got = code.charAt(itemEnd);
    if (String(expectedPriceCheck) !== got) {
      throw new DomainError(
        "BARCODE_PRICE_CHECK_DIGIT",
        `Bad ${rule.kind} check digit in '${code}': expected ${expectedPriceCheck} for ${rule.kind} digits ${value}, got ${got}`,
        { code, expected: expectedPriceCheck, got: Number(got) },
      );
    }
  }
  const amount = Number(value);
  if (amount === 0) {
    throw new DomainError(
      "BARCODE_ZERO_MEASURE",
      `Label '${code}' for item ${itemReference} carries a zero ${rule.kind}`,
      {
        code,
        itemReference,
      },
    );
  }
  if (rule.kind === "weight") {
    return {
      code,
      prefix: rule.prefix,
      itemReference,
      kind: "weight",
      weightG: amount * decimalScale(rule.valueDecimals, 6),
    };
  }
  return {
    code,
    prefix: rule.prefix,
    itemReference,
    kind: "price",
    priceMinor: amount * priceScale(rule, currency),
  };
}

/**
 * The rule a product's item reference (prefix + item digits, as stored on the product) is read
 * and printed with: the longest prefix that starts it among the rules whose prefix and item
 * digits make up its length. BARCODE_UNKNOWN_PREFIX when no rule fits, so no label this store
 * prints or reads could ever carry it.
 */
export function variableMeasureRuleFor(
  itemReference: string,
  nomenclature: Nomenclature = defaultNomenclature,
): VariableMeasureRule {
  const rules = validNomenclature(nomenclature);
  const rule = rules
    .filter(
      (r) => itemReference.startsWith(r.prefix) && r.prefix.length + r.itemDigits === itemReference.length,
    )
    .sort((a, b) => b.prefix.length - a.prefix.length)[0];
  if (!rule || !/^\d+$/.test(itemReference)) {
    throw new DomainError(
      "BARCODE_UNKNOWN_PREFIX",
      `No variable-measure rule fits item reference '${itemReference}'`,
      { itemReference },
    );
  }
  return rule;
}

export type VariableMeasureLabelInput =
  | { itemReference: string; weightG: QuantityMilli; priceMinor?: undefined }
  | { itemReference: string; priceMinor: MinorUnits; weightG?: undefined };

/**
 * Prints a label the way an in-store scale does (the inverse of `parseVariableMeasure`): the
 * rule is the one whose prefix starts the item reference and whose item digits fill the rest.
 * The value must be exactly representable in the rule's digits; nothing is rounded here.
 */
export function buildVariableMeasureBarcode(
  input: VariableMeasureLabelInput,
  nomenclature: Nomenclature = defaultNomenclature,
  currency: string = DEFAULT_CURRENCY,
): string {
  const { itemReference } = input;
  const kind = input.weightG === undefined ? "price" : "weight";
  const rule = variableMeasureRuleFor(itemReference, nomenclature);
  if (rule.kind !== kind) {
    throw new DomainError(
      "BARCODE_FORMAT",
      `Item reference '${itemReference}' uses rule ${rule.prefix}, which embeds a ${rule.kind}, not a ${kind}`,
      { itemReference },
    );
  }
  const divisor = kind === "weight" ? decimalScale(rule.valueDecimals, 6) : priceScale(rule, currency);
  const measure = input.weightG ?? input.priceMinor ?? 0;
  const amount = measure / divisor;
  if (!Number.isSafeInteger(amount) || amount <= 0 || String(amount).length > rule.valueDigits) {
    throw new DomainError(
      "BARCODE_FORMAT",
      `Cannot print ${kind} ${measure} for '${itemReference}': rule ${rule.prefix} holds ${rule.valueDigits} digits with ${rule.valueDecimals} decimals`,
      { itemReference, measure },
    );
  }
  const value = String(amount).padStart(rule.valueDigits, "0");
  const body = `${itemReference}${rule.hasPriceCheckDigit ? String(priceCheckDigit(value)) : ""}${value}`;
  return `${body}${gtinCheckDigit(body)}`;
}
