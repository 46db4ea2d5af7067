import type { Database, Prisma } from "@store/db";
import { DomainError, classifyScan, formatQuantity, priceForWeight, type ScanResult } from "@store/domain";
import { ServiceError } from "../errors";
import {
  loadFactsByBarcode,
  loadProductDetail,
  loadProductFacts,
  type LocationBalance,
  type ProductFacts,
} from "./product-facts";
import { milliOf } from "./sql";
import type { StoreDirectory } from "./stores";

export type CatalogItem = {
  id: string;
  sku: string;
  nameEn: string;
  nameZh: string;
  brand: string | null;
  categoryCode: string;
  unitOfSale: "EACH" | "WEIGHT";
  minimumAge: number | null;
  primaryBarcode: string | null;
  currency: string;
  /** Effective price per unit, or per kilogram for products sold by weight; null when unpriced. */
  priceMinor: number | null;
  /** Sellable stock not reserved for orders: a count, or grams. */
  available: string;
  inStock: boolean;
  /** The reorder point: at or below it the shelf runs low ("0" when the product has none). */
  lowStockThreshold: string;
  promotions: Array<{ code: string; nameEn: string; nameZh: string; kind: string }>;
};

/** Which locations a product's stock is shown for: see `product`. */
export type StockScope = "sellable" | "all";

export type StockTotals = { onHand: string; reserved: string; available: string };

export type LocationStock = Omit<LocationBalance, "onHand" | "reserved"> & StockTotals;

export type ProductDetail = CatalogItem & {
  barcodes: Array<{ kind: "GTIN" | "PLU" | "VARIABLE_MEASURE"; code: string; isPrimary: boolean }>;
  category: { code: string; nameEn: string; nameZh: string };
  /** What one pack holds ("500" g, "1000" ml, "6" pcs); null for loose and weighed products. */
  netContent: { amount: string; unit: string } | null;
  stock: {
    scope: StockScope;
    /**
     * Sellable locations first, the home facing first among them, then in walk order. A
     * location is listed while it holds or reserves stock, and the home facing always.
     */
    locations: LocationStock[];
    /** Over every sellable location; `available` is the product's `available`. */
    sellable: StockTotals;
    /** Over backroom, receiving and packing; null in the "sellable" scope. */
    nonSellable: StockTotals | null;
  };
};

/** The event id a view was read at: a subscription resumed from it misses no later change. */
export type EventWatermark = () => Promise<string>;

export type LookupResult = {
  scan:
    | { kind: "gtin"; code: string; gtin14: string }
    | { kind: "plu"; code: string; plu: string; organic: boolean }
    | {
        kind: "variable";
        code: string;
        itemReference: string;
        /** Grams on a weight label. */
        weightG: string | null;
        /** The price printed on a price label. */
        priceMinor: number | null;
      };
  product: CatalogItem;
  /** What this one scan costs when the label fixes it (a weight or price label); null otherwise. */
  linePriceMinor: number | null;
};

/** Stock free to sell: per sellable location, never below zero (a short count does not borrow). */
export function availableMilli(facts: ProductFacts): number {
  return freeMilli(facts.balances);
}

function freeMilli(balances: ReadonlyArray<{ onHand: string; reserved: string }>): number {
  return balances.reduce(
    (sum, balance) => sum + Math.max(0, milliOf(balance.onHand) - milliOf(balance.reserved)),
    0,
  );
}

function totalsOf(balances: ReadonlyArray<{ onHand: string; reserved: string }>): StockTotals {
  const sum = (pick: (balance: { onHand: string; reserved: string }) => string) =>
    formatQuantity(balances.reduce((total, balance) => total + milliOf(pick(balance)), 0));
  return {
    onHand: sum((balance) => balance.onHand),
    reserved: sum((balance) => balance.reserved),
    available: formatQuantity(freeMilli(balances)),
  };
}

function locationStockOf(balance: LocationBalance): LocationStock {
  return { ...balance, ...totalsOf([balance]) };
}

