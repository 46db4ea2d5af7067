import { randomUUID } from "node:crypto";
import type { Database } from "@store/db";
import { formatMoney } from "@store/domain";
import type { Logger } from "pino";
import type { Actor } from "../auth/actor";
import { ServiceError } from "../errors";
import {
  allocateStock,
  demandsOf,
  describe,
  mergeTakes,
  priceLines,
  resolveLines,
  createFactsCache,
  promotionFingerprint,
  type CartQuote,
  type LineInput,
} from "./cart";
import { createBatcher, type Batcher } from "./batcher";
import { idempotencyScope, replayIfKnown, requestHash } from "./idempotency";
import { recordSales, type SaleRecord } from "./sale-recorder";
import { isUniqueViolation, pgErrorOf } from "./sql";
import { onHandRefused } from "./stock-sql";
import type { StoreConfig, StoreDirectory } from "./stores";

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
  /** AUTHORIZED only in the moment between a kiosk payment's commit and its capture. */
  payment: PaymentInput & { status: "AUTHORIZED" | "CAPTURED"; currency: string };
};

/** How a sale is committed: which idempotency scope, what the payment is, what may be sold. */
export type CommitMode = {
  scope: string;
  requestHash: string;
  paymentStatus: "AUTHORIZED" | "CAPTURED";
  /** Subjects of the session's AGE approvals: product ids, SKUs or scanned codes. */
  ageApproved: ReadonlySet<string>;
  sessionId: string | null;
  last4: string | null;
};

/**
 * Stock or prices can change between reading them and writing the sale; then we read again.
 * Each retry means another sale, order or price change happened meanwhile, so retries end.
 */
const maxAttempts = 10;

export type CheckoutService = ReturnType<typeof createCheckoutService>;

export type SaleBatching = {
  /** Sale statements running at once per store; more sales wait and go together in the next one. */
  maxInFlight: number;
  maxBatch: number;
};

export const defaultSaleBatching: SaleBatching = { maxInFlight: 2, maxBatch: 32 };

/** How long the checkout trusts product facts before reading them again. */
const factsTtlMs = 5_000;

