import type { Database } from "@store/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SimulatedTerminal, TEST_INSTRUMENTS } from "../../payments";
import type { Services } from "../../services";
import { ORDER_AT_RISK_MIN } from "../../services/dashboard-activity";
import { callerAs, type Fixture } from "../../testing/fixture";
import { addPackingStation, closeFixtureStore, openFixtureStore } from "../../testing/fixture-store";

let db: Database & { drop(): Promise<void> };
let services: Services;
let fixture: Fixture;

beforeAll(async () => {
  ({ db, services, fixture } = await openFixtureStore({
    payments: new SimulatedTerminal({ timeoutMs: 50 }),
  }));
  await addPackingStation({ db, fixture });
});
afterAll(() => closeFixtureStore({ db, services }));

const manager = () => callerAs(services, fixture.actors.MANAGER);
const picker = () => callerAs(services, fixture.actors.PICKER);
const kiosk = () => callerAs(services, fixture.actors.KIOSK);
let counter = 0;
const key = (what: string) => `dash-${what}-${process.pid}-${++counter}`;
const minutes = (count: number) => count * 60_000;

async function placeOrder(name: string) {
  return (await callerAs(services, fixture.actors.CHANNEL)).orders.place({
    idempotencyKey: key("order"),
    customer: { name },
    delivery: { address: "88 Nanjing West Road", lat: 31.2352, lng: 121.4702 },
    lines: [{ code: fixture.products.cola.code, quantity: "1" }],
    payment: { method: "CARD", instrument: TEST_INSTRUMENTS.approved },
  });
}

/** Claimed, picked and packed; handed to the courier unless told otherwise. */
async function pickOrder(name: string, handOff = true) {
  const order = await placeOrder(name);
  const { batch } = await (await picker()).picking.claim({ orderIds: [order.id] });
  await (
    await picker()
  ).picking.scan({ batchId: batch.id, orderId: order.id, lineNo: 1, code: fixture.products.cola.code });
  const packed = await (await picker()).picking.pack({ batchId: batch.id, orderId: order.id });
  if (handOff) {
    await (
      await picker()
    ).picking.handoff({ courierRef: key("courier"), toteCodes: packed.order.totes.map((tote) => tote.code) });
  }
  return order;
}

async function promise(orderId: string, promisedAt: Date) {
  await db.prisma.order.update({ where: { id: orderId }, data: { promisedAt } });
}

const packedOrders: string[] = [];

describe("dashboard.orders", () => {
  it("counts the pipeline, lists open orders by promise with their risk, and finds today's late hand-offs", async () => {
    const now = Date.now();
    // Half a minute inside each whole minute, so the test may take a while without changing them.
    const late = await placeOrder("Late Li");
    await promise(late.id, new Date(now - minutes(5) + 30_000));
    const atRisk = await placeOrder("Soon Sun");
    await promise(atRisk.id, new Date(now + minutes(ORDER_AT_RISK_MIN - 5) + 30_000));
    const onTrack = await placeOrder("Calm Chen");
    const picking = await placeOrder("Picked Pan");
    await (await picker()).picking.claim({ orderIds: [picking.id] });
    await promise(picking.id, new Date(now + minutes(20) + 30_000));

    const breached = await pickOrder("Breach Bai");
    const handedOff = await db.prisma.order.findUniqueOrThrow({
      where: { id: breached.id },
      select: { handedOffAt: true },
    });
    await promise(breached.id, new Date(handedOff.handedOffAt!.getTime() - 150_000));
    // Handed off more than a day ago: neither in the last 24 hours nor today.
    const yesterday = await pickOrder("Old Ou");
    await db.prisma.order.update({
      where: { id: yesterday.id },
      data: { handedOffAt: new Date(now - 30 * 3600_000) },
    });
    const delivered = await pickOrder("Done Du");
    await (
      await callerAs(services, fixture.actors.CHANNEL)
    ).orders.confirmDelivery({ orderId: delivered.id });
    const cancelled = await placeOrder("Gone Ge");
    await (await manager()).orders.cancel({ orderId: cancelled.id });
    packedOrders.push(breached.id, yesterday.id, delivered.id);

    const pipeline = await (await manager()).dashboard.orders();
    expect(pipeline.counts).toEqual({
      PLACED: 0,
      RESERVED: 3,
      PICKING: 1,
      PACKED: 0,
      HANDED_OFF: 1,
      DELIVERED: 1,
      CANCELLED: 1,
    });
    expect(pipeline.atRiskWithinMin).toBe(ORDER_AT_RISK_MIN);
    expect(pipeline.open.map((order) => [order.id, order.status, order.minutesLeft, order.risk])).toEqual([
      [late.id, "RESERVED", -5, "late"],
      [atRisk.id, "RESERVED", ORDER_AT_RISK_MIN - 5, "at_risk"],
      [picking.id, "PICKING", 20, "on_track"],
      [onTrack.id, "RESERVED", expect.any(Number), "on_track"],
    ]);
    expect(pipeline.open[3]?.minutesLeft).toBeGreaterThanOrEqual(28);
    expect(pipeline.open[2]).toMatchObject({
      customerName: "Picked Pan",
      lineCount: 1,
      picker: { id: fixture.actors.PICKER.id, name: "Pat Picker" },
    });
    expect(pipeline.open[0]?.picker).toBeNull();
    expect(pipeline.today).toEqual({
      handedOff: 2,
      onTime: 1,
      breaches: [
        {
          id: breached.id,
          number: breached.number,
          promisedAt: new Date(handedOff.handedOffAt!.getTime() - 150_000).toISOString(),
          handedOffAt: handedOff.handedOffAt!.toISOString(),
          minutesLate: 3,
        },
      ],
    });
  });
});

