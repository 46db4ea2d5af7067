import type { Database } from "@store/db";

/** Everything a refused call must leave untouched, to compare before and after. */
export async function stockSnapshot(db: Database) {
  const prisma = db.prisma;
  const [balances, movements, sales, payments, orders, reservations, keys] = await Promise.all([
    prisma.stockBalance.findMany({
      orderBy: [{ productId: "asc" }, { locationId: "asc" }],
      select: { productId: true, locationId: true, onHand: true, reserved: true },
    }),
    prisma.stockMovement.count(),
    prisma.sale.count(),
    prisma.payment.count(),
    prisma.order.count(),
    prisma.reservation.count(),
    prisma.idempotencyKey.count(),
  ]);
  return {
    balances: balances.map((row) => `${row.productId}/${row.locationId}: ${row.onHand.toString()} (${row.reserved.toString()} reserved)`),
    movements,
    sales,
    payments,
    orders,
    reservations,
    keys,
  };
}

/** Sellable on-hand minus reserved of a product in a store, as a number of units or grams. */
export async function availableOf(db: Database, storeId: string, productId: string): Promise<number> {
  const rows = await db.prisma.stockBalance.findMany({
    where: { storeId, productId, location: { sellable: true } },
    select: { onHand: true, reserved: true },
  });
  return rows.reduce((sum, row) => sum + row.onHand.toNumber() - row.reserved.toNumber(), 0);
}
