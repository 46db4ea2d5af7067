import { checkLedger, type Database } from "@store/db";
import { priceForWeight } from "@store/domain";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Actor } from "../../auth/actor";
import { SimulatedTerminal, TEST_INSTRUMENTS } from "../../payments";
import type { Services } from "../../services";
import { callerAs, type Fixture } from "../../testing/fixture";
import { addPackingStation, closeFixtureStore, openFixtureStore } from "../../testing/fixture-store";
import { availableOf } from "../../testing/snapshot";

let db: Database & { drop(): Promise<void> };
let services: Services;
let fixture: Fixture;
const terminal = new SimulatedTerminal({ timeoutMs: 50 });

beforeAll(async () => {
  ({ db, services, fixture } = await openFixtureStore({ payments: terminal }));
  // Where walks start and end and totes wait for the courier.
  await addPackingStation({ db, fixture });
});
afterAll(() => closeFixtureStore({ db, services }));

let counter = 0;
const nearby = { address: "88 Nanjing West Road", lat: 31.2352, lng: 121.4702 };
type Line = {
  code: string;
  quantity: string;
  substitution?: "BEST_MATCH" | "SPECIFIC" | "NONE";
  preferredSubstituteCode?: string;
};

async function placeOrder(lines: Line[], name = "Li Wei") {
  const channel = await callerAs(services, fixture.actors.CHANNEL);
  return channel.orders.place({
    idempotencyKey: `pick-order-${process.pid}-${++counter}`,
    customer: { name },
    delivery: nearby,
    lines,
    payment: { method: "CARD", instrument: TEST_INSTRUMENTS.approved },
  });
}

/** A second picker with a handheld of their own (the fixture has one picker user). */
function secondPicker(): Actor {
  return { ...fixture.actors.PICKER, id: "00000000-0000-4000-8000-00000000b0b2" };
}

const picker = () => callerAs(services, fixture.actors.PICKER);

/** Nothing else is waiting: each test starts with an empty queue. */
beforeEach(async () => {
  const open = await db.prisma.order.findMany({
    where: { status: { in: ["RESERVED", "PICKING"] } },
    select: { id: true },
  });
  await db.prisma.order.updateMany({
    where: { id: { in: open.map((order) => order.id) }, status: "PICKING" },
    data: { status: "RESERVED", claimedBy: null, claimExpiresAt: null, batchId: null },
  });
  const manager = await callerAs(services, fixture.actors.MANAGER);
  for (const order of open) await manager.orders.cancel({ orderId: order.id });
});

