import type { Database } from "@store/db";
import type { Logger } from "pino";
import type { Actor } from "../auth/actor";
import { ServiceError } from "../errors";
import { PaymentProviderError, type PaymentProvider, type TenderMethod } from "../payments/provider";
import type { LineInput } from "./cart";
import { requireAgeApprovals, type CheckoutService, type Sale } from "./checkout";
import { idempotencyScope, replayIfKnown, requestHash } from "./idempotency";
import type { KioskService } from "./kiosk";
import type { StoreDirectory } from "./stores";

export type PayInput = {
  sessionId: string;
  idempotencyKey: string;
  lines: LineInput[];
  tender: { method: TenderMethod; instrument?: string | undefined };
};

export type PayResult =
  | { status: "APPROVED"; sale: Sale & { payment: { status: "CAPTURED" } } }
  | { status: "DECLINED"; code: string; reason: string };

/** A committed sale whose capture has not been confirmed for this long is captured by the sweep. */
const captureSweepAfterMs = 60_000;

export type PaymentsService = ReturnType<typeof createPaymentsService>;

/**
 * Kiosk payments: authorize at the provider, commit the sale with the payment AUTHORIZED (stock,
 * ledger, sale, payment and events in one statement, once per idempotency key), then capture.
 * Each step can be repeated with the same key after any failure, and the provider's idempotency
 * makes every repetition harmless, so the kiosk's answer to any doubt is to ask again:
 *
 * - lost before the authorization: the retry authorizes (once, by key);
 * - lost after it, before the commit: the retry gets the same authorization back and commits;
 * - lost after the commit, before the capture: the retry finds the sale under its key and
 *   finishes the capture (and a sweep captures what no retry came back for);
 * - refused by the commit (stock, price changed): the authorization is voided, nothing is charged.
 */
