import { randomUUID } from "node:crypto";
import { Prisma, type Database, type OrderStatus, type SubstitutionPreference } from "@store/db";
import { classifyScan, distanceMeters, formatQuantity, type ScanResult } from "@store/domain";
import type { Logger } from "pino";
import type { Actor } from "../auth/actor";
import { ServiceError } from "../errors";
import type { PaymentProvider, TenderMethod } from "../payments/provider";
import { allocateStock, mergeTakes, priceLines, resolveProductLine, type ResolvedLine } from "./cart";
import { refusedBy } from "./checkout";
import { askProvider } from "./payments";
import { idempotencyScope, idempotencyTtlMs, replayIfKnown, requestHash } from "./idempotency";
import {
  barcodeKeyOf,
  loadFactsByBarcode,
  loadProductFacts,
  type BarcodeKey,
  type ProductFacts,
} from "./product-facts";
import { isRetryableConflict, isUniqueViolation, milliOf, utc } from "./sql";
import { lockBalances, movesFromJson, reservedRefused, stockChangedEvents } from "./stock-sql";
import { updateStoreSettings, type StoreConfig, type StoreDirectory } from "./stores";

export type OrderLineInput = {
  code?: string | undefined;
  productId?: string | undefined;
  quantity: string;
  substitution: SubstitutionPreference;
  preferredSubstituteCode?: string | undefined;
};

export type PlaceOrderInput = {
  idempotencyKey: string;
  externalRef?: string | undefined;
  customer: { name: string; phone?: string | undefined };
  delivery: { address: string; lat: number; lng: number };
  lines: OrderLineInput[];
  payment: { method: TenderMethod; instrument: string };
};

export type OrderView = {
  id: string;
  number: number;
  storeId: string;
  externalRef: string | null;
  status: OrderStatus;
  customer: { name: string; phone: string | null };
  delivery: { address: string; lat: number; lng: number; distanceM: number };
  currency: string;
  estimatedTotalMinor: number;
  /** Held on the customer's card: the estimate plus the store's margin on weighed lines. */
  authorizedMinor: number;
  pickedTotalMinor: number | null;
  capturedMinor: number | null;
  placedAt: string;
  promisedAt: string;
  reservationExpiresAt: string | null;
  handedOffAt: string | null;
  deliveredAt: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
  lines: Array<{
    lineNo: number;
    productId: string;
    sku: string;
    nameEn: string;
    nameZh: string;
    unitOfSale: "EACH" | "WEIGHT";
    quantity: string;
    unitPriceMinor: number;
    estimatedTotalMinor: number;
    substitution: SubstitutionPreference;
    preferredSubstituteId: string | null;
    status: string;
    pickedQuantity: string | null;
    pickedTotalMinor: number | null;
    substitutedProductId: string | null;
    substituteQuantity: string | null;
    priceDifferenceMinor: number | null;
    refundedQuantity: string | null;
    reservations: Array<{ locationId: string; locationCode: string; quantity: string; status: string }>;
  }>;
};

export type OrdersConfig = { reservationGraceMin: number };

/** The store's online-order settings, as the manager sets them. */
export type OrdersConfigView = {
  deliveryRadiusM: number;
  deliveryPromiseMin: number;
  weighedMarginBp: number;
  captureOn: "HANDOFF" | "DELIVERY";
  claimTimeoutS: number;
};

const maxAttempts = 10;
const expiryBatch = 100;

const orderSelect = {
  id: true,
  number: true,
  storeId: true,
  externalRef: true,
  status: true,
  customerName: true,
  customerPhone: true,
  deliveryAddress: true,
  deliveryLat: true,
  deliveryLng: true,
  distanceM: true,
  currency: true,
  estimatedTotalMinor: true,
  pickedTotalMinor: true,
  placedAt: true,
  promisedAt: true,
  handedOffAt: true,
  deliveredAt: true,
  cancelledAt: true,
  payments: {
    where: { status: { in: ["AUTHORIZED", "CAPTURED", "VOIDED"] } },
    orderBy: { createdAt: "desc" },
    take: 1,
    select: { amountMinor: true, capturedMinor: true, status: true },
  },
  cancelReason: true,
  lines: {
    orderBy: { lineNo: "asc" },
    select: {
      lineNo: true,
      productId: true,
      quantity: true,
      unitPriceMinor: true,
      estimatedTotalMinor: true,
      substitutionPreference: true,
      preferredSubstituteId: true,
      status: true,
      pickedQuantity: true,
      pickedTotalMinor: true,
      substitutedProductId: true,
      substituteQuantity: true,
      priceDifferenceMinor: true,
      refundedQuantity: true,
      product: { select: { sku: true, nameEn: true, nameZh: true, unitOfSale: true } },
      reservations: {
        orderBy: { createdAt: "asc" },
        select: {
          locationId: true,
          quantity: true,
          status: true,
          expiresAt: true,
          location: { select: { code: true } },
        },
      },
    },
  },
} satisfies Prisma.OrderSelect;

