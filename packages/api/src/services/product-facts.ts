import { Prisma, type Database } from "@store/db";
import { z } from "zod";
import { utc } from "./sql";

/**
 * What pricing, stock allocation and the catalog need to know about a product in one store,
 * read in a single round trip: the effective price (the latest price-book entry with validFrom
 * <= now), the sellable stock per location and the promotions running now.
 */
export type ProductFacts = {
  id: string;
  sku: string;
  nameEn: string;
  nameZh: string;
  brand: string | null;
  unitOfSale: "EACH" | "WEIGHT";
  active: boolean;
  minimumAge: number | null;
  /** Grams; what the bagging-scale check expects of one unit, and how far off it may be. */
  unitWeightG: number | null;
  weightToleranceG: number | null;
  notWeighable: boolean;
  taxRateBp: number;
  categoryCode: string;
  primaryBarcode: string | null;
  priceMinor: number | null;
  /** Reorder point as decimal text from PostgreSQL ("5.000"). */
  lowStockThreshold: string;
  balances: SellableBalance[];
  promotions: ActivePromotion[];
};

export type SellableBalance = {
  locationId: string;
  locationCode: string;
  isHome: boolean;
  onHand: string;
  reserved: string;
};

export const activePromotionSchema = z.object({
  id: z.string(),
  code: z.string(),
  nameEn: z.string(),
  nameZh: z.string(),
  kind: z.enum(["MULTI_BUY", "FIXED_PRICE", "PERCENT_OFF", "BUNDLE"]),
  buyQuantity: z.number().int().nullable(),
  payQuantity: z.number().int().nullable(),
  priceMinor: z.number().int().nullable(),
  percentOffBp: z.number().int().nullable(),
  items: z.array(z.object({ productId: z.string(), quantity: z.number().int() })),
  /** Changes whenever the promotion row does (a sale statement checks it is still the same). */
  version: z.string(),
});
export type ActivePromotion = z.output<typeof activePromotionSchema>;

/** A promotion row's version as text, identical in JavaScript and in SQL checks. */
export const promotionVersion = Prisma.sql`to_char(pr."updatedAt", 'YYYYMMDDHH24MISSMS')`;

/** The facts columns for the product aliased `p` (joined with its category `c`). */
function factColumns(storeId: string, now: Date): Prisma.Sql {
  const at = utc(now);
  return Prisma.sql`
    p.id::text AS id, p.sku, p."nameEn", p."nameZh", p.brand, p."unitOfSale"::text AS "unitOfSale",
    p.active, p."minimumAge", p."lowStockThreshold"::text AS "lowStockThreshold",
    p."unitWeightG"::float8 AS "unitWeightG", p."weightToleranceG"::float8 AS "weightToleranceG", p."notWeighable",
    c."taxRateBp", c.code AS "categoryCode",
    (SELECT bc.code FROM "Barcode" bc WHERE bc."productId" = p.id
      ORDER BY bc."isPrimary" DESC, bc.kind, bc.code LIMIT 1) AS "primaryBarcode",
    (SELECT pb."priceMinor" FROM "PriceBookEntry" pb
      WHERE pb."storeId" = ${storeId}::uuid AND pb."productId" = p.id AND pb."validFrom" <= ${at}
      ORDER BY pb."validFrom" DESC LIMIT 1) AS "priceMinor",
    (SELECT coalesce(json_agg(json_build_object(
        'locationId', b."locationId"::text, 'locationCode', l.code, 'isHome', b."isHome",
        'onHand', b."onHand"::text, 'reserved', b.reserved::text)
        ORDER BY b."isHome" DESC, l."walkSequence", l.code), '[]'::json)
      FROM "StockBalance" b JOIN "Location" l ON l.id = b."locationId"
      WHERE b."productId" = p.id AND b."storeId" = ${storeId}::uuid AND l.sellable) AS balances,
    (SELECT coalesce(json_agg(json_build_object(
        'id', pr.id::text, 'code', pr.code, 'nameEn', pr."nameEn", 'nameZh', pr."nameZh",
        'kind', pr.kind::text, 'buyQuantity', pr."buyQuantity", 'payQuantity', pr."payQuantity",
        'priceMinor', pr."priceMinor", 'percentOffBp', pr."percentOffBp", 'version', ${promotionVersion},
        'items', (SELECT json_agg(json_build_object('productId', i."productId"::text, 'quantity', i.quantity))
                  FROM "PromotionItem" i WHERE i."promotionId" = pr.id))), '[]'::json)
      FROM "PromotionItem" pi JOIN "Promotion" pr ON pr.id = pi."promotionId"
      WHERE pi."productId" = p.id AND pr."storeId" = ${storeId}::uuid AND pr.active
        AND pr."startsAt" <= ${at} AND (pr."endsAt" IS NULL OR pr."endsAt" > ${at})) AS promotions`;
}

