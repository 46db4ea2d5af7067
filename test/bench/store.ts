import { createCaller, createContext, createServices } from "@store/api";
import { seedDemoStore } from "@store/prisma/seed";
import type { BenchDatabase } from "./support";

export type Caller = ReturnType<typeof createCaller>;

/**
 * The demo store seeded into a bench database, with callers that go through the project's real
 * path: tRPC procedures with their middlewares (auth, role, validation) and services, in-process.
 */
export async function openBenchStore(db: BenchDatabase) {
  const seeded = await seedDemoStore(db.prisma);
  const services = createServices(db);
  const callerFor = async (token: string): Promise<Caller> =>
    createCaller(await createContext({ services, token }));
  const manager = await callerFor(seeded.tokens.manager);
  const store = await db.prisma.store.findUniqueOrThrow({ where: { id: seeded.storeId } });
  return { db, services, seeded, store, callerFor, manager };
}

export type BenchStore = Awaited<ReturnType<typeof openBenchStore>>;

/** Sellable products sold by the piece, with no age check and no promotion, ordered by SKU. */
export async function plainProducts(store: BenchStore, count: number) {
  const products = await store.db.prisma.product.findMany({
    where: {
      active: true,
      unitOfSale: "EACH",
      minimumAge: null,
      promotionItems: { none: {} },
      barcodes: { some: { kind: "GTIN" } },
      balances: { some: { isHome: true } },
    },
    select: {
      id: true,
      sku: true,
      barcodes: { where: { kind: "GTIN" }, select: { code: true }, take: 1 },
      balances: { where: { isHome: true }, select: { locationId: true }, take: 1 },
    },
    orderBy: { sku: "asc" },
    take: count,
  });
  if (products.length < count) throw new Error(`The seed has only ${products.length} plain products, need ${count}`);
  return products.map((product) => ({
    id: product.id,
    sku: product.sku,
    code: product.barcodes[0]!.code,
    homeLocationId: product.balances[0]!.locationId,
  }));
}

/** Tops a product's home shelf up through the receiving procedure (ledger included). */
export async function receive(store: BenchStore, productId: string, locationId: string, quantity: number) {
  await store.manager.stock.receive({
    idempotencyKey: `bench-receive-${productId}-${locationId}-${quantity}-${Date.now()}`,
    product: { productId },
    location: { locationId },
    quantity: String(quantity),
  });
}

export function closeBenchStore(store: BenchStore): Promise<void> {
  return store.services.close();
}
