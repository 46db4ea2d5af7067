import { DomainError } from "./errors";
import { assertQuantityMilli, type QuantityMilli } from "./quantity";

/** Amounts are integers in the currency's minor unit (fen for CNY), never floating point. */
export type MinorUnits = number;

export const DEFAULT_CURRENCY = "CNY";
export const DEFAULT_LOCALE = "zh-CN";

/**
 * ISO 4217 exponents where ICU's CLDR data disagrees: CLDR gives the digits people usually
 * show (0 for HUF, IDR, ...), ISO 4217 the unit amounts are recorded in. Stored amounts
 * follow ISO so a price imported from an ISO-based system keeps its value.
 */
const ISO_4217_EXPONENT_OVERRIDES: Readonly<Record<string, number>> = {
  AFN: 2,
  ALL: 2,
  COP: 2,
  HUF: 2,
  IDR: 2,
  IQD: 3,
  IRR: 2,
  KPW: 2,
  LAK: 2,
  LBP: 2,
  MGA: 2,
  MMK: 2,
  PKR: 2,
  SLL: 2,
  SOS: 2,
  SYP: 2,
  YER: 2,
};

const knownCurrencies = new Set(Intl.supportedValuesOf("currency"));
const exponentCache = new Map<string, number>();

export function assertCurrency(currency: string): void {
  if (!knownCurrencies.has(currency)) {
    throw new DomainError(
      "CURRENCY_UNKNOWN",
      `Unknown currency '${currency}': expected an ISO 4217 code like CNY`,
      {
        currency,
      },
    );
  }
}

/** Digits after the decimal point in the minor unit: CNY 2, JPY 0, KWD 3. */
export function minorUnitsOf(currency: string = DEFAULT_CURRENCY): number {
  const cached = exponentCache.get(currency);
  if (cached !== undefined) return cached;
  assertCurrency(currency);
  const exponent =
    ISO_4217_EXPONENT_OVERRIDES[currency] ??
    new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ??
    2;
  exponentCache.set(currency, exponent);
  return exponent;
}

export function assertMinorUnits(amountMinor: number, what = "Amount"): asserts amountMinor is MinorUnits {
  if (!Number.isSafeInteger(amountMinor)) {
    throw new DomainError(
      "MONEY_RANGE",
      `${what} ${String(amountMinor)} is not a safe integer of minor units`,
      {
        amountMinor,
      },
    );
  }
}