type FactsRow = Omit<ProductFacts, "promotions"> & { promotions: unknown };

function toFacts(row: FactsRow): ProductFacts {
  return { ...row, promotions: z.array(activePromotionSchema).parse(row.promotions) };
}

export async function loadProductFacts(
  db: Database,
  storeId: string,
  productIds: readonly string[],
  now: Date,
): Promise<Map<string, ProductFacts>> {
  if (productIds.length === 0) return new Map();
  const rows = await db.prisma.$queryRaw<FactsRow[]>`
    SELECT ${factColumns(storeId, now)}
    FROM "Product" p JOIN "Category" c ON c.id = p."categoryId"
    WHERE p.id IN (SELECT value::uuid FROM jsonb_array_elements_text(${JSON.stringify(productIds)}::jsonb))`;
  return new Map(rows.map((row) => [row.id, toFacts(row)]));
}

export type BarcodeKey = { kind: "GTIN" | "PLU" | "VARIABLE_MEASURE"; code: string };

/** Products by barcode (kind + normalized code), with their facts, in one round trip. */
export async function loadFactsByBarcode(
  db: Database,
  storeId: string,
  keys: readonly BarcodeKey[],
  now: Date,
): Promise<Map<string, ProductFacts>> {
  if (keys.length === 0) return new Map();
  const rows = await db.prisma.$queryRaw<Array<FactsRow & { barcodeKey: string }>>`
    SELECT DISTINCT ON (bc.kind, bc.code) bc.kind::text || ':' || bc.code AS "barcodeKey", ${factColumns(storeId, now)}
    FROM jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) AS k(kind text, code text)
    JOIN "Barcode" bc ON bc.kind = k.kind::"BarcodeKind" AND bc.code = k.code
    JOIN "Product" p ON p.id = bc."productId"
    JOIN "Category" c ON c.id = p."categoryId"
    ORDER BY bc.kind, bc.code`;
  return new Map(rows.map(({ barcodeKey, ...row }) => [barcodeKey, toFacts(row)]));
}

export function barcodeKeyOf(key: BarcodeKey): string {
  return `${key.kind}:${key.code}`;
}

export type LocationBalance = {
  locationId: string;
  locationCode: string;
  zone: string;
  kind: "SHELF" | "BACKROOM" | "RECEIVING" | "PACKING";
  sellable: boolean;
  isHome: boolean;
  onHand: string;
  reserved: string;
};

/**
 * A product's facts plus what its catalog page shows: category names, net content, every
 * barcode and its balance at every location of the store (sellable or not). One statement, so
 * the balances per location add up to the sellable stock of the facts.
 */
export type ProductDetailFacts = ProductFacts & {
  categoryNameEn: string;
  categoryNameZh: string;
  contentAmount: string | null;
  contentUnit: string | null;
  barcodes: Array<{ kind: BarcodeKey["kind"]; code: string; isPrimary: boolean }>;
  locations: LocationBalance[];
};

export async function loadProductDetail(
  db: Database,
  storeId: string,
  productId: string,
  now: Date,
): Promise<ProductDetailFacts | null> {
  const rows = await db.prisma.$queryRaw<Array<FactsRow & Omit<ProductDetailFacts, keyof ProductFacts>>>`
    SELECT ${factColumns(storeId, now)},
      c."nameEn" AS "categoryNameEn", c."nameZh" AS "categoryNameZh",
      p."contentAmount"::text AS "contentAmount", p."contentUnit",
      (SELECT coalesce(json_agg(json_build_object('kind', bc.kind::text, 'code', bc.code, 'isPrimary', bc."isPrimary")
          ORDER BY bc."isPrimary" DESC, bc.kind, bc.code), '[]'::json)
        FROM "Barcode" bc WHERE bc."productId" = p.id) AS barcodes,
      (SELECT coalesce(json_agg(json_build_object(
          'locationId', l.id::text, 'locationCode', l.code, 'zone', l.zone, 'kind', l.kind::text,
          'sellable', l.sellable, 'isHome', b."isHome", 'onHand', b."onHand"::text, 'reserved', b.reserved::text)
          ORDER BY l.sellable DESC, b."isHome" DESC, l."walkSequence", l.code), '[]'::json)
        FROM "StockBalance" b JOIN "Location" l ON l.id = b."locationId"
        WHERE b."productId" = p.id AND b."storeId" = ${storeId}::uuid) AS locations
    FROM "Product" p JOIN "Category" c ON c.id = p."categoryId"
    WHERE p.id = ${productId}::uuid`;
  const [row] = rows;
  return row ? { ...row, ...toFacts(row) } : null;
}
