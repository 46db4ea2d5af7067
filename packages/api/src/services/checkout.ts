import { randomUUID } from "node:crypto";
import { Prisma, type Database } from "@store/db";
import { formatMoney } from "@store/domain";
import type { Logger } from "pino";
import type { Actor } from "../auth/actor";
import { ServiceError } from "../errors";
import {
  allocateStock,
  demandsOf,
  mergeTakes,
  priceLines,
  resolveLines,
  type CartQuote,
  type LineInput,
  type StockTake,
} from "./cart";
import {
  idempotencyScope,
  idempotencyTtlMs,
  replayIfKnown,
  requestHash,
} from "./idempotency";
import { isUniqueViolation, pgErrorOf, utc } from "./sql";
import { lockBalances, movesFromJson, onHandRefused, stockChangedEvents } from "./stock-sql";
import type { StoreDirectory } from "./stores";

export type PaymentInput = {
  method: "CARD" | "QR" | "CASH";
  provider: string;
  providerRef: string;
  amountMinor: number;
};

export type CommitSaleInput = {
  idempotencyKey: string;
  lines: LineInput[];
  payment: PaymentInput;
};

export type Sale = CartQuote & {
  id: string;
  number: number;
  storeId: string;
  deviceId: string | null;
  createdAt: string;
  payment: PaymentInput & { status: "CAPTURED"; currency: string };
};

/**
 * A stock row can change between reading it and taking from it; then we read again. Each retry
 * means another sale or order took stock meanwhile, so retries end when the stock does.
 */
const maxAttempts = 10;

export type CheckoutService = ReturnType<typeof createCheckoutService>;

