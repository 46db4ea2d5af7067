import { DomainError } from "./errors";

/**
 * GTINs in every printed form are normalized to GTIN-14 (left-padded with zeros) before any
 * lookup: the same can of soup scans as UPC-A from one decoder and as EAN-13 with a leading 0
 * from another, and both must find one product.
 */
export type GtinFormat = "EAN-8" | "UPC-E" | "UPC-A" | "EAN-13" | "GTIN-14";

/**
 * How to read an ambiguous 8-digit code. Camera decoders and most scanners report the
 * symbology; pass it through when known.
 */
export type EightDigitSymbology = "EAN-8" | "UPC-E";

export type ParsedGtin = {
  /** The digits as scanned (trimmed). */
  code: string;
  format: GtinFormat;
  gtin14: string;
};

const DIGITS = /^\d+$/;

function assertDigits(code: string, what = "barcode"): void {
  if (code === "") throw new DomainError("BARCODE_FORMAT", `Empty ${what}: no digits were read`, { code });
  if (!DIGITS.test(code)) {
    throw new DomainError("BARCODE_FORMAT", `Invalid ${what} '${code}': only digits are allowed`, { code });
  }
}

/**
 * GS1 mod-10 check digit of the digits before it: weights 3, 1, 3, ... from the right, so the
 * same function serves GTIN-8/12/13/14 (and SSCC).
 */
export function gtinCheckDigit(body: string): number {
  assertDigits(body, "GTIN body");
  if (body.length < 1 || body.length > 17) {
    throw new DomainError("BARCODE_FORMAT", `Invalid GTIN body '${body}': expected 1 to 17 digits`, {
      code: body,
    });
  }
  let sum = 0;
  for (let index = 0; index < body.length; index += 1) {
    const digit = body.charCodeAt(body.length - 1 - index) - 48;
    sum += index % 2 === 0 ? digit * 3 : digit;
  }
  return (10 - (sum % 10)) % 10;
}

/** The body followed by its check digit: "400638133393" -> "4006381333931". */
export function withCheckDigit(body: string): string {
  return `${body}${gtinCheckDigit(body)}`;
}

function checkDigitError(code: string, expected: number, as?: string): DomainError {
  const got = code.at(-1) ?? "";
  return new DomainError(
    "BARCODE_CHECK_DIGIT",
    `Bad check digit in '${code}'${as ? ` (${as})` : ""}: expected ${expected}, got ${got}`,
    { code, expected, got: Number(got) },
  );
}

function assertCheckDigit(code: string, as?: string): void {
  const expected = gtinCheckDigit(code.slice(0, -1));
  if (String(expected) !== code.at(-1)) throw checkDigitError(code, expected, as);
}

/**
 * UPC-E (zero-suppressed UPC-A) to its 12-digit UPC-A, per the GS1 zero-suppression rules keyed
 * by the last of the six data digits. Accepts the full 8 digits (number system 0 or 1, six
 * digits, check digit; the check digit is verified), 7 digits without check digit, or the
 * 6 data digits alone (number system 0).
 *   04252614 -> 042100005264
 */
export function expandUpcE(code: string): string {
  const trimmed = code.trim();
  assertDigits(trimmed, "UPC-E");
  if (trimmed.length < 6 || trimmed.length > 8) {
    throw new DomainError(
      "BARCODE_FORMAT",
      `Invalid UPC-E '${trimmed}': ${trimmed.length} digits, expected 6, 7 or 8`,
      { code: trimmed },
    );
  }
  const numberSystem = trimmed.length === 6 ? "0" : trimmed.charAt(0);
  if (numberSystem !== "0" && numberSystem !== "1") {
    throw new DomainError(
      "BARCODE_FORMAT",
      `Invalid UPC-E '${trimmed}': number system must be 0 or 1, got ${numberSystem}`,
      { code: trimmed },
    );
  }
  const data = trimmed.length === 6 ? trimmed : trimmed.slice(1, 7);
  const [d1, d2, d3, d4, d5, d6] = data;
  let body: string;
  switch (d6) {
    case "0":
    case "1":
    case "2":
      body = `${d1}${d2}${d6}0000${d3}${d4}${d5}`;
      break;
    case "3":
      body = `${d1}${d2}${d3}00000${d4}${d5}`;
      break;
    case "4":
      body = `${d1}${d2}${d3}${d4}00000${d5}`;
      break;
    default:
      body = `${d1}${d2}${d3}${d4}${d5}0000${d6}`;
  }
  const upcA = withCheckDigit(`${numberSystem}${body}`);
  if (trimmed.length === 8 && upcA.at(-1) !== trimmed.at(-1)) {
    throw checkDigitError(trimmed, Number(upcA.at(-1)), "UPC-E");
  }
  return upcA;
}

/**
 * The 8-digit UPC-E form of a UPC-A when zero suppression applies (number system 0 or 1 and
 * enough zeros in the right places), else null. Inverse of `expandUpcE`.
 */
