import { checkLedger, createTestDatabase, type Database } from "@store/db";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServices, type Services } from "../../services";
import { buildFixture, callerAs, type Fixture } from "../../testing/fixture";
import { availableOf, stockSnapshot } from "../../testing/snapshot";

let db: Database & { drop(): Promise<void> };
let services: Services;
let fixture: Fixture;

beforeAll(async () => {
  db = await createTestDatabase();
  services = createServices(db);
  fixture = await buildFixture(db);
});

afterAll(async () => {
  await services?.close();
  await db?.drop();
});

const kiosk = () => callerAs(services, fixture.actors.KIOSK);
let keyCounter = 0;
const newKey = () => `test-key-${process.pid}-${++keyCounter}`;
const card = (amountMinor: number, ref = newKey()) => ({ method: "CARD" as const, provider: "sim", providerRef: ref, amountMinor });

async function errorOf(promise: Promise<unknown>): Promise<TRPCError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCError) return error;
    throw error;
  }
  throw new Error("expected the call to fail");
}

describe("checkout.quote", () => {
  it("prices every barcode form, weighed produce, labels and promotions from the price book", async () => {
    const { products, labels } = fixture;
    const quote = await (await kiosk()).checkout.quote({
      lines: [
        { code: products.milk.code },
        { code: `0${products.cola.code}`, quantity: "3" },
        { code: "4011", quantity: "1250" },
        { code: labels.salmonWeight },
        { code: labels.cakePrice },
      ],
    });
    expect(quote.lines.map((line) => [line.sku, line.quantity, line.grossMinor, line.discountMinor, line.totalMinor])).toEqual([
      ["DAIRY-MILK-1L", "1", 1250, 0, 1250],
      ["DRINK-COLA-330", "3", 1050, 350, 700],
      ["PRODUCE-BANANA", "1250", 873, 0, 873],
      ["SEAFOOD-SALMON", "523", 8263, 0, 8263],
      ["BAKERY-CAKE", "1", 1850, 0, 1850],
    ]);
    expect(quote.lines[1]?.promotionCodes).toEqual(["COLA-3FOR2"]);
    expect(quote.totalMinor).toBe(1250 + 700 + 873 + 8263 + 1850);
    expect(quote.discountMinor).toBe(350);
  });
});

describe("checkout.commit", () => {
  it("commits a sale: stock leaves the home shelf first, the ledger and payment are recorded", async () => {
    const { products, store, locations } = fixture;
    const before = await availableOf(db, store.id, products.yogurt.id);
    const sale = await (await kiosk()).checkout.commit({
      idempotencyKey: newKey(),
      lines: [{ code: products.yogurt.code, quantity: "2" }],
      payment: card(1980),
    });
    expect(sale).toMatchObject({ totalMinor: 1980, payment: { status: "CAPTURED", amountMinor: 1980 } });
    expect(sale.number).toBeGreaterThan(0);
    expect(await availableOf(db, store.id, products.yogurt.id)).toBe(before - 2);
    const movements = await db.prisma.stockMovement.findMany({ where: { reference: `sale:${sale.id}` } });
    expect(movements.map((m) => [m.locationId, m.delta.toString(), m.reason])).toEqual([[locations.endcap.id, "-2", "SALE"]]);
    expect((await checkLedger(db.prisma)).ok).toBe(true);
  });

  it("splits a line across sellable locations when the home shelf runs short, never from the backroom", async () => {
    const { products, store, locations } = fixture;
    const sale = await (await kiosk()).checkout.commit({
      idempotencyKey: newKey(),
      lines: [{ code: products.milk.code, quantity: "12" }],
      payment: card(12 * 1250),
    });
    const movements = await db.prisma.stockMovement.findMany({ where: { reference: `sale:${sale.id}` }, orderBy: { delta: "asc" } });
    expect(movements.map((m) => [m.locationId, m.delta.toString()])).toEqual([
      [locations.shelf.id, "-10"],
      [locations.endcap.id, "-2"],
    ]);
    expect(await availableOf(db, store.id, products.milk.id)).toBe(3);
  });

  it("refuses a payment that does not match the total, changing nothing", async () => {
    const before = await stockSnapshot(db);
    const error = await errorOf(
      (await kiosk()).checkout.commit({ idempotencyKey: newKey(), lines: [{ code: fixture.products.cola.code }], payment: card(100) }),
    );
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toMatch(/does not match the sale total/);
    expect(await stockSnapshot(db)).toEqual(before);
  });

  it("refuses to sell more than is available, naming the product", async () => {
    const before = await stockSnapshot(db);
    const error = await errorOf(
      (await kiosk()).checkout.commit({
        idempotencyKey: newKey(),
        lines: [{ code: fixture.products.wine.code, quantity: "7" }],
        payment: card(7 * 8800),
      }),
    );
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toBe(`Cannot sell 7 of '${fixture.products.wine.code}' (Red wine 750 ml): only 6 available`);
    expect(await stockSnapshot(db)).toEqual(before);
  });
});
