import { formatQuantity } from "@store/domain";
import type { ProductSeed } from "./catalog";
import { backroomZoneOf, type LocationSeed } from "./layout";
import type { Random } from "./random";

/** Opening stock of one product at one location, in milli units (counts or grams x 1000). */
export type OpeningStock = {
  productId: string;
  locationId: string;
  isHome: boolean;
  /** Exact decimal text, e.g. "24" or "25340.5" (grams). */
  onHand: string;
};

/** Fractions of a gram a scale-weighed shelf total ends with. */
const GRAM_FRACTIONS_MILLI = [0, 0, 125, 250, 500, 500, 750];

function gramsMilli(random: Random, minG: number, maxG: number): number {
  return random.int(minG, maxG) * 1000 + random.pick(GRAM_FRACTIONS_MILLI);
}

function shelfCountFor(priceMinor: number, random: Random): number {
  if (priceMinor < 1000) return random.int(20, 60);
  if (priceMinor < 5000) return random.int(10, 36);
  if (priceMinor < 20_000) return random.int(4, 18);
  return random.int(2, 8);
}

/**
 * The stock a store opens with: every product at its home shelf, some also in the backroom. A
 * few products start below their reorder point and a few are empty on the shelf with cases in
 * the backroom, so the dashboard's alerts and replenishment tasks have something to show.
 */
export function planOpeningStock(
  products: readonly ProductSeed[],
  homes: ReadonlyMap<string, LocationSeed>,
  locations: readonly LocationSeed[],
  random: Random,
): OpeningStock[] {
  const backroomByZone = new Map<string, LocationSeed[]>();
  for (const location of locations) {
    if (location.kind !== "BACKROOM") continue;
    backroomByZone.set(location.zone, [...(backroomByZone.get(location.zone) ?? []), location]);
  }
  const stock: OpeningStock[] = [];
  for (const product of products) {
    const home = homes.get(product.id);
    if (!home) throw new Error(`Product ${product.sku} has no home location`);
    const weighed = product.unitOfSale === "WEIGHT";
    const threshold = Number(product.lowStockThreshold) * 1000;
    const situation = random.next();
    let shelfMilli: number;
    if (situation < 0.015) {
      shelfMilli = 0;
    } else if (situation < 0.07) {
      shelfMilli = weighed
        ? gramsMilli(random, 200, Math.max(201, threshold / 1000 - 1))
        : random.int(1, Math.max(1, threshold / 1000 - 1)) * 1000;
    } else if (weighed) {
      shelfMilli =
        product.department === "PRODUCE"
          ? gramsMilli(random, 8_000, 40_000)
          : product.department === "BAKERY" || product.categoryCode === "MEAT-DELI"
            ? gramsMilli(random, 1_500, 6_000)
            : gramsMilli(random, 3_000, 15_000);
    } else {
      shelfMilli = Math.max(shelfCountFor(product.priceMinor, random) * 1000, threshold + 1000);
    }
    stock.push({
      productId: product.id,
      locationId: home.id,
      isHome: true,
      onHand: formatQuantity(shelfMilli),
    });

    const backroomChance = shelfMilli === 0 ? 1 : product.temperatureZone === "AMBIENT" ? 0.45 : 0.25;
    if (!random.chance(backroomChance)) continue;
    const backroom = backroomByZone.get(backroomZoneOf(product));
    if (!backroom?.length) throw new Error(`The layout has no ${backroomZoneOf(product)} locations`);
    const location = random.pick(backroom);
    const backroomMilli = weighed
      ? gramsMilli(random, 5_000, 30_000)
      : random.pick([6, 12, 12, 24, 24, 48]) * 1000;
    stock.push({
      productId: product.id,
      locationId: location.id,
      isHome: false,
      onHand: formatQuantity(backroomMilli),
    });
  }
  return stock;
}
