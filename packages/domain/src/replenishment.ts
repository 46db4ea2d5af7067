import { QUANTITY_SCALE, type QuantityMilli } from "./quantity";

/** What is known about one shelf of a product when deciding how much to bring to it. */
export type ShelfRefill = {
  unitOfSale: "EACH" | "WEIGHT";
  /** The product's reorder point; 0 when none is set. */
  lowStockThresholdMilli: QuantityMilli;
  /** What is on the shelf: the shelf sensor's estimate, or the system's stock where no sensor weighs it. */
  onShelfMilli: QuantityMilli;
  /** What the system holds at the shelf. */
  shelfSystemMilli: QuantityMilli;
  /** Free stock (on hand less reserved) at the backroom location the goods come from. */
  backroomAvailableMilli: QuantityMilli;
};

/**
 * The level a shelf is filled back to: twice the product's reorder point (the shelf is low below
 * one reorder point, so a refill leaves a reorder point of headroom above that mark); for a
 * product without one, what the system believes is at the shelf.
 */
export function shelfRefillLevel(
  shelf: Pick<ShelfRefill, "lowStockThresholdMilli" | "shelfSystemMilli">,
): QuantityMilli {
  return shelf.lowStockThresholdMilli > 0
    ? 2 * shelf.lowStockThresholdMilli
    : Math.max(0, shelf.shelfSystemMilli);
}

/**
 * How much to bring from the backroom: what fills the shelf back to its level, but no more than
 * the backroom has free. Goods sold by the piece move in whole units (a part-unit shortfall rounds
 * up, a part-unit in the backroom does not count). 0: nothing to move, because the shelf is at its
 * level or the backroom has nothing free.
 */
export function replenishmentQuantity(shelf: ShelfRefill): QuantityMilli {
  const shortfall = Math.max(0, shelfRefillLevel(shelf) - Math.max(0, shelf.onShelfMilli));
  const available = Math.max(0, shelf.backroomAvailableMilli);
  if (shelf.unitOfSale === "WEIGHT") return Math.min(shortfall, available);
  const units = Math.min(Math.ceil(shortfall / QUANTITY_SCALE), Math.floor(available / QUANTITY_SCALE));
  return units * QUANTITY_SCALE;
}