describe("claims", () => {
  it("two pickers claiming the same orders at once: each order is claimed exactly once", async () => {
    for (let round = 0; round < 5; round++) {
      const placed = await Promise.all(
        [1, 2, 3, 4].map(() => placeOrder([{ code: fixture.products.cola.code, quantity: "1" }])),
      );
      const ids = placed.map((order) => order.id);
      const [first, second] = await Promise.allSettled([
        (await picker()).picking.claim({ orderIds: ids }),
        (await callerAs(services, secondPicker())).picking.claim({ orderIds: [...ids].reverse() }),
      ]);
      const held = [first, second].flatMap((outcome) =>
        outcome.status === "fulfilled" ? outcome.value.batch.orders.map((order) => order.id) : [],
      );
      // Every order went to exactly one picker; a picker who got nothing was told so.
      expect([...held].sort()).toEqual([...ids].sort());
      for (const outcome of [first, second]) {
        if (outcome.status === "rejected")
          expect(outcome.reason).toMatchObject({ code: "CONFLICT", message: /nothing was claimed/ });
      }
      const rows = await db.prisma.order.findMany({
        where: { id: { in: ids } },
        select: { claimedBy: true, batchId: true, status: true },
      });
      expect(
        rows.every((row) => row.status === "PICKING" && row.claimedBy !== null && row.batchId !== null),
      ).toBe(true);
      const batches = await db.prisma.pickBatch.findMany({
        where: { orders: { some: { id: { in: ids } } } },
        select: { pickerId: true },
      });
      expect(new Set(batches.map((batch) => batch.pickerId)).size).toBe(batches.length);
      await db.prisma.order.updateMany({
        where: { id: { in: ids } },
        data: { claimExpiresAt: new Date(Date.now() - 1000) },
      });
      await (await callerAs(services, fixture.actors.MANAGER)).picking.releaseLapsedClaims();
      const manager = await callerAs(services, fixture.actors.MANAGER);
      for (const id of ids) await manager.orders.cancel({ orderId: id });
    }
  });

  it("claimNext from two handhelds at once never hands out an order twice", async () => {
    const placed = await Promise.all(
      [1, 2, 3, 4, 5].map(() => placeOrder([{ code: fixture.products.cola.code, quantity: "1" }])),
    );
    const results = await Promise.allSettled([
      (await picker()).picking.claimNext({ count: 3 }),
      (await callerAs(services, secondPicker())).picking.claimNext({ count: 3 }),
    ]);
    const held = results.flatMap((result) =>
      result.status === "fulfilled" ? result.value.batch.orders.map((order) => order.id) : [],
    );
    expect(new Set(held).size).toBe(held.length);
    expect(held.length).toBe(5);
    expect(held.every((id) => placed.some((order) => order.id === id))).toBe(true);
  });

  it("a picker whose handheld goes quiet loses the claim; the next picker finds the picks kept", async () => {
    const order = await placeOrder([{ code: fixture.products.cola.code, quantity: "2" }]);
    const first = await (await picker()).picking.claim({ orderIds: [order.id] });
    await (
      await picker()
    ).picking.scan({
      batchId: first.batch.id,
      orderId: order.id,
      lineNo: 1,
      code: fixture.products.cola.code,
    });
    // The other picker cannot take it while the claim runs.
    await expect(
      (await callerAs(services, secondPicker())).picking.claim({ orderIds: [order.id] }),
    ).rejects.toMatchObject({
      message: /being picked by Pat Picker/,
    });
    await db.prisma.order.update({
      where: { id: order.id },
      data: { claimExpiresAt: new Date(Date.now() - 1000) },
    });
    const released = await (await callerAs(services, fixture.actors.MANAGER)).picking.releaseLapsedClaims();
    expect(released.releasedOrders).toEqual([order.number]);
    // The first handheld, back too late, is told the order is no longer its own.
    await expect(
      (await picker()).picking.scan({
        batchId: first.batch.id,
        orderId: order.id,
        lineNo: 1,
        code: fixture.products.cola.code,
      }),
    ).rejects.toMatchObject({ message: /no longer yours/ });
    const second = await (await callerAs(services, secondPicker())).picking.claim({ orderIds: [order.id] });
    const task = second.batch.stops.flatMap((stop) => stop.tasks)[0];
    expect(task).toMatchObject({ pickedQuantity: "1", quantity: "2", status: "PENDING" });
  });
});