type OrderRow = Prisma.OrderGetPayload<{ select: typeof orderSelect }>;

function toOrderView(row: OrderRow): OrderView {
  const expiries = row.lines.flatMap((line) =>
    line.reservations
      .filter((reservation) => reservation.status === "ACTIVE")
      .map((reservation) => reservation.expiresAt.getTime()),
  );
  const payment = row.payments[0];
  const decimal = (value: Prisma.Decimal | null) =>
    value === null ? null : formatQuantity(milliOf(value.toFixed(3)));
  return {
    id: row.id,
    number: row.number,
    storeId: row.storeId,
    externalRef: row.externalRef,
    status: row.status,
    customer: { name: row.customerName, phone: row.customerPhone },
    delivery: {
      address: row.deliveryAddress,
      lat: row.deliveryLat,
      lng: row.deliveryLng,
      distanceM: row.distanceM,
    },
    currency: row.currency,
    estimatedTotalMinor: row.estimatedTotalMinor,
    authorizedMinor: payment?.amountMinor ?? 0,
    pickedTotalMinor: row.pickedTotalMinor,
    capturedMinor: payment?.status === "CAPTURED" ? payment.capturedMinor : null,
    placedAt: row.placedAt.toISOString(),
    promisedAt: row.promisedAt.toISOString(),
    reservationExpiresAt: expiries.length ? new Date(Math.min(...expiries)).toISOString() : null,
    handedOffAt: row.handedOffAt?.toISOString() ?? null,
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    cancelledAt: row.cancelledAt?.toISOString() ?? null,
    cancelReason: row.cancelReason,
    lines: row.lines.map((line) => ({
      lineNo: line.lineNo,
      productId: line.productId,
      sku: line.product.sku,
      nameEn: line.product.nameEn,
      nameZh: line.product.nameZh,
      unitOfSale: line.product.unitOfSale,
      quantity: formatQuantity(milliOf(line.quantity.toFixed(3))),
      unitPriceMinor: line.unitPriceMinor,
      estimatedTotalMinor: line.estimatedTotalMinor,
      substitution: line.substitutionPreference,
      preferredSubstituteId: line.preferredSubstituteId,
      status: line.status,
      pickedQuantity: decimal(line.pickedQuantity),
      pickedTotalMinor: line.pickedTotalMinor,
      substitutedProductId: line.substitutedProductId,
      substituteQuantity: decimal(line.substituteQuantity),
      priceDifferenceMinor: line.priceDifferenceMinor,
      refundedQuantity: decimal(line.refundedQuantity),
      reservations: line.reservations.map((reservation) => ({
        locationId: reservation.locationId,
        locationCode: reservation.location.code,
        quantity: formatQuantity(milliOf(reservation.quantity.toFixed(3))),
        status: reservation.status,
      })),
    })),
  };
}

/** A line's product by scanned code (GTIN or PLU) or by id; labels identify one pack, not a product to order. */
type LineKey = { kind: "scan"; scan: ScanResult; key: BarcodeKey } | { kind: "id"; productId: string };

function keyOfCode(store: StoreConfig, code: string): LineKey {
  const scan = classifyScan(code, store.nomenclature, { currency: store.currency });
  if (scan.kind === "variable") {
    throw new ServiceError(
      "INVALID_LABEL",
      `'${code}' is a variable-measure label for one weighed pack: order the product by its id, GTIN or PLU`,
      { code },
    );
  }
  return {
    kind: "scan",
    scan,
    key: scan.kind === "gtin" ? { kind: "GTIN", code: scan.gtin14 } : { kind: "PLU", code: scan.plu },
  };
}

export type OrdersService = ReturnType<typeof createOrdersService>;

/** What the card is asked to hold: the estimate, plus the store's margin on the weighed lines. */
export function authorizationAmount(
  lines: ReadonlyArray<{ unitOfSale: "EACH" | "WEIGHT"; estimatedTotalMinor: number }>,
  weighedMarginBp: number,
): number {
  const weighed = lines
    .filter((line) => line.unitOfSale === "WEIGHT")
    .reduce((sum, line) => sum + line.estimatedTotalMinor, 0);
  const estimate = lines.reduce((sum, line) => sum + line.estimatedTotalMinor, 0);
  return estimate + Math.ceil((weighed * weighedMarginBp) / 10_000);
}