describe("dashboard.pickMetrics", () => {
  it("reports claim-to-pack p50 and p95, walk, scans and errors of the orders packed in the window, in total and per hour", async () => {
    const [first, second, third] = packedOrders;
    if (!first || !second || !third) throw new Error("dashboard.orders packs three orders first");
    const now = Date.now();
    const shape = [
      {
        id: first,
        packedAt: new Date(now - 10_000),
        claimToPackS: 60,
        walkLengthM: 10,
        pickScans: 4,
        pickErrors: 1,
      },
      {
        id: second,
        packedAt: new Date(now - 5_000),
        claimToPackS: 120,
        walkLengthM: 20,
        pickScans: 2,
        pickErrors: 0,
      },
      {
        id: third,
        packedAt: new Date(now - 2 * 3600_000),
        claimToPackS: 600,
        walkLengthM: 60,
        pickScans: 3,
        pickErrors: 1,
      },
    ];
    for (const order of shape) {
      await db.prisma.order.update({
        where: { id: order.id },
        data: {
          packedAt: order.packedAt,
          pickStartedAt: new Date(order.packedAt.getTime() - order.claimToPackS * 1000),
          walkLengthM: order.walkLengthM,
          pickScans: order.pickScans,
          pickErrors: order.pickErrors,
        },
      });
    }

    const metrics = await (await manager()).dashboard.pickMetrics({ hours: 3 });
    expect(metrics.hours).toHaveLength(3);
    expect(metrics.totals).toEqual({
      orders: 3,
      // Interpolated: 120 s is the middle one; p95 lies nine tenths of the way from 120 to 600 s.
      claimToPackP50S: 120,
      claimToPackP95S: 552,
      meanWalkM: 30,
      scans: 9,
      errors: 2,
      errorRate: 0.2222,
    });
    const hourOf = (at: Date) =>
      metrics.hours.findIndex((hour) => {
        const start = Date.parse(hour.hourStart);
        return at.getTime() >= start && at.getTime() < start + 3600_000;
      });
    const buckets = new Map<number, typeof shape>();
    for (const order of shape)
      buckets.set(hourOf(order.packedAt), [...(buckets.get(hourOf(order.packedAt)) ?? []), order]);
    expect([...buckets.keys()].every((index) => index >= 0)).toBe(true);
    metrics.hours.forEach((hour, index) => {
      const orders = buckets.get(index) ?? [];
      expect(hour.orders).toBe(orders.length);
      expect(hour.scans).toBe(orders.reduce((sum, order) => sum + order.pickScans, 0));
      if (orders.length === 0)
        expect(hour).toMatchObject({ claimToPackP50S: null, meanWalkM: null, errorRate: null });
    });
    expect(metrics.hours[hourOf(shape[2]!.packedAt)]).toMatchObject({
      orders: 1,
      claimToPackP50S: 600,
      meanWalkM: 60,
    });
    expect(Date.parse(metrics.hours[1]!.hourStart) - Date.parse(metrics.hours[0]!.hourStart)).toBe(3600_000);

    // The last hour only: the order packed two hours ago is out of it.
    const recent = await (await manager()).dashboard.pickMetrics({ hours: 1 });
    const inHour = shape.filter((order) => order.packedAt.getTime() >= Date.parse(recent.from));
    expect(recent.totals.orders).toBe(inHour.length);
    expect(inHour.some((order) => order.id === third)).toBe(false);
  });
});

