import { checkLedger, type Database } from "@store/db";
import { TRPCError } from "@trpc/server";
import { buildVariableMeasureBarcode, withCheckDigit } from "@store/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Services } from "../../services";
import { purgeExpiredKeys } from "../../services/idempotency";
import { callerAs, type Fixture } from "../../testing/fixture";
import { availableOf, stockSnapshot } from "../../testing/snapshot";
import { closeFixtureStore, openFixtureStore } from "../../testing/fixture-store";

let db: Database & { drop(): Promise<void> };
let services: Services;
let fixture: Fixture;

beforeAll(async () => {
  ({ db, services, fixture } = await openFixtureStore());
});
afterAll(() => closeFixtureStore({ db, services }));

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
        lines: [{ code: fixture.products.milk.code, quantity: "4" }],
        payment: card(4 * 1250),
      }),
    );
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toBe(`Cannot sell 4 of '${fixture.products.milk.code}' (Whole milk 1 L): only 3 available`);
    expect(await stockSnapshot(db)).toEqual(before);
  });
});

describe("checkout.commit idempotency", () => {
  it("returns the first sale again for a retry with the same key, moving stock once", async () => {
    const { products, store } = fixture;
    const input = { idempotencyKey: newKey(), lines: [{ code: products.cola.code, quantity: "2" }], payment: card(700) };
    const before = await availableOf(db, store.id, products.cola.id);
    const first = await (await kiosk()).checkout.commit(input);
    const movementsAfterFirst = await db.prisma.stockMovement.count();
    const retry = await (await kiosk()).checkout.commit(input);
    expect(retry).toEqual(first);
    expect(await availableOf(db, store.id, products.cola.id)).toBe(before - 2);
    expect(await db.prisma.stockMovement.count()).toBe(movementsAfterFirst);
    expect(await db.prisma.sale.count({ where: { idempotencyKey: input.idempotencyKey } })).toBe(1);
  });

  it("refuses the same key with a different cart, changing nothing", async () => {
    const { products } = fixture;
    const idempotencyKey = newKey();
    await (await kiosk()).checkout.commit({ idempotencyKey, lines: [{ code: products.cola.code }], payment: card(350) });
    const before = await stockSnapshot(db);
    const error = await errorOf(
      (await kiosk()).checkout.commit({ idempotencyKey, lines: [{ code: products.cola.code, quantity: "2" }], payment: card(700) }),
    );
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toBe(`Idempotency key '${idempotencyKey}' was already used with a different request`);
    expect(await stockSnapshot(db)).toEqual(before);
  });

  it("records one sale when retries with the same key race each other", async () => {
    const { products, store } = fixture;
    const input = { idempotencyKey: newKey(), lines: [{ code: products.cola.code }], payment: card(350) };
    const before = await availableOf(db, store.id, products.cola.id);
    const sales = await Promise.all(Array.from({ length: 6 }, async () => (await kiosk()).checkout.commit(input)));
    expect(new Set(sales.map((sale) => sale.id)).size).toBe(1);
    expect(await db.prisma.sale.count({ where: { idempotencyKey: input.idempotencyKey } })).toBe(1);
    expect(await availableOf(db, store.id, products.cola.id)).toBe(before - 1);
  });

  it("keeps keys 24 hours; after the purge a key still cannot name a second sale", async () => {
    const { products } = fixture;
    const idempotencyKey = newKey();
    const sale = await (await kiosk()).checkout.commit({ idempotencyKey, lines: [{ code: products.cola.code }], payment: card(350) });
    expect(await purgeExpiredKeys(db, new Date(Date.now() + 23 * 3600_000))).toBe(0);
    expect(await purgeExpiredKeys(db, new Date(Date.now() + 25 * 3600_000))).toBeGreaterThan(0);
    const before = await stockSnapshot(db);
    const error = await errorOf(
      (await kiosk()).checkout.commit({ idempotencyKey, lines: [{ code: products.cola.code, quantity: "2" }], payment: card(700) }),
    );
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toBe(`Idempotency key '${idempotencyKey}' was already used for sale #${sale.number}`);
    expect(await stockSnapshot(db)).toEqual(before);
  });

  it("refuses a payment reference already recorded on another sale", async () => {
    const ref = newKey();
    await (await kiosk()).checkout.commit({ idempotencyKey: newKey(), lines: [{ code: fixture.products.cola.code }], payment: card(350, ref) });
    const before = await stockSnapshot(db);
    const error = await errorOf(
      (await kiosk()).checkout.commit({ idempotencyKey: newKey(), lines: [{ code: fixture.products.cola.code }], payment: card(350, ref) }),
    );
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toMatch(new RegExp(`Payment '${ref}' of sim is already recorded on sale #\\d+`));
    expect(await stockSnapshot(db)).toEqual(before);
  });
});

