import { createTestDatabase, type Database } from "@store/db";
import { expandUpcE } from "@store/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServices, type Services } from "../../services";
import { buildFixture, callerAs, type Fixture } from "../../testing/fixture";

let db: Database & { drop(): Promise<void> };
let services: Services;
let fixture: Fixture;

beforeAll(async () => {
  db = await createTestDatabase();
  services = createServices(db, { storeCode: "S001" });
  fixture = await buildFixture(db);
});

afterAll(async () => {
  await services?.close();
  await db?.drop();
});

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
    expect(milk).toMatchObject({ available: "15", primaryBarcode: `0${fixture.products.milk.code}` });
    expect((await catalog.search({ query: "4011" })).items.map((item) => item.sku)).toEqual(["PRODUCE-BANANA"]);
    expect((await catalog.search({ query: "Discontinued" })).items).toEqual([]);
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
