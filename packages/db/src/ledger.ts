import type { PrismaClient } from "./generated/prisma/client";

export type LedgerMismatch = {
  productId: string;
  locationId: string;
  onHand: string;
  ledgerSum: string;
  reserved: string;
  activeReservations: string;
};

/**
 * Checks the stock invariants: per product and location, StockBalance.onHand equals the sum of the
 * ledger and StockBalance.reserved equals the ACTIVE reservations. One pass over each table (hash
 * aggregates joined on the key), so it stays linear on large ledgers. Quantities come back as exact
 * decimal text without trailing zeros.
 */
export async function checkLedger(
  prisma: PrismaClient,
): Promise<{ ok: boolean; mismatches: LedgerMismatch[] }> {
  const mismatches = await prisma.$queryRaw<LedgerMismatch[]>`
    WITH ledger AS (
      SELECT "productId", "locationId", sum("delta") AS total
      FROM "StockMovement" GROUP BY "productId", "locationId"
    ), held AS (
      SELECT "productId", "locationId", sum("quantity") AS total
      FROM "Reservation" WHERE "status" = 'ACTIVE' GROUP BY "productId", "locationId"
    )
    SELECT "productId"::text AS "productId",
           "locationId"::text AS "locationId",
           trim_scale(coalesce(b."onHand", 0))::text AS "onHand",
           trim_scale(coalesce(l.total, 0))::text AS "ledgerSum",
           trim_scale(coalesce(b."reserved", 0))::text AS "reserved",
           trim_scale(coalesce(h.total, 0))::text AS "activeReservations"
    FROM "StockBalance" b
    FULL JOIN ledger l USING ("productId", "locationId")
    FULL JOIN held h USING ("productId", "locationId")
    WHERE coalesce(b."onHand", 0) <> coalesce(l.total, 0)
       OR coalesce(b."reserved", 0) <> coalesce(h.total, 0)
    ORDER BY "productId", "locationId"`;
  return { ok: mismatches.length === 0, mismatches };
}
