import type { LocationKind } from "@store/db";
import type { ProductSeed } from "./catalog";
import { seedId } from "./ids";

export type LocationSeed = {
  id: string;
  code: string;
  kind: LocationKind;
  zone: string;
  aisle: string | null;
  bay: number | null;
  shelf: number | null;
  walkSequence: number;
  x: number;
  y: number;
  sellable: boolean;
};

/** Sales-floor zones; each product has its home facing in exactly one of them. */
export const SALES_ZONES = [
  "produce",
  "bakery",
  "grocery",
  "alcohol",
  "chilled",
  "frozen",
  "checkout",
] as const;
export type SalesZone = (typeof SALES_ZONES)[number];

/**
 * Which grocery aisle holds a category's ambient products. Chilled and frozen products go to the
 * chilled wall and the frozen aisle whatever their category; produce, bakery and alcohol have
 * their own zones.
 */
export const AISLE_OF_CATEGORY: Readonly<Record<string, string>> = {
  "PANTRY-RICE-FLOUR": "A1",
  "PANTRY-OIL": "A1",
  "PANTRY-CONDIMENTS": "A2",
  "PANTRY-NOODLES": "A3",
  "PANTRY-CANNED": "A3",
  "PANTRY-DRIED": "A4",
  "PANTRY-BREAKFAST": "A4",
  "DAIRY-MILK": "A4",
  "DAIRY-YOGURT": "A4",
  "DAIRY-EGGS": "A4",
  "SNACKS-CHIPS": "A5",
  "SNACKS-NUTS": "A5",
  "SNACKS-BISCUITS": "A6",
  "SNACKS-CONFECTIONERY": "A6",
  "DRINKS-WATER": "A7",
  "DRINKS-SOFT": "A7",
  "DRINKS-TEA-JUICE": "A8",
  "DRINKS-COFFEE-TEA": "A8",
};

/** Gap between consecutive walk sequence numbers, so a shelf can be added without renumbering. */
const WALK_STEP = 10;
const AISLE_COUNT = 8;
const BAY_PAIRS_PER_AISLE = 6;
const SHELVES_PER_AISLE_BAY = 5;

/**
 * The demo store's floor, 60 m x 40 m of sales floor with the backroom east of it, in metres
 * from the south-west corner. The walk is a serpentine from the entrance (south-west, walk
 * sequence 0): north through produce along the west wall, east through the bakery, down A1 and
 * up A2 ... up A8, east along the alcohol shelves, south along the chilled wall, west through
 * the frozen aisle (frozen last, so it stays cold) to the checkouts and the packing area.
 * Bays in aisles are numbered from the front of the store, odd on the west side, even on the
 * east side, so "A3-2-1" is aisle 3, first bay pair, east side, bottom shelf.
 */