describe("checkout bad input", () => {
  const milk = () => fixture.products.milk.code;
  const cases: Array<[string, () => { code: string; quantity?: string }, string, RegExp | string]> = [
    ["an unknown barcode", () => ({ code: withCheckDigit("400638133393") }), "NOT_FOUND", /^Unknown barcode '4006381333931': no product has GTIN 04006381333931$/],
    ["a bad check digit", () => ({ code: `${milk().slice(0, 12)}${(Number(milk().at(12)) + 1) % 10}` }), "BAD_REQUEST", /^Bad check digit in '\d{13}'/],
    ["letters instead of digits", () => ({ code: "69O1234567892" }), "BAD_REQUEST", /only digits are allowed/],
    ["a negative quantity", () => ({ code: milk(), quantity: "-1" }), "BAD_REQUEST", /must not be negative for '\d+' \(Whole milk 1 L\)/],
    ["a fractional count", () => ({ code: milk(), quantity: "1.5" }), "BAD_REQUEST", /Quantity '1.5' of '\d+' \(Whole milk 1 L\) must be a whole number/],
    ["a zero count", () => ({ code: milk(), quantity: "0" }), "BAD_REQUEST", /must be greater than zero/],
    ["a zero weight", () => ({ code: "4011", quantity: "0" }), "BAD_REQUEST", /must be greater than zero/],
    ["a negative weight", () => ({ code: "4011", quantity: "-250" }), "BAD_REQUEST", /must not be negative/],
    ["a weighed item without weight", () => ({ code: "4011" }), "BAD_REQUEST", /is sold by weight: send its weight in grams/],
    ["a GS1 label with a bad check digit", () => ({ code: `${fixture.labels.salmonWeight.slice(0, 12)}${(Number(fixture.labels.salmonWeight.at(12)) + 1) % 10}` }), "BAD_REQUEST", /Bad check digit in '20\d{11}' \(variable-measure EAN-13\)/],
    ["a GS1 label with an unknown prefix", () => ({ code: withCheckDigit("230123400100") }), "BAD_REQUEST", /No variable-measure rule for/],
    ["a GS1 label with a zero weight", () => ({ code: withCheckDigit("201234500000") }), "BAD_REQUEST", /carries a zero weight/],
    ["a GS1 label with a quantity", () => ({ code: fixture.labels.salmonWeight, quantity: "2" }), "BAD_REQUEST", /already carries its weight/],
    ["a GS1 label of an unknown product", () => ({ code: buildVariableMeasureBarcode({ itemReference: "2099999", weightG: 100_000 }) }), "NOT_FOUND", /no product has item reference 2099999/],
    ["a product no longer sold", () => ({ code: fixture.products.discontinued.code }), "PRECONDITION_FAILED", /\(Discontinued cream\) is no longer sold/],
    ["a product without a price", () => ({ code: fixture.products.unpriced.code }), "PRECONDITION_FAILED", /\(New butter\) has no price in store S001/],
  ];

  it.each(cases)("%s gets a clear error and changes nothing", async (_name, line, code, message) => {
    const before = await stockSnapshot(db);
    const error = await errorOf(
      (await kiosk()).checkout.commit({ idempotencyKey: newKey(), lines: [{ code: fixture.products.cola.code }, line()], payment: card(10_000) }),
    );
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(await stockSnapshot(db)).toEqual(before);
    expect((await checkLedger(db.prisma)).ok).toBe(true);
  });

  it("a caller without the kiosk role is refused and changes nothing", async () => {
    const before = await stockSnapshot(db);
    const error = await errorOf(
      (await callerAs(services, fixture.actors.ATTENDANT)).checkout.commit({ idempotencyKey: newKey(), lines: [{ code: milk() }], payment: card(1250) }),
    );
    expect(error.code).toBe("FORBIDDEN");
    expect(await stockSnapshot(db)).toEqual(before);
  });

  it("input that does not fit the schema is refused with the zod issues", async () => {
    const error = await errorOf((await kiosk()).checkout.quote({ lines: [] }));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.cause).toBeDefined();
  });
});

