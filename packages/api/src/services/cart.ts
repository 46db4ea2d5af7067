import type { Database } from "@store/db";
import {
  DomainError,
  QUANTITY_SCALE,
  baggingExpectation,
  classifyScan,
  divideRoundHalfUp,
  formatQuantity,
  parseQuantity,
  priceCart,
  type BaggingExpectation,
  type Promotion,
  type ScanResult,
} from "@store/domain";
import { ServiceError } from "../errors";
import { barcodeKeyOf, loadFactsByBarcode, type BarcodeKey, type ProductFacts } from "./product-facts";
import { milliOf } from "./sql";
import type { StoreConfig } from "./stores";

export type LineInput = { code: string; quantity?: string | undefined };

export type ResolvedLine = {
  lineNo: number;
  code: string;
  /** What the code was read as; null for a product named by id (an online order line). */
  scan: ScanResult | null;
  /** The barcode row the scan matched (normalized), checked again when a sale is written; null for a product named by id. */
  barcode: BarcodeKey | null;
  product: ProductFacts;
  quantityMilli: number;
  /** Per unit (EACH) or per kilogram (WEIGHT). */
  unitPriceMinor: number;
  /** The price printed on a price-embedded label. */
  fixedPriceMinor: number | null;
};

export type QuotedLine = {
  lineNo: number;
  code: string;
  productId: string;
  sku: string;
  nameEn: string;
  nameZh: string;
  unitOfSale: "EACH" | "WEIGHT";
  minimumAge: number | null;
  /** What the line should add to the bagging area; null when the security scale does not check it. */
  bagging: BaggingExpectation | null;
  /** A count (EACH) or grams (WEIGHT), exact decimal text. */
  quantity: string;
  unitPriceMinor: number;
  fixedPriceMinor: number | null;
  grossMinor: number;
  discountMinor: number;
  totalMinor: number;
  taxRateBp: number;
  taxMinor: number;
  promotionCodes: string[];
};

export type CartQuote = {
  currency: string;
  lines: QuotedLine[];
  subtotalMinor: number;
  discountMinor: number;
  taxMinor: number;
  totalMinor: number;
  savingsMinor: number;
  promotions: Array<{ code: string; nameEn: string; nameZh: string; discountMinor: number }>;
};

/** How a product is named in messages: the code the client sent, then the product's name. */
export function describe(code: string, product: { nameEn: string }): string {
  return `'${code}' (${product.nameEn})`;
}

/** "3" for counts, "523.5 g" for weights. */
export function formatAmount(milli: number, unitOfSale: "EACH" | "WEIGHT"): string {
  return unitOfSale === "WEIGHT" ? `${formatQuantity(milli)} g` : formatQuantity(milli);
}

export function barcodeKeyOfScan(scan: ScanResult): BarcodeKey {
  switch (scan.kind) {
    case "gtin":
      return { kind: "GTIN", code: scan.gtin14 };
    case "plu":
      return { kind: "PLU", code: scan.plu };
    case "variable":
      return { kind: "VARIABLE_MEASURE", code: scan.label.itemReference };
  }
}

function unknownBarcode(code: string, scan: ScanResult): ServiceError {
  const what =
    scan.kind === "gtin"
      ? `no product has GTIN ${scan.gtin14}`
      : scan.kind === "plu"
        ? `no product has PLU ${scan.plu}`
        : `no product has item reference ${scan.label.itemReference}`;
  return new ServiceError("BARCODE_UNKNOWN", `Unknown barcode '${code}': ${what}`, { code });
}

/** A quantity from the client, with the product named when it is wrong. */
function parseLineQuantity(text: string, code: string, product: ProductFacts): number {
  let milli: number;
  try {
    milli = parseQuantity(text);
  } catch (error) {
    if (error instanceof DomainError) {
      throw new ServiceError("INVALID_QUANTITY", `${error.message} for ${describe(code, product)}`, {
        code,
        quantity: text,
      });
    }
    throw error;
  }
  if (product.unitOfSale === "EACH" && milli % QUANTITY_SCALE !== 0) {
    throw new ServiceError(
      "INVALID_QUANTITY",
      `Quantity '${text}' of ${describe(code, product)} must be a whole number: it is sold by the piece`,
      { code, quantity: text },
    );
  }
  if (milli === 0) {
    throw new ServiceError(
      "INVALID_QUANTITY",
      `Invalid quantity '${text}' for ${describe(code, product)}: must be greater than zero`,
      { code, quantity: text },
    );
  }
  return milli;
}