/** Exact decimal text of an amount: (1234, "CNY") -> "12.34", (-5, "CNY") -> "-0.05". */
export function minorToDecimalString(amountMinor: MinorUnits, currency: string = DEFAULT_CURRENCY): string {
  assertMinorUnits(amountMinor);
  const exponent = minorUnitsOf(currency);
  const sign = amountMinor < 0 ? "-" : "";
  const digits = String(Math.abs(amountMinor)).padStart(exponent + 1, "0");
  if (exponent === 0) return `${sign}${digits}`;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

const formatters = new Map<string, Intl.NumberFormat>();

/**
 * Locale formatting ("¥12.34" in zh-CN, "CN¥12.34" in en-GB). The amount reaches Intl as an
 * exact decimal string, and every minor digit is shown even where CLDR would hide it.
 */
export function formatMoney(
  amountMinor: MinorUnits,
  currency: string = DEFAULT_CURRENCY,
  locale: string = DEFAULT_LOCALE,
): string {
  const exponent = minorUnitsOf(currency);
  const key = `${locale}|${currency}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(locale, {
      style: "currency",
      currency,
      minimumFractionDigits: exponent,
      maximumFractionDigits: exponent,
    });
    formatters.set(key, formatter);
  }
  // Intl accepts decimal strings exactly (ES2023); the cast is for TypeScript's older lib typing.
  return formatter.format(minorToDecimalString(amountMinor, currency) as unknown as number);
}

const MONEY_TEXT = /^(\d+)(?:\.(\d+))?$/;

/**
 * Parses a non-negative amount typed by a person or read from a file ("12.34", "12", "12.3")
 * into minor units. More decimals than the currency has ("12.345" in CNY) is an error: a price
 * is never silently rounded. Signs, symbols and separators are rejected.
 */
export function parseMoney(text: string, currency: string = DEFAULT_CURRENCY): MinorUnits {
  const exponent = minorUnitsOf(currency);
  const trimmed = text.trim();
  const match = MONEY_TEXT.exec(trimmed);
  if (!match) {
    throw new DomainError(
      "MONEY_FORMAT",
      `Invalid amount '${trimmed}': expected digits with an optional decimal point, like ${minorToDecimalString(1234, currency)}`,
      { input: trimmed, currency },
    );
  }
  const whole = match[1] ?? "";
  const fraction = match[2] ?? "";
  if (fraction.length > exponent) {
    throw new DomainError(
      "MONEY_FORMAT",
      `Invalid amount '${trimmed}': ${currency} has ${exponent} decimal place${exponent === 1 ? "" : "s"}, got ${fraction.length}`,
      { input: trimmed, currency },
    );
  }
  const minor = BigInt(whole) * 10n ** BigInt(exponent) + BigInt(fraction.padEnd(exponent, "0") || "0");
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new DomainError("MONEY_RANGE", `Invalid amount '${trimmed}': too large`, {
      input: trimmed,
      currency,
    });
  }
  return Number(minor);
}

/**
 * `numerator / denominator` rounded half up (both non-negative), exact on bigints so products
 * of prices and quantities can exceed 2^53 on the way.
 */
export function divideRoundHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (numerator < 0n || denominator <= 0n) {
    throw new RangeError("divideRoundHalfUp expects a non-negative numerator and a positive denominator");
  }
  return (numerator * 2n + denominator) / (denominator * 2n);
}

function toSafeMinor(value: bigint, what: string): MinorUnits {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new DomainError("MONEY_RANGE", `${what} exceeds the largest safe amount`, {
      value: value.toString(),
    });
  }
  return Number(value);
}

/**
 * Price of a weighed item: per-kilogram price times grams, rounded half up to the minor unit.
 * Half up because that is what retail scales do when they print a price-embedded label (and
 * what shoppers know as 四舍五入), so a kiosk weighing the same item charges the printed price;
 * banker's rounding would differ on exact halves. `weightGMilli` is grams in milli units
 * (QuantityMilli), e.g. 523.25 g -> 523250.
 *
 * Example: ¥39.80/kg (3980) x 523.25 g = 3980 * 523.25 / 1000 = 2082.535 fen -> 2083 fen.
 */
export function priceForWeight(pricePerKgMinor: MinorUnits, weightGMilli: QuantityMilli): MinorUnits {
  assertMinorUnits(pricePerKgMinor, "Price per kg");
  assertQuantityMilli(weightGMilli, "Weight");
  if (pricePerKgMinor < 0 || weightGMilli < 0) {
    throw new DomainError(
      "MONEY_RANGE",
      `Cannot price a weight of ${String(weightGMilli)} milli-grams at ${String(pricePerKgMinor)} per kg: both must be non-negative`,
      { pricePerKgMinor, weightGMilli },
    );
  }
  // per-kg price * grams / 1000, grams = milli / 1000
  const exact = divideRoundHalfUp(BigInt(pricePerKgMinor) * BigInt(weightGMilli), 1_000_000n);
  return toSafeMinor(exact, "Weighed price");
}

/** Unit price times a whole count, with the safe-integer guard. */
export function priceForUnits(unitPriceMinor: MinorUnits, units: number): MinorUnits {
  assertMinorUnits(unitPriceMinor, "Unit price");
  if (!Number.isSafeInteger(units) || units < 0 || unitPriceMinor < 0) {
    throw new DomainError(
      "MONEY_RANGE",
      `Cannot price ${String(units)} units at ${String(unitPriceMinor)}: both must be non-negative integers`,
      { unitPriceMinor, units },
    );
  }
  return toSafeMinor(BigInt(unitPriceMinor) * BigInt(units), "Line amount");
}