export function createPaymentsService(deps: {
  db: Database;
  stores: StoreDirectory;
  logger: Logger;
  checkout: CheckoutService;
  kiosk: KioskService;
  provider: PaymentProvider;
}) {
  const { db, stores, logger, checkout, kiosk, provider } = deps;

  async function pay(actor: Actor, input: PayInput): Promise<PayResult> {
    const { idempotencyKey, ...request } = input;
    const scope = idempotencyScope(actor.storeId, "checkout.pay");
    const hash = requestHash(request);
    const earlier = await replayIfKnown<Sale>(db, scope, idempotencyKey, hash);
    if (earlier) return { status: "APPROVED", sale: await settle(earlier, input.sessionId) };

    const session = await kiosk.openSession(actor, input.sessionId);
    const store = await stores.get(actor.storeId);
    const quote = await checkout.quote(actor, input.lines);
    const ageApproved = await kiosk.approvedSubjects(session.id, "AGE");
    requireAgeApprovals(
      quote.lines.map((line) => ({
        code: line.code,
        product: { id: line.productId, sku: line.sku, nameEn: line.nameEn, minimumAge: line.minimumAge },
      })),
      ageApproved,
    );

    const authorization = await askProvider("authorize", () =>
      provider.authorize({
        // The provider's keys are global; ours are per store and operation.
        idempotencyKey: `${scope}:${idempotencyKey}`,
        amountMinor: quote.totalMinor,
        currency: store.currency,
        method: input.tender.method,
        instrument: input.tender.instrument,
      }),
    );
    const payment = {
      sessionId: session.id,
      provider: provider.name,
      providerRef: authorization.reference,
      method: input.tender.method,
      currency: store.currency,
      amountMinor: quote.totalMinor,
    };
    if (authorization.status === "DECLINED") {
      await recordAttempt({
        ...payment,
        status: "DECLINED",
        failureCode: authorization.code,
        failureReason: authorization.reason,
      });
      return { status: "DECLINED", code: authorization.code, reason: authorization.reason };
    }
    const recorded = await db.prisma.payment.findUnique({
      where: { provider_providerRef: { provider: provider.name, providerRef: authorization.reference } },
      select: { status: true },
    });
    if (recorded?.status === "VOIDED") {
      throw new ServiceError(
        "IDEMPOTENCY_KEY_REUSED",
        `Idempotency key '${idempotencyKey}' belongs to a payment that was voided: pay with a new key`,
      );
    }

    let sale: Sale;
    try {
      sale = await checkout.commitSale(
        actor,
        {
          idempotencyKey,
          lines: input.lines,
          payment: {
            method: payment.method,
            provider: payment.provider,
            providerRef: payment.providerRef,
            amountMinor: payment.amountMinor,
          },
        },
        {
          scope,
          requestHash: hash,
          paymentStatus: "AUTHORIZED",
          ageApproved,
          sessionId: session.id,
          last4: authorization.last4 ?? null,
        },
      );
    } catch (error) {
      if (error instanceof ServiceError) await release(payment, error);
      throw error;
    }
    return { status: "APPROVED", sale: await settle(sale, session.id) };
  }

  /**
   * Voids the authorization of a sale the service refused, unless a sale holds it after all
   * (a concurrent retry with the same key may have committed it).
   */
  async function release(payment: AttemptRow, refusal: ServiceError): Promise<void> {
    const holder = await db.prisma.payment.findUnique({
      where: { provider_providerRef: { provider: payment.provider, providerRef: payment.providerRef } },
      select: { saleId: true },
    });
    if (holder?.saleId) return;
    try {
      await provider.void({ reference: payment.providerRef });
    } catch (error) {
      // The authorization then lapses at the processor by itself; the refusal is the answer.
      logger.warn(
        { err: error, reference: payment.providerRef },
        `Could not void authorization ${payment.providerRef}`,
      );
      return;
    }
    await recordAttempt({
      ...payment,
      status: "VOIDED",
      failureCode: refusal.code,
      failureReason: refusal.message,
    });
  }

  /** The sale's session is paid and its payment captured (again, harmlessly, if it already was). */
  async function settle(sale: Sale, sessionId: string): Promise<Sale & { payment: { status: "CAPTURED" } }> {
    await db.prisma.kioskSession.updateMany({
      where: { id: sessionId, status: "OPEN" },
      data: { status: "PAID", saleId: sale.id, endedAt: new Date() },
    });
    await capture(sale.payment.provider, sale.payment.providerRef);
    return { ...sale, payment: { ...sale.payment, status: "CAPTURED" } };
  }

  async function capture(providerName: string, providerRef: string): Promise<void> {
    const row = await db.prisma.payment.findUnique({
      where: { provider_providerRef: { provider: providerName, providerRef } },
      select: { id: true, status: true, amountMinor: true },
    });
    if (!row || row.status !== "AUTHORIZED") return;
    await askProvider("capture", () =>
      provider.capture({ reference: providerRef, amountMinor: row.amountMinor }),
    );
    await db.prisma.payment.updateMany({
      where: { id: row.id, status: "AUTHORIZED" },
      data: { status: "CAPTURED", capturedMinor: row.amountMinor },
    });
  }

  /**
   * Captures committed kiosk sales whose kiosk never came back to finish (it lost power, the
   * shopper left): the goods are gone, so the money is due. Returns how many were captured.
   */
  async function captureStale(storeId: string, now = new Date()): Promise<number> {
    const stale = await db.prisma.payment.findMany({
      where: {
        status: "AUTHORIZED",
        provider: provider.name,
        sale: { storeId },
        updatedAt: { lt: new Date(now.getTime() - captureSweepAfterMs) },
      },
      select: { providerRef: true },
      take: 100,
    });
    let captured = 0;
    for (const { providerRef } of stale) {
      try {
        await capture(provider.name, providerRef);
        captured++;
      } catch (error) {
        logger.warn(
          { err: error, reference: providerRef },
          `Could not capture authorization ${providerRef}; will retry`,
        );
      }
    }
    return captured;
  }

  type AttemptRow = {
    sessionId: string;
    provider: string;
    providerRef: string;
    method: TenderMethod;
    currency: string;
    amountMinor: number;
  };

  /** A declined or voided attempt, once however often it is reported. */
  async function recordAttempt(
    row: AttemptRow & { status: "DECLINED" | "VOIDED"; failureCode: string; failureReason: string },
  ): Promise<void> {
    await db.prisma.payment.createMany({ data: [row], skipDuplicates: true });
  }

  return { pay, captureStale };
}

/** Provider failures as service errors; TIMEOUT and NETWORK invite a retry with the same key. */
export async function askProvider<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof PaymentProviderError)) throw error;
    switch (error.kind) {
      case "TIMEOUT":
        throw new ServiceError(
          "PAYMENT_TIMEOUT",
          `The payment provider did not answer (${operation}): try again with the same idempotency key, which never charges twice`,
          { operation },
        );
      case "NETWORK":
        throw new ServiceError(
          "PAYMENT_UNAVAILABLE",
          `The payment provider cannot be reached (${operation}): try again with the same idempotency key, which never charges twice`,
          { operation },
        );
      case "KEY_REUSED":
        throw new ServiceError("IDEMPOTENCY_KEY_REUSED", `${error.message}: pay with a new key`);
      default:
        throw new ServiceError(
          "PAYMENT_FAILED",
          `The payment provider refused to ${operation}: ${error.message}`,
          {
            operation,
            kind: error.kind,
          },
        );
    }
  }
}
