import { TEST_INSTRUMENTS } from "@store/api";
import { buildVariableMeasureBarcode, nomenclatureSchema } from "@store/domain";
import type { PickerStore } from "./picker-store";

/** A product as a picker's scanner meets it, with where it sits along the walk. */
export type PickProduct = {
  id: string;
  nameEn: string;
  /** What a scanner reads off the pack (EAN-13, or the item reference of a scale label). */
  code: string;
  priceMinor: number;
  categoryId: string;
  walkSequence: number;
};

export const nearbyAddress = { address: "88 Nanjing West Road, Jing'an", lat: 31.2281, lng: 121.4547 };

let placed = 0;

/** An order from the customer app, paid by an approved test card. */
export function placeOrder(
  store: PickerStore,
  customer: string,
  lines: Array<{ productId: string; quantity: string; substitution?: "BEST_MATCH" | "SPECIFIC" | "NONE" }>,
) {
  return store.channel.orders.place.mutate({
    idempotencyKey: `picker-${process.pid}-${Date.now()}-${++placed}`,
    customer: { name: customer, phone: "13800000000" },
    delivery: nearbyAddress,
    lines,
    payment: { method: "CARD", instrument: TEST_INSTRUMENTS.approved },
  });
}

/** Products sold by the piece with one facing on the floor, no promotion, plenty in stock. */
export async function piecePool(store: PickerStore): Promise<PickProduct[]> {
  const rows = await store.node.db.prisma.product.findMany({
    where: {
      active: true,
      unitOfSale: "EACH",
      minimumAge: null,
      promotionItems: { none: {} },
      barcodes: { some: { kind: "GTIN" } },
      prices: { some: {} },
      balances: { some: { isHome: true, onHand: { gte: 10 }, location: { sellable: true } } },
    },
    orderBy: { sku: "asc" },
    select: {
      id: true,
      nameEn: true,
      categoryId: true,
      barcodes: { where: { kind: "GTIN" }, orderBy: { isPrimary: "desc" }, take: 1, select: { code: true } },
      prices: { orderBy: { validFrom: "desc" }, take: 1, select: { priceMinor: true } },
      balances: {
        where: { onHand: { gt: 0 }, location: { sellable: true } },
        select: { location: { select: { walkSequence: true } } },
      },
    },
  });
  return rows
    .filter((row) => row.balances.length === 1)
    .map((row) => ({
      id: row.id,
      nameEn: row.nameEn,
      // GTINs are stored as GTIN-14; a scanner reads the EAN-13 printed on the pack.
      code: row.barcodes[0]!.code.replace(/^0/, ""),
      priceMinor: row.prices[0]!.priceMinor,
      categoryId: row.categoryId,
      walkSequence: row.balances[0]!.location.walkSequence,
    }));
}

/** A weighed product with a GS1 scale-label item reference and a kilogram or more on its shelf. */
export async function weighedProduct(store: PickerStore): Promise<PickProduct> {
  const row = await store.node.db.prisma.product.findFirstOrThrow({
    where: {
      active: true,
      unitOfSale: "WEIGHT",
      promotionItems: { none: {} },
      prices: { some: {} },
      barcodes: { some: { kind: "VARIABLE_MEASURE", code: { startsWith: "20" } } },
      balances: { some: { isHome: true, onHand: { gte: 2000 }, location: { sellable: true } } },
    },
    orderBy: { sku: "asc" },
    select: {
      id: true,
      nameEn: true,
      categoryId: true,
      barcodes: { where: { kind: "VARIABLE_MEASURE" }, take: 1, select: { code: true } },
      prices: { orderBy: { validFrom: "desc" }, take: 1, select: { priceMinor: true } },
      balances: { where: { isHome: true }, select: { location: { select: { walkSequence: true } } } },
    },
  });
  return {
    id: row.id,
    nameEn: row.nameEn,
    code: row.barcodes[0]!.code,
    priceMinor: row.prices[0]!.priceMinor,
    categoryId: row.categoryId,
    walkSequence: row.balances[0]!.location.walkSequence,
  };
}

/** The GS1 weight label the store's scales print for `grams` of a weighed product. */
export async function weightLabel(store: PickerStore, product: PickProduct, grams: number): Promise<string> {
  const { nomenclature } = await store.node.db.prisma.store.findUniqueOrThrow({
    where: { id: store.node.seed.storeId },
    select: { nomenclature: true },
  });
  return buildVariableMeasureBarcode(
    { itemReference: product.code, weightG: grams * 1000 },
    nomenclatureSchema.parse(nomenclature),
  );
}

/** A product of the pool that another product of its category, costing no more, could stand in for. */
export function substitutable(pool: readonly PickProduct[]): PickProduct {
  const found = pool.find((product) =>
    pool.some(
      (other) =>
        other.id !== product.id &&
        other.categoryId === product.categoryId &&
        other.priceMinor <= product.priceMinor,
    ),
  );
  if (!found) throw new Error("The seeded catalog has no category with two products to substitute");
  return found;
}
