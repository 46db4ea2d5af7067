import { formatQuantity, parseQuantity } from "@store/domain";

/** What the system believes about the facing a shelf sensor weighs. */
export type ShelfFacts = {
  /** Grams per unit for items sold each; null for goods sold by weight (quantities in grams). */
  unitWeightG: number | null;
  /** On hand at the facing in the system, in thousandths (of units, or of grams). */
  systemOnHandMilli: number;
  /** The product is low below this quantity, in thousandths. 0: never low. */
  lowStockThresholdMilli: number;
};

export type ShelfOptions = {
  /**
   * Stable readings in a median filter. Sensors that publish on change send one reading per
   * change, so the default is 1 (each stable reading counts); a sensor that streams readings can
   * use more to outvote a lone spike.
   */
  window?: number;
  /**
   * How far past the half-way point between two unit counts the filtered weight must go before
   * the estimate moves, in units: 0.25 means 0.75 of a unit. Keeps a count from flickering
   * when noise or drift sits near a boundary.
   */
  hysteresisUnits?: number;
  /** For goods sold by weight: grams the filtered weight must move before the estimate does. */
  hysteresisG?: number;
  /** A shelf gap is a shortfall against the system of at least this many units… */
  gapMinUnits?: number;
  /** …or, for goods sold by weight, grams… */
  gapMinG?: number;
  /** …and at least this fraction of what the system believes is there. */
  gapFraction?: number;
};

export type ShelfEstimate = {
  grams: number;
  /** Quantity on the shelf in thousandths: of units, or of grams for goods sold by weight. */
  milli: number;
  /** Quantity as a decimal string, the way the service writes quantities. */
  units: string;
  gap: boolean;
  low: boolean;
};

const defaults: Required<ShelfOptions> = {
  window: 1,
  hysteresisUnits: 0.25,
  hysteresisG: 50,
  gapMinUnits: 1,
  gapMinG: 250,
  gapFraction: 0.2,
};

/**
 * Turns one shelf sensor's readings into a quantity on the shelf and compares it with what the
 * system believes: unstable readings ignored, an optional median filter against spikes,
 * hysteresis against flicker,
 * then a shelf gap (the system believes in stock the shelf does not hold) and low stock (the
 * shelf holds less than the reorder point).
 */
export class ShelfEstimator {
  private readonly options: Required<ShelfOptions>;
  private readonly readings: number[] = [];
  private estimate: ShelfEstimate | null = null;

  constructor(
    private facts: ShelfFacts,
    options: ShelfOptions = {},
  ) {
    this.options = { ...defaults, ...options };
  }

  get current(): ShelfEstimate | null {
    return this.estimate;
  }

  /** The system's stock changed (a sale, a pick, a receipt): may raise or clear a gap. */
  setFacts(facts: ShelfFacts): ShelfEstimate | null {
    this.facts = facts;
    if (this.estimate === null) return null;
    return this.update(this.estimate.grams, this.estimate.milli);
  }

  /**
   * A reading, in grams. Unstable readings (a hand on the shelf, goods still moving) never count.
   * Returns the estimate when it changed (quantity, gap or low), else null.
   */
  reading(grams: number, stable = true): ShelfEstimate | null {
    if (!stable) return null;
    this.readings.push(grams);
    if (this.readings.length > this.options.window) this.readings.shift();
    const filtered = median(this.readings);
    return this.update(filtered, this.quantityMilli(filtered));
  }

  private quantityMilli(grams: number): number {
    const unitWeight = this.facts.unitWeightG;
    const previous = this.estimate;
    if (unitWeight === null || unitWeight <= 0) {
      // Sold by weight: the quantity is the weight itself, in whole grams.
      const moved = previous === null || Math.abs(grams - previous.milli / 1000) >= this.options.hysteresisG;
      return moved ? Math.max(0, Math.round(grams)) * 1000 : previous.milli;
    }
    const raw = grams / unitWeight;
    if (previous !== null && Math.abs(raw - previous.milli / 1000) <= 0.5 + this.options.hysteresisUnits) {
      return previous.milli;
    }
    return Math.max(0, Math.round(raw)) * 1000;
  }

  private update(grams: number, milli: number): ShelfEstimate | null {
    const { systemOnHandMilli, lowStockThresholdMilli } = this.facts;
    const shortfall = systemOnHandMilli - milli;
    const soldByWeight = this.facts.unitWeightG === null;
    const floor = soldByWeight ? this.options.gapMinG : this.options.gapMinUnits;
    const minimum = Math.max(floor * 1000, this.options.gapFraction * systemOnHandMilli);
    const gap = shortfall > 0 && shortfall >= minimum;
    const low = lowStockThresholdMilli > 0 && milli < lowStockThresholdMilli;
    const previous = this.estimate;
    const next: ShelfEstimate = { grams, milli, units: formatQuantity(milli), gap, low };
    this.estimate = next;
    if (previous && previous.milli === milli && previous.gap === gap && previous.low === low) return null;
    return next;
  }
}

/** Facts from the registry's decimal strings. */
export function shelfFacts(input: {
  unitWeightG: string | null;
  systemOnHand: string | null;
  lowStockThreshold: string;
  soldByWeight: boolean;
}): ShelfFacts {
  const unitWeight = input.soldByWeight || input.unitWeightG === null ? null : Number(input.unitWeightG);
  return {
    unitWeightG: unitWeight !== null && unitWeight > 0 ? unitWeight : null,
    systemOnHandMilli: input.systemOnHand === null ? 0 : parseQuantity(input.systemOnHand),
    lowStockThresholdMilli: parseQuantity(input.lowStockThreshold),
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}