function toItem(facts: ProductFacts, currency: string): CatalogItem {
  const available = availableMilli(facts);
  return {
    id: facts.id,
    sku: facts.sku,
    nameEn: facts.nameEn,
    nameZh: facts.nameZh,
    brand: facts.brand,
    categoryCode: facts.categoryCode,
    unitOfSale: facts.unitOfSale,
    minimumAge: facts.minimumAge,
    primaryBarcode: facts.primaryBarcode,
    currency,
    priceMinor: facts.priceMinor,
    available: formatQuantity(available),
    inStock: available > 0,
    lowStockThreshold: formatQuantity(milliOf(facts.lowStockThreshold)),
    promotions: facts.promotions.map((promotion) => ({
      code: promotion.code,
      nameEn: promotion.nameEn,
      nameZh: promotion.nameZh,
      kind: promotion.kind,
    })),
  };
}

function scanView(scan: ScanResult): LookupResult["scan"] {
  switch (scan.kind) {
    case "gtin":
      return { kind: "gtin", code: scan.code, gtin14: scan.gtin14 };
    case "plu":
      return { kind: "plu", code: scan.code, plu: scan.plu, organic: scan.organic };
    case "variable":
      return {
        kind: "variable",
        code: scan.code,
        itemReference: scan.label.itemReference,
        weightG: scan.label.kind === "weight" ? formatQuantity(scan.label.weightG) : null,
        priceMinor: scan.label.kind === "price" ? scan.label.priceMinor : null,
      };
  }
}

/** A search text that is itself a scan (a GTIN in any form or a PLU) also matches by barcode. */
export function barcodeOfQuery(query: string, store: { nomenclature: Parameters<typeof classifyScan>[1] }) {
  if (!/^\d{4,14}$/.test(query)) return null;
  try {
    const scan = classifyScan(query, store.nomenclature);
    if (scan.kind === "gtin") return { kind: "GTIN" as const, code: scan.gtin14 };
    if (scan.kind === "plu") return { kind: "PLU" as const, code: scan.plu };
    return { kind: "VARIABLE_MEASURE" as const, code: scan.label.itemReference };
  } catch (error) {
    if (error instanceof DomainError) return null;
    throw error;
  }
}

export type CatalogService = ReturnType<typeof createCatalogService>;