export function createCheckoutService(db: Database, stores: StoreDirectory, logger: Logger) {
  async function quote(actor: Actor, lines: readonly LineInput[]): Promise<CartQuote> {
    const store = await stores.get(actor.storeId);
    const resolved = await resolveLines(db, store, lines, new Date());
    return priceLines(store, resolved);
  }

  async function commit(actor: Actor, input: CommitSaleInput): Promise<Sale> {
    const { idempotencyKey, ...request } = input;
    const hash = requestHash(request);
    const scope = idempotencyScope(actor.storeId, "checkout.commit");
    try {
      return await commitOnce(actor, input, scope, hash);
    } catch (error) {
      // Whatever failed, a sale already committed under this key is the answer (a retry of a
      // request whose first response was lost); a different request under it is refused.
      const replay = await replayIfKnown<Sale>(db, scope, idempotencyKey, hash);
      if (replay) return replay;
      if (isUniqueViolation(error)) {
        const recorded = await db.prisma.payment.findUnique({
          where: { provider_providerRef: { provider: input.payment.provider, providerRef: input.payment.providerRef } },
          select: { sale: { select: { number: true } } },
        });
        if (recorded) {
          throw new ServiceError(
            "PAYMENT_ALREADY_RECORDED",
            `Payment '${input.payment.providerRef}' of ${input.payment.provider} is already recorded on sale #${recorded.sale?.number ?? "?"}`,
          );
        }
      }
      throw error;
    }
  }

  async function commitOnce(actor: Actor, input: CommitSaleInput, scope: string, hash: string): Promise<Sale> {
    const store = await stores.get(actor.storeId);
    for (let attempt = 1; ; attempt++) {
      const now = new Date();
      const resolved = await resolveLines(db, store, input.lines, now);
      const priced = priceLines(store, resolved);
      if (input.payment.amountMinor !== priced.totalMinor) {
        throw new ServiceError(
          "PAYMENT_AMOUNT_MISMATCH",
          `Payment of ${formatMoney(input.payment.amountMinor, store.currency, store.locale)} does not match the sale total ${formatMoney(priced.totalMinor, store.currency, store.locale)}`,
          { amountMinor: input.payment.amountMinor, totalMinor: priced.totalMinor },
        );
      }
      const takes = allocateStock(demandsOf(resolved), "sell");
      const sale: Sale = {
        id: randomUUID(),
        number: 0,
        storeId: store.id,
        deviceId: actor.deviceId,
        createdAt: now.toISOString(),
        ...priced,
        payment: { ...input.payment, status: "CAPTURED", currency: store.currency },
      };
      try {
        sale.number = await insertSale(actor, sale, takes, input.idempotencyKey, scope, hash, now);
        return sale;
      } catch (error) {
        if (!refusedBy(error, onHandRefused) || attempt === maxAttempts) throw stockMoved(error, attempt);
        logger.debug({ attempt, key: input.idempotencyKey }, "Stock moved during a sale, reading it again");
      }
    }
  }

  /**
   * The sale in one statement and one round trip: sale, idempotency key, lines, payment and the
   * sale event are written first; then the stock rows are locked in a fixed order and taken
   * only where enough is available; the ledger and stock events come from the rows actually
   * changed. A row without enough stock is set to -1, which the onHand CHECK refuses, so the
   * whole statement (and nothing else) is undone: no sale without its stock, no stock without
   * its sale.
   */
  async function insertSale(
    actor: Actor,
    sale: Sale,
    takes: StockTake[],
    key: string,
    scope: string,
    hash: string,
    now: Date,
  ): Promise<number> {
    const { number: _number, ...response } = sale;
    const doc = {
      saleId: sale.id,
      key,
      scope,
      requestHash: hash,
      deviceId: actor.deviceId,
      currency: sale.currency,
      subtotalMinor: sale.subtotalMinor,
      discountMinor: sale.discountMinor,
      taxMinor: sale.taxMinor,
      totalMinor: sale.totalMinor,
      actorKind: actor.kind,
      actorId: actor.id,
      lines: sale.lines,
      payment: sale.payment,
      takes: mergeTakes(takes),
      response,
    };
    const at = utc(now);
    const storeId = sale.storeId;
    const reference = Prisma.sql`'sale:' || ${sale.id}`;
    const rows = await db.prisma.$queryRaw<Array<{ number: number }>>`
      WITH doc AS MATERIALIZED (SELECT ${JSON.stringify(doc)}::jsonb AS d),
      moves AS MATERIALIZED (${movesFromJson(Prisma.sql`(SELECT d->'takes' FROM doc)`)}),
      sale AS (
        INSERT INTO "Sale" (id, "storeId", "deviceId", currency, "subtotalMinor", "discountMinor",
                            "taxMinor", "totalMinor", "idempotencyKey", "createdAt")
        SELECT (d->>'saleId')::uuid, ${storeId}::uuid, (d->>'deviceId')::uuid, d->>'currency',
               (d->>'subtotalMinor')::int, (d->>'discountMinor')::int, (d->>'taxMinor')::int,
               (d->>'totalMinor')::int, d->>'key', ${at}
        FROM doc
        RETURNING id, number),
      idempotency AS (
        INSERT INTO "IdempotencyKey" (scope, key, "requestHash", response, "createdAt", "expiresAt")
        SELECT d->>'scope', d->>'key', d->>'requestHash', jsonb_set(d->'response', '{number}', to_jsonb(sale.number)),
               ${at}, ${utc(new Date(now.getTime() + idempotencyTtlMs))}
        FROM doc, sale
        RETURNING 1),
      lines AS (
        INSERT INTO "SaleLine" ("saleId", "lineNo", "productId", "scannedCode", quantity, "unitPriceMinor",
                                "grossMinor", "discountMinor", "totalMinor", "taxRateBp", "taxMinor", "promotionCodes")
        SELECT sale.id, l."lineNo", l."productId"::uuid, l.code, l.quantity::numeric, l."unitPriceMinor",
               l."grossMinor", l."discountMinor", l."totalMinor", l."taxRateBp", l."taxMinor",
               ARRAY(SELECT jsonb_array_elements_text(l."promotionCodes"))
        FROM doc, sale, jsonb_to_recordset(d->'lines') AS l("lineNo" int, "productId" text, code text, quantity text,
          "unitPriceMinor" int, "grossMinor" int, "discountMinor" int, "totalMinor" int, "taxRateBp" int,
          "taxMinor" int, "promotionCodes" jsonb)
        RETURNING 1),
      payment AS (
        INSERT INTO "Payment" ("saleId", provider, "providerRef", method, status, currency, "amountMinor",
                               "capturedMinor", "createdAt", "updatedAt")
        SELECT sale.id, d->'payment'->>'provider', d->'payment'->>'providerRef',
               (d->'payment'->>'method')::"PaymentMethod", 'CAPTURED', d->>'currency',
               (d->'payment'->>'amountMinor')::int, (d->'payment'->>'amountMinor')::int, ${at}, ${at}
        FROM doc, sale
        RETURNING 1),
      completed AS (
        INSERT INTO "Event" ("storeId", type, subject, payload, "createdAt")
        SELECT ${storeId}::uuid, 'sale.completed', sale.id::text,
               jsonb_build_object('saleId', sale.id::text, 'number', sale.number, 'deviceId', d->'deviceId',
                 'currency', d->'currency', 'totalMinor', d->'totalMinor',
                 'lineCount', jsonb_array_length(d->'lines')),
               ${at}
        FROM doc, sale
        RETURNING 1),
      written AS MATERIALIZED (
        SELECT (SELECT count(*) FROM idempotency) + (SELECT count(*) FROM lines)
             + (SELECT count(*) FROM payment) + (SELECT count(*) FROM completed) AS n),
      locked AS MATERIALIZED (${lockBalances(storeId, Prisma.sql`(SELECT n FROM written) > 0`)}),
      taken AS (
        UPDATE "StockBalance" b
        SET "onHand" = CASE WHEN b."onHand" - b.reserved >= m.q THEN b."onHand" - m.q ELSE -1 END,
            "updatedAt" = ${at}
        FROM locked l JOIN moves m ON m.product_id = l."productId" AND m.location_id = l."locationId"
        WHERE b."productId" = l."productId" AND b."locationId" = l."locationId"
        RETURNING b."productId", b."locationId", b."onHand", b.reserved, m.q),
      ledger AS (
        INSERT INTO "StockMovement" ("storeId", "productId", "locationId", delta, reason, "actorKind",
                                     "actorId", reference, "idempotencyKey", "createdAt")
        SELECT ${storeId}::uuid, t."productId", t."locationId", -t.q, 'SALE', (d->>'actorKind')::"ActorKind",
               d->>'actorId', ${reference}, d->>'key', ${at}
        FROM taken t, doc
        RETURNING 1),
      changed AS (${stockChangedEvents(storeId, "taken", { onHand: Prisma.sql`-s.q`, reserved: Prisma.sql`0` }, Prisma.sql`'SALE'`, reference, at)})
      SELECT (SELECT number FROM sale) AS number,
             (SELECT count(*) FROM ledger)::int AS moved, (SELECT count(*) FROM changed)::int AS events`;
    const row = rows[0];
    if (!row) throw new Error(`Sale ${sale.id} was not recorded`);
    return row.number;
  }

  function stockMoved(error: unknown, attempts: number): unknown {
    if (!refusedBy(error, onHandRefused)) return error;
    return new ServiceError(
      "STOCK_CONTENDED",
      `Stock changed under the sale ${attempts} times in a row; nothing was charged, try again`,
    );
  }

  return { quote, commit };
}

export function refusedBy(error: unknown, constraint: string): boolean {
  const info = pgErrorOf(error);
  return info?.code === "23514" && (info.constraint === constraint || info.message.includes(constraint));
}
