import type { Database } from "@store/db";
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
        WITH previous AS (
          SELECT pb."priceMinor" FROM "PriceBookEntry" pb
          WHERE pb."storeId" = ${actor.storeId}::uuid AND pb."productId" = ${input.productId}::uuid
            AND pb."validFrom" <= ${utc(validFrom)}
          ORDER BY pb."validFrom" DESC LIMIT 1),
        entry AS (
          INSERT INTO "PriceBookEntry" ("storeId", "productId", "priceMinor", "validFrom", "createdAt", "createdBy")
          VALUES (${actor.storeId}::uuid, ${input.productId}::uuid, ${input.priceMinor}, ${utc(validFrom)}, ${utc(now)}, ${actor.id})
          RETURNING "priceMinor"),
        change AS (
          SELECT jsonb_build_object('productId', ${input.productId}::text, 'sku', ${product.sku}::text,
                   'priceMinor', entry."priceMinor", 'previousPriceMinor', (SELECT "priceMinor" FROM previous),
                   'currency', s.currency, 'validFrom', ${validFrom.toISOString()}::text) AS response
          FROM entry, "Store" s WHERE s.id = ${actor.storeId}::uuid),
        announced AS (
          INSERT INTO "Event" ("storeId", type, subject, payload, "createdAt")
          SELECT ${actor.storeId}::uuid, 'price.changed', ${input.productId}::text, change.response, ${utc(now)}
          FROM change
          RETURNING 1),
        idempotency AS (
          INSERT INTO "IdempotencyKey" (scope, key, "requestHash", response, "createdAt", "expiresAt")
          SELECT ${scope}, ${idempotencyKey}, ${hash}, change.response, ${utc(now)}, ${utc(new Date(now.getTime() + idempotencyTtlMs))}
          FROM change
          RETURNING 1)
        SELECT change.response, (SELECT count(*) FROM announced)::int AS events, (SELECT count(*) FROM idempotency)::int AS keys
        FROM change`;
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