export function createOrdersService(
  db: Database,
  stores: StoreDirectory,
  logger: Logger,
  options: OrdersConfig,
  provider: PaymentProvider,
) {
  async function loadOrder(storeId: string, orderId: string): Promise<OrderView> {
    const row = await db.prisma.order.findFirst({ where: { id: orderId, storeId }, select: orderSelect });
    if (!row) throw new ServiceError("ORDER_NOT_FOUND", `Order ${orderId} does not exist in this store`);
    return toOrderView(row);
  }

  /** Products for every line and substitute, in two round trips at most. */
  async function loadLineProducts(store: StoreConfig, input: PlaceOrderInput, now: Date) {
    const lineKeys = input.lines.map((line, index): LineKey => {
      if (line.code !== undefined) return keyOfCode(store, line.code);
      if (line.productId !== undefined) return { kind: "id", productId: line.productId };
      throw new ServiceError(
        "PRODUCT_NOT_FOUND",
        `Line ${index + 1} names no product: send a code or a productId`,
      );
    });
    const substituteKeys = input.lines.map((line, index) => {
      if (line.substitution === "SPECIFIC" && line.preferredSubstituteCode === undefined) {
        throw new ServiceError(
          "PRODUCT_NOT_FOUND",
          `Line ${index + 1} asks for a SPECIFIC substitute but names none: send preferredSubstituteCode`,
        );
      }
      if (line.substitution !== "SPECIFIC" && line.preferredSubstituteCode !== undefined) {
        throw new ServiceError(
          "PRODUCT_NOT_FOUND",
          `Line ${index + 1} names a substitute but its substitution preference is ${line.substitution}, not SPECIFIC`,
        );
      }
      return line.preferredSubstituteCode === undefined
        ? null
        : keyOfCode(store, line.preferredSubstituteCode);
    });
    const barcodeKeys = [...lineKeys, ...substituteKeys].flatMap((key) =>
      key?.kind === "scan" ? [key.key] : [],
    );
    const ids = lineKeys.flatMap((key) => (key.kind === "id" ? [key.productId] : []));
    const [byBarcode, byId] = await Promise.all([
      loadFactsByBarcode(db, store.id, barcodeKeys, now),
      loadProductFacts(db, store.id, ids, now),
    ]);
    const productOf = (key: LineKey, label: string): ProductFacts => {
      const product = key.kind === "scan" ? byBarcode.get(barcodeKeyOf(key.key)) : byId.get(key.productId);
      if (!product) {
        throw new ServiceError(
          key.kind === "scan" ? "BARCODE_UNKNOWN" : "PRODUCT_NOT_FOUND",
          key.kind === "scan"
            ? `Unknown barcode '${label}': no product has it`
            : `Unknown product ${key.productId}`,
        );
      }
      return product;
    };
    return input.lines.map((line, index) => {
      const key = lineKeys[index]!;
      const product = productOf(key, line.code ?? line.productId ?? "");
      const code = line.code ?? product.primaryBarcode ?? product.sku;
      const resolved = resolveProductLine(
        store,
        { code, quantity: line.quantity },
        key.kind === "scan" ? key.scan : null,
        product,
        index + 1,
        key.kind === "scan" ? key.key : null,
      );
      const substituteKey = substituteKeys[index];
      const substitute = substituteKey ? productOf(substituteKey, line.preferredSubstituteCode ?? "") : null;
      return { resolved, substitute, substitution: line.substitution };
    });
  }

  async function place(actor: Actor, input: PlaceOrderInput): Promise<OrderView> {
    const { idempotencyKey, ...request } = input;
    const hash = requestHash(request);
    const scope = idempotencyScope(actor.storeId, "orders.place");
    // A retry of a placed order gets it back before anything is asked of the card again.
    const earlier = await replayIfKnown<OrderView>(db, scope, idempotencyKey, hash);
    if (earlier) return earlier;
    try {
      return await placeOnce(actor, input, scope, hash);
    } catch (error) {
      const replay = await replayIfKnown<OrderView>(db, scope, idempotencyKey, hash);
      if (replay) return replay;
      if (isUniqueViolation(error)) {
        const earlier = await db.prisma.order.findUnique({
          where: { storeId_idempotencyKey: { storeId: actor.storeId, idempotencyKey } },
          select: { number: true },
        });
        if (earlier) {
          throw new ServiceError(
            "IDEMPOTENCY_KEY_REUSED",
            `Idempotency key '${idempotencyKey}' was already used for order #${earlier.number}`,
          );
        }
      }
      throw error;
    }
  }

  async function placeOnce(
    actor: Actor,
    input: PlaceOrderInput,
    scope: string,
    hash: string,
  ): Promise<OrderView> {
    const store = await stores.get(actor.storeId);
    const distance = Math.round(
      distanceMeters(
        { latitude: store.latitude, longitude: store.longitude },
        { latitude: input.delivery.lat, longitude: input.delivery.lng },
      ),
    );
    if (distance > store.deliveryRadiusM) {
      throw new ServiceError(
        "OUT_OF_DELIVERY_AREA",
        `'${input.delivery.address}' is ${(distance / 1000).toFixed(1)} km from store ${store.code}, which delivers within ${(store.deliveryRadiusM / 1000).toFixed(1)} km`,
        { distanceM: distance, radiusM: store.deliveryRadiusM },
      );
    }
    for (let attempt = 1; ; attempt++) {
      const now = new Date();
      const lines = await loadLineProducts(store, input, now);
      const resolved = lines.map((line) => line.resolved);
      const priced = priceLines(store, resolved);
      const takes = allocateStock(
        resolved.map((line) => ({ product: line.product, code: line.code, milli: line.quantityMilli })),
        "reserve",
      );
      const promisedAt = new Date(now.getTime() + store.deliveryPromiseMin * 60_000);
      const expiresAt = new Date(promisedAt.getTime() + options.reservationGraceMin * 60_000);
      const orderId = randomUUID();
      const lineIds = resolved.map(() => randomUUID());
      const view: OrderView = {
        id: orderId,
        number: 0,
        storeId: store.id,
        externalRef: input.externalRef ?? null,
        status: "RESERVED",
        customer: { name: input.customer.name, phone: input.customer.phone ?? null },
        delivery: { ...input.delivery, distanceM: distance },
        currency: store.currency,
        estimatedTotalMinor: priced.totalMinor,
        authorizedMinor: authorizationAmount(
          resolved.map((line, index) => ({
            unitOfSale: line.product.unitOfSale,
            estimatedTotalMinor: priced.lines[index]!.totalMinor,
          })),
          store.orderWeighedMarginBp,
        ),
        pickedTotalMinor: null,
        capturedMinor: null,
        placedAt: now.toISOString(),
        promisedAt: promisedAt.toISOString(),
        reservationExpiresAt: expiresAt.toISOString(),
        handedOffAt: null,
        deliveredAt: null,
        cancelledAt: null,
        cancelReason: null,
        lines: resolved.map((line, index) => ({
          lineNo: line.lineNo,
          productId: line.product.id,
          sku: line.product.sku,
          nameEn: line.product.nameEn,
          nameZh: line.product.nameZh,
          unitOfSale: line.product.unitOfSale,
          quantity: formatQuantity(line.quantityMilli),
          unitPriceMinor: line.unitPriceMinor,
          estimatedTotalMinor: priced.lines[index]!.totalMinor,
          substitution: lines[index]!.substitution,
          preferredSubstituteId: lines[index]!.substitute?.id ?? null,
          status: "PENDING",
          pickedQuantity: null,
          pickedTotalMinor: null,
          substitutedProductId: null,
          substituteQuantity: null,
          priceDifferenceMinor: null,
          refundedQuantity: null,
          reservations: takes
            .filter((take) => take.demand === index)
            .map((take) => ({
              locationId: take.locationId,
              locationCode:
                line.product.balances.find((balance) => balance.locationId === take.locationId)
                  ?.locationCode ?? "",
              quantity: formatQuantity(take.milli),
              status: "ACTIVE",
            })),
        })),
      };
      const authorization = await authorize(store.currency, scope, input, view.authorizedMinor);
      try {
        view.number = await insertOrder(
          actor,
          view,
          resolved,
          lineIds,
          takes,
          input.idempotencyKey,
          scope,
          hash,
          now,
          expiresAt,
          authorization,
        );
        return view;
      } catch (error) {
        if (!refusedBy(error, reservedRefused) || attempt === maxAttempts) {
          await voidUnlessHeld(authorization.providerRef, error);
          if (refusedBy(error, reservedRefused)) {
            throw new ServiceError(
              "STOCK_CONTENDED",
              `Stock changed under the order ${attempt} times in a row; nothing was reserved, try again`,
            );
          }
          throw error;
        }
        logger.debug({ attempt, key: input.idempotencyKey }, "Stock moved during an order, reading it again");
      }
    }
  }

  type OrderAuthorization = {
    provider: string;
    providerRef: string;
    method: TenderMethod;
    amountMinor: number;
    last4: string | null;
  };

  /** Holds the order's amount on the customer's card, once per idempotency key however often it is asked. */
  async function authorize(
    currency: string,
    scope: string,
    input: PlaceOrderInput,
    amountMinor: number,
  ): Promise<OrderAuthorization> {
    const result = await askProvider("authorize", () =>
      provider.authorize({
        idempotencyKey: `${scope}:${input.idempotencyKey}`,
        amountMinor,
        currency,
        method: input.payment.method,
        instrument: input.payment.instrument,
      }),
    );
    if (result.status === "DECLINED") {
      await db.prisma.payment.createMany({
        data: [
          {
            provider: provider.name,
            providerRef: result.reference,
            method: input.payment.method,
            status: "DECLINED",
            currency,
            amountMinor,
            failureCode: result.code,
            failureReason: result.reason,
          },
        ],
        skipDuplicates: true,
      });
      throw new ServiceError(
        "PAYMENT_DECLINED",
        `The card was declined (${result.reason}): nothing was ordered or reserved`,
        {
          code: result.code,
        },
      );
    }
    return {
      provider: provider.name,
      providerRef: result.reference,
      method: input.payment.method,
      amountMinor,
      last4: result.last4 ?? null,
    };
  }

  /** Gives back an authorization no order holds (a concurrent retry of the same order may hold it). */
  async function voidUnlessHeld(providerRef: string, refusal: unknown): Promise<void> {
    const holder = await db.prisma.payment.findUnique({
      where: { provider_providerRef: { provider: provider.name, providerRef } },
      select: { orderId: true },
    });
    if (holder?.orderId) return;
    try {
      await provider.void({ reference: providerRef });
    } catch (error) {
      logger.warn(
        { err: error, reference: providerRef },
        `Could not void authorization ${providerRef}; it lapses at the processor`,
      );
      return;
    }
    logger.info(
      { reference: providerRef, reason: refusal instanceof Error ? refusal.message : String(refusal) },
      `Voided authorization ${providerRef}: the order was not placed`,
    );
  }

  /** Voids the payment of closed orders (cancelled or expired): nothing was picked, nothing is charged. */
  async function voidOrderPayments(orderIds: readonly string[], reason: string): Promise<void> {
    if (orderIds.length === 0) return;
    const payments = await db.prisma.payment.findMany({
      where: { orderId: { in: [...orderIds] }, status: "AUTHORIZED" },
      select: { id: true, providerRef: true },
    });
    for (const payment of payments) {
      try {
        await askProvider("void", () => provider.void({ reference: payment.providerRef }));
      } catch (error) {
        logger.warn(
          { err: error, reference: payment.providerRef },
          `Could not void authorization ${payment.providerRef}; it lapses at the processor`,
        );
        continue;
      }
      await db.prisma.payment.updateMany({
        where: { id: payment.id, status: "AUTHORIZED" },
        data: { status: "VOIDED", failureCode: "ORDER_CLOSED", failureReason: reason },
      });
    }
  }

  /**
   * Like a sale (see checkout.insertSale): order, key, lines, reservations and the order event
   * first, then the balance rows locked in order and reserved only where enough is available
   * (-1 otherwise, which the reserved CHECK refuses, undoing the whole statement).
   */
  async function insertOrder(
    actor: Actor,
    view: OrderView,
    resolved: ResolvedLine[],
    lineIds: string[],
    takes: ReturnType<typeof allocateStock>,
    key: string,
    scope: string,
    hash: string,
    now: Date,
    expiresAt: Date,
    authorization: OrderAuthorization,
  ): Promise<number> {
    const { number: _number, ...response } = view;
    const doc = {
      orderId: view.id,
      key,
      scope,
      requestHash: hash,
      externalRef: view.externalRef,
      customerName: view.customer.name,
      customerPhone: view.customer.phone,
      address: view.delivery.address,
      lat: view.delivery.lat,
      lng: view.delivery.lng,
      distanceM: view.delivery.distanceM,
      currency: view.currency,
      estimatedTotalMinor: view.estimatedTotalMinor,
      promisedAt: view.promisedAt,
      actorId: actor.id,
      lines: view.lines.map((line, index) => ({
        id: lineIds[index],
        lineNo: line.lineNo,
        productId: line.productId,
        quantity: formatQuantity(resolved[index]!.quantityMilli),
        unitPriceMinor: line.unitPriceMinor,
        estimatedTotalMinor: line.estimatedTotalMinor,
        substitution: line.substitution,
        preferredSubstituteId: line.preferredSubstituteId,
      })),
      reservations: takes.map((take) => ({
        orderLineId: lineIds[take.demand],
        productId: take.productId,
        locationId: take.locationId,
        quantity: formatQuantity(take.milli),
      })),
      moves: mergeTakes(takes),
      payment: authorization,
      response,
    };
    const at = utc(now);
    const storeId = view.storeId;
    const reference = Prisma.sql`'order:' || ${view.id}`;
    const rows = await db.prisma.$queryRaw<Array<{ number: number }>>`
      WITH doc AS MATERIALIZED (SELECT ${JSON.stringify(doc)}::jsonb AS d),
      moves AS MATERIALIZED (${movesFromJson(Prisma.sql`(SELECT d->'moves' FROM doc)`)}),
      placed AS (
        INSERT INTO "Order" (id, "storeId", "externalRef", status, "customerName", "customerPhone",
                             "deliveryAddress", "deliveryLat", "deliveryLng", "distanceM", currency,
                             "estimatedTotalMinor", "placedAt", "promisedAt", "idempotencyKey", "updatedAt")
        SELECT (d->>'orderId')::uuid, ${storeId}::uuid, d->>'externalRef', 'RESERVED', d->>'customerName', d->>'customerPhone', d->>'address',
               (d->>'lat')::float8, (d->>'lng')::float8, (d->>'distanceM')::int, d->>'currency',
               (d->>'estimatedTotalMinor')::int, ${at},
               ((d->>'promisedAt')::timestamptz AT TIME ZONE 'UTC'), d->>'key', ${at}
        FROM doc
        RETURNING id, number),
      idempotency AS (
        INSERT INTO "IdempotencyKey" (scope, key, "requestHash", response, "createdAt", "expiresAt")
        SELECT d->>'scope', d->>'key', d->>'requestHash', jsonb_set(d->'response', '{number}', to_jsonb(placed.number)),
               ${at}, ${utc(new Date(now.getTime() + idempotencyTtlMs))}
        FROM doc, placed
        RETURNING 1),
      lines AS (
        INSERT INTO "OrderLine" (id, "orderId", "lineNo", "productId", quantity, "unitPriceMinor",
                                 "estimatedTotalMinor", "substitutionPreference", "preferredSubstituteId")
        SELECT l.id::uuid, placed.id, l."lineNo", l."productId"::uuid, l.quantity::numeric, l."unitPriceMinor",
               l."estimatedTotalMinor", l.substitution::"SubstitutionPreference", l."preferredSubstituteId"::uuid
        FROM doc, placed, jsonb_to_recordset(d->'lines') AS l(id text, "lineNo" int, "productId" text, quantity text,
          "unitPriceMinor" int, "estimatedTotalMinor" int, substitution text, "preferredSubstituteId" text)
        RETURNING 1),
      paid AS (
        INSERT INTO "Payment" (id, "orderId", provider, "providerRef", method, status, currency, "amountMinor", last4, "createdAt", "updatedAt")
        SELECT gen_random_uuid(), placed.id, d->'payment'->>'provider', d->'payment'->>'providerRef',
               (d->'payment'->>'method')::"PaymentMethod", 'AUTHORIZED', d->>'currency', (d->'payment'->>'amountMinor')::int,
               d->'payment'->>'last4', ${at}, ${at}
        FROM doc, placed
        RETURNING 1),
      reservations AS (
        INSERT INTO "Reservation" ("storeId", "orderLineId", "productId", "locationId", quantity, status, "expiresAt", "createdAt")
        SELECT ${storeId}::uuid, r."orderLineId"::uuid, r."productId"::uuid, r."locationId"::uuid, r.quantity::numeric,
               'ACTIVE', ${utc(expiresAt)}, ${at}
        FROM doc, placed, jsonb_to_recordset(d->'reservations') AS r("orderLineId" text, "productId" text, "locationId" text, quantity text)
        RETURNING 1),
      announced AS (
        -- Placed and reserved happen at once (the stock is held in this statement), announced in order.
        INSERT INTO "Event" ("storeId", type, subject, payload, "createdAt")
        SELECT ${storeId}::uuid, e.type, placed.id::text,
               jsonb_build_object('orderId', placed.id::text, 'number', placed.number, 'externalRef', d->'externalRef',
                 'promisedAt', d->'promisedAt', 'estimatedTotalMinor', d->'estimatedTotalMinor',
                 'authorizedMinor', d->'payment'->'amountMinor', 'lineCount', jsonb_array_length(d->'lines'),
                 'reservations', jsonb_array_length(d->'reservations')),
               ${at}
        FROM doc, placed, (VALUES (1, 'order.placed'), (2, 'order.reserved')) AS e(seq, type)
        ORDER BY e.seq
        RETURNING 1),
      written AS MATERIALIZED (
        SELECT (SELECT count(*) FROM idempotency) + (SELECT count(*) FROM lines) + (SELECT count(*) FROM paid)
             + (SELECT count(*) FROM reservations) + (SELECT count(*) FROM announced) AS n),
      locked AS MATERIALIZED (${lockBalances(storeId, Prisma.sql`(SELECT n FROM written) > 0`)}),
      held AS (
        UPDATE "StockBalance" b
        SET reserved = CASE WHEN b."onHand" - b.reserved >= m.q THEN b.reserved + m.q ELSE -1 END,
            "updatedAt" = ${at}
        FROM locked l JOIN moves m ON m.product_id = l."productId" AND m.location_id = l."locationId"
        WHERE b."productId" = l."productId" AND b."locationId" = l."locationId"
        RETURNING b."productId", b."locationId", b."onHand", b.reserved, m.q),
      changed AS (${stockChangedEvents(storeId, "held", { onHand: Prisma.sql`0`, reserved: Prisma.sql`s.q` }, Prisma.sql`'RESERVE'`, reference, at)})
      SELECT (SELECT number FROM placed) AS number, (SELECT count(*) FROM changed)::int AS events`;
    const row = rows[0];
    if (!row) throw new Error(`Order ${view.id} was not recorded`);
    return row.number;
  }

  /**
   * Closes orders and gives their reserved stock back, in one statement: orders are locked
   * first (in id order, skipping ones another transaction holds), then their ACTIVE
   * reservations, then the balance rows in (product, location) order.
   */
  async function closeOrders(
    storeId: string,
    orders: Prisma.Sql,
    reservationStatus: "RELEASED" | "EXPIRED",
    reason: string,
    eventType: "order.cancelled" | "order.expired",
    now: Date,
  ): Promise<Array<{ id: string; number: number }>> {
    const at = utc(now);
    const movement = reservationStatus === "RELEASED" ? "RELEASE" : "EXPIRE";
    for (let attempt = 1; ; attempt++) {
      try {
        return await db.prisma.$queryRaw<Array<{ id: string; number: number }>>`
          WITH due AS MATERIALIZED (${orders}),
          closed AS (
            UPDATE "Order" o SET status = 'CANCELLED', "cancelledAt" = ${at}, "cancelReason" = ${reason}, "updatedAt" = ${at}
            FROM due WHERE o.id = due.id
            RETURNING o.id, o.number),
          released AS (
            UPDATE "Reservation" r SET status = ${reservationStatus}::"ReservationStatus", "closedAt" = ${at}
            FROM "OrderLine" ol, closed
            WHERE r."orderLineId" = ol.id AND ol."orderId" = closed.id AND r.status = 'ACTIVE'
            RETURNING r."productId", r."locationId", r.quantity, closed.id AS "orderId"),
          moves AS MATERIALIZED (
            SELECT "productId" AS product_id, "locationId" AS location_id, sum(quantity) AS q,
                   string_agg(DISTINCT 'order:' || "orderId"::text, ',') AS reference
            FROM released GROUP BY "productId", "locationId"),
          locked AS MATERIALIZED (${lockBalances(storeId, Prisma.sql`true`)}),
          freed AS (
            UPDATE "StockBalance" b SET reserved = b.reserved - m.q, "updatedAt" = ${at}
            FROM locked l JOIN moves m ON m.product_id = l."productId" AND m.location_id = l."locationId"
            WHERE b."productId" = l."productId" AND b."locationId" = l."locationId"
            RETURNING b."productId", b."locationId", b."onHand", b.reserved, m.q, m.reference),
          changed AS (${stockChangedEvents(storeId, "freed", { onHand: Prisma.sql`0`, reserved: Prisma.sql`-s.q` }, Prisma.sql`${movement}::text`, Prisma.sql`s.reference`, at)}),
          announced AS (
            INSERT INTO "Event" ("storeId", type, subject, payload, "createdAt")
            SELECT ${storeId}::uuid, ${eventType}, closed.id::text,
                   jsonb_build_object('orderId', closed.id::text, 'number', closed.number, 'reason', ${reason}::text),
                   ${at}
            FROM closed
            RETURNING 1)
          SELECT closed.id::text AS id, closed.number,
                 (SELECT count(*) FROM changed)::int AS events, (SELECT count(*) FROM announced)::int AS announced
          FROM closed ORDER BY closed.number`;
      } catch (error) {
        if (!isRetryableConflict(error) || attempt === maxAttempts) throw error;
      }
    }
  }

  async function cancel(
    actor: Actor,
    input: { orderId: string; reason?: string | undefined },
  ): Promise<OrderView> {
    const order = await loadOrder(actor.storeId, input.orderId);
    if (order.status === "CANCELLED") return order;
    if (order.status !== "PLACED" && order.status !== "RESERVED") {
      throw new ServiceError(
        "ORDER_STATE",
        `Order #${order.number} is ${order.status}: it can no longer be cancelled`,
      );
    }
    const reason = input.reason ?? `Cancelled by ${actor.role.toLowerCase()}`;
    await closeOrders(
      actor.storeId,
      Prisma.sql`SELECT id FROM "Order" WHERE id = ${order.id}::uuid AND "storeId" = ${actor.storeId}::uuid
                 AND status IN ('PLACED', 'RESERVED') FOR UPDATE`,
      "RELEASED",
      reason,
      "order.cancelled",
      new Date(),
    );
    const after = await loadOrder(actor.storeId, order.id);
    if (after.status !== "CANCELLED") {
      throw new ServiceError(
        "ORDER_STATE",
        `Order #${after.number} became ${after.status}: it can no longer be cancelled`,
      );
    }
    await voidOrderPayments([order.id], reason);
    return loadOrder(actor.storeId, order.id);
  }

  /**
   * Orders not yet being picked whose reservation ran out (promise + grace) are cancelled and
   * their stock goes back to the shared pool. Several replicas may run this at once: each takes
   * the orders the others have not locked.
   */
  async function expireReservations(actor: Actor, now = new Date()): Promise<{ expiredOrders: number[] }> {
    const at = utc(now);
    const expired: number[] = [];
    const reason = `Reservation expired at ${now.toISOString()}: not picked by the promised time plus grace`;
    for (;;) {
      const batch = await closeOrders(
        actor.storeId,
        Prisma.sql`
          SELECT o.id FROM "Order" o
          WHERE o."storeId" = ${actor.storeId}::uuid AND o.status IN ('PLACED', 'RESERVED')
            AND EXISTS (SELECT 1 FROM "OrderLine" ol JOIN "Reservation" r ON r."orderLineId" = ol.id
                        WHERE ol."orderId" = o.id AND r.status = 'ACTIVE' AND r."expiresAt" <= ${at})
          ORDER BY o.id LIMIT ${expiryBatch} FOR UPDATE SKIP LOCKED`,
        "EXPIRED",
        reason,
        "order.expired",
        now,
      );
      await voidOrderPayments(
        batch.map((order) => order.id),
        reason,
      );
      expired.push(...batch.map((order) => order.number));
      if (batch.length < expiryBatch) break;
    }
    if (expired.length) logger.info({ orders: expired }, `Expired ${expired.length} order reservation(s)`);
    return { expiredOrders: expired };
  }

  async function get(actor: Actor, orderId: string): Promise<OrderView> {
    return loadOrder(actor.storeId, orderId);
  }

  async function list(
    actor: Actor,
    input: { status?: OrderStatus[] | undefined; cursor?: number | undefined; limit: number },
  ): Promise<{ items: OrderView[]; nextCursor: number | null }> {
    const rows = await db.prisma.order.findMany({
      where: {
        storeId: actor.storeId,
        ...(input.status?.length ? { status: { in: input.status } } : {}),
        ...(input.cursor !== undefined ? { number: { lt: input.cursor } } : {}),
      },
      orderBy: { number: "desc" },
      take: input.limit + 1,
      select: orderSelect,
    });
    const items = rows.slice(0, input.limit).map(toOrderView);
    return {
      items,
      nextCursor: rows.length > input.limit ? (items[items.length - 1]?.number ?? null) : null,
    };
  }

  /**
   * The courier delivered the order. Where the store captures on delivery, the picked total is
   * captured now (a repeated confirmation changes nothing and captures nothing twice).
   */
  async function confirmDelivery(actor: Actor, orderId: string): Promise<OrderView> {
    const order = await loadOrder(actor.storeId, orderId);
    if (order.status !== "HANDED_OFF" && order.status !== "DELIVERED") {
      throw new ServiceError(
        "ORDER_STATE",
        `Order #${order.number} is ${order.status}: only an order handed to the courier can be delivered`,
      );
    }
    const now = new Date();
    if (order.status === "HANDED_OFF") {
      await db.prisma.$transaction([
        db.prisma.order.updateMany({
          where: { id: order.id, status: "HANDED_OFF" },
          data: { status: "DELIVERED", deliveredAt: now },
        }),
        db.prisma.event.create({
          data: {
            storeId: actor.storeId,
            type: "order.delivered",
            subject: order.id,
            payload: { orderId: order.id, number: order.number },
            createdAt: now,
          },
        }),
      ]);
    }
    const store = await stores.get(actor.storeId);
    if (store.orderCaptureOn === "DELIVERY") await captureOrder(order.id);
    return loadOrder(actor.storeId, order.id);
  }

  /**
   * Captures an order's authorization for its picked total, never more, and voids it when nothing
   * was picked. Safe to repeat: the provider answers a repeated capture with the first result.
   */
  async function captureOrder(orderId: string): Promise<number | null> {
    const order = await db.prisma.order.findUnique({
      where: { id: orderId },
      select: {
        number: true,
        pickedTotalMinor: true,
        payments: {
          where: { status: { in: ["AUTHORIZED", "CAPTURED"] } },
          select: { id: true, providerRef: true, status: true, amountMinor: true, capturedMinor: true },
        },
      },
    });
    const payment = order?.payments[0];
    if (!order || !payment) return null;
    if (payment.status === "CAPTURED") return payment.capturedMinor;
    const amount = order.pickedTotalMinor ?? 0;
    if (amount > payment.amountMinor) {
      throw new ServiceError(
        "PAYMENT_AMOUNT_MISMATCH",
        `Order #${order.number} was picked for ${amount}, more than the ${payment.amountMinor} authorized: nothing captured`,
      );
    }
    if (amount === 0) {
      await voidOrderPayments([orderId], "Nothing was picked");
      return 0;
    }
    await askProvider("capture", () =>
      provider.capture({ reference: payment.providerRef, amountMinor: amount }),
    );
    await db.prisma.payment.updateMany({
      where: { id: payment.id, status: "AUTHORIZED" },
      data: { status: "CAPTURED", capturedMinor: amount },
    });
    return amount;
  }

  async function config(actor: Actor): Promise<OrdersConfigView> {
    const store = await stores.get(actor.storeId);
    return {
      deliveryRadiusM: store.deliveryRadiusM,
      deliveryPromiseMin: store.deliveryPromiseMin,
      weighedMarginBp: store.orderWeighedMarginBp,
      captureOn: store.orderCaptureOn,
      claimTimeoutS: store.pickClaimTimeoutS,
    };
  }

  async function setConfig(actor: Actor, change: Partial<OrdersConfigView>): Promise<OrdersConfigView> {
    const before = await config(actor);
    const data = {
      ...(change.deliveryRadiusM !== undefined ? { deliveryRadiusM: change.deliveryRadiusM } : {}),
      ...(change.deliveryPromiseMin !== undefined ? { deliveryPromiseMin: change.deliveryPromiseMin } : {}),
      ...(change.weighedMarginBp !== undefined ? { orderWeighedMarginBp: change.weighedMarginBp } : {}),
      ...(change.captureOn !== undefined ? { orderCaptureOn: change.captureOn } : {}),
      ...(change.claimTimeoutS !== undefined ? { pickClaimTimeoutS: change.claimTimeoutS } : {}),
    };
    await updateStoreSettings(db, stores, actor, "orders.config", before, data);
    return config(actor);
  }

  return { place, cancel, expireReservations, get, list, confirmDelivery, captureOrder, loadOrder, config, setConfig };
}