describe("checkout.commit under concurrency and price changes", () => {
  it("refuses only the bad sale among concurrent ones written together", async () => {
    const { products, store } = fixture;
    const usedRef = newKey();
    await (await kiosk()).checkout.commit({ idempotencyKey: newKey(), lines: [{ code: products.cola.code }], payment: card(350, usedRef) });
    const before = await availableOf(db, store.id, products.cola.id);
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, async (_, index) =>
        (await kiosk()).checkout
          .commit({ idempotencyKey: newKey(), lines: [{ code: products.cola.code }], payment: card(350, index === 3 ? usedRef : newKey()) })
          .then(
            () => "sold",
            (error: unknown) => (error instanceof TRPCError ? error.code : "unexpected"),
          ),
      ),
    );
    expect(outcomes.filter((outcome) => outcome === "sold")).toHaveLength(7);
    expect(outcomes[3]).toBe("CONFLICT");
    expect(await availableOf(db, store.id, products.cola.id)).toBe(before - 7);
    expect((await checkLedger(db.prisma)).ok).toBe(true);
  });

  it("charges the price-book price in force when the sale is written, even right after a change", async () => {
    const { products } = fixture;
    const manager = await callerAs(services, fixture.actors.MANAGER);
    const sell = (amountMinor: number) =>
      kiosk().then((caller) =>
        caller.checkout.commit({ idempotencyKey: newKey(), lines: [{ code: products.yogurt.code }], payment: card(amountMinor) }),
      );
    await manager.stock.receive({ idempotencyKey: newKey(), product: { productId: products.yogurt.id }, location: { locationCode: "A1-2-1" }, quantity: "10" });
    expect((await sell(990)).totalMinor).toBe(990);

    await manager.prices.set({ idempotencyKey: newKey(), productId: products.yogurt.id, priceMinor: 1090 });
    const before = await stockSnapshot(db);
    await expect(sell(990)).rejects.toMatchObject({ code: "BAD_REQUEST", message: /does not match the sale total/ });
    expect(await stockSnapshot(db)).toEqual(before);
    expect((await sell(1090)).lines[0]).toMatchObject({ unitPriceMinor: 1090, totalMinor: 1090 });

    await manager.prices.set({ idempotencyKey: newKey(), productId: products.yogurt.id, priceMinor: 990 });
    await expect(sell(1090)).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect((await sell(990)).totalMinor).toBe(990);
  });

  it("applies a promotion that starts after the product's facts were last read", async () => {
    const { products, store } = fixture;
    const sell = (quantity: string, amountMinor: number) =>
      kiosk().then((caller) =>
        caller.checkout.commit({ idempotencyKey: newKey(), lines: [{ code: products.milk.code, quantity }], payment: card(amountMinor) }),
      );
    await (await callerAs(services, fixture.actors.MANAGER)).stock.receive({
      idempotencyKey: newKey(), product: { productId: products.milk.id }, location: { locationCode: "A1-1-1" }, quantity: "10",
    });
    expect((await sell("2", 2500)).discountMinor).toBe(0);
    await db.prisma.promotion.create({
      data: {
        storeId: store.id, code: "MILK-10", nameEn: "Milk 10% off", nameZh: "牛奶九折", kind: "PERCENT_OFF", percentOffBp: 1000,
        startsAt: new Date(Date.now() - 1000), items: { create: [{ productId: products.milk.id }] },
      },
    });
    await expect(sell("2", 2500)).rejects.toMatchObject({ code: "BAD_REQUEST", message: /does not match the sale total/ });
    const discounted = await sell("2", 2250);
    expect(discounted.lines[0]).toMatchObject({ discountMinor: 250, promotionCodes: ["MILK-10"] });
  });
});

it("leaves the ledger summing to every balance, and reservations to what is reserved", async () => {
  expect(await checkLedger(db.prisma)).toEqual({ ok: true, mismatches: [] });
});
