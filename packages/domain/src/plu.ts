import { DomainError } from "./errors";

/**
 * Price look-up codes for loose produce, as assigned by the IFPS:
 * - 4 digits 3000-4999: conventionally grown (e.g. 4011 banana);
 * - 5 digits 9 + a 4-digit code: the organic counterpart (94011);
 * - 5 digits 83000-84999: the IFPS expansion range. The 8 prefix was once reserved for
 *   genetically modified produce but was never used that way at retail; the IFPS reassigned it
 *   to new varieties, so it is accepted here as a plain (not organic) PLU and nothing is
 *   inferred about how the produce was grown.
 * Other 4-5 digit numbers are rejected: 0000-2999 are not IFPS codes and would be keying errors.
 */
export type ParsedPlu = {
  plu: string;
  /** The 4-digit commodity code (the PLU itself, or without the organic 9). */
  basePlu: string;
  organic: boolean;
  range: "conventional" | "organic" | "expansion";
};

const isConventional = (code: string) => /^[34]\d{3}$/.test(code);

export function parsePlu(raw: string): ParsedPlu {
  const plu = raw.trim();
  if (isConventional(plu)) return { plu, basePlu: plu, organic: false, range: "conventional" };
  if (plu.length === 5 && plu.startsWith("9") && isConventional(plu.slice(1))) {
    return { plu, basePlu: plu.slice(1), organic: true, range: "organic" };
  }
  if (/^8[34]\d{3}$/.test(plu)) return { plu, basePlu: plu, organic: false, range: "expansion" };
  throw new DomainError(
    "PLU_FORMAT",
    `Invalid PLU '${plu}': expected 3000-4999, 9 + that for organic (93000-94999), or 83000-84999`,
    { code: plu },
  );
}

export function isPlu(code: string): boolean {
  try {
    parsePlu(code);
    return true;
  } catch (error) {
    if (error instanceof DomainError) return false;
    throw error;
  }
}
