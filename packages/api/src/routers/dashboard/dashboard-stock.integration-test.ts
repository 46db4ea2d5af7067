import { checkLedger, type Database } from "@store/db";
import { withCheckDigit } from "@store/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SimulatedTerminal, TEST_INSTRUMENTS } from "../../payments";
import type { Services } from "../../services";
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
let counter = 0;
const key = (what: string) => `dash-${what}-${process.pid}-${++counter}`;

/** Every product the dashboard lists, by English name as its pages come. */
async function everyName(filters: Record<string, unknown> = {}): Promise<string[]> {
  const names: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await (
      await manager()
    ).dashboard.stock({ ...filters, limit: 2, ...(cursor ? { cursor } : {}) });
    names.push(...page.items.map((item) => item.nameEn));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return names;
}

async function setThreshold(productId: string, threshold: string) {
  await db.prisma.product.update({ where: { id: productId }, data: { lowStockThreshold: threshold } });
}

describe("dashboard.stock", () => {
  it("lists every product of the store with its stock per kind of location and per location", async () => {
    const { products, locations } = fixture;
    const page = await (await manager()).dashboard.stock({ limit: 50 });
    // Eight active products and the discontinued cream, which still has two on a shelf.
    expect(page.total).toBe(9);
    const names = page.items.map((item) => item.nameEn);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(page.nextCursor).toBeNull();
    expect(page.lastEventId).toMatch(/^\d+$/);

    const milk = page.items.find((item) => item.id === products.milk.id);
    expect(milk).toMatchObject({
      sku: "DAIRY-MILK-1L",
      nameZh: "全脂牛奶 1升",
      active: true,
      category: { code: "dairy", nameEn: "Dairy", nameZh: "乳制品" },
      currency: "CNY",
      priceMinor: 1250,
      lowStockThreshold: "6",
      available: "15",
      low: false,
      byKind: {
        SHELF: { onHand: "15", reserved: "0", available: "15" },
        // The other store's seven cartons are not this store's.
        BACKROOM: { onHand: "40", reserved: "0", available: "40" },
        RECEIVING: { onHand: "0", reserved: "0", available: "0" },
        PACKING: { onHand: "0", reserved: "0", available: "0" },
      },
    });
    expect(
      milk?.locations.map((location) => [
        location.locationCode,
        location.kind,
        location.isHome,
        location.onHand,
      ]),
    ).toEqual([
      ["A1-1-1", "SHELF", true, "10"],
      ["A1-2-1", "SHELF", false, "5"],
      ["BR-1", "BACKROOM", false, "40"],
    ]);
    expect(milk?.locations[2]).toMatchObject({ locationId: locations.backroom.id, sellable: false });
    expect(page.items.find((item) => item.id === products.discontinued.id)).toMatchObject({
      active: false,
      available: "2",
    });
    expect(page.items.find((item) => item.id === products.unpriced.id)?.priceMinor).toBeNull();
  });

  it("pages through the same products in the same order as one page, with the total on every page", async () => {
    const whole = (await (await manager()).dashboard.stock({ limit: 50 })).items.map((item) => item.nameEn);
    expect(await everyName()).toEqual(whole);
    const first = await (await manager()).dashboard.stock({ limit: 4 });
    expect(first.items).toHaveLength(4);
    const second = await (
      await manager()
    ).dashboard.stock({ limit: 4, cursor: first.nextCursor ?? undefined });
    expect(second.total).toBe(first.total);
    expect(second.items[0]?.nameEn).toBe(whole[4]);
    await expect(
      (await manager()).dashboard.stock({ cursor: "00000000-0000-4000-8000-000000000000" }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: /is not a product id/,
    });
  });

  it("searches English and Chinese names, SKUs in any case, barcodes from their start and scans in any form", async () => {
    const { products } = fixture;
    const search = async (query: string, extra: Record<string, unknown> = {}) => {
      const page = await (await manager()).dashboard.stock({ query, ...extra });
      expect(page.total).toBe(page.items.length);
      return page.items.map((item) => item.sku).sort();
    };
    expect(await search("牛奶")).toEqual([products.milk.sku]);
    expect(await search("酸奶")).toEqual([products.yogurt.sku]);
    expect(await search("MILK")).toEqual([products.milk.sku]);
    expect(await search("dairy-y")).toEqual([products.yogurt.sku]);
    // Twelve digits of the EAN-13 on the can: stored as GTIN-14, found from the printed start.
    expect(await search(products.cola.code.slice(0, 12))).toEqual([products.cola.sku]);
    // The first digits of all the test store's own barcodes; the milk's old carton code is one of them.
    expect(await search("6901234567")).toEqual(
      [products.milk, products.cola, products.yogurt, products.wine, products.discontinued, products.unpriced]
        .map((product) => product.sku)
        .sort(),
    );
    expect(await search(fixture.otherBarcodes.milk)).toEqual([products.milk.sku]);
    expect(await search("4011")).toEqual([products.bananas.sku]);
    expect(await search("50%")).toEqual([]);
    expect(await search("a", { categoryCode: "produce" })).toEqual(
      [products.bananas.sku, products.salmon.sku].sort(),
    );
  });

  it("finds a product by its new name once renamed: the search text follows the names", async () => {
    const { products } = fixture;
    const skus = async (query: string) =>
      (await (await manager()).dashboard.stock({ query })).items.map((item) => item.sku);
    try {
      await db.prisma.product.update({
        where: { id: products.yogurt.id },
        data: { nameZh: "希腊酸奶 500克" },
      });
      expect(await skus("希腊")).toEqual([products.yogurt.sku]);
      expect(await skus("原味")).toEqual([]);
      // Written directly, it is still what the names say.
      await db.prisma.product.update({
        where: { id: products.yogurt.id },
        data: { searchText: "something else" },
      });
      expect(await skus("something")).toEqual([]);
      expect(await skus("GREEK")).toEqual([]);
      expect(await skus("plain YOGURT")).toEqual([products.yogurt.sku]);
    } finally {
      await db.prisma.product.update({
        where: { id: products.yogurt.id },
        data: { nameZh: "原味酸奶 500克" },
      });
    }
  });

  it("filters by kind of location and by low stock, summing every shelf before calling a product low", async () => {
    const { products } = fixture;
    const stock = async (filters: Record<string, unknown>) =>
      (await (await manager()).dashboard.stock({ ...filters, limit: 50 })).items.map((item) => item.sku);
    expect(await stock({ locationKind: "BACKROOM" })).toEqual([products.milk.sku]);
    expect((await stock({ locationKind: "SHELF" })).length).toBe(9);

    // Nothing is low: every product has more than its reorder point (0 when unset) free.
    expect(await stock({ lowStock: true })).toEqual([]);
    try {
      // 10 and 5 on two shelves are each under 12, but 15 together are not.
      await setThreshold(products.milk.id, "12");
      await setThreshold(products.yogurt.id, "3");
      expect(await stock({ lowStock: true })).toEqual([products.yogurt.sku]);
      // At the reorder point is low.
      await setThreshold(products.milk.id, "15");
      const low = await (
        await manager()
      ).dashboard.stock({ lowStock: true, locationKind: "BACKROOM", query: "milk" });
      expect(low.total).toBe(1);
      expect(low.items[0]).toMatchObject({ sku: products.milk.sku, low: true, available: "15" });
      expect(await everyName({ lowStock: true })).toEqual(["Plain yogurt 500 g", "Whole milk 1 L"]);
    } finally {
      await setThreshold(products.milk.id, "6");
      await setThreshold(products.yogurt.id, "0");
    }
  });

  it("shows what online orders hold: reserved leaves less available, and can make a product low", async () => {
    const { products } = fixture;
    const order = await (
      await callerAs(services, fixture.actors.CHANNEL)
    ).orders.place({
      idempotencyKey: key("order"),
      customer: { name: "Li Wei" },
      delivery: { address: "88 Nanjing West Road", lat: 31.2352, lng: 121.4702 },
      lines: [{ code: products.yogurt.code, quantity: "2" }],
      payment: { method: "CARD", instrument: TEST_INSTRUMENTS.approved },
    });
    try {
      await setThreshold(products.yogurt.id, "1");
      const page = await (await manager()).dashboard.stock({ query: products.yogurt.sku, lowStock: true });
      expect(page.items[0]).toMatchObject({
        available: "1",
        low: true,
        byKind: { SHELF: { onHand: "3", reserved: "2", available: "1" } },
      });
    } finally {
      await setThreshold(products.yogurt.id, "0");
      await (await manager()).orders.cancel({ orderId: order.id });
    }
  });
});

