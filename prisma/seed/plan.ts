import type { Store } from "@store/db";
import { defaultNomenclature, type FloorPlan, type Nomenclature } from "@store/domain";
import { z } from "zod";
import { FAMILY_COUNT, catalogCapacity, generateCatalog, type CatalogSeed } from "./catalog";
import { demoDevicesOf, planShelfAndHostedDevices, type DemoDevice } from "./devices";
import { generateFloorPlan } from "./floor-plan";
import { seedId } from "./ids";
import { assignHomes, generateLayout, type LocationSeed } from "./layout";
import { planPeople, type DeviceSeed, type PeopleSeed } from "./people";
import { planPromotions, type PromotionSeed } from "./promotions";
import { createRandom } from "./random";
import { planOpeningStock, type OpeningStock } from "./stock";

/** Prices, promotions and opening stock start here unless told otherwise; never "now". */
export const DEFAULT_BASE_TIME = new Date("2026-11-01T00:00:00+08:00");
export const DEFAULT_PRODUCT_COUNT = 600;
export const DEFAULT_SEED = "store-node demo";

/** The store row to insert, with its nomenclature typed (the column is JSON). */
export type StoreSeed = Omit<Store, "createdAt" | "nomenclature" | "floorPlan"> & {
  nomenclature: Nomenclature;
  /** The walk graph pick walks are routed over. */
  floorPlan: FloorPlan;
};

/** The demo store: a Hema-style fulfillment node by Jing'an Temple, Shanghai. */
export const DEMO_STORE = {
  code: "SH-001",
  name: "Daily Harvest Jing'an 日日丰静安店",
  currency: "CNY",
  locale: "zh-CN",
  timezone: "Asia/Shanghai",
  latitude: 31.2234,
  longitude: 121.4453,
  deliveryRadiusM: 3000,
  deliveryPromiseMin: 30,
  address: "1601 Nanjing West Road, Jing'an, Shanghai 上海市静安区南京西路1601号",
  kioskRemovalNeedsApproval: false,
  kioskIdleTimeoutS: 90,
  kioskLocales: ["zh-CN", "en"],
  orderWeighedMarginBp: 1500,
  orderCaptureOn: "HANDOFF",
  pickClaimTimeoutS: 120,
} as const;

export const seedOptionsSchema = z.object({
  /** How many products (default 600); large values make benchmark catalogs. */
  productCount: z.number().int().min(FAMILY_COUNT).optional(),
  /** When prices and promotions start and the opening stock is booked. */
  baseTime: z
    .date()
    .refine((date) => !Number.isNaN(date.getTime()), "baseTime must be a valid date")
    .optional(),
  /** The text the pseudo-random generator starts from: another seed, another (equally valid) store. */
  seed: z.string().min(1).optional(),
});
export type SeedOptions = z.input<typeof seedOptionsSchema>;

export type DemoStorePlan = {
  baseTime: Date;
  store: StoreSeed;
  catalog: CatalogSeed;
  locations: LocationSeed[];
  homes: ReadonlyMap<string, LocationSeed>;
  stock: OpeningStock[];
  promotions: PromotionSeed[];
  people: PeopleSeed;
  /** Scanners and scales bound to the kiosks and handhelds, shelf sensors and shelf labels. */
  devices: DeviceSeed[];
};

export function parseSeedOptions(options: SeedOptions = {}) {
  const parsed = seedOptionsSchema.safeParse(options);
  if (!parsed.success) throw new RangeError(`Invalid seed options: ${z.prettifyError(parsed.error)}`);
  const productCount = parsed.data.productCount ?? DEFAULT_PRODUCT_COUNT;
  const capacity = catalogCapacity();
  if (productCount > capacity) {
    throw new RangeError(
      `Invalid seed options: productCount ${productCount} exceeds the ${capacity} products the assortment can generate`,
    );
  }
  return {
    productCount,
    baseTime: parsed.data.baseTime ?? DEFAULT_BASE_TIME,
    seed: parsed.data.seed ?? DEFAULT_SEED,
  };
}

/**
 * Everything the demo store consists of, computed without a database: the seed inserts it as
 * is, and unit tests check it. The same options always give the same plan.
 */
export function planDemoStore(options: SeedOptions = {}): DemoStorePlan {
  const { productCount, baseTime, seed } = parseSeedOptions(options);
  const store: StoreSeed = {
    ...DEMO_STORE,
    kioskLocales: [...DEMO_STORE.kioskLocales],
    id: seedId("store", DEMO_STORE.code),
    nomenclature: defaultNomenclature,
    floorPlan: generateFloorPlan(),
  };
  const catalog = generateCatalog({ productCount, nomenclature: store.nomenclature, seed });
  const locations = generateLayout(DEMO_STORE.code);
  const homes = assignHomes(catalog.products, locations);
  const stock = planOpeningStock(catalog.products, homes, locations, createRandom(`${seed}/stock`));
  const promotions = planPromotions(store.code, catalog.products);
  const people = planPeople(store.code, locations);
  return {
    baseTime,
    store,
    catalog,
    locations,
    homes,
    stock,
    promotions,
    people,
    devices: planShelfAndHostedDevices(store.code, people.devices, {
      products: catalog.products,
      homes,
      promotions,
    }),
  };
}

/**
 * The demo store's devices with their MQTT passwords, for the simulator: what `seedDemoStore`
 * inserts for the same options (the default demo store when given no plan).
 */
export function demoDevices(plan: DemoStorePlan = planDemoStore()): DemoDevice[] {
  return demoDevicesOf(
    plan.store.code,
    [...plan.people.devices, ...plan.devices],
    plan.locations,
    plan.catalog.products,
  );
}