export function createCatalogService(db: Database, stores: StoreDirectory, watermark: EventWatermark) {
  /**
   * Active products matching the text in English or Chinese names, SKU or barcode, by English
   * name, a page at a time (the cursor is the last product id of the previous page). The page
   * comes with the event id it is as fresh as, to watch availability from.
   */
  async function search(
    storeId: string,
    input: { query?: string | undefined; categoryCode?: string | undefined; cursor?: string | undefined; limit: number },
  ): Promise<{ items: CatalogItem[]; nextCursor: string | null; lastEventId: string }> {
    const store = await stores.get(storeId);
    // Taken before the read: whatever the read misses comes after it.
    const lastEventId = await watermark();
    const text = input.query?.trim() ?? "";
    const barcode = text ? barcodeOfQuery(text, store) : null;
    const where: Prisma.ProductWhereInput = {
      active: true,
      ...(input.categoryCode ? { category: { code: input.categoryCode } } : {}),
      ...(text
        ? {
            OR: [
              { nameEn: { contains: text, mode: "insensitive" } },
              { nameZh: { contains: text } },
              { sku: { contains: text, mode: "insensitive" } },
              { barcodes: { some: { code: { contains: text } } } },
              ...(barcode ? [{ barcodes: { some: barcode } }] : []),
            ],
          }
        : {}),
    };
    if (input.cursor) {
      const exists = await db.prisma.product.findUnique({ where: { id: input.cursor }, select: { id: true } });
      if (!exists) throw new ServiceError("INVALID_CURSOR", `Catalog cursor '${input.cursor}' is not a product id`);
    }
    const page = await db.prisma.product.findMany({
      where,
      orderBy: [{ nameEn: "asc" }, { id: "asc" }],
      ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
      take: input.limit + 1,
      select: { id: true },
    });
    const ids = page.slice(0, input.limit).map((row) => row.id);
    const facts = await loadProductFacts(db, storeId, ids, new Date());
    const items = ids.flatMap((id) => {
      const fact = facts.get(id);
      return fact ? [toItem(fact, store.currency)] : [];
    });
    return { items, nextCursor: page.length > input.limit ? (ids[ids.length - 1] ?? null) : null, lastEventId };
  }

  /** By id, or by SKU: exactly as written, else in any letter case when that names one product. */
  async function findProduct(ref: { sku: string } | { productId: string }) {
    const select = { id: true, sku: true, active: true } as const;
    if ("productId" in ref) return db.prisma.product.findUnique({ where: { id: ref.productId }, select });
    const matches = await db.prisma.product.findMany({
      where: { sku: { equals: ref.sku, mode: "insensitive" } },
      select,
      take: 2,
    });
    return matches.find((row) => row.sku === ref.sku) ?? (matches.length === 1 ? matches[0] : undefined);
  }

  /**
   * One active product by SKU (any letter case) or id, for its catalog page: the search item
   * plus barcodes, category, net content and its stock per location in `scope`, and the event
   * id the figures are as fresh as.
   */
  async function product(
    storeId: string,
    ref: { sku: string } | { productId: string },
    scope: StockScope,
  ): Promise<{ product: ProductDetail; lastEventId: string }> {
    const store = await stores.get(storeId);
    const named = "sku" in ref ? `SKU '${ref.sku}'` : `id ${ref.productId}`;
    const found = await findProduct(ref);
    if (!found) throw new ServiceError("PRODUCT_NOT_FOUND", `No product has ${named}`, { ...ref });
    if (!found.active) {
      throw new ServiceError("PRODUCT_NOT_FOUND", `Product ${found.sku} is no longer sold: it is not in the catalog`, { ...ref });
    }
    // Taken before the read: whatever the read misses comes after it.
    const lastEventId = await watermark();
    const detail = await loadProductDetail(db, storeId, found.id, new Date());
    if (!detail) throw new ServiceError("PRODUCT_NOT_FOUND", `No product has ${named}`, { ...ref });
    const sellable = detail.locations.filter((location) => location.sellable);
    const nonSellable = detail.locations.filter((location) => !location.sellable);
    const listed = (scope === "all" ? detail.locations : sellable).filter(
      (location) => location.isHome || milliOf(location.onHand) !== 0 || milliOf(location.reserved) !== 0,
    );
    const netContent =
      detail.contentAmount !== null && detail.contentUnit !== null
        ? { amount: formatQuantity(milliOf(detail.contentAmount)), unit: detail.contentUnit }
        : null;
    return {
      product: {
        ...toItem(detail, store.currency),
        barcodes: detail.barcodes,
        category: { code: detail.categoryCode, nameEn: detail.categoryNameEn, nameZh: detail.categoryNameZh },
        netContent,
        stock: {
          scope,
          locations: listed.map(locationStockOf),
          sellable: totalsOf(sellable),
          nonSellable: scope === "all" ? totalsOf(nonSellable) : null,
        },
      },
      lastEventId,
    };
  }

  /**
   * A scan to its product, for every form a till meets: EAN-8, UPC-A, UPC-E, EAN-13 and GTIN-14
   * (normalized to GTIN-14), PLU codes, and GS1 variable-measure labels read with the store's
   * nomenclature (their weight or price comes back with the product).
   */
  async function lookup(storeId: string, code: string): Promise<LookupResult> {
    const store = await stores.get(storeId);
    const scan = classifyScan(code, store.nomenclature, { currency: store.currency });
    const key =
      scan.kind === "gtin"
        ? ({ kind: "GTIN", code: scan.gtin14 } as const)
        : scan.kind === "plu"
          ? ({ kind: "PLU", code: scan.plu } as const)
          : ({ kind: "VARIABLE_MEASURE", code: scan.label.itemReference } as const);
    const facts = (await loadFactsByBarcode(db, storeId, [key], new Date())).get(`${key.kind}:${key.code}`);
    if (!facts) throw new ServiceError("BARCODE_UNKNOWN", `Unknown barcode '${code}': no product has it`, { code });
    let linePriceMinor: number | null = null;
    if (scan.kind === "variable") {
      if (scan.label.kind === "price") linePriceMinor = scan.label.priceMinor;
      else if (facts.priceMinor !== null) linePriceMinor = priceForWeight(facts.priceMinor, scan.label.weightG);
    }
    return { scan: scanView(scan), product: toItem(facts, store.currency), linePriceMinor };
  }

  /** Sellable availability of products right now, for live views. */
  async function availability(storeId: string, productIds: readonly string[]): Promise<Map<string, string>> {
    const facts = await loadProductFacts(db, storeId, productIds, new Date());
    return new Map([...facts.values()].map((fact) => [fact.id, formatQuantity(availableMilli(fact))]));
  }

  return { search, product, lookup, availability };
}
