import { Prisma, type ActorKind, type Database } from "@store/db";
import { idempotencyTtlMs } from "./idempotency";
import { promotionVersion } from "./product-facts";
import { lockBalances, stockChangedEvents } from "./stock-sql";

/** A priced, allocated sale ready to be written: everything but its number. */
export type SaleRecord = {
  saleId: string;
  storeId: string;
  deviceId: string | null;
  currency: string;
  subtotalMinor: number;
  discountMinor: number;
  taxMinor: number;
  totalMinor: number;
  createdAt: Date;
  actorKind: ActorKind;
  actorId: string | null;
  idempotency: { scope: string; key: string; requestHash: string };
  /** What the price was computed from, checked against the database before anything is written. */
  basis: { productIds: string[]; promotionFingerprint: string };
  lines: Array<{
    lineNo: number;
    productId: string;
    code: string;
    /** The barcode row the code matched. */
    barcodeKind: string;
    barcodeCode: string;
    quantity: string;
    unitPriceMinor: number;
    grossMinor: number;
    discountMinor: number;
    totalMinor: number;
    taxRateBp: number;
    taxMinor: number;
    promotionCodes: string[];
  }>;
  payment: {
    method: string;
    provider: string;
    providerRef: string;
    amountMinor: number;
    /** CAPTURED when paid elsewhere; AUTHORIZED when the kiosk captures it right after the commit. */
    status: "AUTHORIZED" | "CAPTURED";
    last4: string | null;
    sessionId: string | null;
  };
  /** One per balance row, sorted by (product, location). */
  moves: Array<{ productId: string; locationId: string; quantity: string }>;
  /** The response a retry with the same key gets back; its number is filled in by the database. */
  response: Record<string, unknown>;
};

/**
 * Writes sales of one store in one statement, and so one transaction and one round trip. First
 * everything that only adds rows: sales, idempotency keys (whose unique index makes a concurrent
 * retry with the same key wait, then fail), lines, payments and sale events. Only then are the
 * stock rows locked, in (product, location) order, and taken where enough is available; the
 * ledger and the stock events come from the rows actually changed. A row without enough stock is
 * set to -1, which the onHand CHECK refuses, so the whole statement is undone: no sale without its
 * stock, no stock without its sale. Returns the sale numbers in order.
 *
 * Several sales in one statement share one commit and take each hot row once (group commit).
 *
 * A sale is written only if what it was priced from still holds: each line's barcode still
 * names its product, the product is still sold, its effective price-book entry has the price used
 * and the running promotions are the ones used. Otherwise its number comes back null and the
 * caller prices it again from fresh facts.
 */