export function generateLayout(storeCode: string): LocationSeed[] {
  const locations: LocationSeed[] = [];
  let walk = 0;
  const add = (
    location: Omit<LocationSeed, "id" | "walkSequence" | "code" | "sellable"> & {
      code?: string;
      sellable?: boolean;
    },
  ) => {
    walk += WALK_STEP;
    const code = location.code ?? `${location.aisle}-${location.bay}-${location.shelf}`;
    const id = seedId("location", `${storeCode}/${code}`);
    locations.push({ ...location, code, id, walkSequence: walk, sellable: location.sellable ?? true });
  };
  const shelfRun = (
    zone: string,
    aisle: string,
    bays: number,
    shelves: number,
    position: (bay: number) => { x: number; y: number },
    kind: LocationKind = "SHELF",
    sellable = true,
  ) => {
    for (let bay = 1; bay <= bays; bay++) {
      for (let shelf = 1; shelf <= shelves; shelf++) {
        add({ kind, zone, aisle, bay, shelf, sellable, ...position(bay) });
      }
    }
  };

  shelfRun("produce", "PR", 8, 3, (bay) => ({ x: 4, y: 5 + 3.5 * (bay - 1) }));
  shelfRun("bakery", "BK", 4, 4, (bay) => ({ x: 5 + 3 * (bay - 1), y: 36 }));

  for (let aisleNumber = 1; aisleNumber <= AISLE_COUNT; aisleNumber++) {
    const aisle = `A${aisleNumber}`;
    const centreX = 18 + 4 * (aisleNumber - 1);
    const southbound = aisleNumber % 2 === 1;
    const pairs = Array.from({ length: BAY_PAIRS_PER_AISLE }, (_, index) => index + 1);
    for (const pair of southbound ? pairs.reverse() : pairs) {
      const y = 7 + 4 * (pair - 1);
      for (const side of [1, 2]) {
        const bay = 2 * (pair - 1) + side;
        for (let shelf = 1; shelf <= SHELVES_PER_AISLE_BAY; shelf++) {
          add({
            kind: "SHELF",
            zone: "grocery",
            aisle,
            bay,
            shelf,
            x: side === 1 ? centreX - 1 : centreX + 1,
            y,
          });
        }
      }
    }
  }

  shelfRun("alcohol", "AL", 5, 5, (bay) => ({ x: 42 + 3 * (bay - 1), y: 37 }));
  shelfRun("chilled", "CW", 14, 5, (bay) => ({ x: 57, y: 33 - 2 * (bay - 1) }));

  for (let pair = 1; pair <= 6; pair++) {
    const x = 54 - 5 * (pair - 1);
    for (const side of [1, 2]) {
      const bay = 2 * (pair - 1) + side;
      for (let shelf = 1; shelf <= 4; shelf++) {
        add({ kind: "SHELF", zone: "frozen", aisle: "FZ", bay, shelf, x, y: side === 1 ? 1.5 : 3.5 });
      }
    }
  }

  for (const lane of [4, 3, 2, 1]) {
    for (let shelf = 1; shelf <= 2; shelf++) {
      add({ kind: "SHELF", zone: "checkout", aisle: "CO", bay: lane, shelf, x: 7.5 + 2.5 * lane, y: 2 });
    }
  }

  add({
    code: "PK-1",
    kind: "PACKING",
    zone: "packing",
    aisle: "PK",
    bay: 1,
    shelf: null,
    x: 62,
    y: 3,
    sellable: false,
  });
  add({
    code: "PK-2",
    kind: "PACKING",
    zone: "packing",
    aisle: "PK",
    bay: 2,
    shelf: null,
    x: 62,
    y: 6,
    sellable: false,
  });
  shelfRun("backroom", "BR", 6, 3, (bay) => ({ x: 63, y: 10 + 3 * (bay - 1) }), "BACKROOM", false);
  shelfRun("backroom-chilled", "BC", 3, 3, (bay) => ({ x: 63, y: 29 + 2 * (bay - 1) }), "BACKROOM", false);
  shelfRun("backroom-frozen", "BF", 2, 3, (bay) => ({ x: 66, y: 29 + 2 * (bay - 1) }), "BACKROOM", false);
  add({
    code: "RCV-1",
    kind: "RECEIVING",
    zone: "receiving",
    aisle: "RCV",
    bay: 1,
    shelf: null,
    x: 64,
    y: 38,
    sellable: false,
  });
  return locations;
}

/** The sales-floor zone and, for grocery, the aisle where a product's home facing is. */
export function homeZoneOf(product: ProductSeed): { zone: SalesZone; aisle?: string } {
  if (product.impulse) return { zone: "checkout" };
  if (product.department === "PRODUCE") return { zone: "produce" };
  if (product.department === "BAKERY") return { zone: "bakery" };
  if (product.department === "ALCOHOL") return { zone: "alcohol" };
  if (product.temperatureZone === "FROZEN") return { zone: "frozen" };
  if (product.temperatureZone === "CHILLED") return { zone: "chilled" };
  const aisle = AISLE_OF_CATEGORY[product.categoryCode];
  if (!aisle)
    throw new Error(`No grocery aisle for ambient category ${product.categoryCode} (${product.sku})`);
  return { zone: "grocery", aisle };
}

/** The backroom area for a product's temperature zone. */
export function backroomZoneOf(product: ProductSeed): string {
  if (product.temperatureZone === "FROZEN") return "backroom-frozen";
  if (product.temperatureZone === "CHILLED") return "backroom-chilled";
  return "backroom";
}

/**
 * Spreads each zone's (or aisle's) products evenly over its shelves in catalog order, so a
 * category stays together and neighbours on a shelf are related products.
 */
export function assignHomes(
  products: readonly ProductSeed[],
  locations: readonly LocationSeed[],
): Map<string, LocationSeed> {
  const shelvesByKey = new Map<string, LocationSeed[]>();
  for (const location of locations) {
    if (location.kind !== "SHELF") continue;
    const key = location.zone === "grocery" ? `grocery/${location.aisle}` : location.zone;
    const list = shelvesByKey.get(key) ?? [];
    list.push(location);
    shelvesByKey.set(key, list);
  }
  for (const list of shelvesByKey.values()) {
    list.sort((a, b) => (a.bay ?? 0) - (b.bay ?? 0) || (a.shelf ?? 0) - (b.shelf ?? 0));
  }
  const productsByKey = new Map<string, ProductSeed[]>();
  for (const product of products) {
    const { zone, aisle } = homeZoneOf(product);
    const key = zone === "grocery" ? `grocery/${aisle}` : zone;
    const list = productsByKey.get(key) ?? [];
    list.push(product);
    productsByKey.set(key, list);
  }
  const homes = new Map<string, LocationSeed>();
  for (const [key, list] of productsByKey) {
    const shelves = shelvesByKey.get(key);
    if (!shelves?.length) throw new Error(`The layout has no shelves for ${key}`);
    list.forEach((product, index) => {
      const shelf = shelves[Math.floor((index * shelves.length) / list.length)];
      if (shelf) homes.set(product.id, shelf);
    });
  }
  return homes;
}
