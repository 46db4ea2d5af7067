import { Prisma } from "@store/db";

/**
 * SQL pieces shared by every statement that moves stock. A statement builds a CTE `moves`
 * (product_id uuid, location_id uuid, q numeric) and an UPDATE CTE returning the new balance
 * with the quantity it moved; `stockChangedEvents` turns those rows into outbox events.
 */

/** Rows of a JSON array of {productId, locationId, quantity} as typed columns. */
export function movesFromJson(json: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
    SELECT m."productId"::uuid AS product_id, m."locationId"::uuid AS location_id, m.quantity::numeric AS q
    FROM jsonb_to_recordset(${json}) AS m("productId" text, "locationId" text, quantity text)`;
}

/**
 * Locks the balance rows a statement is about to change, always in (product, location) order,
 * so two statements touching overlapping rows wait for each other instead of deadlocking.
 * `gate` is a scalar expression the lock waits for: referencing the statement's inserts there
 * makes them run before the locks are taken, keeping the hot rows locked for the shortest time.
 */
export function lockBalances(storeId: string, gate: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
    SELECT b."productId", b."locationId"
    FROM "StockBalance" b JOIN moves m ON b."productId" = m.product_id AND b."locationId" = m.location_id
    WHERE b."storeId" = ${storeId}::uuid AND ${gate}
    ORDER BY b."productId", b."locationId"
    FOR UPDATE OF b`;
}

/**
 * One `stock.changed` event per balance row in `source` (an UPDATE's RETURNING with productId,
 * locationId, onHand, reserved), carrying the new balance and what changed. `reason` is a
 * MovementReason, or RESERVE / RELEASE / EXPIRE for reservations.
 */
export function stockChangedEvents(
  storeId: string,
  source: string,
  delta: { onHand: Prisma.Sql; reserved: Prisma.Sql },
  reason: Prisma.Sql,
  reference: Prisma.Sql,
  now: Prisma.Sql,
): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO "Event" ("storeId", type, subject, payload, "createdAt")
    SELECT ${storeId}::uuid, 'stock.changed', s."productId"::text || '/' || s."locationId"::text,
      jsonb_build_object(
        'productId', s."productId"::text, 'locationId', s."locationId"::text,
        'onHand', trim_scale(s."onHand")::text, 'reserved', trim_scale(s.reserved)::text,
        'available', trim_scale(s."onHand" - s.reserved)::text,
        'onHandDelta', trim_scale(${delta.onHand})::text, 'reservedDelta', trim_scale(${delta.reserved})::text,
        'reason', ${reason}, 'reference', ${reference}),
      ${now}
    FROM ${Prisma.raw(source)} s
    RETURNING 1`;
}

/** The CHECK constraints a conditional stock statement trips to refuse itself as a whole. */
export const onHandRefused = "StockBalance_onHand_nonnegative";
export const reservedRefused = "StockBalance_reserved_nonnegative";