export async function recordSales(
  db: Database,
  storeId: string,
  records: readonly SaleRecord[],
): Promise<Array<number | null>> {
  const doc = {
    ttlMs: idempotencyTtlMs,
    sales: records.map((record) => ({
      ...record,
      createdAt: record.createdAt.toISOString(),
      scope: record.idempotency.scope,
      key: record.idempotency.key,
      requestHash: record.idempotency.requestHash,
    })),
  };
  const rows = await db.prisma.$queryRaw<Array<{ saleId: string; number: number }>>`
    WITH doc AS MATERIALIZED (SELECT ${JSON.stringify(doc)}::jsonb AS d),
    candidates AS MATERIALIZED (
      SELECT s.*, (s."createdAt" AT TIME ZONE 'UTC') AS at, 'sale:' || s."saleId"::text AS reference
      FROM doc, jsonb_to_recordset(d->'sales') AS s(
        "saleId" uuid, "deviceId" uuid, currency text, "subtotalMinor" int, "discountMinor" int, "taxMinor" int,
        "totalMinor" int, "createdAt" timestamptz, "actorKind" "ActorKind", "actorId" text, scope text, key text,
        "requestHash" text, lines jsonb, payment jsonb, moves jsonb, response jsonb, basis jsonb)),
    sales AS MATERIALIZED (
      SELECT c.* FROM candidates c
      WHERE NOT EXISTS (
          SELECT 1 FROM jsonb_to_recordset(c.lines) AS l("productId" uuid, "unitPriceMinor" int, "barcodeKind" text, "barcodeCode" text)
          WHERE NOT EXISTS (
                  SELECT 1 FROM "Barcode" bc JOIN "Product" p ON p.id = bc."productId"
                  WHERE bc.kind = l."barcodeKind"::"BarcodeKind" AND bc.code = l."barcodeCode"
                    AND bc."productId" = l."productId" AND p.active)
             OR l."unitPriceMinor" IS DISTINCT FROM (
                  SELECT pb."priceMinor" FROM "PriceBookEntry" pb
                  WHERE pb."storeId" = ${storeId}::uuid AND pb."productId" = l."productId" AND pb."validFrom" <= c.at
                  ORDER BY pb."validFrom" DESC LIMIT 1))
        AND c.basis->>'promotionFingerprint' = (
          SELECT coalesce(string_agg(e.entry, ',' ORDER BY e.entry COLLATE "C"), '')
          FROM (SELECT DISTINCT pr.id::text || '@' || ${promotionVersion} || ':' || pi."productId"::text || 'x' || pi.quantity AS entry
                FROM "PromotionItem" pi JOIN "Promotion" pr ON pr.id = pi."promotionId"
                WHERE pi."productId" IN (SELECT value::uuid FROM jsonb_array_elements_text(c.basis->'productIds'))
                  AND pr."storeId" = ${storeId}::uuid AND pr.active AND pr."startsAt" <= c.at
                  AND (pr."endsAt" IS NULL OR pr."endsAt" > c.at)) e)),
    sale AS (
      INSERT INTO "Sale" (id, "storeId", "deviceId", currency, "subtotalMinor", "discountMinor", "taxMinor",
                          "totalMinor", "idempotencyKey", "createdAt")
      SELECT s."saleId", ${storeId}::uuid, s."deviceId", s.currency, s."subtotalMinor", s."discountMinor",
             s."taxMinor", s."totalMinor", s.key, s.at
      FROM sales s
      RETURNING id, number),
    numbered AS MATERIALIZED (SELECT s.*, sale.number FROM sales s JOIN sale ON sale.id = s."saleId"),
    idempotency AS (
      INSERT INTO "IdempotencyKey" (scope, key, "requestHash", response, "createdAt", "expiresAt")
      SELECT n.scope, n.key, n."requestHash", jsonb_set(n.response, '{number}', to_jsonb(n.number)), n.at,
             n.at + make_interval(secs => (SELECT (d->>'ttlMs')::numeric / 1000 FROM doc))
      FROM numbered n
      RETURNING 1),
    lines AS (
      INSERT INTO "SaleLine" ("saleId", "lineNo", "productId", "scannedCode", quantity, "unitPriceMinor",
                              "grossMinor", "discountMinor", "totalMinor", "taxRateBp", "taxMinor", "promotionCodes")
      SELECT s."saleId", l."lineNo", l."productId", l.code, l.quantity, l."unitPriceMinor", l."grossMinor",
             l."discountMinor", l."totalMinor", l."taxRateBp", l."taxMinor",
             ARRAY(SELECT jsonb_array_elements_text(l."promotionCodes"))
      FROM sales s, jsonb_to_recordset(s.lines) AS l("lineNo" int, "productId" uuid, code text, quantity numeric,
        "unitPriceMinor" int, "grossMinor" int, "discountMinor" int, "totalMinor" int, "taxRateBp" int,
        "taxMinor" int, "promotionCodes" jsonb)
      RETURNING 1),
    payment AS (
      INSERT INTO "Payment" ("saleId", "sessionId", provider, "providerRef", method, status, currency, "amountMinor",
                             "capturedMinor", last4, "createdAt", "updatedAt")
      SELECT s."saleId", (s.payment->>'sessionId')::uuid, s.payment->>'provider', s.payment->>'providerRef',
             (s.payment->>'method')::"PaymentMethod", (s.payment->>'status')::"PaymentStatus", s.currency,
             (s.payment->>'amountMinor')::int,
             CASE WHEN s.payment->>'status' = 'CAPTURED' THEN (s.payment->>'amountMinor')::int ELSE 0 END,
             s.payment->>'last4', s.at, s.at
      FROM sales s
      RETURNING 1),
    completed AS (
      INSERT INTO "Event" ("storeId", type, subject, payload, "createdAt")
      SELECT ${storeId}::uuid, 'sale.completed', n."saleId"::text,
             jsonb_build_object('saleId', n."saleId"::text, 'number', n.number, 'deviceId', n."deviceId"::text,
               'currency', n.currency, 'totalMinor', n."totalMinor", 'lineCount', jsonb_array_length(n.lines)),
             n.at
      FROM numbered n
      RETURNING 1),
    written AS MATERIALIZED (
      SELECT (SELECT count(*) FROM idempotency) + (SELECT count(*) FROM lines)
           + (SELECT count(*) FROM payment) + (SELECT count(*) FROM completed) AS n),
    taking AS MATERIALIZED (
      SELECT s.*, m."productId" AS product_id, m."locationId" AS location_id, m.quantity AS q
      FROM sales s, jsonb_to_recordset(s.moves) AS m("productId" uuid, "locationId" uuid, quantity numeric)),
    moves AS MATERIALIZED (
      SELECT product_id, location_id, sum(q) AS q, string_agg(reference, ',' ORDER BY reference) AS reference,
             max(at) AS at
      FROM taking GROUP BY product_id, location_id),
    locked AS MATERIALIZED (${lockBalances(storeId, Prisma.sql`(SELECT n FROM written) > 0`)}),
    taken AS (
      UPDATE "StockBalance" b
      SET "onHand" = CASE WHEN b."onHand" - b.reserved >= m.q THEN b."onHand" - m.q ELSE -1 END,
          "updatedAt" = m.at
      FROM locked l JOIN moves m ON m.product_id = l."productId" AND m.location_id = l."locationId"
      WHERE b."productId" = l."productId" AND b."locationId" = l."locationId"
      RETURNING b."productId", b."locationId", b."onHand", b.reserved, m.q, m.reference, m.at),
    ledger AS (
      INSERT INTO "StockMovement" ("storeId", "productId", "locationId", delta, reason, "actorKind", "actorId",
                                   reference, "idempotencyKey", "createdAt")
      SELECT ${storeId}::uuid, t.product_id, t.location_id, -t.q, 'SALE', t."actorKind", t."actorId", t.reference,
             t.key, t.at
      FROM taking t JOIN taken ON taken."productId" = t.product_id AND taken."locationId" = t.location_id
      RETURNING 1),
    changed AS (${stockChangedEvents(storeId, "taken", { onHand: Prisma.sql`-s.q`, reserved: Prisma.sql`0` }, Prisma.sql`'SALE'`, Prisma.sql`s.reference`, Prisma.sql`s.at`)})
    SELECT n."saleId"::text AS "saleId", n.number,
           (SELECT count(*) FROM ledger)::int AS moved, (SELECT count(*) FROM changed)::int AS events
    FROM numbered n`;
  const numbers = new Map(rows.map((row) => [row.saleId, row.number]));
  return records.map((record) => numbers.get(record.saleId) ?? null);
}