describe("dashboard.kioskMetrics", () => {
  it("reports sales and revenue, items per minute of paid sessions and approvals by kind", async () => {
    const { products, badges } = fixture;
    const caller = await kiosk();
    const paid: Array<{ saleId: string; totalMinor: number; seconds: number }> = [];
    for (const visit of [
      {
        lines: [
          { code: products.cola.code, quantity: "2" },
          { code: products.bananas.code, quantity: "500" },
        ],
        approve: "AGE" as const,
        seconds: 90,
      },
      { lines: [{ code: products.yogurt.code }], approve: "BAGGING" as const, seconds: 30 },
    ]) {
      const { sessionId } = await caller.kiosk.start();
      await caller.kiosk.approve({
        sessionId,
        kind: visit.approve,
        subject: products.wine.id,
        ...badges.ATTENDANT,
      });
      const result = await caller.checkout.pay({
        sessionId,
        idempotencyKey: key("pay"),
        lines: visit.lines,
        tender: { method: "CARD", instrument: TEST_INSTRUMENTS.approved },
      });
      if (result.status !== "APPROVED") throw new Error(`payment ${result.status}`);
      const session = await db.prisma.kioskSession.findUniqueOrThrow({ where: { id: sessionId } });
      await db.prisma.kioskSession.update({
        where: { id: sessionId },
        data: { startedAt: new Date(session.endedAt!.getTime() - visit.seconds * 1000) },
      });
      paid.push({ saleId: result.sale.id, totalMinor: result.sale.totalMinor, seconds: visit.seconds });
    }
    // A sale committed without a session counts as a sale, not in items per minute.
    const quote = await caller.checkout.quote({ lines: [{ code: products.cola.code }] });
    const plain = await caller.checkout.commit({
      idempotencyKey: key("sale"),
      lines: [{ code: products.cola.code }],
      payment: { method: "CARD", provider: "sim", providerRef: key("ref"), amountMinor: quote.totalMinor },
    });
    const { sessionId: abandoned } = await caller.kiosk.start();
    await caller.kiosk.approve({
      sessionId: abandoned,
      kind: "REMOVAL",
      subject: products.cola.sku,
      ...badges.ATTENDANT,
    });
    await caller.kiosk.end({ sessionId: abandoned, reason: "CANCELLED" });

    const metrics = await (await manager()).dashboard.kioskMetrics({ hours: 2 });
    expect(metrics.totals).toEqual({
      sales: 3,
      revenueMinor: paid.reduce((sum, sale) => sum + sale.totalMinor, 0) + plain.totalMinor,
      // Two colas and a weighed line, then one yogurt, over 90 + 30 seconds.
      items: 4,
      sessionMinutes: 2,
      itemsPerMinute: 2,
      approvals: { AGE: 1, BAGGING: 1, REMOVAL: 1, PRICE: 0 },
      sessions: { started: 3, paid: 2, abandoned: 1, open: 0 },
    });
    expect(metrics.hours).toHaveLength(2);
    const sum = (pick: (hour: (typeof metrics.hours)[number]) => number) =>
      metrics.hours.reduce((total, hour) => total + pick(hour), 0);
    expect(sum((hour) => hour.sales)).toBe(3);
    expect(sum((hour) => hour.revenueMinor)).toBe(metrics.totals.revenueMinor);
    expect(sum((hour) => hour.approvals.AGE + hour.approvals.BAGGING + hour.approvals.REMOVAL)).toBe(3);
    const busy = metrics.hours.filter((hour) => hour.sales > 0);
    if (busy.length === 1) expect(busy[0]).toMatchObject({ items: 4, itemsPerMinute: 2 });
    expect(
      metrics.hours.filter((hour) => hour.sales === 0).every((hour) => hour.itemsPerMinute === null),
    ).toBe(true);
  });
});

describe("dashboard.audit", () => {
  it("lists the audit log newest first with who acted by name, filtered by action and paged", async () => {
    await (await manager()).kiosk.setConfig({ idleTimeoutS: 120 });
    await (await manager()).orders.setConfig({ deliveryPromiseMin: 35 });
    await (await manager()).orders.setConfig({ deliveryPromiseMin: 30 });

    const all = await (await manager()).dashboard.audit({ limit: 200 });
    const ids = all.items.map((entry) => BigInt(entry.id));
    expect(ids).toEqual([...ids].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));
    expect(all.items.slice(0, 3).map((entry) => [entry.action, entry.actor])).toEqual([
      ["orders.config", { kind: "USER", id: fixture.actors.MANAGER.id, name: "Max Manager" }],
      ["orders.config", { kind: "USER", id: fixture.actors.MANAGER.id, name: "Max Manager" }],
      ["kiosk.config", { kind: "USER", id: fixture.actors.MANAGER.id, name: "Max Manager" }],
    ]);
    const approvals = all.items.filter((entry) => entry.action === "kiosk.approve");
    expect(approvals).toHaveLength(3);
    expect(approvals.every((entry) => entry.actor.name === "Kiosk 1" && entry.actor.kind === "DEVICE")).toBe(
      true,
    );

    const kioskOnly = await (await manager()).dashboard.audit({ action: "kiosk.", limit: 50 });
    expect(kioskOnly.items.map((entry) => entry.action).sort()).toEqual([
      "kiosk.approve",
      "kiosk.approve",
      "kiosk.approve",
      "kiosk.config",
    ]);
    const exact = await (await manager()).dashboard.audit({ action: "orders.config", limit: 50 });
    expect(exact.items.map((entry) => entry.details)).toEqual([
      expect.objectContaining({ change: { deliveryPromiseMin: 30 } }),
      expect.objectContaining({ change: { deliveryPromiseMin: 35 } }),
    ]);

    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await (await manager()).dashboard.audit({ limit: 2, ...(cursor ? { cursor } : {}) });
      paged.push(...page.items.map((entry) => entry.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(paged).toEqual(all.items.map((entry) => entry.id));
    await expect((await manager()).dashboard.audit({ cursor: "later" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });
});
