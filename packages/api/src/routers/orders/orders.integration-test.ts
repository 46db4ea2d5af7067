import { checkLedger, type Database } from "@store/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../../auth/actor";
import type { Services } from "../../services";
import { callerAs, type Fixture } from "../../testing/fixture";
import { availableOf, stockSnapshot } from "../../testing/snapshot";
import { closeFixtureStore, openFixtureStore } from "../../testing/fixture-store";

let db: Database & { drop(): Promise<void> };
let services: Services;
let fixture: Fixture;

beforeAll(async () => {
  ({ db, services, fixture } = await openFixtureStore({ reservationGraceMin: 15 }));
});
afterAll(() => closeFixtureStore({ db, services }));

let counter = 0;
const channel = () => callerAs(services, fixture.actors.CHANNEL);
const nearby = { address: "88 Nanjing West Road", lat: 31.2352, lng: 121.4702 };
const order = (lines: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}) => ({
  idempotencyKey: `order-${process.pid}-${++counter}`,
  customer: { name: "Li Wei", phone: "13800000000" },
  delivery: nearby,
  lines: lines as never,
  payment: { method: "CARD" as const, instrument: "4242424242424242" },
  ...extra,
});

describe("orders.place", () => {
  it("reserves every line from the shared pool with a promise time and an expiry", async () => {
    const { products, store } = fixture;
    const before = await availableOf(db, store.id, products.wine.id);
    const placed = await (
      await channel()
    ).orders.place(
      order([
        {
          code: products.wine.code,
          quantity: "2",
          substitution: "SPECIFIC",
          preferredSubstituteCode: products.milk.code,
        },
        { productId: products.bananas.id, quantity: "750", substitution: "NONE" },
      ]),
    );
    expect(placed.status).toBe("RESERVED");
    expect(placed.number).toBeGreaterThan(0);
    expect(Date.parse(placed.promisedAt) - Date.parse(placed.placedAt)).toBe(30 * 60_000);
    expect(Date.parse(placed.reservationExpiresAt!) - Date.parse(placed.promisedAt)).toBe(15 * 60_000);
    expect(placed.estimatedTotalMinor).toBe(2 * 8800 + 524);
    expect(
      placed.lines.map((line) => [
        line.sku,
        line.quantity,
        line.substitution,
        line.preferredSubstituteId,
        line.reservations.map((r) => r.quantity),
      ]),
    ).toEqual([
      ["ALC-WINE-750", "2", "SPECIFIC", products.milk.id, ["2"]],
      ["PRODUCE-BANANA", "750", "NONE", null, ["750"]],
    ]);
    expect(await availableOf(db, store.id, products.wine.id)).toBe(before - 2);
    expect(await (await channel()).orders.get({ orderId: placed.id })).toEqual(placed);
    expect((await checkLedger(db.prisma)).ok).toBe(true);
  });

  it("reserves all lines or none", async () => {
    const before = await stockSnapshot(db);
    await expect(
      (await channel()).orders.place(
        order([
          { code: fixture.products.cola.code, quantity: "1" },
          { code: fixture.products.yogurt.code, quantity: "4" },
        ]),
      ),
    ).rejects.toMatchObject({
      code: "CONFLICT",
      message: `Cannot reserve 4 of '${fixture.products.yogurt.code}' (Plain yogurt 500 g): only 3 left`,
    });
    expect(await stockSnapshot(db)).toEqual(before);
  });

  it("refuses addresses beyond the delivery radius", async () => {
    const before = await stockSnapshot(db);
    await expect(
      (await channel()).orders.place(
        order([{ code: fixture.products.cola.code, quantity: "1" }], {
          delivery: { address: "Hongqiao Airport", lat: 31.1979, lng: 121.3363 },
        }),
      ),
    ).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      message: /km from store S001, which delivers within 3.0 km/,
    });
    expect(await stockSnapshot(db)).toEqual(before);
  });

  it("refuses unknown products and substitutes named without a SPECIFIC preference", async () => {
    const before = await stockSnapshot(db);
    await expect(
      (await channel()).orders.place(
        order([{ productId: "00000000-0000-4000-8000-000000000000", quantity: "1" }]),
      ),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "Unknown product 00000000-0000-4000-8000-000000000000",
    });
    await expect(
      (await channel()).orders.place(
        order([{ code: fixture.products.cola.code, quantity: "1", preferredSubstituteCode: "4011" }]),
      ),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: /substitution preference is BEST_MATCH, not SPECIFIC/,
    });
    await expect(
      (await channel()).orders.place(order([{ code: fixture.products.cola.code, quantity: "0.5" }])),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await stockSnapshot(db)).toEqual(before);
  });

  it("returns the first order for a retried key and refuses the key with another order", async () => {
    const input = order([{ code: fixture.products.cola.code, quantity: "1" }]);
    const first = await (await channel()).orders.place(input);
    const before = await stockSnapshot(db);
    expect(await (await channel()).orders.place(input)).toEqual(first);
    expect(await stockSnapshot(db)).toEqual(before);
    await expect(
      (await channel()).orders.place({
        ...input,
        lines: [{ code: fixture.products.cola.code, quantity: "2", substitution: "BEST_MATCH" }],
      }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
      message: `Idempotency key '${input.idempotencyKey}' was already used with a different request`,
    });
    expect(await stockSnapshot(db)).toEqual(before);
  });
});

