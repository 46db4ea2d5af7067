import { allocateProportionally } from "./allocation";
import { DomainError } from "./errors";
import { assertMinorUnits, divideRoundHalfUp, type MinorUnits } from "./money";

export const BASIS_POINTS = 10_000;

/** China VAT on general goods and on agricultural produce (basis points). */
export const CHINA_VAT_GENERAL_BP = 1300;
export const CHINA_VAT_AGRICULTURAL_BP = 900;

function assertRate(taxRateBp: number): void {
  if (!Number.isSafeInteger(taxRateBp) || taxRateBp < 0 || taxRateBp > BASIS_POINTS) {
    throw new DomainError("CART_INVALID", `Invalid tax rate ${String(taxRateBp)} bp: expected 0 to 10000`, {
      taxRateBp,
    });
  }
}

/**
 * The tax contained in a tax-inclusive amount: total - round(total / (1 + rate)), the net part
 * rounded half up. 113.00 at 13 % -> net 100.00, tax 13.00; 10.00 at 9 % -> net 9.17, tax 0.83.
 */
export function includedTax(totalMinor: MinorUnits, taxRateBp: number): MinorUnits {
  assertMinorUnits(totalMinor, "Tax-inclusive total");
  assertRate(taxRateBp);
  if (totalMinor < 0) {
    throw new DomainError("MONEY_RANGE", `Cannot compute the tax in a negative total ${totalMinor}`, {
      totalMinor,
    });
  }
  const net = divideRoundHalfUp(BigInt(totalMinor) * BigInt(BASIS_POINTS), BigInt(BASIS_POINTS + taxRateBp));
  return totalMinor - Number(net);
}

export type TaxableLine = { totalMinor: MinorUnits; taxRateBp: number };

export type TaxGroup = {
  taxRateBp: number;
  totalMinor: MinorUnits;
  taxMinor: MinorUnits;
  netMinor: MinorUnits;
};

/**
 * Tax for a whole cart, computed once per rate on the sum of that rate's lines and then
 * allocated back to the lines (largest remainder, proportional to line totals).
 *
 * Why per rate group rather than per line: the receipt and the VAT return state one tax figure
 * per rate, and that figure must be exactly total - round(total / (1 + rate)) of the rate's
 * takings. Rounding each line first lets up to half a fen per line accumulate (ten lines of
 * ¥1.00 at 13 % are 0.12 each = 1.20 per line, but 1.15 on their ¥10.00 sum), so the lines
 * would not agree with the stated tax. Allocating the group figure keeps both exact: line
 * taxes sum to their group, groups sum to the cart.
 */
export function allocateTax(lines: readonly TaxableLine[]): {
  lineTaxMinor: MinorUnits[];
  groups: TaxGroup[];
} {
  const lineTaxMinor = lines.map(() => 0);
  const rates = [...new Set(lines.map((line) => line.taxRateBp))].sort((a, b) => a - b);
  const groups: TaxGroup[] = [];
  for (const taxRateBp of rates) {
    const members = lines.flatMap((line, index) => (line.taxRateBp === taxRateBp ? [index] : []));
    const totals = members.map((index) => lines[index]?.totalMinor ?? 0);
    const totalMinor = totals.reduce((sum, amount) => sum + amount, 0);
    const taxMinor = includedTax(totalMinor, taxRateBp);
    allocateProportionally(taxMinor, totals).forEach((share, position) => {
      lineTaxMinor[members[position] ?? 0] = share;
    });
    groups.push({ taxRateBp, totalMinor, taxMinor, netMinor: totalMinor - taxMinor });
  }
  return { lineTaxMinor, groups };
}
