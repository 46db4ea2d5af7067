import { checkLedger, type Database } from "@store/db";
import { expandUpcE } from "@store/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Services } from "../../services";
import { callerAs, callerWithToken, roles, type Fixture } from "../../testing/fixture";
import { closeFixtureStore, openFixtureStore } from "../../testing/fixture-store";

let db: Database & { drop(): Promise<void> };
let services: Services;
let fixture: Fixture;

beforeAll(async () => {
  ({ db, services, fixture } = await openFixtureStore());
});
afterAll(() => closeFixtureStore({ db, services }));

const anonymous = () => callerAs(services, null);

describe("catalog.search", () => {
  it("finds products by English or Chinese name, SKU or barcode, with price, stock and promotions", async () => {
    const catalog = (await anonymous()).catalog;
    expect((await catalog.search({ query: "MILK" })).items.map((item) => item.sku)).toEqual(["DAIRY-MILK-1L"]);
    expect((await catalog.search({ query: "牛奶" })).items.map((item) => item.sku)).toEqual(["DAIRY-MILK-1L"]);
    expect((await catalog.search({ query: "drink-cola" })).items.map((item) => item.sku)).toEqual(["DRINK-COLA-330"]);
    const [cola] = (await catalog.search({ query: fixture.products.cola.code })).items;
    expect(cola).toMatchObject({ priceMinor: 350, currency: "CNY", available: "24", inStock: true, promotions: [{ code: "COLA-3FOR2" }] });
    const [milk] = (await catalog.search({ query: "whole milk" })).items;
    expect(milk).toMatchObject({ available: "15", lowStockThreshold: "6", primaryBarcode: `0${fixture.products.milk.code}` });
    expect(cola?.lowStockThreshold).toBe("0");
    expect((await catalog.search({ query: fixture.otherBarcodes.milk })).items.map((item) => item.sku)).toEqual(["DAIRY-MILK-1L"]);
    expect((await catalog.search({ query: "4011" })).items.map((item) => item.sku)).toEqual(["PRODUCE-BANANA"]);
    expect((await catalog.search({ query: "Discontinued" })).items).toEqual([]);
  });

  it("tells the event id its results are as fresh as", async () => {
    const catalog = (await anonymous()).catalog;
    const { lastEventId } = await catalog.search({ query: "milk" });
    const newest = (await db.prisma.event.aggregate({ _max: { id: true } }))._max.id ?? 0n;
    expect(lastEventId).toMatch(/^\d+$/);
    expect(BigInt(lastEventId)).toBeLessThanOrEqual(newest);
  });

  it("pages by name with a cursor", async () => {
    const catalog = (await anonymous()).catalog;
    const all = (await catalog.search({ limit: 100 })).items.map((item) => item.nameEn);
    expect(all).toEqual([...all].sort((a, b) => (a < b ? -1 : 1)));
    const first = await catalog.search({ limit: 3 });
    const second = await catalog.search({ limit: 3, cursor: first.nextCursor! });
    expect([...first.items, ...second.items].map((item) => item.nameEn)).toEqual(all.slice(0, 6));
  });
});

const milkSku = "DAIRY-MILK-1L";
const shelfRow = (overrides: Record<string, unknown>) => ({
  zone: "A",
  kind: "SHELF",
  sellable: true,
  isHome: false,
  reserved: "0",
  ...overrides,
});