describe("orders.cancel and expiry", () => {
  it("cancelling gives the reserved units back, once", async () => {
    const { products, store } = fixture;
    const before = await availableOf(db, store.id, products.cake.id);
    const placed = await (
      await channel()
    ).orders.place(order([{ productId: products.cake.id, quantity: "3" }]));
    expect(await availableOf(db, store.id, products.cake.id)).toBe(before - 3);
    const cancelled = await (
      await channel()
    ).orders.cancel({ orderId: placed.id, reason: "Customer changed their mind" });
    expect(cancelled).toMatchObject({ status: "CANCELLED", cancelReason: "Customer changed their mind" });
    expect(cancelled.lines[0]?.reservations.map((r) => r.status)).toEqual(["RELEASED"]);
    expect(await availableOf(db, store.id, products.cake.id)).toBe(before);
    expect((await (await channel()).orders.cancel({ orderId: placed.id })).status).toBe("CANCELLED");
    expect(await availableOf(db, store.id, products.cake.id)).toBe(before);
    expect((await checkLedger(db.prisma)).ok).toBe(true);
  });

  it("expiry releases reservations past promise + grace and cancels those orders", async () => {
    const { products, store } = fixture;
    const before = await availableOf(db, store.id, products.cola.id);
    const placed = await (await channel()).orders.place(order([{ code: products.cola.code, quantity: "4" }]));
    const notYet = await services.orders.expireReservations(
      systemActor(store.id),
      new Date(Date.parse(placed.reservationExpiresAt!) - 1000),
    );
    expect(notYet.expiredOrders).not.toContain(placed.number);
    expect(await availableOf(db, store.id, products.cola.id)).toBe(before - 4);
    const due = await services.orders.expireReservations(
      systemActor(store.id),
      new Date(Date.parse(placed.reservationExpiresAt!) + 1000),
    );
    expect(due.expiredOrders).toContain(placed.number);
    expect(await availableOf(db, store.id, products.cola.id)).toBeGreaterThanOrEqual(before);
    const after = await (await channel()).orders.get({ orderId: placed.id });
    expect(after.status).toBe("CANCELLED");
    expect(after.cancelReason).toMatch(/^Reservation expired at/);
    expect(after.lines[0]?.reservations.map((r) => r.status)).toEqual(["EXPIRED"]);
    expect((await checkLedger(db.prisma)).ok).toBe(true);
  });

  it("lists orders newest first, a page at a time", async () => {
    const manager = await callerAs(services, fixture.actors.MANAGER);
    const first = await manager.orders.list({ limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.items[0]!.number).toBeGreaterThan(first.items[1]!.number);
    const next = await manager.orders.list({ limit: 2, cursor: first.nextCursor! });
    expect(next.items[0]!.number).toBeLessThan(first.items[1]!.number);
    const cancelled = await manager.orders.list({ status: ["CANCELLED"], limit: 50 });
    expect(cancelled.items.every((item) => item.status === "CANCELLED")).toBe(true);
  });
});

it("leaves the ledger summing to every balance, and reservations to what is reserved", async () => {
  expect(await checkLedger(db.prisma)).toEqual({ ok: true, mismatches: [] });
});
