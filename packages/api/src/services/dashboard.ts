import { Prisma, type Database, type LocationKind, type MovementReason } from "@store/db";
import { formatQuantity } from "@store/domain";
import { ServiceError } from "../errors";
import { barcodeOfQuery, type EventWatermark, type StockTotals } from "./catalog";
import { createDashboardActivity } from "./dashboard-activity";
import { fromWallClock, wallClock } from "./dashboard-time";
import { milliOf, utc } from "./sql";
import type { StoreDirectory } from "./stores";

export const locationKinds = [
  "SHELF",
  "BACKROOM",
  "RECEIVING",
  "PACKING",
] as const satisfies readonly LocationKind[];

export type StockLocation = StockTotals & {
  locationId: string;
  locationCode: string;
  kind: LocationKind;
  zone: string;
  sellable: boolean;
  isHome: boolean;
};

export type StockRow = {
  id: string;
  sku: string;
  nameEn: string;
  nameZh: string;
  brand: string | null;
  /** A discontinued product is listed while it still holds stock in the store. */
  active: boolean;
  unitOfSale: "EACH" | "WEIGHT";
  icon: string | null;
  category: { code: string; nameEn: string; nameZh: string };
  primaryBarcode: string | null;
  currency: string;
  /** Effective price per unit, or per kilogram for products sold by weight; null when unpriced. */
  priceMinor: number | null;
  /** The reorder point ("0" when the product has none). */
  lowStockThreshold: string;
  /** Sellable stock not reserved for orders (what the catalog calls `available`). */
  available: string;
  /** `available` is at or below the reorder point (an empty shelf with no reorder point is low). */
  low: boolean;
  /** Totals per kind of location; a kind where the product has no balance is all zeros. */
  byKind: Record<LocationKind, StockTotals>;
  /** Every location with a balance row: sellable first, the home facing first, then in walk order. */
  locations: StockLocation[];
};

export type StockPage = {
  items: StockRow[];
  /** How many products match the filters, over every page. */
  total: number;
  nextCursor: string | null;
  /** The event id the figures are as fresh as: `stock.changed` events after it update them. */
  lastEventId: string;
};

export type StockQuery = {
  query?: string | undefined;
  categoryCode?: string | undefined;
  /** Only products holding stock (on hand or reserved) at a location of this kind. */
  locationKind?: "SHELF" | "BACKROOM" | undefined;
  lowStock?: boolean | undefined;
  cursor?: string | undefined;
  limit: number;
};

export type HistoryDay = {
  /** The store's calendar day, YYYY-MM-DD in its time zone. */
  date: string;
  /** On hand at the end of the day (now, for today) per kind of location. */
  onHand: Record<LocationKind, string>;
  /** Taken off the shelves that day: at kiosks (SALE) and for online orders (ORDER_PICK). */
  sold: { kiosk: string; online: string };
};

export type HistoryEntry = {
  id: string;
  locationId: string;
  locationCode: string;
  locationKind: LocationKind;
  delta: string;
  reason: MovementReason;
  note: string | null;
  actorKind: string;
  actorId: string | null;
  reference: string | null;
  createdAt: string;
};

export type ProductHistory = {
  product: { id: string; sku: string; nameEn: string; nameZh: string; unitOfSale: "EACH" | "WEIGHT" };
  /** Oldest first, ending with today. */
  days: HistoryDay[];
  /** The product's ledger over the same days, newest first, a page at a time. */
  ledger: { items: HistoryEntry[]; nextCursor: string | null };
};

/** Longest history productHistory covers. */
export const maxHistoryDays = 90;

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** Digits typed as the start of a printed barcode, in the GTIN-14 forms barcodes are stored in. */
function barcodePrefixes(text: string): string[] {
  if (!/^\d{3,14}$/.test(text)) return [];
  // As typed (GTIN-14, PLU, item reference), or the start of an EAN-13, a UPC-A or an EAN-8.
  return [text, `0${text}`, `00${text}`, `000000${text}`].filter((prefix) => prefix.length <= 14);
}