export function compressUpcA(upcA: string): string | null {
  const trimmed = upcA.trim();
  assertDigits(trimmed, "UPC-A");
  if (trimmed.length !== 12) {
    throw new DomainError(
      "BARCODE_FORMAT",
      `Invalid UPC-A '${trimmed}': ${trimmed.length} digits, expected 12`,
      {
        code: trimmed,
      },
    );
  }
  assertCheckDigit(trimmed, "UPC-A");
  const numberSystem = trimmed.charAt(0);
  if (numberSystem !== "0" && numberSystem !== "1") return null;
  const manufacturer = trimmed.slice(1, 6);
  const product = trimmed.slice(6, 11);
  const check = trimmed.charAt(11);
  const m = (index: number) => manufacturer.charAt(index);
  const p = (index: number) => product.charAt(index);
  let data: string | null = null;
  if ("012".includes(m(2)) && manufacturer.endsWith("00") && product.startsWith("00")) {
    data = `${m(0)}${m(1)}${p(2)}${p(3)}${p(4)}${m(2)}`;
  } else if (manufacturer.endsWith("00") && product.startsWith("000")) {
    data = `${manufacturer.slice(0, 3)}${p(3)}${p(4)}3`;
  } else if (manufacturer.endsWith("0") && product.startsWith("0000")) {
    data = `${manufacturer.slice(0, 4)}${p(4)}4`;
  } else if (product.startsWith("0000") && "56789".includes(p(4))) {
    data = `${manufacturer}${p(4)}`;
  }
  return data === null ? null : `${numberSystem}${data}${check}`;
}

function isUpcECandidate(code: string): boolean {
  return code.charAt(0) === "0" || code.charAt(0) === "1";
}

/**
 * Reads any GTIN form. Eight digits are ambiguous: unless `symbology` says which, a code with
 * number system 0 or 1 whose UPC-E check digit holds is read as UPC-E (GS1 reserves EAN-8
 * prefix 0 for restricted circulation, so a real EAN-8 rarely starts with 0), otherwise as EAN-8.
 */
export function parseGtin(raw: string, options: { symbology?: EightDigitSymbology } = {}): ParsedGtin {
  const code = raw.trim();
  assertDigits(code);
  let parsed: ParsedGtin;
  switch (code.length) {
    case 8:
      parsed = parseEightDigits(code, options.symbology);
      break;
    case 12:
      assertCheckDigit(code, "UPC-A");
      parsed = { code, format: "UPC-A", gtin14: `00${code}` };
      break;
    case 13:
      assertCheckDigit(code, "EAN-13");
      parsed = { code, format: "EAN-13", gtin14: `0${code}` };
      break;
    case 14:
      assertCheckDigit(code, "GTIN-14");
      parsed = { code, format: "GTIN-14", gtin14: code };
      break;
    default:
      throw new DomainError(
        "BARCODE_FORMAT",
        `Invalid barcode '${code}': ${code.length} digits, expected 8 (EAN-8 or UPC-E), 12 (UPC-A), 13 (EAN-13) or 14 (GTIN-14)`,
        { code },
      );
  }
  if (/^0+$/.test(parsed.gtin14.slice(0, -1))) {
    throw new DomainError("BARCODE_FORMAT", `Invalid barcode '${code}': a GTIN cannot be all zeros`, {
      code,
    });
  }
  return parsed;
}

function parseEightDigits(code: string, symbology: EightDigitSymbology | undefined): ParsedGtin {
  const asEan8 = (): ParsedGtin => {
    assertCheckDigit(code, "EAN-8");
    return { code, format: "EAN-8", gtin14: `000000${code}` };
  };
  const asUpcE = (): ParsedGtin => ({ code, format: "UPC-E", gtin14: `00${expandUpcE(code)}` });
  if (symbology === "EAN-8") return asEan8();
  if (symbology === "UPC-E") return asUpcE();
  if (!isUpcECandidate(code)) return asEan8();
  try {
    return asUpcE();
  } catch {
    try {
      return asEan8();
    } catch {
      const ean8Expected = gtinCheckDigit(code.slice(0, 7));
      const upcEExpected = expandUpcE(code.slice(0, 7)).at(-1);
      throw new DomainError(
        "BARCODE_CHECK_DIGIT",
        `Bad check digit in '${code}': expected ${upcEExpected} as UPC-E or ${ean8Expected} as EAN-8, got ${code.at(-1)}`,
        { code, expected: Number(upcEExpected), expectedEan8: ean8Expected, got: Number(code.at(-1)) },
      );
    }
  }
}

/** Any GTIN form -> GTIN-14, or a DomainError (BARCODE_FORMAT, BARCODE_CHECK_DIGIT). */
export function normalizeGtin(code: string, options: { symbology?: EightDigitSymbology } = {}): string {
  return parseGtin(code, options).gtin14;
}

export function isValidGtin(code: string, options: { symbology?: EightDigitSymbology } = {}): boolean {
  try {
    parseGtin(code, options);
    return true;
  } catch (error) {
    if (error instanceof DomainError) return false;
    throw error;
  }
}
