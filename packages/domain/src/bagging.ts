import { QUANTITY_SCALE } from "./quantity";

/**
 * The security (bagging) scale at a self-checkout: what the bagging area should weigh after each
 * scan, compared with what its scale reports. Plain state in, verdict out, so the kiosk, its tests
 * and the attendant's view all judge a reading the same way.
 */

/** What one cart line should add to the bagging area; null when the line is exempt. */
export type BaggingExpectation = { expectedG: number; toleranceG: number };

export type WeighableProduct = {
  unitOfSale: "EACH" | "WEIGHT";
  /** Catalog weight of one unit (EACH); ignored for goods sold by weight. */
  unitWeightG: number | null;
  /** Allowed difference either side for one unit; a default applies when the catalog has none. */
  weightToleranceG: number | null;
  /** Too light or too bulky for the bagging area: never checked. */
  notWeighable: boolean;
};

/** A bagging scale reads in 5 g steps; no expectation is tighter than two of them. */
const SCALE_RESOLUTION_G = 5;
const MIN_TOLERANCE_G = 2 * SCALE_RESOLUTION_G;
/** Without a catalog tolerance: packaging and fill vary by about this much. */
const DEFAULT_TOLERANCE_RATIO = 0.05;
/** Loose produce comes in a bag the scale at the produce station did not weigh. */
const WEIGHED_GOODS_TOLERANCE_RATIO = 0.03;

export function baggingExpectation(
  product: WeighableProduct,
  quantityMilli: number,
): BaggingExpectation | null {
  if (product.notWeighable) return null;
  if (product.unitOfSale === "WEIGHT") {
    const grams = quantityMilli / QUANTITY_SCALE;
    return {
      expectedG: grams,
      toleranceG: Math.max(MIN_TOLERANCE_G, Math.round(grams * WEIGHED_GOODS_TOLERANCE_RATIO)),
    };
  }
  // A unit without a catalog weight cannot be checked; letting it pass beats blocking the shopper.
  if (product.unitWeightG === null || product.unitWeightG <= 0) return null;
  const units = quantityMilli / QUANTITY_SCALE;
  const perUnit = Math.max(
    MIN_TOLERANCE_G,
    product.weightToleranceG ?? Math.round(product.unitWeightG * DEFAULT_TOLERANCE_RATIO),
  );
  return { expectedG: product.unitWeightG * units, toleranceG: perUnit * units };
}

export type BaggingVerdict =
  /** The bagging area weighs what the scanned items should, within tolerance. */
  | { kind: "ok" }
  /** Something was scanned and has not been bagged yet; the shopper still has time. */
  | { kind: "awaiting-item"; missingG: number }
  /** More weight than the cart now holds just after a change: the shopper is taking an item out. */
  | { kind: "awaiting-removal"; excessG: number }
  /** More weight than scanned: an item was bagged without being scanned. */
  | { kind: "unexpected-item"; excessG: number }
  /** Less weight than scanned, and not just a moment after a scan: an item was taken out. */
  | { kind: "item-removed"; missingG: number }
  /** No stable reading yet (or none at all: no bagging scale is bound to this kiosk). */
  | { kind: "unknown" };

export type BaggingCheck = {
  /** What the empty bagging area (with bags the shopper brought) weighed. */
  baselineG: number;
  /** The lines' expectations; exempt lines are simply absent. */
  expectations: readonly BaggingExpectation[];
  /** The last stable reading, or null before the first. */
  stableG: number | null;
  /** When the cart last changed (an item scanned, removed or recounted; ms since epoch), or null. */
  lastChangeAt: number | null;
  now: number;
};

/** How long a shopper has to put a scanned item into the bagging area, or take a removed one out. */
export const BAGGING_PLACE_WINDOW_MS = 10_000;

export function judgeBagging(check: BaggingCheck): BaggingVerdict {
  if (check.stableG === null) return { kind: "unknown" };
  let expectedG = 0;
  let toleranceG = SCALE_RESOLUTION_G;
  for (const expectation of check.expectations) {
    expectedG += expectation.expectedG;
    toleranceG += expectation.toleranceG;
  }
  const difference = check.stableG - check.baselineG - expectedG;
  if (Math.abs(difference) <= toleranceG) return { kind: "ok" };
  const settling = check.lastChangeAt !== null && check.now - check.lastChangeAt < BAGGING_PLACE_WINDOW_MS;
  if (difference > 0) {
    const excessG = Math.round(difference);
    return settling ? { kind: "awaiting-removal", excessG } : { kind: "unexpected-item", excessG };
  }
  const missingG = Math.round(-difference);
  return settling ? { kind: "awaiting-item", missingG } : { kind: "item-removed", missingG };
}

/**
 * The baseline after an attendant has looked at the bagging area and accepted what is in it:
 * the current weight then counts as exactly what the cart expects.
 */
export function acceptedBaseline(stableG: number, expectations: readonly BaggingExpectation[]): number {
  return stableG - expectations.reduce((sum, expectation) => sum + expectation.expectedG, 0);
}