function quantityAndPrice(
  line: LineInput,
  scan: ScanResult | null,
  product: ProductFacts,
  priceMinor: number,
): { quantityMilli: number; fixedPriceMinor: number | null } {
  if (scan?.kind !== "variable") {
    if (line.quantity === undefined) {
      if (product.unitOfSale === "WEIGHT") {
        throw new ServiceError(
          "INVALID_QUANTITY",
          `${describe(line.code, product)} is sold by weight: send its weight in grams as the quantity`,
          { code: line.code },
        );
      }
      return { quantityMilli: QUANTITY_SCALE, fixedPriceMinor: null };
    }
    return { quantityMilli: parseLineQuantity(line.quantity, line.code, product), fixedPriceMinor: null };
  }
  const { label } = scan;
  if (line.quantity !== undefined) {
    throw new ServiceError(
      "INVALID_QUANTITY",
      `Label '${line.code}' already carries its ${label.kind}: send it without a quantity`,
      { code: line.code },
    );
  }
  if (label.kind === "weight") {
    if (product.unitOfSale !== "WEIGHT") {
      throw new ServiceError(
        "INVALID_LABEL",
        `Label '${line.code}' carries a weight, but ${product.nameEn} (${product.sku}) is sold by the piece`,
        { code: line.code },
      );
    }
    return { quantityMilli: label.weightG, fixedPriceMinor: null };
  }
  if (product.unitOfSale === "EACH")
    return { quantityMilli: QUANTITY_SCALE, fixedPriceMinor: label.priceMinor };
  if (priceMinor <= 0) {
    throw new ServiceError(
      "PRICE_MISSING",
      `Label '${line.code}' carries a price, but ${product.nameEn} (${product.sku}) has no price per kg to derive its weight from`,
      { code: line.code },
    );
  }
  // The weight a price label stands for, for the ledger: price / price-per-kg, in milli-grams.
  const weightMilli = divideRoundHalfUp(BigInt(label.priceMinor) * 1_000_000n, BigInt(priceMinor));
  return { quantityMilli: Number(weightMilli), fixedPriceMinor: label.priceMinor };
}

/**
 * Scans to products with quantities and prices. Every line is checked before anything else
 * happens: an unknown barcode, a bad check digit, a fractional count or a missing weight fails
 * the whole cart with a message naming the line's code.
 */
export async function resolveLines(
  db: Database,
  store: StoreConfig,
  lines: readonly LineInput[],
  now: Date,
  cache?: { facts: FactsCache; fresh: boolean },
): Promise<ResolvedLine[]> {
  const scans = lines.map((line) =>
    classifyScan(line.code, store.nomenclature, { currency: store.currency }),
  );
  const keys = scans.map(barcodeKeyOfScan);
  const facts = cache
    ? await cache.facts.load(store.id, keys, now, cache.fresh)
    : await loadFactsByBarcode(db, store.id, keys, now);
  return lines.map((line, index) => {
    const scan = scans[index]!;
    const product = facts.get(barcodeKeyOf(keys[index]!));
    if (!product) throw unknownBarcode(line.code, scan);
    return resolveProductLine(store, line, scan, product, index + 1, keys[index]!);
  });
}

/**
 * Product facts kept for a few seconds for the checkout's hot path. Safe because the sale
 * statement checks again, in the database, every fact that decides the price (barcode, active,
 * price-book entry, promotions: see sale-recorder.ts) and refuses stock it does not have; a
 * stale entry only costs a retry with fresh facts.
 */
export type FactsCache = {
  /** `fresh` reads every key from the database (and keeps the result). */
  load(
    storeId: string,
    keys: readonly BarcodeKey[],
    now: Date,
    fresh?: boolean,
  ): Promise<Map<string, ProductFacts>>;
};

export function createFactsCache(db: Database, ttlMs: number): FactsCache {
  const entries = new Map<string, { facts: ProductFacts; until: number }>();
  const entryKey = (storeId: string, key: BarcodeKey) => `${storeId}/${barcodeKeyOf(key)}`;
  return {
    async load(storeId, keys, now, fresh = false) {
      const found = new Map<string, ProductFacts>();
      const missing: BarcodeKey[] = [];
      const clock = Date.now();
      for (const key of keys) {
        const entry = fresh ? undefined : entries.get(entryKey(storeId, key));
        if (entry && entry.until > clock) found.set(barcodeKeyOf(key), entry.facts);
        else missing.push(key);
      }
      if (missing.length > 0) {
        const loaded = await loadFactsByBarcode(db, storeId, missing, now);
        for (const key of missing) {
          const facts = loaded.get(barcodeKeyOf(key));
          if (!facts) continue;
          found.set(barcodeKeyOf(key), facts);
          entries.set(entryKey(storeId, key), { facts, until: clock + ttlMs });
        }
      }
      return found;
    },
  };
}

