import type { Prisma, TemperatureZone } from "@store/db";
import { formatQuantity } from "@store/domain";
import type { Actor } from "../auth/actor";
import { ServiceError } from "../errors";
import { decimalOf, milliOf, utc } from "./sql";

/** A Prisma interactive transaction. */
export type Tx = Prisma.TransactionClient;

type BalanceRow = {
  locationId: string;
  isHome: boolean;
  onHand: string;
  reserved: string;
  sellable: boolean;
};

/**
 * Locks every balance row of a product in (product, location) order, the order all stock
 * statements lock in, so a pick never deadlocks with a sale or an order of the same product.
 */
async function lockProductBalances(
  tx: Tx,
  storeId: string,
  productId: string,
): Promise<Map<string, BalanceRow>> {
  const rows = await tx.$queryRaw<BalanceRow[]>`
    SELECT b."locationId"::text AS "locationId", b."isHome", b."onHand"::text AS "onHand", b.reserved::text AS reserved, l.sellable
    FROM "StockBalance" b JOIN "Location" l ON l.id = b."locationId"
    WHERE b."storeId" = ${storeId}::uuid AND b."productId" = ${productId}::uuid
    ORDER BY b."productId", b."locationId"
    FOR UPDATE OF b`;
  return new Map(rows.map((row) => [row.locationId, row]));
}

async function moveBalance(
  tx: Tx,
  actor: Actor,
  change: {
    productId: string;
    locationId: string;
    onHandDelta: number;
    reservedDelta: number;
    reason: string;
    reference: string;
    now: Date;
  },
): Promise<void> {
  const [row] = await tx.$queryRaw<Array<{ onHand: string; reserved: string }>>`
    UPDATE "StockBalance"
    SET "onHand" = "onHand" + ${decimalOf(change.onHandDelta)}::numeric, reserved = reserved + ${decimalOf(change.reservedDelta)}::numeric,
        "updatedAt" = ${utc(change.now)}
    WHERE "storeId" = ${actor.storeId}::uuid AND "productId" = ${change.productId}::uuid AND "locationId" = ${change.locationId}::uuid
    RETURNING "onHand"::text AS "onHand", reserved::text AS reserved`;
  if (!row) throw new Error(`No balance of ${change.productId} at ${change.locationId}`);
  if (change.onHandDelta !== 0) {
    await tx.stockMovement.create({
      data: {
        storeId: actor.storeId,
        productId: change.productId,
        locationId: change.locationId,
        delta: decimalOf(change.onHandDelta),
        reason: "ORDER_PICK",
        actorKind: actor.kind,
        actorId: actor.id,
        reference: change.reference,
        createdAt: change.now,
      },
    });
  }
  const onHand = milliOf(row.onHand);
  const reserved = milliOf(row.reserved);
  await tx.event.create({
    data: {
      storeId: actor.storeId,
      type: "stock.changed",
      subject: `${change.productId}/${change.locationId}`,
      payload: {
        productId: change.productId,
        locationId: change.locationId,
        onHand: formatQuantity(onHand),
        reserved: formatQuantity(reserved),
        available: formatQuantity(onHand - reserved),
        onHandDelta: formatQuantity(change.onHandDelta),
        reservedDelta: formatQuantity(change.reservedDelta),
        reason: change.reason,
        reference: change.reference,
      },
      createdAt: change.now,
    },
  });
}

export type ActiveReservation = { id: string; locationId: string; quantityMilli: number };

/**
 * Takes picked goods off the books: from the line's reservations first (in walk order), then,
 * for what was not reserved (a substitute, a heavier pack), from what is available on the sales
 * floor, home shelf first. Returns where the goods came from. Refuses, changing nothing, when the
 * books hold less than the picker has in hand: the shelf needs a count first.
 */