function sumTotals(rows: ReadonlyArray<{ onHand: string; reserved: string }>): StockTotals {
  let onHand = 0;
  let reserved = 0;
  let available = 0;
  for (const row of rows) {
    const here = milliOf(row.onHand);
    const held = milliOf(row.reserved);
    onHand += here;
    reserved += held;
    // A short count at one location does not borrow from another.
    available += Math.max(0, here - held);
  }
  return {
    onHand: formatQuantity(onHand),
    reserved: formatQuantity(reserved),
    available: formatQuantity(available),
  };
}

type DetailRow = {
  id: string;
  sku: string;
  nameEn: string;
  nameZh: string;
  brand: string | null;
  active: boolean;
  unitOfSale: "EACH" | "WEIGHT";
  icon: string | null;
  lowStockThreshold: string;
  categoryCode: string;
  categoryNameEn: string;
  categoryNameZh: string;
  primaryBarcode: string | null;
  priceMinor: number | null;
  locations: Array<Omit<StockLocation, keyof StockTotals> & { onHand: string; reserved: string }>;
};

function toStockRow(row: DetailRow, currency: string): StockRow {
  const byKind = Object.fromEntries(
    locationKinds.map((kind) => [
      kind,
      sumTotals(row.locations.filter((location) => location.kind === kind)),
    ]),
  ) as Record<LocationKind, StockTotals>;
  const available = milliOf(sumTotals(row.locations.filter((location) => location.sellable)).available);
  const threshold = milliOf(row.lowStockThreshold);
  return {
    id: row.id,
    sku: row.sku,
    nameEn: row.nameEn,
    nameZh: row.nameZh,
    brand: row.brand,
    active: row.active,
    unitOfSale: row.unitOfSale,
    icon: row.icon,
    category: { code: row.categoryCode, nameEn: row.categoryNameEn, nameZh: row.categoryNameZh },
    primaryBarcode: row.primaryBarcode,
    currency,
    priceMinor: row.priceMinor,
    lowStockThreshold: formatQuantity(threshold),
    available: formatQuantity(available),
    low: available <= threshold,
    byKind,
    locations: row.locations.map((location) => ({ ...location, ...sumTotals([location]) })),
  };
}

export type DashboardService = ReturnType<typeof createDashboardService>;