describe("dashboard.productHistory", () => {
  it("walks each day's closing stock per kind of location back from today, with what was sold each day and the ledger", async () => {
    const { store, locations } = fixture;
    const ean = withCheckDigit("690123450001");
    const product = await db.prisma.product.create({
      data: {
        sku: "DASH-OATS",
        nameEn: "Rolled oats 1 kg",
        nameZh: "燕麦片 1公斤",
        categoryId: (await db.prisma.category.findUniqueOrThrow({ where: { code: "dairy" } })).id,
        barcodes: { create: [{ kind: "GTIN", code: `0${ean}`, isPrimary: true }] },
        prices: {
          create: [{ storeId: store.id, priceMinor: 1800, validFrom: new Date("2026-01-01T00:00:00Z") }],
        },
      },
    });
    const now = Date.now();
    const daysAgo = (days: number) => new Date(now - days * 24 * 3600_000);
    // What happened before today, written as the ledger would have it.
    const past = [
      { locationId: locations.shelf.id, delta: 20, reason: "OPENING", at: daysAgo(3) },
      { locationId: locations.backroom.id, delta: 12, reason: "RECEIVE", at: daysAgo(2) },
      { locationId: locations.shelf.id, delta: -2, reason: "SALE", at: daysAgo(1) },
      { locationId: locations.backroom.id, delta: -5, reason: "TRANSFER_OUT", at: daysAgo(1) },
      { locationId: locations.shelf.id, delta: 5, reason: "TRANSFER_IN", at: daysAgo(1) },
    ] as const;
    await db.prisma.stockMovement.createMany({
      data: past.map((move) => ({
        storeId: store.id,
        productId: product.id,
        locationId: move.locationId,
        delta: move.delta,
        reason: move.reason,
        actorKind: "SYSTEM" as const,
        reference: "dashboard-test",
        createdAt: move.at,
      })),
    });
    await db.prisma.stockBalance.createMany({
      data: [
        {
          storeId: store.id,
          productId: product.id,
          locationId: locations.shelf.id,
          onHand: 23,
          isHome: true,
        },
        { storeId: store.id, productId: product.id, locationId: locations.backroom.id, onHand: 7 },
      ],
    });
    // Today: one at a kiosk, one picked for an online order.
    await (
      await callerAs(services, fixture.actors.KIOSK)
    ).checkout.commit({
      idempotencyKey: key("sale"),
      lines: [{ code: ean }],
      payment: { method: "CARD", provider: "sim", providerRef: key("ref"), amountMinor: 1800 },
    });
    const order = await (
      await callerAs(services, fixture.actors.CHANNEL)
    ).orders.place({
      idempotencyKey: key("order"),
      customer: { name: "Wang Fang" },
      delivery: { address: "88 Nanjing West Road", lat: 31.2352, lng: 121.4702 },
      lines: [{ code: ean, quantity: "1" }],
      payment: { method: "CARD", instrument: TEST_INSTRUMENTS.approved },
    });
    const picker = await callerAs(services, fixture.actors.PICKER);
    const { batch } = await picker.picking.claim({ orderIds: [order.id] });
    await picker.picking.scan({ batchId: batch.id, orderId: order.id, lineNo: 1, code: ean });
    await picker.picking.pack({ batchId: batch.id, orderId: order.id });
    expect((await checkLedger(db.prisma)).ok).toBe(true);

    const history = await (
      await manager()
    ).dashboard.productHistory({ productId: product.id, days: 3, limit: 4 });
    expect(history.product).toMatchObject({ sku: "DASH-OATS", unitOfSale: "EACH" });
    expect(
      history.days.map((day) => [day.onHand.SHELF, day.onHand.BACKROOM, day.sold.kiosk, day.sold.online]),
    ).toEqual([
      ["20", "12", "0", "0"],
      ["23", "7", "2", "0"],
      ["21", "7", "1", "1"],
    ]);
    const dates = history.days.map((day) => day.date);
    expect(dates).toHaveLength(3);
    expect(new Set(dates).size).toBe(3);
    expect(dates.at(-1)).toBe(
      new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date(now)),
    );
    expect(history.days.every((day) => day.onHand.PACKING === "0" && day.onHand.RECEIVING === "0")).toBe(
      true,
    );

    // The ledger over the same three days, newest first: the opening three days ago is older.
    const reasons = [...history.ledger.items.map((entry) => entry.reason)];
    let cursor = history.ledger.nextCursor;
    while (cursor) {
      const next = await (
        await manager()
      ).dashboard.productHistory({ productId: product.id, days: 3, limit: 4, cursor });
      reasons.push(...next.ledger.items.map((entry) => entry.reason));
      cursor = next.ledger.nextCursor;
    }
    expect(reasons).toEqual(["ORDER_PICK", "SALE", "TRANSFER_IN", "TRANSFER_OUT", "SALE", "RECEIVE"]);
    expect(history.ledger.items[0]).toMatchObject({
      delta: "-1",
      locationCode: "A1-1-1",
      locationKind: "SHELF",
    });

    const week = await (await manager()).dashboard.productHistory({ productId: product.id, days: 7 });
    expect(week.days).toHaveLength(7);
    expect(week.days.slice(0, 3).map((day) => day.onHand.SHELF)).toEqual(["0", "0", "0"]);
    expect(week.days[3]?.onHand.SHELF).toBe("20");

    await expect(
      (await manager()).dashboard.productHistory({ productId: "00000000-0000-4000-8000-000000000000" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(
      (await manager()).dashboard.productHistory({ productId: product.id, days: 91 }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });
});
