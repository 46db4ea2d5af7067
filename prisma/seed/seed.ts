import type { Prisma, PrismaClient } from "@store/db";
import { seedId } from "./ids";
import type { DemoCredentials } from "./people";
import { DEMO_STORE, planDemoStore, type DemoStorePlan, type SeedOptions } from "./plan";

export type SeedSummary = {
  storeId: string;
  storeCode: string;
  baseTime: Date;
  categories: number;
  products: number;
  barcodes: number;
  locations: number;
  prices: number;
  promotions: number;
  stockBalances: number;
  stockMovements: number;
  users: number;
  devices: number;
  /** Plaintext demo credentials (deterministic, demo only): what the README shows. */
  tokens: DemoCredentials;
};

/** Rows per INSERT: well below PostgreSQL's 65,535 bind parameters for the widest table. */
const BATCH_ROWS = 1000;
/** A 20,000-product catalog on PGlite takes a while; the default 5 s would abort it. */
const TRANSACTION_TIMEOUT_MS = 10 * 60_000;

async function inBatches<T>(rows: readonly T[], insert: (batch: T[]) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < rows.length; start += BATCH_ROWS) {
    await insert(rows.slice(start, start + BATCH_ROWS));
  }
}

/** True once the demo store (or the store with `storeCode`) exists. */
export async function isSeeded(prisma: PrismaClient, storeCode: string = DEMO_STORE.code): Promise<boolean> {
  return (await prisma.store.count({ where: { code: storeCode } })) > 0;
}

async function insertPlan(tx: Prisma.TransactionClient, plan: DemoStorePlan): Promise<void> {
  const { store, catalog, baseTime } = plan;
  const storeId = store.id;
  const categoryIds = new Map(catalog.categories.map((category) => [category.code, category.id]));
  const categoryId = (code: string): string => {
    const id = categoryIds.get(code);
    if (!id) throw new Error(`Unknown category ${code}`);
    return id;
  };

  await tx.store.create({
    data: {
      id: storeId,
      code: store.code,
      name: store.name,
      currency: store.currency,
      locale: store.locale,
      timezone: store.timezone,
      latitude: store.latitude,
      longitude: store.longitude,
      deliveryRadiusM: store.deliveryRadiusM,
      deliveryPromiseMin: store.deliveryPromiseMin,
      address: store.address,
      kioskRemovalNeedsApproval: store.kioskRemovalNeedsApproval,
      kioskIdleTimeoutS: store.kioskIdleTimeoutS,
      kioskLocales: store.kioskLocales,
      orderWeighedMarginBp: store.orderWeighedMarginBp,
      orderCaptureOn: store.orderCaptureOn,
      pickClaimTimeoutS: store.pickClaimTimeoutS,
      nomenclature: store.nomenclature,
      floorPlan: store.floorPlan,
      createdAt: baseTime,
    },
  });
  await tx.category.createMany({
    data: catalog.categories.map(({ id, code, nameEn, nameZh, taxRateBp, temperatureZone, icon }) => ({
      id,
      code,
      nameEn,
      nameZh,
      taxRateBp,
      temperatureZone,
      icon,
    })),
  });
  await inBatches(catalog.products, (batch) =>
    tx.product.createMany({
      data: batch.map((product) => ({
        id: product.id,
        sku: product.sku,
        nameEn: product.nameEn,
        nameZh: product.nameZh,
        brand: product.brand,
        categoryId: categoryId(product.categoryCode),
        unitOfSale: product.unitOfSale,
        contentAmount: product.contentAmount,
        contentUnit: product.contentUnit,
        minimumAge: product.minimumAge,
        unitWeightG: product.unitWeightG,
        weightToleranceG: product.weightToleranceG,
        notWeighable: product.notWeighable,
        temperatureZone: product.temperatureZone,
        lowStockThreshold: product.lowStockThreshold,
        icon: product.icon,
        createdAt: baseTime,
        updatedAt: baseTime,
      })),
    }),
  );
  await inBatches(
    catalog.products.flatMap((product) =>
      product.barcodes.map((barcode) => ({
        id: seedId("barcode", `${barcode.kind}/${barcode.code}`),
        productId: product.id,
        ...barcode,
      })),
    ),
    (batch) => tx.barcode.createMany({ data: batch }),
  );
  await inBatches(
    catalog.products.map((product) => ({
      id: seedId("price", `${store.code}/${product.sku}/${baseTime.toISOString()}`),
      storeId,
      productId: product.id,
      priceMinor: product.priceMinor,
      validFrom: baseTime,
      createdAt: baseTime,
      createdBy: "seed",
    })),
    (batch) => tx.priceBookEntry.createMany({ data: batch }),
  );
  await inBatches(plan.locations, (batch) =>
    tx.location.createMany({ data: batch.map((location) => ({ ...location, storeId })) }),
  );
  await tx.promotion.createMany({
    data: plan.promotions.map(({ items: _items, ...promotion }) => ({
      ...promotion,
      storeId,
      startsAt: baseTime,
      endsAt: null,
      active: true,
      createdAt: baseTime,
      updatedAt: baseTime,
    })),
  });
  await inBatches(
    plan.promotions.flatMap((promotion) =>
      promotion.items.map((item) => ({ promotionId: promotion.id, ...item })),
    ),
    (batch) => tx.promotionItem.createMany({ data: batch }),
  );
  await inBatches(plan.stock, (batch) =>
    tx.stockBalance.createMany({
      data: batch.map((row) => ({ storeId, ...row, reserved: "0", updatedAt: baseTime })),
    }),
  );
  // The ledger is the truth the balances are checked against: every opening quantity is one
  // OPENING movement, so balance = sum of movements from the first row on.
  await inBatches(
    plan.stock.filter((row) => row.onHand !== "0"),
    (batch) =>
      tx.stockMovement.createMany({
        data: batch.map((row) => ({
          storeId,
          productId: row.productId,
          locationId: row.locationId,
          delta: row.onHand,
          reason: "OPENING" as const,
          actorKind: "SYSTEM" as const,
          reference: `seed:${store.code}`,
          note: "Opening stock",
          createdAt: baseTime,
        })),
      }),
  );
  const { users, devices, tokens } = plan.people;
  await tx.user.createMany({ data: users.map((user) => ({ ...user, storeId, createdAt: baseTime })) });
  // Hosts first: scanners and scales point at their kiosk or handheld.
  await tx.device.createMany({
    data: [...devices, ...plan.devices].map(({ key: _key, ...device }) => ({
      ...device,
      storeId,
      provisionedAt: baseTime,
    })),
  });
  await tx.apiToken.createMany({ data: tokens.map((token) => ({ ...token, storeId, createdAt: baseTime })) });
  await tx.auditLog.create({
    data: {
      storeId,
      actorKind: "SYSTEM",
      action: "store.seeded",
      subject: `store:${store.code}`,
      details: {
        products: catalog.products.length,
        locations: plan.locations.length,
        promotions: plan.promotions.length,
        baseTime: baseTime.toISOString(),
      },
      createdAt: baseTime,
    },
  });
}

