import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./test-database";
import { createStockFixture } from "./testing/fixtures";

describe(`database rules on ${process.env.TEST_DB ?? "pglite"}`, () => {
  let db: TestDatabase;
  let ids: Awaited<ReturnType<typeof createStockFixture>>;
  let orderLineId: string;
  let saleId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    ids = await createStockFixture(db.prisma);
    await db.prisma.stockBalance.create({
      data: { storeId: ids.store.id, productId: ids.product.id, locationId: ids.location.id, onHand: 3 },
    });
    const order = await db.prisma.order.create({
      data: {
        storeId: ids.store.id,
        customerName: "Li Wei",
        deliveryAddress: "1 Century Ave",
        deliveryLat: 31.23,
        deliveryLng: 121.5,
        distanceM: 1200,
        currency: "CNY",
        estimatedTotalMinor: 1290,
        promisedAt: new Date(Date.now() + 30 * 60_000),
        idempotencyKey: "order-1",
        lines: {
          create: {
            lineNo: 1,
            productId: ids.product.id,
            quantity: 1,
            unitPriceMinor: 1290,
            estimatedTotalMinor: 1290,
          },
        },
      },
      include: { lines: true },
    });
    orderLineId = order.lines[0]!.id;
    const sale = await db.prisma.sale.create({
      data: {
        storeId: ids.store.id,
        currency: "CNY",
        subtotalMinor: 0,
        discountMinor: 0,
        taxMinor: 0,
        totalMinor: 0,
        idempotencyKey: "sale-1",
      },
    });
    saleId = sale.id;
  });
  afterAll(async () => {
    await db.drop();
  });

  const balanceKey = () => ({ productId: ids.product.id, locationId: ids.location.id });

  it("keeps on-hand and reserved stock from going negative", async () => {
    await expect(
      db.prisma.stockBalance.update({
        where: { productId_locationId: balanceKey() },
        data: { onHand: { decrement: 4 } },
      }),
    ).rejects.toThrow(/StockBalance_onHand_nonnegative/);
    await expect(
      db.prisma.stockBalance.update({
        where: { productId_locationId: balanceKey() },
        data: { reserved: -1 },
      }),
    ).rejects.toThrow(/StockBalance_reserved_nonnegative/);
    const balance = await db.prisma.stockBalance.findUniqueOrThrow({
      where: { productId_locationId: balanceKey() },
    });
    expect([balance.onHand.toString(), balance.reserved.toString()]).toEqual(["3", "0"]);
  });

  it("refuses zero and negative quantities on reservations, sale lines and order lines", async () => {
    await expect(
      db.prisma.reservation.create({
        data: { storeId: ids.store.id, orderLineId, ...balanceKey(), quantity: 0, expiresAt: new Date() },
      }),
    ).rejects.toThrow(/Reservation_quantity_positive/);
    const saleLine = (quantity: number) => ({
      saleId,
      lineNo: 1,
      productId: ids.product.id,
      quantity,
      unitPriceMinor: 100,
      grossMinor: 0,
      discountMinor: 0,
      totalMinor: 0,
      taxRateBp: 1300,
      taxMinor: 0,
    });
    await expect(db.prisma.saleLine.create({ data: saleLine(-1) })).rejects.toThrow(
      /SaleLine_quantity_positive/,
    );
    await expect(
      db.prisma.orderLine.update({ where: { id: orderLineId }, data: { quantity: 0 } }),
    ).rejects.toThrow(/OrderLine_quantity_positive/);
    await expect(db.prisma.saleLine.create({ data: saleLine(0.5) })).resolves.toMatchObject({ lineNo: 1 });
  });

  it("refuses negative prices", async () => {
    await expect(
      db.prisma.priceBookEntry.create({
        data: { storeId: ids.store.id, productId: ids.product.id, priceMinor: -1, validFrom: new Date() },
      }),
    ).rejects.toThrow(/PriceBookEntry_priceMinor_nonnegative/);
    expect(await db.prisma.priceBookEntry.count()).toBe(0);
  });

  it("keeps the stock ledger append-only", async () => {
    const movement = await db.prisma.stockMovement.create({
      data: { storeId: ids.store.id, ...balanceKey(), delta: 3, reason: "RECEIVE", actorKind: "SYSTEM" },
    });
    await expect(
      db.prisma.stockMovement.update({ where: { id: movement.id }, data: { delta: 30 } }),
    ).rejects.toThrow(/StockMovement is append-only: UPDATE of movement \d+ refused/);
    await expect(db.prisma.stockMovement.delete({ where: { id: movement.id } })).rejects.toThrow(
      /StockMovement is append-only: DELETE of movement \d+ refused/,
    );
    await expect(db.prisma.$executeRaw`DELETE FROM "StockMovement"`).rejects.toThrow(/append-only/);
    const kept = await db.prisma.stockMovement.findUniqueOrThrow({ where: { id: movement.id } });
    expect(kept.delta.toString()).toBe("3");
  });

  it("wakes store_events listeners when an Event row commits", async () => {
    const payloads: string[] = [];
    let woken!: () => void;
    const wokenUp = new Promise<void>((resolve) => (woken = resolve));
    const stop = await db.listen("store_events", (payload) => {
      payloads.push(payload);
      woken();
    });
    await db.prisma.event.create({
      data: { storeId: ids.store.id, type: "stock.changed", subject: ids.product.id, payload: {} },
    });
    await wokenUp;
    await stop();
    expect(payloads).toEqual([ids.store.id]);
  });
});
