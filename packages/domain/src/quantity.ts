import { DomainError } from "./errors";

/**
 * Quantities are exact decimals with at most three fractional digits: counts for EACH products,
 * grams for WEIGHT products. They are held as integer thousandths ("milli"): 1.5 -> 1500,
 * 523.25 g -> 523250. Integers keep sums exact; a safe-integer bound (about 9 * 10^12 units)
 * is far beyond any shelf, so plain numbers suffice and no bigint leaks into callers.
 */
export type QuantityMilli = number;

export const QUANTITY_SCALE = 1000;
export const QUANTITY_DECIMALS = 3;

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * Parses user or wire input ("1.5", "523.25", 2) into milli units. Rejects negatives, NaN,
 * infinities, exponent notation and more than three decimals instead of rounding them away.
 */
export function parseQuantity(input: string | number): QuantityMilli {
  if (typeof input === "number" && !Number.isFinite(input)) {
    throw new DomainError("QUANTITY_FORMAT", `Invalid quantity ${String(input)}: not a finite number`, {
      input: String(input),
    });
  }
  // String(number) is the shortest round-tripping decimal, so 0.1 + 0.2 shows its 17 digits
  // and is rejected rather than silently becoming 0.3.
  const text = typeof input === "number" ? String(input) : input.trim();
  const shown = `'${text}'`;
  if (/[eE]/.test(text)) {
    throw new DomainError("QUANTITY_FORMAT", `Invalid quantity ${shown}: exponent notation is not accepted`, {
      input: text,
    });
  }
  if (text.startsWith("-")) {
    throw new DomainError("QUANTITY_RANGE", `Invalid quantity ${shown}: must not be negative`, {
      input: text,
    });
  }
  const match = DECIMAL.exec(text);
  if (!match) {
    throw new DomainError(
      "QUANTITY_FORMAT",
      `Invalid quantity ${shown}: expected a decimal number like 1.5`,
      {
        input: text,
      },
    );
  }
  const whole = match[1] ?? "";
  const fraction = match[2] ?? "";
  if (fraction.length > QUANTITY_DECIMALS) {
    throw new DomainError(
      "QUANTITY_FORMAT",
      `Invalid quantity ${shown}: at most ${QUANTITY_DECIMALS} decimal places are allowed`,
      { input: text },
    );
  }
  const milli = BigInt(whole) * BigInt(QUANTITY_SCALE) + BigInt(fraction.padEnd(QUANTITY_DECIMALS, "0"));
  if (milli > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new DomainError("QUANTITY_RANGE", `Invalid quantity ${shown}: too large`, { input: text });
  }
  return Number(milli);
}

/** Throws unless `milli` is a safe integer (negative allowed: ledger deltas are signed). */
export function assertQuantityMilli(milli: number, what = "Quantity"): asserts milli is QuantityMilli {
  if (!Number.isSafeInteger(milli)) {
    throw new DomainError("QUANTITY_RANGE", `${what} ${String(milli)} is not a whole number of thousandths`, {
      milli,
    });
  }
}

/** The shortest exact decimal: 523500 -> "523.5", 2000 -> "2", -1 -> "-0.001". */
export function formatQuantity(milli: QuantityMilli): string {
  assertQuantityMilli(milli);
  const sign = milli < 0 ? "-" : "";
  const magnitude = Math.abs(milli);
  const whole = Math.floor(magnitude / QUANTITY_SCALE);
  const fraction = String(magnitude % QUANTITY_SCALE)
    .padStart(QUANTITY_DECIMALS, "0")
    .replace(/0+$/, "");
  return `${sign}${whole}${fraction ? `.${fraction}` : ""}`;
}

/** Milli units for a whole count: 3 -> 3000. */
export function unitsToMilli(units: number): QuantityMilli {
  if (!Number.isSafeInteger(units)) {
    throw new DomainError("QUANTITY_NOT_WHOLE", `Count ${String(units)} is not a whole number`, { units });
  }
  const milli = units * QUANTITY_SCALE;
  assertQuantityMilli(milli, "Count");
  return milli;
}

/**
 * EACH products are sold by the piece: 1.5 bottles is an error, not something to round.
 * Returns the whole count. `product` (a name or code) makes the message actionable.
 */
export function assertWholeQuantity(milli: QuantityMilli, product?: string): number {
  assertQuantityMilli(milli);
  if (milli % QUANTITY_SCALE !== 0) {
    const subject = product === undefined ? "" : ` of '${product}'`;
    throw new DomainError(
      "QUANTITY_NOT_WHOLE",
      `Quantity ${formatQuantity(milli)}${subject} must be a whole number: it is sold by the piece`,
      { milli, ...(product === undefined ? {} : { product }) },
    );
  }
  return milli / QUANTITY_SCALE;
}
