import { checkLedger, type Database } from "@store/db";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Services } from "./services";
import { callerAs, type Fixture } from "./testing/fixture";
import { availableOf } from "./testing/snapshot";
import { closeFixtureStore, openFixtureStore } from "./testing/fixture-store";

/**
 * The shared pool under contention: kiosks selling and the customer app reserving the same
 * last units at the same time. Exactly the units there are may go, every other buyer gets a
 * clean refusal, and the ledger still sums to the balances.
 */

let db: Database & { drop(): Promise<void> };
let services: Services;
let fixture: Fixture;

beforeAll(async () => {
  ({ db, services, fixture } = await openFixtureStore());
});
afterAll(() => closeFixtureStore({ db, services }));

let counter = 0;
const key = (kind: string) => `${kind}-${process.pid}-${++counter}`;

/** Leaves exactly `units` of yogurt free on its home shelf, besides what orders hold. */
async function lastUnits(units: number) {
  const { reserved } = await db.prisma.stockBalance.findUniqueOrThrow({
    where: { productId_locationId: { productId: fixture.products.yogurt.id, locationId: fixture.locations.endcap.id } },
  });
  const manager = await callerAs(services, fixture.actors.MANAGER);
  await manager.stock.count({
    idempotencyKey: key("count"),
    product: { productId: fixture.products.yogurt.id },
    location: { locationId: fixture.locations.endcap.id },
    countedQuantity: String(reserved.toNumber() + units),
  });
}

async function race(buyers: number) {
  const { products } = fixture;
  const attempts = Array.from({ length: buyers }, async (_, index) => {
    try {
      if (index % 2 === 0) {
        await (await callerAs(services, fixture.actors.KIOSK)).checkout.commit({
          idempotencyKey: key("sale"),
          lines: [{ code: products.cola.code }, { code: products.yogurt.code }],
          payment: { method: "QR", provider: "sim", providerRef: key("pay"), amountMinor: 350 + 990 },
        });
        return "sold";
      }
      await (await callerAs(services, fixture.actors.CHANNEL)).orders.place({
        idempotencyKey: key("order"),
        customer: { name: `Buyer ${index}` },
        delivery: { address: "1 Test Road", lat: 31.231, lng: 121.474 },
        lines: [{ code: products.yogurt.code, quantity: "1", substitution: "NONE" }],
        payment: { method: "CARD" as const, instrument: "4242424242424242" },
      });
      return "reserved";
    } catch (error) {
      if (error instanceof TRPCError && error.code === "CONFLICT") return "refused";
      throw error;
    }
  });
  return Promise.all(attempts);
}

describe("never oversell", () => {
  it.each([1, 3])("%i last unit(s), 12 concurrent kiosk sales and order reservations: exactly that many succeed", async (units) => {
    await (await callerAs(services, fixture.actors.MANAGER)).stock.receive({
      idempotencyKey: key("receive"),
      product: { productId: fixture.products.cola.id },
      location: { locationId: fixture.locations.shelf.id },
      quantity: "12",
    });
    await lastUnits(units);
    const outcomes = await race(12);
    expect(outcomes.filter((outcome) => outcome !== "refused")).toHaveLength(units);
    expect(outcomes.filter((outcome) => outcome === "refused")).toHaveLength(12 - units);
    expect(await availableOf(db, fixture.store.id, fixture.products.yogurt.id)).toBe(0);
    const balance = await db.prisma.stockBalance.findUniqueOrThrow({
      where: { productId_locationId: { productId: fixture.products.yogurt.id, locationId: fixture.locations.endcap.id } },
    });
    expect(balance.onHand.toNumber()).toBeGreaterThanOrEqual(0);
    expect(balance.reserved.toNumber()).toBeLessThanOrEqual(balance.onHand.toNumber());
    expect((await checkLedger(db.prisma)).ok).toBe(true);
  });

  it("a cancelled order's units can be sold again", async () => {
    await lastUnits(1);
    const channel = await callerAs(services, fixture.actors.CHANNEL);
    const placed = await channel.orders.place({
      idempotencyKey: key("order"),
      customer: { name: "Wang Fang" },
      delivery: { address: "1 Test Road", lat: 31.231, lng: 121.474 },
      lines: [{ code: fixture.products.yogurt.code, quantity: "1", substitution: "NONE" }],
      payment: { method: "CARD" as const, instrument: "4242424242424242" },
    });
    const kiosk = await callerAs(services, fixture.actors.KIOSK);
    const sale = () =>
      kiosk.checkout.commit({
        idempotencyKey: key("sale"),
        lines: [{ code: fixture.products.yogurt.code }],
        payment: { method: "CARD", provider: "sim", providerRef: key("pay"), amountMinor: 990 },
      });
    await expect(sale()).rejects.toMatchObject({ code: "CONFLICT", message: /only 0 available/ });
    await channel.orders.cancel({ orderId: placed.id });
    await expect(sale()).resolves.toMatchObject({ totalMinor: 990 });
    expect(await availableOf(db, fixture.store.id, fixture.products.yogurt.id)).toBe(0);
    expect((await checkLedger(db.prisma)).ok).toBe(true);
  });
});

it("leaves the ledger summing to every balance, and reservations to what is reserved", async () => {
  expect(await checkLedger(db.prisma)).toEqual({ ok: true, mismatches: [] });
});