/**
 * The promotions a cart's price depends on, as one string: every (promotion version, product,
 * quantity) of the running promotions that list a product of the cart. The sale statement
 * computes the same string from the database and writes the sale only if they are equal.
 */
export function promotionFingerprint(lines: readonly ResolvedLine[]): string {
  const entries = new Set<string>();
  const products = new Set(lines.map((line) => line.product.id));
  for (const line of lines) {
    for (const promotion of line.product.promotions) {
      for (const item of promotion.items) {
        if (products.has(item.productId)) {
          entries.add(`${promotion.id}@${promotion.version}:${item.productId}x${item.quantity}`);
        }
      }
    }
  }
  return [...entries].sort().join(",");
}

export function resolveProductLine(
  store: StoreConfig,
  line: LineInput,
  scan: ScanResult | null,
  product: ProductFacts,
  lineNo: number,
  barcode: BarcodeKey | null,
): ResolvedLine {
  if (!product.active) {
    throw new ServiceError("PRODUCT_INACTIVE", `${describe(line.code, product)} is no longer sold`, {
      code: line.code,
    });
  }
  if (product.priceMinor === null) {
    throw new ServiceError(
      "PRICE_MISSING",
      `${describe(line.code, product)} has no price in store ${store.code}`,
      { code: line.code },
    );
  }
  const { quantityMilli, fixedPriceMinor } = quantityAndPrice(line, scan, product, product.priceMinor);
  return {
    lineNo,
    code: line.code,
    scan,
    barcode,
    product,
    quantityMilli,
    unitPriceMinor: product.priceMinor,
    fixedPriceMinor,
  };
}

/** Prices resolved lines with the promotions running now (priced by @store/domain). */
export function priceLines(store: StoreConfig, lines: readonly ResolvedLine[]): CartQuote {
  const promotions = new Map<string, ResolvedLine["product"]["promotions"][number]>();
  for (const line of lines)
    for (const promotion of line.product.promotions) promotions.set(promotion.id, promotion);
  const cart = priceCart({
    currency: store.currency,
    lines: lines.map((line) => ({
      lineId: String(line.lineNo),
      productId: line.product.id,
      unitOfSale: line.product.unitOfSale,
      quantityMilli: line.quantityMilli,
      unitPriceMinor: line.unitPriceMinor,
      fixedPriceMinor: line.fixedPriceMinor,
      taxRateBp: line.product.taxRateBp,
    })),
    promotions: [...promotions.values()].map((promotion) => toDomainPromotion(promotion)),
  });
  const byCode = new Map([...promotions.values()].map((promotion) => [promotion.code, promotion]));
  return {
    currency: cart.currency,
    lines: cart.lines.map((priced, index) => {
      const line = lines[index]!;
      return {
        lineNo: line.lineNo,
        code: line.code,
        productId: line.product.id,
        sku: line.product.sku,
        nameEn: line.product.nameEn,
        nameZh: line.product.nameZh,
        unitOfSale: line.product.unitOfSale,
        minimumAge: line.product.minimumAge,
        bagging: baggingExpectation(line.product, line.quantityMilli),
        quantity: formatQuantity(line.quantityMilli),
        unitPriceMinor: priced.unitPriceMinor,
        fixedPriceMinor: priced.fixedPriceMinor,
        grossMinor: priced.grossMinor,
        discountMinor: priced.discountMinor,
        totalMinor: priced.totalMinor,
        taxRateBp: priced.taxRateBp,
        taxMinor: priced.taxMinor,
        promotionCodes: priced.promotionCodes,
      };
    }),
    subtotalMinor: cart.subtotalMinor,
    discountMinor: cart.discountMinor,
    taxMinor: cart.taxMinor,
    totalMinor: cart.totalMinor,
    savingsMinor: cart.savingsMinor,
    promotions: cart.promotions.map((applied) => {
      const promotion = byCode.get(applied.code);
      return {
        code: applied.code,
        nameEn: promotion?.nameEn ?? applied.code,
        nameZh: promotion?.nameZh ?? applied.code,
        discountMinor: applied.discountMinor,
      };
    }),
  };
}