export function createCheckoutService(
  db: Database,
  stores: StoreDirectory,
  logger: Logger,
  batching: SaleBatching = defaultSaleBatching,
) {
  const factsCache = createFactsCache(db, factsTtlMs);
  const batchers = new Map<string, Batcher<SaleRecord, number | null>>();
  function batcherFor(storeId: string): Batcher<SaleRecord, number | null> {
    let batcher = batchers.get(storeId);
    if (!batcher) {
      batcher = createBatcher({ ...batching, run: (records) => recordSales(db, storeId, records) });
      batchers.set(storeId, batcher);
    }
    return batcher;
  }

  /**
   * A kiosk asks for a quote at every scan, for the whole cart: from the facts cache, so a
   * repeated product costs no database read. A price changed meanwhile shows within the cache's
   * lifetime; the sale itself is written only on facts the database confirms (see recordSales).
   */
  async function quote(actor: Actor, lines: readonly LineInput[]): Promise<CartQuote> {
    const store = await stores.get(actor.storeId);
    const resolved = await resolveLines(db, store, lines, new Date(), { facts: factsCache, fresh: false });
    return priceLines(store, resolved);
  }

  /**
   * A sale paid elsewhere (benchmarks, integrations): the payment is recorded as captured. It
   * carries no kiosk session, hence no attendant's age check: age-restricted products are refused.
   */
  async function commit(actor: Actor, input: CommitSaleInput): Promise<Sale> {
    const { idempotencyKey: _key, ...request } = input;
    return commitSale(actor, input, {
      scope: idempotencyScope(actor.storeId, "checkout.commit"),
      requestHash: requestHash(request),
      paymentStatus: "CAPTURED",
      ageApproved: new Set(),
      sessionId: null,
      last4: null,
    });
  }

  async function commitSale(actor: Actor, input: CommitSaleInput, mode: CommitMode): Promise<Sale> {
    const { idempotencyKey } = input;
    const { scope, requestHash: hash } = mode;
    try {
      return await commitOnce(actor, input, mode);
    } catch (error) {
      // Whatever failed, a sale already committed under this key is the answer (a retry of a
      // request whose first response was lost); a different request under it is refused.
      const replay = await replayIfKnown<Sale>(db, scope, idempotencyKey, hash);
      if (replay) return replay;
      if (isUniqueViolation(error)) {
        const earlier = await db.prisma.sale.findUnique({
          where: { storeId_idempotencyKey: { storeId: actor.storeId, idempotencyKey } },
          select: { number: true },
        });
        if (earlier) {
          throw new ServiceError(
            "IDEMPOTENCY_KEY_REUSED",
            `Idempotency key '${idempotencyKey}' was already used for sale #${earlier.number}`,
          );
        }
        const recorded = await db.prisma.payment.findUnique({
          where: { provider_providerRef: { provider: input.payment.provider, providerRef: input.payment.providerRef } },
          select: { sale: { select: { number: true } } },
        });
        if (recorded) {
          throw new ServiceError(
            "PAYMENT_ALREADY_RECORDED",
            `Payment '${input.payment.providerRef}' of ${input.payment.provider} is already recorded${recorded.sale ? ` on sale #${recorded.sale.number}` : ""}`,
          );
        }
      }
      throw error;
    }
  }

  /** Prices and allocates a sale from product facts, cached unless `fresh`. */
  async function prepareSale(
    actor: Actor,
    store: StoreConfig,
    input: CommitSaleInput,
    mode: CommitMode,
    fresh: boolean,
  ): Promise<{ sale: Sale; record: SaleRecord }> {
    const now = new Date();
    const resolved = await resolveLines(db, store, input.lines, now, { facts: factsCache, fresh });
    requireAgeApprovals(resolved, mode.ageApproved);
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
      payment: { ...input.payment, status: mode.paymentStatus, currency: store.currency },
    };
    const { number: _number, ...response } = sale;
    const record: SaleRecord = {
      saleId: sale.id,
      storeId: store.id,
      deviceId: actor.deviceId,
      currency: sale.currency,
      subtotalMinor: sale.subtotalMinor,
      discountMinor: sale.discountMinor,
      taxMinor: sale.taxMinor,
      totalMinor: sale.totalMinor,
      createdAt: now,
      actorKind: actor.kind,
      actorId: actor.id,
      idempotency: { scope: mode.scope, key: input.idempotencyKey, requestHash: mode.requestHash },
      basis: {
        productIds: [...new Set(resolved.map((line) => line.product.id))],
        promotionFingerprint: promotionFingerprint(resolved),
      },
      lines: sale.lines.map((line, index) => {
        const barcode = resolved[index]!.barcode!;
        return { ...line, barcodeKind: barcode.kind, barcodeCode: barcode.code };
      }),
      payment: { ...sale.payment, last4: mode.last4, sessionId: mode.sessionId },
      moves: mergeTakes(takes),
      response,
    };
    return { sale, record };
  }

  /**
   * First from cached facts (see FactsCache); whatever they decide against the sale (a price, a
   * shortage) and whatever the database finds changed is checked again on fresh facts.
   */
  async function commitOnce(actor: Actor, input: CommitSaleInput, mode: CommitMode): Promise<Sale> {
    const store = await stores.get(actor.storeId);
    let fresh = false;
    for (let attempt = 1; ; attempt++) {
      let prepared: { sale: Sale; record: SaleRecord };
      try {
        prepared = await prepareSale(actor, store, input, mode, fresh);
      } catch (error) {
        if (fresh || !(error instanceof ServiceError)) throw error;
        fresh = true;
        continue;
      }
      try {
        const number = await batcherFor(store.id).submit(prepared.record);
        if (number !== null) return { ...prepared.sale, number };
        logger.debug({ attempt, key: input.idempotencyKey }, "Prices or promotions changed during a sale, pricing it again");
      } catch (error) {
        if (!refusedBy(error, onHandRefused)) throw error;
        logger.debug({ attempt, key: input.idempotencyKey }, "Stock moved during a sale, reading it again");
      }
      if (attempt === maxAttempts) {
        throw new ServiceError(
          "STOCK_CONTENDED",
          `Stock or prices changed under the sale ${attempt} times in a row; nothing was charged, try again`,
        );
      }
      fresh = true;
    }
  }

  return { quote, commit, commitSale };
}

/** Every age-restricted line must be approved in the session by its product id, SKU or scanned code. */
export function requireAgeApprovals(
  lines: ReadonlyArray<{ code: string; product: { id: string; sku: string; nameEn: string; minimumAge: number | null } }>,
  approved: ReadonlySet<string>,
): void {
  for (const line of lines) {
    const { product } = line;
    if (product.minimumAge === null) continue;
    if (approved.has(product.id) || approved.has(product.sku) || approved.has(line.code)) continue;
    throw new ServiceError(
      "AGE_APPROVAL_REQUIRED",
      `Cannot sell ${describe(line.code, product)}: it is for buyers aged ${product.minimumAge} or over, and an attendant must approve it (AGE) in the kiosk session first`,
      { code: line.code, productId: product.id, minimumAge: product.minimumAge },
    );
  }
}

export function refusedBy(error: unknown, constraint: string): boolean {
  const info = pgErrorOf(error);
  return info?.code === "23514" && (info.constraint === constraint || info.message.includes(constraint));
}