describe("catalog.product", () => {
  it("shows the search item with every barcode, the category, net content and stock per shelf", async () => {
    const catalog = (await anonymous()).catalog;
    const { product, lastEventId } = await catalog.product({ sku: milkSku });
    expect(lastEventId).toMatch(/^\d+$/);
    const [item] = (await catalog.search({ query: milkSku })).items;
    expect(product).toMatchObject({ ...item, lowStockThreshold: "6", available: "15" });
    expect(product.barcodes).toEqual([
      { kind: "GTIN", code: `0${fixture.products.milk.code}`, isPrimary: true },
      { kind: "GTIN", code: `0${fixture.otherBarcodes.milk}`, isPrimary: false },
    ]);
    expect(product.category).toEqual({ code: "dairy", nameEn: "Dairy", nameZh: "乳制品" });
    expect(product.netContent).toEqual({ amount: "1000", unit: "ml" });
    expect(product.stock).toEqual({
      scope: "sellable",
      locations: [
        shelfRow({ locationId: fixture.locations.shelf.id, locationCode: "A1-1-1", isHome: true, onHand: "10", available: "10" }),
        shelfRow({ locationId: fixture.locations.endcap.id, locationCode: "A1-2-1", onHand: "5", available: "5" }),
      ],
      sellable: { onHand: "15", reserved: "0", available: "15" },
      nonSellable: null,
    });

    expect((await catalog.product({ productId: fixture.products.milk.id })).product).toEqual(product);
    expect((await catalog.product({ sku: " dairy-milk-1l " })).product.id).toBe(fixture.products.milk.id);
    expect((await catalog.product({ sku: "PRODUCE-BANANA" })).product).toMatchObject({
      unitOfSale: "WEIGHT",
      barcodes: [{ kind: "PLU", code: "4011", isPrimary: true }],
      category: { code: "produce" },
      netContent: null,
      available: "50000",
      stock: { sellable: { onHand: "50000", reserved: "0", available: "50000" } },
    });
  });

  it("shows staff who read stock (manager, picker, attendant) the backroom too, and nobody else", async () => {
    const backroom = {
      locationId: fixture.locations.backroom.id,
      locationCode: "BR-1",
      zone: "BR",
      kind: "BACKROOM",
      sellable: false,
      isHome: false,
      onHand: "40",
      reserved: "0",
      available: "40",
    };
    for (const role of [...roles, null]) {
      const caller = await callerAs(services, role ? fixture.actors[role] : null);
      const { stock } = (await caller.catalog.product({ sku: milkSku })).product;
      const staff = role === "MANAGER" || role === "PICKER" || role === "ATTENDANT";
      expect(stock.scope, role ?? "anonymous").toBe(staff ? "all" : "sellable");
      expect(stock.locations.map((location) => location.locationCode), role ?? "anonymous").toEqual(
        staff ? ["A1-1-1", "A1-2-1", "BR-1"] : ["A1-1-1", "A1-2-1"],
      );
      if (staff) expect(stock.locations[2]).toEqual(backroom);
      expect(stock.sellable).toEqual({ onHand: "15", reserved: "0", available: "15" });
      expect(stock.nonSellable).toEqual(staff ? { onHand: "40", reserved: "0", available: "40" } : null);
    }

    // Over HTTP the role comes from the token; a token that is not accepted calls as anyone.
    const manager = await callerWithToken(services, fixture.tokens.MANAGER);
    expect((await manager.catalog.product({ sku: milkSku })).product.stock.scope).toBe("all");
    const revoked = await callerWithToken(services, fixture.revokedToken);
    expect((await revoked.catalog.product({ sku: milkSku })).product.stock.scope).toBe("sellable");
    const otherStore = await callerWithToken(services, fixture.otherStoreManagerToken);
    expect((await otherStore.catalog.product({ sku: milkSku })).product.stock).toMatchObject({
      locations: [{ locationId: fixture.locations.otherShelf.id, onHand: "7" }],
      sellable: { onHand: "7" },
      nonSellable: { onHand: "0" },
    });
  });

  it("counts stock reserved for online orders at its location", async () => {
    const channel = await callerAs(services, fixture.actors.CHANNEL);
    const order = await channel.orders.place({
      idempotencyKey: "catalog-product-reserved",
      customer: { name: "Li Wei" },
      delivery: { address: "1 Nanjing West Rd", lat: 31.231, lng: 121.474 },
      lines: [{ code: fixture.products.milk.code, quantity: "2" }],
      payment: { method: "CARD" as const, instrument: "4242424242424242" },
    });
    try {
      const { product } = await (await anonymous()).catalog.product({ sku: milkSku });
      expect(product).toMatchObject({ available: "13", inStock: true });
      expect(product.stock.locations[0]).toMatchObject({ locationCode: "A1-1-1", onHand: "10", reserved: "2", available: "8" });
      expect(product.stock.sellable).toEqual({ onHand: "15", reserved: "2", available: "13" });
    } finally {
      await channel.orders.cancel({ orderId: order.id });
    }
  });

  it("lists the home facing even when empty, and no other location that holds nothing", async () => {
    const product = await db.prisma.product.create({
      data: { sku: "DAIRY-GHEE", nameEn: "Ghee 200 g", nameZh: "酥油 200克", categoryId: (await db.prisma.category.findFirstOrThrow({ where: { code: "dairy" } })).id },
    });
    await db.prisma.stockBalance.createMany({
      data: [
        { storeId: fixture.store.id, productId: product.id, locationId: fixture.locations.shelf.id, isHome: true },
        { storeId: fixture.store.id, productId: product.id, locationId: fixture.locations.endcap.id },
        { storeId: fixture.store.id, productId: product.id, locationId: fixture.locations.backroom.id },
      ],
    });
    const manager = await callerAs(services, fixture.actors.MANAGER);
    const { product: ghee } = await manager.catalog.product({ sku: "DAIRY-GHEE" });
    expect(ghee).toMatchObject({ available: "0", inStock: false, priceMinor: null, barcodes: [], primaryBarcode: null });
    expect(ghee.stock.locations).toEqual([
      shelfRow({ locationId: fixture.locations.shelf.id, locationCode: "A1-1-1", isHome: true, onHand: "0", available: "0" }),
    ]);
  });

  it("explains unknown, discontinued and malformed product names", async () => {
    const catalog = (await anonymous()).catalog;
    await expect(catalog.product({ sku: "NO-SUCH-SKU" })).rejects.toMatchObject({ code: "NOT_FOUND", message: "No product has SKU 'NO-SUCH-SKU'" });
    await expect(catalog.product({ productId: "00000000-0000-4000-8000-000000000000" })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "No product has id 00000000-0000-4000-8000-000000000000",
    });
    await expect(catalog.product({ sku: "DAIRY-OLD" })).rejects.toMatchObject({ code: "NOT_FOUND", message: /DAIRY-OLD is no longer sold/ });
    await expect(catalog.product({ sku: milkSku, productId: fixture.products.milk.id })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: /name the product by sku or by productId/,
    });
    await expect(catalog.product({ sku: "" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("catalog.lookup", () => {
  it("accepts every GTIN form and normalizes to GTIN-14", async () => {
    const catalog = (await anonymous()).catalog;
    const ean13 = fixture.products.milk.code;
    for (const code of [ean13, `0${ean13}`]) {
      const result = await catalog.lookup({ code });
      expect(result.scan).toEqual({ kind: "gtin", code, gtin14: `0${ean13}` });
      expect(result.product.sku).toBe("DAIRY-MILK-1L");
    }
  });

  it("reads UPC-E and UPC-A codes through their GTIN-14", async () => {
    const upcE = "04252614";
    const upcA = expandUpcE(upcE);
    const product = await db.prisma.product.create({
      data: { sku: "UPC-TEST", nameEn: "Imported crackers", nameZh: "进口饼干", categoryId: (await db.prisma.category.findFirstOrThrow()).id,
        barcodes: { create: { kind: "GTIN", code: `00${upcA}`, isPrimary: true } } },
    });
    const catalog = (await anonymous()).catalog;
    for (const code of [upcE, upcA]) expect((await catalog.lookup({ code })).product.id).toBe(product.id);
  });

  it("resolves PLUs and GS1 variable-measure labels with their embedded weight or price", async () => {
    const catalog = (await anonymous()).catalog;
    expect(await catalog.lookup({ code: "4011" })).toMatchObject({ scan: { kind: "plu", plu: "4011", organic: false }, product: { sku: "PRODUCE-BANANA", unitOfSale: "WEIGHT" }, linePriceMinor: null });
    expect(await catalog.lookup({ code: fixture.labels.salmonWeight })).toMatchObject({
      scan: { kind: "variable", itemReference: "2012345", weightG: "523", priceMinor: null },
      product: { sku: "SEAFOOD-SALMON" },
      linePriceMinor: 8263,
    });
    expect(await catalog.lookup({ code: fixture.labels.cakePrice })).toMatchObject({
      scan: { kind: "variable", itemReference: "2154321", weightG: null, priceMinor: 1850 },
      linePriceMinor: 1850,
    });
  });

  it("explains unknown and malformed codes", async () => {
    const catalog = (await anonymous()).catalog;
    await expect(catalog.lookup({ code: "4006381333931" })).rejects.toMatchObject({ code: "NOT_FOUND", message: /Unknown barcode '4006381333931'/ });
    await expect(catalog.lookup({ code: "4006381333932" })).rejects.toMatchObject({ code: "BAD_REQUEST", message: /Bad check digit/ });
    await expect(catalog.lookup({ code: "12345678901" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

it("leaves the ledger summing to every balance, and reservations to what is reserved", async () => {
  expect(await checkLedger(db.prisma)).toEqual({ ok: true, mismatches: [] });
});