function toDomainPromotion(promotion: ResolvedLine["product"]["promotions"][number]): Promotion {
  const base = { code: promotion.code, items: promotion.items };
  switch (promotion.kind) {
    case "MULTI_BUY":
      return {
        ...base,
        kind: "MULTI_BUY",
        buyQuantity: promotion.buyQuantity ?? 0,
        payQuantity: promotion.payQuantity ?? 0,
      };
    case "FIXED_PRICE":
      return {
        ...base,
        kind: "FIXED_PRICE",
        buyQuantity: promotion.buyQuantity ?? 0,
        priceMinor: promotion.priceMinor ?? 0,
      };
    case "PERCENT_OFF":
      return { ...base, kind: "PERCENT_OFF", percentOffBp: promotion.percentOffBp ?? 0 };
    case "BUNDLE":
      return { ...base, kind: "BUNDLE", priceMinor: promotion.priceMinor ?? 0 };
  }
}

export type StockDemand = { product: ProductFacts; code: string; milli: number };
/** `demand` is the index of the demand the stock is taken for. */
export type StockTake = { demand: number; productId: string; locationId: string; milli: number };

/** What each product needs in total (a product scanned on several lines is taken once). */
export function demandsOf(lines: readonly ResolvedLine[]): StockDemand[] {
  const demands = new Map<string, StockDemand>();
  for (const line of lines) {
    const demand = demands.get(line.product.id);
    if (demand) demand.milli += line.quantityMilli;
    else demands.set(line.product.id, { product: line.product, code: line.code, milli: line.quantityMilli });
  }
  return [...demands.values()];
}

/**
 * Where to take stock from: the product's home facing first, then the other sellable locations
 * with the most available, splitting a demand across locations when one is not enough. Demands
 * for the same product share what is available.
 */
export function allocateStock(demands: readonly StockDemand[], verb: "sell" | "reserve"): StockTake[] {
  const availableAt = new Map<string, number>();
  const keyOf = (productId: string, locationId: string) => `${productId}/${locationId}`;
  const takes: StockTake[] = [];
  demands.forEach(({ product, code, milli }, demand) => {
    const candidates = product.balances
      .map((balance) => {
        const key = keyOf(product.id, balance.locationId);
        const available = availableAt.get(key) ?? milliOf(balance.onHand) - milliOf(balance.reserved);
        return { ...balance, key, available };
      })
      .filter((balance) => balance.available > 0)
      .sort(
        (a, b) =>
          Number(b.isHome) - Number(a.isHome) ||
          b.available - a.available ||
          (a.locationCode < b.locationCode ? -1 : a.locationCode > b.locationCode ? 1 : 0),
      );
    const available = candidates.reduce((sum, balance) => sum + balance.available, 0);
    if (available < milli) {
      const amount = formatAmount(milli, product.unitOfSale);
      const left = formatAmount(available, product.unitOfSale);
      throw new ServiceError(
        "INSUFFICIENT_STOCK",
        verb === "sell"
          ? `Cannot sell ${amount} of ${describe(code, product)}: only ${left} available`
          : `Cannot reserve ${amount} of ${describe(code, product)}: only ${left} left`,
        {
          code,
          productId: product.id,
          requested: formatQuantity(milli),
          available: formatQuantity(available),
        },
      );
    }
    let remaining = milli;
    for (const balance of candidates) {
      if (remaining === 0) break;
      const take = Math.min(remaining, balance.available);
      takes.push({ demand, productId: product.id, locationId: balance.locationId, milli: take });
      availableAt.set(balance.key, balance.available - take);
      remaining -= take;
    }
  });
  return takes;
}

/**
 * One move per balance row, sorted by (product, location): the order rows are locked in, so
 * concurrent statements never deadlock.
 */
export function mergeTakes(
  takes: readonly StockTake[],
): Array<{ productId: string; locationId: string; quantity: string }> {
  const merged = new Map<string, { productId: string; locationId: string; milli: number }>();
  for (const take of takes) {
    const key = `${take.productId}/${take.locationId}`;
    const entry = merged.get(key);
    if (entry) entry.milli += take.milli;
    else merged.set(key, { productId: take.productId, locationId: take.locationId, milli: take.milli });
  }
  return [...merged.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, entry]) => ({
      productId: entry.productId,
      locationId: entry.locationId,
      quantity: formatQuantity(entry.milli),
    }));
}