/**
 * Seeds the demo store into an empty, migrated database in one transaction: catalog, layout,
 * price book, promotions, opening stock through the ledger, staff, devices and API tokens.
 * Refuses to run twice (check `isSeeded` first). Options: `productCount` (default 600; e.g.
 * 20,000 for a dashboard benchmark), `baseTime` (when prices and stock start), `seed`.
 */
export async function seedDemoStore(prisma: PrismaClient, options: SeedOptions = {}): Promise<SeedSummary> {
  const plan = planDemoStore(options);
  if (await isSeeded(prisma, plan.store.code)) {
    throw new Error(`Store ${plan.store.code} is already seeded: seed an empty database`);
  }
  await prisma.$transaction((tx) => insertPlan(tx, plan), {
    timeout: TRANSACTION_TIMEOUT_MS,
    maxWait: TRANSACTION_TIMEOUT_MS,
  });
  return summarize(plan);
}

export function summarize(plan: DemoStorePlan): SeedSummary {
  return {
    storeId: plan.store.id,
    storeCode: plan.store.code,
    baseTime: plan.baseTime,
    categories: plan.catalog.categories.length,
    products: plan.catalog.products.length,
    barcodes: plan.catalog.products.reduce((sum, product) => sum + product.barcodes.length, 0),
    locations: plan.locations.length,
    prices: plan.catalog.products.length,
    promotions: plan.promotions.length,
    stockBalances: plan.stock.length,
    stockMovements: plan.stock.filter((row) => row.onHand !== "0").length,
    users: plan.people.users.length,
    devices: plan.people.devices.length + plan.devices.length,
    tokens: plan.people.credentials,
  };
}