export async function takePickedStock(
  tx: Tx,
  actor: Actor,
  input: {
    productId: string;
    productName: string;
    unitOfSale: "EACH" | "WEIGHT";
    milli: number;
    reservations: readonly ActiveReservation[];
    reference: string;
    now: Date;
  },
): Promise<string | null> {
  const balances = await lockProductBalances(tx, actor.storeId, input.productId);
  let remaining = input.milli;
  let firstLocation: string | null = null;
  for (const reservation of input.reservations) {
    if (remaining <= 0) break;
    const take = Math.min(remaining, reservation.quantityMilli);
    if (take === reservation.quantityMilli) {
      await tx.reservation.update({
        where: { id: reservation.id },
        data: { status: "CONSUMED", closedAt: input.now },
      });
    } else {
      await tx.reservation.update({
        where: { id: reservation.id },
        data: { quantity: decimalOf(reservation.quantityMilli - take) },
      });
    }
    await moveBalance(tx, actor, {
      productId: input.productId,
      locationId: reservation.locationId,
      onHandDelta: -take,
      reservedDelta: -take,
      reason: "ORDER_PICK",
      reference: input.reference,
      now: input.now,
    });
    firstLocation ??= reservation.locationId;
    remaining -= take;
  }
  if (remaining > 0) {
    const free = [...balances.values()]
      .filter((balance) => balance.sellable)
      .map((balance) => ({ ...balance, available: milliOf(balance.onHand) - milliOf(balance.reserved) }))
      .filter((balance) => balance.available > 0)
      .sort((a, b) => Number(b.isHome) - Number(a.isHome) || b.available - a.available);
    const total = free.reduce((sum, balance) => sum + balance.available, 0);
    if (total < remaining) {
      const unit = input.unitOfSale === "WEIGHT" ? " g" : "";
      throw new ServiceError(
        "INSUFFICIENT_STOCK",
        `The books hold only ${formatQuantity(total)}${unit} more of ${input.productName} than is reserved, not ${formatQuantity(remaining)}${unit}: count the shelf before picking it`,
        { productId: input.productId },
      );
    }
    for (const balance of free) {
      if (remaining <= 0) break;
      const take = Math.min(remaining, balance.available);
      await moveBalance(tx, actor, {
        productId: input.productId,
        locationId: balance.locationId,
        onHandDelta: -take,
        reservedDelta: 0,
        reason: "ORDER_PICK",
        reference: input.reference,
        now: input.now,
      });
      firstLocation ??= balance.locationId;
      remaining -= take;
    }
  }
  return firstLocation;
}

/** Gives a line's remaining reservations back to the shared pool (the line is done or refunded). */
export async function releaseLineReservations(
  tx: Tx,
  actor: Actor,
  input: { orderLineId: string; productId: string; reference: string; now: Date },
): Promise<void> {
  const active = await tx.reservation.findMany({
    where: { orderLineId: input.orderLineId, status: "ACTIVE" },
    orderBy: { locationId: "asc" },
    select: { id: true, locationId: true, quantity: true },
  });
  if (active.length === 0) return;
  await lockProductBalances(tx, actor.storeId, input.productId);
  for (const reservation of active) {
    await tx.reservation.update({
      where: { id: reservation.id },
      data: { status: "RELEASED", closedAt: input.now },
    });
    await moveBalance(tx, actor, {
      productId: input.productId,
      locationId: reservation.locationId,
      onHandDelta: 0,
      reservedDelta: -milliOf(reservation.quantity.toFixed(3)),
      reason: "RELEASE",
      reference: input.reference,
      now: input.now,
    });
  }
}

/** The order's tote for a temperature zone, created when the first item of that zone is picked. */
export async function toteFor(
  tx: Tx,
  storeId: string,
  order: { id: string; number: number },
  zone: TemperatureZone,
  code: string,
): Promise<{ id: string; code: string }> {
  return tx.tote.upsert({
    where: { orderId_zone: { orderId: order.id, zone } },
    create: { storeId, orderId: order.id, zone, code },
    update: {},
    select: { id: true, code: true },
  });
}
