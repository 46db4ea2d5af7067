import { DomainError } from "./errors";
import { parseGtin, type EightDigitSymbology, type GtinFormat } from "./gtin";
import { parsePlu } from "./plu";
import { DEFAULT_CURRENCY } from "./money";
import {
  defaultNomenclature,
  isVariableMeasurePrefix,
  parseVariableMeasure,
  type Nomenclature,
  type VariableMeasure,
} from "./variable-measure";

/**
 * What a scan identifies. A GTIN is looked up by `gtin14`, a variable-measure label by
 * `label.itemReference` (its weight or price belongs to this one pack), a PLU by `plu`.
 */
export type ScanResult =
  | { kind: "gtin"; code: string; format: GtinFormat; gtin14: string }
  | { kind: "variable"; code: string; label: VariableMeasure }
  | { kind: "plu"; code: string; plu: string; basePlu: string; organic: boolean };

export type ClassifyScanOptions = {
  /** The decoder's symbology for 8-digit codes, when it reports one. */
  symbology?: EightDigitSymbology;
  /** Currency of price-embedded labels. */
  currency?: string;
};

/** AIM symbology identifier some scanners prepend, e.g. "]E0" (EAN/UPC), "]C1" (GS1-128). */
const SYMBOLOGY_IDENTIFIER = /^\][A-Za-z][0-9A-Za-z]/;
const GROUP_SEPARATOR = String.fromCharCode(29);
const BRACKETED_GTIN = /^\(01\)(\d{14})(?:\(\d{2,4}\).*)?$/s;
const UNBRACKETED_GTIN = /^01(\d{14})/;

function clean(raw: string): string {
  // Keyboard-wedge scanners end with Enter (CR, LF or both); some prefix an AIM identifier or
  // wrap GS1 data in FNC1 group separators.
  let text = raw.trim().replace(SYMBOLOGY_IDENTIFIER, "");
  while (text.startsWith(GROUP_SEPARATOR)) text = text.slice(1);
  return text.trim();
}

/** The GTIN inside a GS1 element string with AI (01), bracketed or not; other AIs are ignored. */
function gtinFromElementString(text: string): string | undefined {
  const bracketed = BRACKETED_GTIN.exec(text);
  if (bracketed) return bracketed[1];
  if (text.startsWith("(")) {
    throw new DomainError(
      "BARCODE_FORMAT",
      `Invalid GS1 element string '${text}': expected (01) followed by 14 digits`,
      { code: text },
    );
  }
  // Plain GTINs have at most 14 digits, so 16 or more starting with 01 can only be AI (01).
  if (text.length >= 16) return UNBRACKETED_GTIN.exec(text)?.[1];
  return undefined;
}

function variableCandidate(digits: string): string | undefined {
  if (digits.length === 13) return digits;
  if (digits.length === 12 && digits.startsWith("2")) return `0${digits}`;
  if (digits.length === 14 && digits.startsWith("0")) return digits.slice(1);
  return undefined;
}

/**
 * Decides what a scan is, from a camera decoder, a hardware scanner or a keyboard wedge:
 * - 4-5 digits: a PLU;
 * - 8, 12, 13 or 14 digits: a GTIN (normalized to GTIN-14), unless its EAN-13 form starts with
 *   02 or 2 (GS1 variable measure), then a label read with the store's nomenclature;
 * - a GS1 element string with AI (01): the GTIN in it.
 * Anything else, or a bad check digit, throws a DomainError (BARCODE_FORMAT,
 * BARCODE_CHECK_DIGIT, BARCODE_UNKNOWN_PREFIX, BARCODE_PRICE_CHECK_DIGIT, BARCODE_ZERO_MEASURE,
 * PLU_FORMAT).
 */
export function classifyScan(
  raw: string,
  nomenclature: Nomenclature = defaultNomenclature,
  options: ClassifyScanOptions = {},
): ScanResult {
  const text = clean(raw);
  if (text === "") throw new DomainError("BARCODE_FORMAT", "Empty scan: no digits were read", { code: raw });
  const digits = gtinFromElementString(text) ?? text;
  if (!/^\d+$/.test(digits)) {
    throw new DomainError("BARCODE_FORMAT", `Invalid barcode '${text}': only digits are allowed`, {
      code: text,
    });
  }
  if (digits.length === 4 || digits.length === 5) {
    const plu = parsePlu(digits);
    return { kind: "plu", code: digits, plu: plu.plu, basePlu: plu.basePlu, organic: plu.organic };
  }
  const ean13 = variableCandidate(digits);
  if (ean13 !== undefined && isVariableMeasurePrefix(ean13)) {
    return {
      kind: "variable",
      code: digits,
      label: parseVariableMeasure(ean13, nomenclature, options.currency ?? DEFAULT_CURRENCY),
    };
  }
  const gtin = parseGtin(digits, options.symbology ? { symbology: options.symbology } : {});
  return { kind: "gtin", code: digits, format: gtin.format, gtin14: gtin.gtin14 };
}