describe("a pick from queue to courier", () => {
  it("refuses wrong items and over-picks, prices weighed goods by weight, substitutes and refunds by preference, captures the picked total only", async () => {
    const { products } = fixture;
    const order = await placeOrder([
      { code: products.milk.code, quantity: "2", substitution: "NONE" },
      { code: products.bananas.code, quantity: "500", substitution: "BEST_MATCH" },
      {
        code: products.yogurt.code,
        quantity: "2",
        substitution: "SPECIFIC",
        preferredSubstituteCode: products.cola.code,
      },
    ]);
    const events = await db.prisma.event.findMany({
      where: { subject: order.id },
      orderBy: { id: "asc" },
      select: { type: true },
    });
    expect(events.map((event) => event.type)).toEqual(["order.placed", "order.reserved"]);
    // Bananas are weighed: 15 % margin on their estimate.
    const bananaEstimate = priceForWeight(698, 500_000);
    expect(order.authorizedMinor).toBe(
      order.estimatedTotalMinor + Math.ceil((bananaEstimate * 1500) / 10_000),
    );

    const { batch } = await (await picker()).picking.claim({ orderIds: [order.id] });
    expect(batch.orders[0]?.totes.map((tote) => tote.zone)).toEqual(["AMBIENT"]);
    const tasks = batch.stops.flatMap((stop) =>
      stop.tasks.map((task) => `${stop.locationCode}:${task.lineNo}`),
    );
    expect(tasks.length).toBeGreaterThanOrEqual(3);
    const scan = async (
      lineNo: number,
      code: string,
      extra: { weightG?: number; substitute?: boolean } = {},
    ) => (await picker()).picking.scan({ batchId: batch.id, orderId: order.id, lineNo, code, ...extra });

    const milkBefore = await availableOf(db, fixture.store.id, products.milk.id);
    const ledgerBefore = await db.prisma.stockMovement.count();
    await expect(scan(1, products.cola.code)).rejects.toMatchObject({
      code: "CONFLICT",
      message: "Scanned Cola 330 ml: this line is Whole milk 1 L",
    });
    expect(await db.prisma.stockMovement.count()).toBe(ledgerBefore);
    expect(await availableOf(db, fixture.store.id, products.milk.id)).toBe(milkBefore);

    await scan(1, products.milk.code);
    const afterMilk = await scan(1, products.milk.code);
    expect(
      afterMilk.batch.stops.flatMap((stop) => stop.tasks).find((task) => task.lineNo === 1),
    ).toMatchObject({ status: "PICKED", pickedQuantity: "2", errors: 1, scans: 3 });
    await expect(scan(1, products.milk.code)).rejects.toMatchObject({ message: /already picked/ });

    // Weighed by PLU needs a weight; with the scale's 520 g the line is priced by it.
    await expect(scan(2, products.bananas.code)).rejects.toMatchObject({ message: /put it on the scale/ });
    await expect(scan(2, products.bananas.code, { weightG: 700 })).rejects.toMatchObject({
      message: /more than the 500 g ordered/,
    });
    const bananas = await scan(2, products.bananas.code, { weightG: 520 });
    expect(bananas.batch.stops.flatMap((stop) => stop.tasks).find((task) => task.lineNo === 2)).toMatchObject(
      {
        status: "PICKED",
        pickedQuantity: "520",
        pickedTotalMinor: priceForWeight(698, 520_000),
      },
    );

    // Yogurt: one on the shelf, the second is short; the customer accepts only cola instead.
    await scan(3, products.yogurt.code);
    const options = await (
      await picker()
    ).picking.substitutes({ batchId: batch.id, orderId: order.id, lineNo: 3 });
    expect(options.preference).toBe("SPECIFIC");
    expect(options.options.map((option) => option.sku)).toEqual([products.cola.sku]);
    await expect(scan(3, products.wine.code, { substitute: true })).rejects.toMatchObject({
      message: /accepts only Cola 330 ml/,
    });
    const substituted = await scan(3, products.cola.code, { substitute: true });
    expect(
      substituted.batch.stops.flatMap((stop) => stop.tasks).find((task) => task.lineNo === 3),
    ).toMatchObject({
      status: "SUBSTITUTED",
      substitute: { quantity: "1", priceDifferenceMinor: 350 - 990 },
    });
    const packed = await (await picker()).picking.pack({ batchId: batch.id, orderId: order.id });
    // 2 milk + 520 g bananas + 1 yogurt + 1 cola (as a substitute) at their prices.
    const expected = 2 * 1250 + priceForWeight(698, 520_000) + 990 + 350;
    expect(packed.order.pickedTotalMinor).toBe(expected);
    expect(packed.order.totes).toEqual([{ code: `T${order.number}-A`, zone: "AMBIENT" }]);

    await (await picker()).picking.stage({ toteCode: `T${order.number}-A` });
    const handed = await (
      await picker()
    ).picking.handoff({ courierRef: "SF-0001", toteCodes: [`T${order.number}-A`] });
    expect(handed.orders).toEqual([{ id: order.id, number: order.number, capturedMinor: expected }]);
    const reference = (await db.prisma.payment.findFirstOrThrow({ where: { orderId: order.id } }))
      .providerRef;
    expect(terminal.captures().filter((capture) => capture.reference === reference)).toEqual([
      { reference, amountMinor: expected },
    ]);
    expect(expected).toBeLessThan(order.authorizedMinor);
    // Nothing of the order is reserved any more; the ledger still sums.
    expect(
      await db.prisma.reservation.count({ where: { orderLine: { orderId: order.id }, status: "ACTIVE" } }),
    ).toBe(0);
    expect((await checkLedger(db.prisma)).ok).toBe(true);
    const delivered = await (
      await callerAs(services, fixture.actors.CHANNEL)
    ).orders.confirmDelivery({ orderId: order.id });
    expect(delivered).toMatchObject({ status: "DELIVERED", capturedMinor: expected });
    const statuses = await db.prisma.event.findMany({
      where: {
        subject: order.id,
        type: {
          in: [
            "order.placed",
            "order.reserved",
            "order.picking",
            "order.packed",
            "order.handed_off",
            "order.delivered",
          ],
        },
      },
      orderBy: { id: "asc" },
      select: { type: true },
    });
    expect(statuses.map((event) => event.type)).toEqual([
      "order.placed",
      "order.reserved",
      "order.picking",
      "order.packed",
      "order.handed_off",
      "order.delivered",
    ]);
  });

  it("refunds a short line whose customer wants no substitute, and never charges it", async () => {
    const { products } = fixture;
    const order = await placeOrder([
      { code: products.cola.code, quantity: "1", substitution: "NONE" },
      { code: products.milk.code, quantity: "1", substitution: "NONE" },
    ]);
    const { batch } = await (await picker()).picking.claim({ orderIds: [order.id] });
    await (
      await picker()
    ).picking.scan({ batchId: batch.id, orderId: order.id, lineNo: 1, code: products.cola.code });
    const none = await (
      await picker()
    ).picking.substitutes({ batchId: batch.id, orderId: order.id, lineNo: 2 });
    expect(none).toEqual({ preference: "NONE", options: [] });
    await expect(
      (await picker()).picking.scan({
        batchId: batch.id,
        orderId: order.id,
        lineNo: 2,
        code: products.cola.code,
        substitute: true,
      }),
    ).rejects.toMatchObject({ message: /wants no substitute/ });
    const milkReserved = await availableOf(db, fixture.store.id, products.milk.id);
    await expect(
      (await picker()).picking.pack({ batchId: batch.id, orderId: order.id }),
    ).rejects.toMatchObject({ message: /1 line\(s\) to pick/ });
    const shorted = await (await picker()).picking.short({ batchId: batch.id, orderId: order.id, lineNo: 2 });
    expect(shorted.batch.stops.flatMap((stop) => stop.tasks).find((task) => task.lineNo === 2)).toMatchObject(
      { status: "REFUNDED", refundedQuantity: "1" },
    );
    // Its reservation went back to the shared pool.
    expect(await availableOf(db, fixture.store.id, products.milk.id)).toBe(milkReserved + 1);
    const packed = await (await picker()).picking.pack({ batchId: batch.id, orderId: order.id });
    expect(packed.order.pickedTotalMinor).toBe(350);
    await expect(
      (await picker()).picking.handoff({ courierRef: "SF-2", toteCodes: ["T1-F"] }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    const handed = await (
      await picker()
    ).picking.handoff({ courierRef: "SF-2", toteCodes: packed.order.totes.map((tote) => tote.code) });
    expect(handed.orders[0]?.capturedMinor).toBe(350);
  });

  it("offers only substitutes the customer's authorization can still pay for", async () => {
    const { products } = fixture;
    // Cola 3.50 plus 10 kg of bananas at 6.98/kg (69.80, with the 15 % margin 10.47 held beyond the estimate).
    const order = await placeOrder([
      { code: products.cola.code, quantity: "1", substitution: "BEST_MATCH" },
      { code: products.bananas.code, quantity: "10000", substitution: "NONE" },
    ]);
    expect(order.authorizedMinor).toBe(350 + 6980 + 1047);
    const { batch } = await (await picker()).picking.claim({ orderIds: [order.id] });
    const offered = await (
      await picker()
    ).picking.substitutes({ batchId: batch.id, orderId: order.id, lineNo: 1 });
    const skus = offered.options.map((option) => option.sku);
    // Milk (12.50) and yogurt (9.90) fit in 3.50 + 10.47; wine (88.00) does not.
    expect(skus).toEqual(expect.arrayContaining([products.milk.sku, products.yogurt.sku]));
    expect(skus).not.toContain(products.wine.sku);
    await expect(
      (await picker()).picking.scan({
        batchId: batch.id,
        orderId: order.id,
        lineNo: 1,
        code: products.wine.code,
        substitute: true,
      }),
    ).rejects.toMatchObject({ message: /more than the \d+ the customer authorized/ });
    await (await picker()).picking.release({ batchId: batch.id });
  });

  it("keeps a chilled order's goods in a tote of their own zone and hands off only whole orders", async () => {
    await db.prisma.category.updateMany({ where: { code: "produce" }, data: { temperatureZone: "CHILLED" } });
    try {
      const order = await placeOrder([
        { code: fixture.products.cola.code, quantity: "1" },
        { code: fixture.products.bananas.code, quantity: "300" },
      ]);
      const { batch } = await (await picker()).picking.claim({ orderIds: [order.id] });
      expect(batch.orders[0]?.totes.map((tote) => tote.code)).toEqual([
        `T${order.number}-A`,
        `T${order.number}-C`,
      ]);
      await (
        await picker()
      ).picking.scan({ batchId: batch.id, orderId: order.id, lineNo: 1, code: fixture.products.cola.code });
      await (
        await picker()
      ).picking.scan({
        batchId: batch.id,
        orderId: order.id,
        lineNo: 2,
        code: fixture.products.bananas.code,
        weightG: 290,
      });
      const packed = await (await picker()).picking.pack({ batchId: batch.id, orderId: order.id });
      await expect(
        (await picker()).picking.handoff({ courierRef: "SF-3", toteCodes: [`T${order.number}-A`] }),
      ).rejects.toMatchObject({ message: new RegExp(`has 2 totes; T${order.number}-C is missing`) });
      expect(
        await db.prisma.order.findUniqueOrThrow({ where: { id: order.id }, select: { status: true } }),
      ).toEqual({ status: "PACKED" });
      const handed = await (
        await picker()
      ).picking.handoff({ courierRef: "SF-3", toteCodes: packed.order.totes.map((tote) => tote.code) });
      expect(handed.orders[0]?.capturedMinor).toBe(packed.order.pickedTotalMinor);
    } finally {
      await db.prisma.category.updateMany({
        where: { code: "produce" },
        data: { temperatureZone: "AMBIENT" },
      });
    }
  });
});

describe("the store's order settings", () => {
  it("captures on delivery when the store says so, and checks the delivery radius it sets", async () => {
    const manager = await callerAs(services, fixture.actors.MANAGER);
    expect(await manager.orders.config()).toEqual({
      deliveryRadiusM: 3000,
      deliveryPromiseMin: 30,
      weighedMarginBp: 1500,
      captureOn: "HANDOFF",
      claimTimeoutS: 120,
    });
    await manager.orders.setConfig({ captureOn: "DELIVERY", deliveryRadiusM: 500 });
    try {
      await expect(placeOrder([{ code: fixture.products.cola.code, quantity: "1" }])).rejects.toMatchObject({
        code: "PRECONDITION_FAILED",
        message: /0\.6 km from store S001, which delivers within 0\.5 km/,
      });
      await manager.orders.setConfig({ deliveryRadiusM: 3000 });
      const order = await placeOrder([{ code: fixture.products.cola.code, quantity: "1" }]);
      const { batch } = await (await picker()).picking.claim({ orderIds: [order.id] });
      await (
        await picker()
      ).picking.scan({ batchId: batch.id, orderId: order.id, lineNo: 1, code: fixture.products.cola.code });
      const packed = await (await picker()).picking.pack({ batchId: batch.id, orderId: order.id });
      const handed = await (
        await picker()
      ).picking.handoff({ courierRef: "SF-9", toteCodes: packed.order.totes.map((tote) => tote.code) });
      expect(handed.orders[0]?.capturedMinor).toBeNull();
      const reference = (await db.prisma.payment.findFirstOrThrow({ where: { orderId: order.id } }))
        .providerRef;
      expect(terminal.captures().filter((capture) => capture.reference === reference)).toEqual([]);
      const delivered = await (
        await callerAs(services, fixture.actors.CHANNEL)
      ).orders.confirmDelivery({ orderId: order.id });
      expect(delivered).toMatchObject({ status: "DELIVERED", capturedMinor: 350 });
      expect(terminal.captures().filter((capture) => capture.reference === reference)).toEqual([
        { reference, amountMinor: 350 },
      ]);
    } finally {
      await manager.orders.setConfig({ captureOn: "HANDOFF", deliveryRadiusM: 3000 });
    }
  });
});

describe("pick-to-light", () => {
  it("flashes the shelf label of the next item to pick, green, when the walk starts and as it moves on", async () => {
    const manager = await callerAs(services, fixture.actors.MANAGER);
    const label = (
      await manager.devices.provision({
        model: "esl-2.13-bwr",
        name: "Yogurt label",
        locationCode: "A1-2-1",
        productSku: "DAIRY-YOGURT",
      })
    ).device;
    const flashes = () =>
      db.prisma.event.findMany({
        where: { type: "label.flash_requested", subject: label.id },
        select: { payload: true },
      });
    const order = await placeOrder([
      { code: fixture.products.cola.code, quantity: "1" },
      { code: fixture.products.yogurt.code, quantity: "1" },
    ]);
    const { batch } = await (await picker()).picking.claim({ orderIds: [order.id] });
    // Without a floor plan the walk follows the walk sequence: cola's shelf (no label) first.
    const next = batch.stops[batch.next!.stopIndex]!.tasks.find(
      (task) => task.lineNo === batch.next!.lineNo,
    )!;
    expect(next.product.sku).toBe(fixture.products.cola.sku);
    expect(await flashes()).toHaveLength(0);
    await (
      await picker()
    ).picking.scan({
      batchId: batch.id,
      orderId: order.id,
      lineNo: next.lineNo,
      code: fixture.products.cola.code,
    });
    const [flash] = await flashes();
    expect(flash?.payload).toMatchObject({
      deviceId: label.id,
      productId: fixture.products.yogurt.id,
      colour: "green",
      requestedBy: fixture.actors.PICKER.id,
    });
  });
});

describe("reservations against the kiosks", () => {
  it("an order holding the last units makes a kiosk sale of them fail cleanly; cancelling it frees them and voids its authorization", async () => {
    const { products } = fixture;
    const available = await availableOf(db, fixture.store.id, products.milk.id);
    const order = await placeOrder([
      { code: products.milk.code, quantity: String(available), substitution: "NONE" },
    ]);
    expect(await availableOf(db, fixture.store.id, products.milk.id)).toBe(0);
    // The kiosk's own way to sell: a session, then pay (authorize, commit, capture).
    const kiosk = await callerAs(services, fixture.actors.KIOSK);
    const sessionId = (await kiosk.kiosk.start()).sessionId;
    const pay = (key: string) =>
      kiosk.checkout.pay({
        sessionId,
        idempotencyKey: key,
        lines: [{ code: products.milk.code }],
        tender: { method: "CARD", instrument: TEST_INSTRUMENTS.approved },
      });
    const salesBefore = await db.prisma.sale.count();
    const capturesBefore = terminal.captures().length;
    await expect(pay(`milk-sale-${process.pid}-1`)).rejects.toMatchObject({
      code: "CONFLICT",
      message: /only 0 available/,
    });
    expect(await db.prisma.sale.count()).toBe(salesBefore);
    expect(terminal.captures()).toHaveLength(capturesBefore);
    const kioskAttempt = await db.prisma.payment.findFirstOrThrow({
      where: { sessionId },
      orderBy: { createdAt: "desc" },
    });
    expect(kioskAttempt).toMatchObject({ status: "VOIDED", failureCode: "INSUFFICIENT_STOCK" });

    await (await callerAs(services, fixture.actors.CHANNEL)).orders.cancel({ orderId: order.id });
    const reference = (await db.prisma.payment.findFirstOrThrow({ where: { orderId: order.id } }))
      .providerRef;
    expect(terminal.voids()).toContainEqual({ reference });
    expect(
      await db.prisma.payment.findFirstOrThrow({ where: { orderId: order.id }, select: { status: true } }),
    ).toEqual({ status: "VOIDED" });
    await expect(pay(`milk-sale-${process.pid}-2`)).resolves.toMatchObject({
      status: "APPROVED",
      sale: { totalMinor: 1250 },
    });
    expect((await checkLedger(db.prisma)).ok).toBe(true);
  });

  it("a declined card places nothing and reserves nothing", async () => {
    const before = await availableOf(db, fixture.store.id, fixture.products.cola.id);
    const orders = await db.prisma.order.count();
    await expect(
      (await callerAs(services, fixture.actors.CHANNEL)).orders.place({
        idempotencyKey: `declined-${process.pid}`,
        customer: { name: "Zhao Lei" },
        delivery: nearby,
        lines: [{ code: fixture.products.cola.code, quantity: "1" }],
        payment: { method: "CARD", instrument: TEST_INSTRUMENTS.declined },
      }),
    ).rejects.toMatchObject({ code: "PAYMENT_REQUIRED", message: /declined/ });
    expect(await db.prisma.order.count()).toBe(orders);
    expect(await availableOf(db, fixture.store.id, fixture.products.cola.id)).toBe(before);
  });
});
