import { Prisma, type Database } from "@store/db";
import type { Actor } from "../auth/actor";
import { ServiceError } from "../errors";
import { idempotencyScope, idempotencyTtlMs, replayIfKnown, requestHash } from "./idempotency";
import { isUniqueViolation, utc } from "./sql";

export type PriceChange = {
  productId: string;
  sku: string;
  priceMinor: number;
  previousPriceMinor: number | null;
  currency: string;
  validFrom: string;
};

export type PriceRequest = { productId: string; sku: string; priceMinor: number };

/**
 * The CTEs of a statement recording new prices from `validFrom`, one per product (each at most
 * once): `price_entry` (the price-book rows) and `price_change` (a PriceChange per product, in
 * `response`), each announced by a `price.changed` event in `price_announced`, which shelf labels,
 * kiosks and screens follow. `prices.set` and the catalog import both record prices this way.
 */
export function priceChanges(
  storeId: string,
  requests: readonly PriceRequest[],
  validFrom: Date,
  now: Date,
  createdBy: string | null,
): Prisma.Sql {
  return Prisma.sql`
    price_request AS MATERIALIZED (
      SELECT r."productId"::uuid AS product_id, r.sku, r."priceMinor" AS price_minor
      FROM jsonb_to_recordset(${JSON.stringify(requests)}::jsonb) AS r("productId" text, sku text, "priceMinor" int)),
    price_entry AS (
      INSERT INTO "PriceBookEntry" ("storeId", "productId", "priceMinor", "validFrom", "createdAt", "createdBy")
      SELECT ${storeId}::uuid, product_id, price_minor, ${utc(validFrom)}, ${utc(now)}, ${createdBy}
      FROM price_request
      RETURNING "productId", "priceMinor"),
    price_change AS (
      SELECT e."productId" AS product_id, jsonb_build_object('productId', e."productId"::text, 'sku', r.sku,
               'priceMinor', e."priceMinor",
               -- The statement's snapshot: the entries before this one, never the one just inserted.
               'previousPriceMinor', (SELECT pb."priceMinor" FROM "PriceBookEntry" pb
                 WHERE pb."storeId" = ${storeId}::uuid AND pb."productId" = e."productId"
                   AND pb."validFrom" <= ${utc(validFrom)}
                 ORDER BY pb."validFrom" DESC LIMIT 1),
               'currency', s.currency, 'validFrom', ${validFrom.toISOString()}::text) AS response
      FROM price_entry e JOIN price_request r ON r.product_id = e."productId"
      JOIN "Store" s ON s.id = ${storeId}::uuid),
    price_announced AS (
      INSERT INTO "Event" ("storeId", type, subject, payload, "createdAt")
      SELECT ${storeId}::uuid, 'price.changed', product_id::text, response, ${utc(now)}
      FROM price_change
      RETURNING 1)`;
}

export type PricesService = ReturnType<typeof createPricesService>;

export function createPricesService(db: Database) {
  /**
   * A new price-book entry from `validFrom` (now by default), the same for every channel, and a
   * `price.changed` event for shelf labels and screens in the same transaction. Entries are
   * never edited: the effective price is the latest entry that has started.
   */
  async function set(
    actor: Actor,
    input: { idempotencyKey: string; productId: string; priceMinor: number; validFrom?: string | undefined },
  ): Promise<PriceChange> {
    const { idempotencyKey, ...request } = input;
    const scope = idempotencyScope(actor.storeId, "prices.set");
    const hash = requestHash(request);
    const known = await replayIfKnown<PriceChange>(db, scope, idempotencyKey, hash);
    if (known) return known;
    const now = new Date();
    const validFrom = input.validFrom ? new Date(input.validFrom) : now;
    const product = await db.prisma.product.findUnique({ where: { id: input.productId }, select: { sku: true } });
    if (!product) throw new ServiceError("PRODUCT_NOT_FOUND", `Unknown product ${input.productId}`);
    try {
      const rows = await db.prisma.$queryRaw<Array<{ response: PriceChange }>>`
        WITH ${priceChanges(actor.storeId, [{ productId: input.productId, sku: product.sku, priceMinor: input.priceMinor }], validFrom, now, actor.id)},
        idempotency AS (
          INSERT INTO "IdempotencyKey" (scope, key, "requestHash", response, "createdAt", "expiresAt")
          SELECT ${scope}, ${idempotencyKey}, ${hash}, price_change.response, ${utc(now)}, ${utc(new Date(now.getTime() + idempotencyTtlMs))}
          FROM price_change
          RETURNING 1)
        SELECT price_change.response, (SELECT count(*) FROM price_announced)::int AS events,
               (SELECT count(*) FROM idempotency)::int AS keys
        FROM price_change`;
      const row = rows[0];
      if (!row) throw new Error(`Price of ${product.sku} was not recorded`);
      return row.response;
    } catch (error) {
      const replay = await replayIfKnown<PriceChange>(db, scope, idempotencyKey, hash);
      if (replay) return replay;
      if (isUniqueViolation(error)) {
        throw new ServiceError(
          "PRICE_EXISTS",
          `${product.sku} already has a price from ${validFrom.toISOString()}: choose another validFrom`,
        );
      }
      throw error;
    }
  }

  return { set };
}
