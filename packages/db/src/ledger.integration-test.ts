import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkLedger } from "./ledger";
import { createTestDatabase, type TestDatabase } from "./test-database";
import { createStockFixture } from "./testing/fixtures";

describe(`checkLedger on ${process.env.TEST_DB ?? "pglite"}`, () => {
  let db: TestDatabase;
  let ids: Awaited<ReturnType<typeof createStockFixture>>;
  let backroomId: string;
  let orderLineId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    ids = await createStockFixture(db.prisma);
    const backroom = await db.prisma.location.create({
      data: {
        storeId: ids.store.id,
        code: "BR-1",
        kind: "BACKROOM",
        zone: "back",
        walkSequence: 900,
        x: 0,
        y: 0,
      },
    });
    backroomId = backroom.id;
    const order = await db.prisma.order.create({
      data: {
        storeId: ids.store.id,
        customerName: "Li Wei",
        deliveryAddress: "1 Century Ave",
        deliveryLat: 31.23,
        deliveryLng: 121.5,
        distanceM: 1200,
        currency: "CNY",
        estimatedTotalMinor: 2580,
        promisedAt: new Date(Date.now() + 30 * 60_000),
        idempotencyKey: "order-1",
        lines: {
          create: {
            lineNo: 1,
            productId: ids.product.id,
            quantity: 2,
            unitPriceMinor: 1290,
            estimatedTotalMinor: 2580,
          },
        },
      },
      include: { lines: true },
    });
    orderLineId = order.lines[0]!.id;

    // A consistent history: 12.5 received on the shelf, 2.25 sold, 5 in the backroom, 2 reserved
    // by an active reservation, and 1 by a reservation that was released.
    const movement = (locationId: string, delta: string, reason: "RECEIVE" | "SALE") => ({
      storeId: ids.store.id,
      productId: ids.product.id,
      locationId,
      delta,
      reason,
      actorKind: "SYSTEM" as const,
    });
    await db.prisma.stockMovement.createMany({
      data: [
        movement(ids.location.id, "12.5", "RECEIVE"),
        movement(ids.location.id, "-2.25", "SALE"),
        movement(backroomId, "5", "RECEIVE"),
      ],
    });
    await db.prisma.stockBalance.createMany({
      data: [
        {
          storeId: ids.store.id,
          productId: ids.product.id,
          locationId: ids.location.id,
          onHand: "10.25",
          reserved: 2,
        },
        { storeId: ids.store.id, productId: ids.product.id, locationId: backroomId, onHand: 5 },
      ],
    });
    const reservation = (quantity: number, status: "ACTIVE" | "RELEASED") => ({
      storeId: ids.store.id,
      orderLineId,
      productId: ids.product.id,
      locationId: ids.location.id,
      quantity,
      status,
      expiresAt: new Date(Date.now() + 60_000),
    });
    await db.prisma.reservation.createMany({ data: [reservation(2, "ACTIVE"), reservation(1, "RELEASED")] });
  });
  afterAll(async () => {
    await db.drop();
  });

  it("passes when balances equal the ledger and the active reservations", async () => {
    expect(await checkLedger(db.prisma)).toEqual({ ok: true, mismatches: [] });
  });

  it("reports a balance that drifted from the ledger and reservations that do not add up", async () => {
    await db.prisma.stockBalance.update({
      where: { productId_locationId: { productId: ids.product.id, locationId: ids.location.id } },
      data: { onHand: "10.5" },
    });
    await db.prisma.stockBalance.update({
      where: { productId_locationId: { productId: ids.product.id, locationId: backroomId } },
      data: { reserved: 1 },
    });
    const result = await checkLedger(db.prisma);
    expect(result.ok).toBe(false);
    expect(result.mismatches).toEqual(
      expect.arrayContaining([
        {
          productId: ids.product.id,
          locationId: ids.location.id,
          onHand: "10.5",
          ledgerSum: "10.25",
          reserved: "2",
          activeReservations: "2",
        },
        {
          productId: ids.product.id,
          locationId: backroomId,
          onHand: "5",
          ledgerSum: "5",
          reserved: "1",
          activeReservations: "0",
        },
      ]),
    );
    expect(result.mismatches).toHaveLength(2);
  });

  it("reports ledger movements that have no balance row at all", async () => {
    const elsewhere = await db.prisma.location.create({
      data: {
        storeId: ids.store.id,
        code: "PK-1",
        kind: "PACKING",
        zone: "pack",
        walkSequence: 950,
        x: 1,
        y: 1,
      },
    });
    await db.prisma.stockMovement.create({
      data: {
        storeId: ids.store.id,
        productId: ids.product.id,
        locationId: elsewhere.id,
        delta: 1,
        reason: "RECEIVE",
        actorKind: "SYSTEM",
      },
    });
    const { mismatches } = await checkLedger(db.prisma);
    expect(mismatches).toContainEqual({
      productId: ids.product.id,
      locationId: elsewhere.id,
      onHand: "0",
      ledgerSum: "1",
      reserved: "0",
      activeReservations: "0",
    });
  });
});