/** What the manager's dashboard reads: stock, a product's history, orders, picking, kiosks, audit. */
export function createDashboardService(db: Database, stores: StoreDirectory, watermark: EventWatermark) {
  /**
   * Which products a stock query matches, as conditions on the product aliased `p`. Text matches
   * English and Chinese names and SKUs anywhere in any letter case, and barcodes from their start.
   */
  function matching(storeId: string, input: StockQuery, store: Parameters<typeof barcodeOfQuery>[1]) {
    const conditions: Prisma.Sql[] = [
      // IN, not EXISTS: PostgreSQL costs an EXISTS under OR as if run for every product, and a
      // plan that expensive gets JIT-compiled, which takes longer than the whole query.
      Prisma.sql`(p.active OR p.id IN (
        SELECT held."productId" FROM "StockBalance" held
        WHERE held."storeId" = ${storeId}::uuid AND (held."onHand" <> 0 OR held.reserved <> 0)))`,
    ];
    if (input.categoryCode) {
      conditions.push(
        Prisma.sql`p."categoryId" IN (SELECT id FROM "Category" WHERE code = ${input.categoryCode})`,
      );
    }
    const text = input.query?.trim() ?? "";
    if (text) {
      const fragment = escapeLike(text);
      const codes = barcodePrefixes(text).map(
        // Every kind named, so the (kind, code) unique index serves the range.
        (prefix) => Prisma.sql`(bc.kind IN ('GTIN', 'PLU', 'VARIABLE_MEASURE')
          AND bc.code BETWEEN ${prefix} AND ${`${prefix}99999999999999`} AND bc.code LIKE ${`${prefix}%`})`,
      );
      const scanned = barcodeOfQuery(text, store);
      if (scanned) {
        codes.push(Prisma.sql`(bc.kind = ${scanned.kind}::"BarcodeKind" AND bc.code = ${scanned.code})`);
      }
      const byBarcode = codes.length
        ? Prisma.sql` OR p.id IN (SELECT bc."productId" FROM "Barcode" bc WHERE ${Prisma.join(codes, " OR ")})`
        : Prisma.empty;
      // "searchText" holds the names and SKU already folded to lower case (a trigger keeps it).
      conditions.push(Prisma.sql`(p."searchText" LIKE '%' || lower(${fragment}) || '%'${byBarcode})`);
    }
    if (input.locationKind) {
      conditions.push(Prisma.sql`EXISTS (
        SELECT 1 FROM "StockBalance" k JOIN "Location" kl ON kl.id = k."locationId"
        WHERE k."productId" = p.id AND k."storeId" = ${storeId}::uuid AND kl.kind = ${input.locationKind}::"LocationKind"
          AND (k."onHand" <> 0 OR k.reserved <> 0))`);
    }
    if (input.lowStock) {
      // Free stock at each location adds up, so a product with one location above its reorder
      // point is not low: this cheap test leaves only the candidates to sum up.
      conditions.push(Prisma.sql`NOT EXISTS (
        SELECT 1 FROM "StockBalance" f JOIN "Location" fl ON fl.id = f."locationId"
        WHERE f."productId" = p.id AND f."storeId" = ${storeId}::uuid AND fl.sellable
          AND f."onHand" - f.reserved > p."lowStockThreshold")`);
    }
    return Prisma.join(conditions, " AND ");
  }

  /**
   * The total and one page of product ids. Without text or the low-stock filter the page walks
   * the (name, id) index and stops; otherwise the matches are found once and counted and paged.
   */
  async function pageIds(
    storeId: string,
    input: StockQuery,
    where: Prisma.Sql,
    after: { nameEn: string; id: string } | null,
  ): Promise<{ total: number; ids: string[] }> {
    const take = input.limit + 1;
    const keyset = (alias: string) =>
      after
        ? Prisma.sql`AND (${Prisma.raw(alias)}."nameEn", ${Prisma.raw(alias)}.id) > (${after.nameEn}, ${after.id}::uuid)`
        : Prisma.empty;
    let rows: Array<{ total: number; ids: string[] | null }>;
    if (!input.query?.trim() && !input.lowStock) {
      rows = await db.prisma.$queryRaw`
        SELECT (SELECT count(*)::int FROM "Product" p WHERE ${where}) AS total,
          (SELECT json_agg(page.id ORDER BY page."nameEn", page.id) FROM (
            SELECT p.id, p."nameEn" FROM "Product" p WHERE ${where} ${keyset("p")}
            ORDER BY p."nameEn", p.id LIMIT ${take}) page) AS ids`;
    } else {
      const low = input.lowStock
        ? Prisma.sql`LEFT JOIN (
            SELECT b."productId", sum(greatest(b."onHand" - b.reserved, 0)) AS available
            FROM matched c JOIN "StockBalance" b ON b."productId" = c.id JOIN "Location" l ON l.id = b."locationId"
            WHERE b."storeId" = ${storeId}::uuid AND l.sellable
            GROUP BY b."productId") free ON free."productId" = m.id
          WHERE m.threshold >= coalesce(free.available, 0)`
        : Prisma.empty;
      rows = await db.prisma.$queryRaw`
        WITH matched AS MATERIALIZED (
          SELECT p.id, p."nameEn", p."lowStockThreshold" AS threshold FROM "Product" p WHERE ${where}),
        filtered AS MATERIALIZED (SELECT m.id, m."nameEn" FROM matched m ${low})
        SELECT (SELECT count(*)::int FROM filtered) AS total,
          (SELECT json_agg(page.id ORDER BY page."nameEn", page.id) FROM (
            SELECT f.id, f."nameEn" FROM filtered f WHERE true ${keyset("f")}
            ORDER BY f."nameEn", f.id LIMIT ${take}) page) AS ids`;
    }
    const [row] = rows;
    return { total: row?.total ?? 0, ids: row?.ids ?? [] };
  }

  async function details(
    storeId: string,
    ids: readonly string[],
    now: Date,
  ): Promise<Map<string, DetailRow>> {
    if (ids.length === 0) return new Map();
    const rows = await db.prisma.$queryRaw<DetailRow[]>`
      SELECT p.id::text AS id, p.sku, p."nameEn", p."nameZh", p.brand, p.active, p."unitOfSale"::text AS "unitOfSale",
        p.icon, p."lowStockThreshold"::text AS "lowStockThreshold",
        c.code AS "categoryCode", c."nameEn" AS "categoryNameEn", c."nameZh" AS "categoryNameZh",
        (SELECT bc.code FROM "Barcode" bc WHERE bc."productId" = p.id
          ORDER BY bc."isPrimary" DESC, bc.kind, bc.code LIMIT 1) AS "primaryBarcode",
        (SELECT pb."priceMinor" FROM "PriceBookEntry" pb
          WHERE pb."storeId" = ${storeId}::uuid AND pb."productId" = p.id AND pb."validFrom" <= ${utc(now)}
          ORDER BY pb."validFrom" DESC LIMIT 1) AS "priceMinor",
        (SELECT coalesce(json_agg(json_build_object(
            'locationId', l.id::text, 'locationCode', l.code, 'kind', l.kind::text, 'zone', l.zone,
            'sellable', l.sellable, 'isHome', b."isHome", 'onHand', b."onHand"::text, 'reserved', b.reserved::text)
            ORDER BY l.sellable DESC, b."isHome" DESC, l."walkSequence", l.code), '[]'::json)
          FROM "StockBalance" b JOIN "Location" l ON l.id = b."locationId"
          WHERE b."productId" = p.id AND b."storeId" = ${storeId}::uuid) AS locations
      FROM "Product" p JOIN "Category" c ON c.id = p."categoryId"
      WHERE p.id IN (SELECT value::uuid FROM jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`;
    return new Map(rows.map((row) => [row.id, row]));
  }

  /**
   * Every product of the store with its stock per kind of location and per location, by English
   * name a page at a time (the cursor is the last product id of the previous page), with how many
   * match in all.
   */
  async function stock(storeId: string, input: StockQuery): Promise<StockPage> {
    const store = await stores.get(storeId);
    // Taken before the read: whatever the read misses comes after it.
    const lastEventId = await watermark();
    let after: { nameEn: string; id: string } | null = null;
    if (input.cursor) {
      after = await db.prisma.product.findUnique({
        where: { id: input.cursor },
        select: { nameEn: true, id: true },
      });
      if (!after)
        throw new ServiceError("INVALID_CURSOR", `Stock cursor '${input.cursor}' is not a product id`);
    }
    const where = matching(storeId, input, store);
    const { total, ids } = await pageIds(storeId, input, where, after);
    const shown = ids.slice(0, input.limit);
    const rows = await details(storeId, shown, new Date());
    const items = shown.flatMap((id) => {
      const row = rows.get(id);
      return row ? [toStockRow(row, store.currency)] : [];
    });
    return {
      items,
      total,
      nextCursor: ids.length > input.limit ? (shown.at(-1) ?? null) : null,
      lastEventId,
    };
  }

  /**
   * A product over its last `days` days in the store's time zone: on hand at the end of each day
   * per kind of location (today's balances, less the ledger's movements after each day), what was
   * sold each day, and its ledger entries over those days.
   */
  async function productHistory(
    storeId: string,
    input: { productId: string; days: number; cursor?: string | undefined; limit: number },
    now = new Date(),
  ): Promise<ProductHistory> {
    const store = await stores.get(storeId);
    const product = await db.prisma.product.findUnique({
      where: { id: input.productId },
      select: { id: true, sku: true, nameEn: true, nameZh: true, unitOfSale: true },
    });
    if (!product) throw new ServiceError("PRODUCT_NOT_FOUND", `Unknown product ${input.productId}`);
    if (input.cursor !== undefined && !/^\d{1,19}$/.test(input.cursor)) {
      throw new ServiceError("INVALID_CURSOR", `Ledger cursor '${input.cursor}' is not a movement id`);
    }
    const tz = store.timezone;
    const today = Prisma.sql`date_trunc('day', ${wallClock(utc(now), tz)})`;
    const firstDay = Prisma.sql`(${today} - ${input.days - 1} * interval '1 day')`;
    const since = fromWallClock(firstDay, tz);

    const [days, current, movedByDay, entries] = await Promise.all([
      db.prisma.$queryRaw<Array<{ date: string }>>`
        SELECT to_char(d, 'YYYY-MM-DD') AS date FROM generate_series(${firstDay}, ${today}, interval '1 day') d ORDER BY d`,
      db.prisma.$queryRaw<Array<{ kind: LocationKind; onHand: string }>>`
        SELECT l.kind::text AS kind, sum(b."onHand")::text AS "onHand"
        FROM "StockBalance" b JOIN "Location" l ON l.id = b."locationId"
        WHERE b."storeId" = ${storeId}::uuid AND b."productId" = ${product.id}::uuid
        GROUP BY l.kind`,
      db.prisma.$queryRaw<
        Array<{ date: string; kind: LocationKind; delta: string; kiosk: string; online: string }>
      >`
        SELECT to_char(${wallClock(Prisma.sql`m."createdAt"`, tz)}, 'YYYY-MM-DD') AS date, l.kind::text AS kind,
          sum(m.delta)::text AS delta,
          coalesce(sum(-m.delta) FILTER (WHERE m.reason = 'SALE'), 0)::text AS kiosk,
          coalesce(sum(-m.delta) FILTER (WHERE m.reason = 'ORDER_PICK'), 0)::text AS online
        FROM "StockMovement" m JOIN "Location" l ON l.id = m."locationId"
        WHERE m."storeId" = ${storeId}::uuid AND m."productId" = ${product.id}::uuid AND m."createdAt" >= ${since}
        GROUP BY 1, 2`,
      db.prisma.$queryRaw<Array<Omit<HistoryEntry, "createdAt"> & { createdAt: Date }>>`
        SELECT m.id::text AS id, m."locationId"::text AS "locationId", l.code AS "locationCode", l.kind::text AS "locationKind",
          m.delta::text AS delta, m.reason::text AS reason, m.note, m."actorKind"::text AS "actorKind", m."actorId",
          m.reference, m."createdAt"
        FROM "StockMovement" m JOIN "Location" l ON l.id = m."locationId"
        WHERE m."storeId" = ${storeId}::uuid AND m."productId" = ${product.id}::uuid AND m."createdAt" >= ${since}
          ${input.cursor ? Prisma.sql`AND m.id < ${BigInt(input.cursor)}` : Prisma.empty}
        ORDER BY m.id DESC LIMIT ${input.limit + 1}`,
    ]);

    // Walk back from today's balances: each day ends with what the next day started from.
    const onHand = new Map<LocationKind, number>(locationKinds.map((kind) => [kind, 0]));
    for (const row of current) onHand.set(row.kind, milliOf(row.onHand));
    const series: HistoryDay[] = [];
    for (const { date } of [...days].reverse()) {
      const moves = movedByDay.filter((row) => row.date === date);
      series.push({
        date,
        onHand: Object.fromEntries(
          locationKinds.map((kind) => [kind, formatQuantity(onHand.get(kind) ?? 0)]),
        ) as Record<LocationKind, string>,
        sold: {
          kiosk: formatQuantity(moves.reduce((sum, row) => sum + milliOf(row.kiosk), 0)),
          online: formatQuantity(moves.reduce((sum, row) => sum + milliOf(row.online), 0)),
        },
      });
      for (const row of moves) onHand.set(row.kind, (onHand.get(row.kind) ?? 0) - milliOf(row.delta));
    }

    const page = entries.slice(0, input.limit);
    return {
      product,
      days: series.reverse(),
      ledger: {
        items: page.map((entry) => ({
          ...entry,
          delta: formatQuantity(milliOf(entry.delta)),
          createdAt: entry.createdAt.toISOString(),
        })),
        nextCursor: entries.length > input.limit ? (page.at(-1)?.id ?? null) : null,
      },
    };
  }

  return { stock, productHistory, ...createDashboardActivity(db, stores) };
}
