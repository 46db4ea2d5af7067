import { checkLedger, type Database } from "@store/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Services } from "../../services";
import { callerAs, type Fixture } from "../../testing/fixture";
import { stockSnapshot } from "../../testing/snapshot";
import { closeFixtureStore, openFixtureStore } from "../../testing/fixture-store";

let db: Database & { drop(): Promise<void> };
let services: Services;
let fixture: Fixture;

beforeAll(async () => {
  ({ db, services, fixture } = await openFixtureStore());
});
afterAll(() => closeFixtureStore({ db, services }));

let counter = 0;
const key = () => `stock-${process.pid}-${++counter}`;
const manager = () => callerAs(services, fixture.actors.MANAGER);

async function balance(productId: string, locationId: string) {
  const rows = (await (await manager()).stock.balances({ product: { productId }, limit: 50 })).items;
  return rows.find((row) => row.locationId === locationId);
}

describe("stock writes", () => {
  it("receives into a location that held none of the product, with a RECEIVE movement", async () => {
    const { products, locations } = fixture;
    const change = await (await manager()).stock.receive({
      idempotencyKey: key(),
      product: { code: products.wine.code },
      location: { locationCode: "BR-1" },
      quantity: "24",
      note: "Delivery note 4711",
    });
    expect(change.movements).toEqual([
      expect.objectContaining({ locationCode: "BR-1", reason: "RECEIVE", delta: "24", onHand: "24", available: "24" }),
    ]);
    expect(await balance(products.wine.id, locations.backroom.id)).toMatchObject({ onHand: "24", sellable: false });
    const ledger = await (await manager()).stock.ledger({ reference: change.reference });
    expect(ledger.items.map((m) => [m.reason, m.delta, m.note])).toEqual([["RECEIVE", "24", "Delivery note 4711"]]);
  });

  it("transfers between locations as a pair of movements and refuses to move reserved or missing stock", async () => {
    const { products, locations } = fixture;
    const change = await (await manager()).stock.transfer({
      idempotencyKey: key(),
      product: { productId: products.milk.id },
      from: { locationId: locations.backroom.id },
      to: { locationId: locations.shelf.id },
      quantity: "6",
    });
    expect(change.movements.map((m) => [m.locationCode, m.reason, m.delta])).toEqual([
      ["BR-1", "TRANSFER_OUT", "-6"],
      ["A1-1-1", "TRANSFER_IN", "6"],
    ]);
    const before = await stockSnapshot(db);
    await expect(
      (await manager()).stock.transfer({
        idempotencyKey: key(),
        product: { productId: products.milk.id },
        from: { locationId: locations.backroom.id },
        to: { locationId: locations.shelf.id },
        quantity: "100",
      }),
    ).rejects.toMatchObject({ code: "CONFLICT", message: `Cannot transfer 100 of '${products.milk.sku}' (Whole milk 1 L) from BR-1: only 34 available` });
    expect(await stockSnapshot(db)).toEqual(before);
  });

  it("adjusts with a reason whose direction must match, and never below zero", async () => {
    const { products, locations } = fixture;
    await (await manager()).stock.adjust({
      idempotencyKey: key(),
      product: { code: "4011" },
      location: { locationCode: "A1-1-1" },
      delta: "-1250.5",
      reason: "SHRINK_DAMAGED",
      note: "Bruised",
    });
    expect(await balance(products.bananas.id, locations.shelf.id)).toMatchObject({ onHand: "48749.5" });
    const before = await stockSnapshot(db);
    await expect(
      (await manager()).stock.adjust({ idempotencyKey: key(), product: { code: "4011" }, location: { locationCode: "A1-1-1" }, delta: "5", reason: "SHRINK_THEFT" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: "SHRINK_THEFT removes stock: its delta must be negative, got 5" });
    await expect(
      (await manager()).stock.adjust({ idempotencyKey: key(), product: { code: "4011" }, location: { locationCode: "A1-1-1" }, delta: "-60000", reason: "SHRINK_EXPIRED" }),
    ).rejects.toMatchObject({ code: "CONFLICT", message: "Cannot remove 60000 g of '4011' (Bananas) at A1-1-1: only 48749.5 g on hand" });
    await expect(
      (await manager()).stock.adjust({ idempotencyKey: key(), product: { code: "4011" }, location: { locationCode: "Z9-9-9" }, delta: "1", reason: "ADJUST_FOUND" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND", message: "Unknown location 'Z9-9-9' in this store" });
    await expect(
      (await manager()).stock.adjust({ idempotencyKey: key(), product: { productId: products.milk.id }, location: { locationCode: "A1-1-1" }, delta: "0.5", reason: "ADJUST_FOUND" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: /must be a whole number/ });
    expect(await stockSnapshot(db)).toEqual(before);
  });

  it("counts: the balance becomes the count and the ledger gets the difference as a COUNT movement", async () => {
    const { products, locations } = fixture;
    const counted = await (await manager()).stock.count({
      idempotencyKey: key(),
      product: { productId: products.cola.id },
      location: { locationId: locations.shelf.id },
      countedQuantity: "20",
    });
    expect(counted.movements).toEqual([expect.objectContaining({ reason: "COUNT", delta: "-4", onHand: "20" })]);
    const confirmed = await (await manager()).stock.count({
      idempotencyKey: key(),
      product: { productId: products.cola.id },
      location: { locationId: locations.shelf.id },
      countedQuantity: "20",
    });
    expect(confirmed.movements).toEqual([]);
    expect((await checkLedger(db.prisma)).ok).toBe(true);
  });

  it("replays a retried write and refuses its key for a different one", async () => {
    const input = { idempotencyKey: key(), product: { productId: fixture.products.cola.id }, location: { locationCode: "A1-1-1" }, quantity: "2" };
    const first = await (await manager()).stock.receive(input);
    const before = await stockSnapshot(db);
    expect(await (await manager()).stock.receive(input)).toEqual(first);
    await expect((await manager()).stock.receive({ ...input, quantity: "3" })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await stockSnapshot(db)).toEqual(before);
  });
});

describe("stock reads", () => {
  it("pages through balances and the ledger with cursors", async () => {
    const picker = await callerAs(services, fixture.actors.PICKER);
    const all = (await picker.stock.balances({ limit: 200 })).items;
    const pages = [];
    let cursor: string | undefined;
    do {
      const page = await picker.stock.balances({ limit: 3, ...(cursor ? { cursor } : {}) });
      pages.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(pages).toEqual(all);
    expect(all.every((row) => Number(row.available) === Number(row.onHand) - Number(row.reserved))).toBe(true);

    const ledger = await picker.stock.ledger({ limit: 4 });
    const older = await picker.stock.ledger({ limit: 4, cursor: ledger.nextCursor! });
    expect(BigInt(older.items[0]!.id)).toBeLessThan(BigInt(ledger.items[3]!.id));
    await expect(picker.stock.ledger({ cursor: "abc" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect((await checkLedger(db.prisma)).ok).toBe(true);
  });
});

it("leaves the ledger summing to every balance, and reservations to what is reserved", async () => {
  expect(await checkLedger(db.prisma)).toEqual({ ok: true, mismatches: [] });
});
