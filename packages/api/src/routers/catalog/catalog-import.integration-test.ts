import type { Database } from "@store/db";
import { withCheckDigit } from "@store/domain";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Services } from "../../services";
import { catalogColumns } from "../../services/catalog-csv";
import { callerAs, type Fixture } from "../../testing/fixture";
import { closeFixtureStore, openFixtureStore } from "../../testing/fixture-store";

let db: Database & { drop(): Promise<void> };
let services: Services;
let fixture: Fixture;

beforeAll(async () => {
  ({ db, services, fixture } = await openFixtureStore());
});
afterAll(() => closeFixtureStore({ db, services }));

let counter = 0;
const key = () => `catalog-import-${process.pid}-${++counter}`;
const manager = () => callerAs(services, fixture.actors.MANAGER);

async function importCsv(csv: string, dryRun = false) {
  return (await manager()).catalog.importCsv({ idempotencyKey: key(), csv, dryRun });
}

const csvOf = (rows: ReadonlyArray<ReadonlyArray<string | number>>) =>
  rows
    .map((row) =>
      row
        .map((cell) => (/[",\n]/.test(String(cell)) ? `"${String(cell).replaceAll('"', '""')}"` : cell))
        .join(","),
    )
    .join("\r\n");

/** Everything an import may change, to compare before and after one that must change nothing. */
async function catalogSnapshot() {
  const prisma = db.prisma;
  const [products, barcodes, prices, priceEvents, audit, keys] = await Promise.all([
    prisma.product.findMany({ orderBy: { sku: "asc" } }),
    prisma.barcode.findMany({ orderBy: [{ kind: "asc" }, { code: "asc" }] }),
    prisma.priceBookEntry.findMany({
      orderBy: [{ productId: "asc" }, { validFrom: "asc" }, { storeId: "asc" }],
    }),
    prisma.event.count({ where: { type: "price.changed" } }),
    prisma.auditLog.count(),
    prisma.idempotencyKey.count(),
  ]);
  return JSON.parse(JSON.stringify({ products, barcodes, prices, priceEvents, audit, keys })) as unknown;
}

/** `count` new products, each with a GTIN; `variant` changes names and prices of some. */
function generatedRows(count: number, variant: { renameEvery?: number; repriceEvery?: number } = {}) {
  const rows: Array<Array<string | number>> = [[...catalogColumns]];
  for (let index = 1; index <= count; index++) {
    const renamed = variant.renameEvery !== undefined && index % variant.renameEvery === 0;
    const repriced = variant.repriceEvery !== undefined && index % variant.repriceEvery === 0;
    const yuan = 1 + (index % 200) + (repriced ? 1 : 0);
    rows.push([
      `GEN-${String(index).padStart(5, "0")}`,
      `${renamed ? "Renamed" : "Generated"} product ${index}`,
      `生成商品 ${index}号`,
      index % 3 === 0 ? "produce" : "dairy",
      "EACH",
      `${yuan}.${String(index % 100).padStart(2, "0")}`,
      withCheckDigit(`6990${String(index).padStart(8, "0")}`),
      "",
      "",
      index % 4 === 0 ? 'Brand, "Quoted"' : "",
      index % 5 === 0 ? "500" : "",
      index % 5 === 0 ? "g" : "",
      index % 11 === 0 ? "18" : "",
      String(index % 7),
      index % 13 === 0 ? "false" : "true",
    ]);
  }
  return rows;
}

type Progress = { importId: string; phase: string; done: number; total: number };

/** The import's progress as a dashboard gets it: events.subscribe from before the import until "done". */
async function progressOf(importId: string, lastEventId: string): Promise<Progress[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 10_000);
  const received: Progress[] = [];
  try {
    const caller = await callerAs(services, fixture.actors.MANAGER, controller.signal);
    const events = await caller.events.subscribe({ types: ["catalog."], lastEventId });
    for await (const [, event] of events as AsyncIterable<[string, { payload: Progress }]>) {
      if (event.payload.importId !== importId) continue;
      received.push(event.payload);
      if (event.payload.phase === "done") break;
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return received;
}

describe("catalog.importCsv: a file with errors", () => {
  it("reports every bad row by line, column, value and reason, and changes nothing", async () => {
    const { products } = fixture;
    const weighedGtin = withCheckDigit("690999000001");
    const file = csvOf([
      ["sku", "name_en", "name_zh", "category", "unit_of_sale", "price", "gtin"],
      ["NEW-OK", "Oat milk", "燕麦奶", "dairy", "EACH", "15.90", withCheckDigit("690999000002")],
      ["NEW-CHECK", "Soy milk", "豆奶", "dairy", "EACH", "8.00", "4006381333932"],
      ["NEW-CATEGORY", "Baguette", "法棍", "bakery", "EACH", "6.50", ""],
      ["NEW-NEGATIVE", "Kefir", "开菲尔", "dairy", "EACH", "-1.00", ""],
      ["NEW-OK", "Oat milk again", "燕麦奶", "dairy", "EACH", "15.90", ""],
      ["NEW-NONAME", "", "无名", "dairy", "EACH", "3.00", ""],
      ["NEW-WEIGHED", "Cheese by weight", "称重奶酪", "dairy", "WEIGHT", "89.00", weighedGtin],
      ["NEW-TAKEN", "Milk copy", "牛奶", "dairy", "EACH", "12.50", products.milk.code],
      [products.cola.sku, "Cola 330 ml", "可乐 330毫升", "dairy", "EACH", "3.80", products.cola.code],
    ]);
    const before = await catalogSnapshot();
    const report = await importCsv(file);
    expect(report).toMatchObject({
      ok: false,
      dryRun: false,
      rows: 9,
      created: 0,
      updated: 0,
      errorCount: 7,
    });
    expect(report.errors.map((error) => [error.line, error.column, error.value, error.reason])).toEqual([
      [3, "gtin", "4006381333932", "Bad check digit in '4006381333932' (EAN-13): expected 1, got 2"],
      [4, "category", "bakery", "Unknown category 'bakery': no category has this code"],
      [5, "price", "-1.00", "Invalid price '-1.00': a price must not be negative"],
      [6, "sku", "NEW-OK", "SKU 'NEW-OK' is also on line 2: a product takes one row"],
      [7, "name_en", "", "Required: the cell is empty"],
      [
        8,
        "gtin",
        weighedGtin,
        "A product sold by weight needs a PLU or a variable-measure item reference: a GTIN alone carries no weight to the till",
      ],
      [
        9,
        "gtin",
        products.milk.code,
        `'${products.milk.code}' is the barcode of ${products.milk.sku} (Whole milk 1 L): a barcode belongs to one product`,
      ],
    ]);
    expect(await catalogSnapshot()).toEqual(before);
  });

  it("refuses a header it cannot read, and a file that is not CSV, naming line 1 and the column", async () => {
    const before = await catalogSnapshot();
    const unknown = await importCsv("SKU,Name EN,colour\nA,Milk,white\n");
    expect(unknown.errors).toEqual([
      {
        line: 1,
        column: "colour",
        value: "colour",
        reason: expect.stringMatching(/^Unknown column 'colour'/) as unknown,
      },
    ]);
    const unreadable = await importCsv('sku,name_en\nA,"Milk\n');
    expect(unreadable).toMatchObject({
      ok: false,
      errors: [{ line: 2, reason: expect.stringMatching(/^Not readable as CSV/) as unknown }],
    });
    expect(await catalogSnapshot()).toEqual(before);
  });

  it("caps the listed errors at 1000 and counts them all", async () => {
    const rows = [["sku", "price"], ...Array.from({ length: 1200 }, (_, index) => [`BAD-${index}`, "abc"])];
    const report = await importCsv(csvOf(rows));
    expect(report.errorCount).toBe(1200);
    expect(report.errors).toHaveLength(1000);
    expect(report.errors[999]).toMatchObject({ line: 1001, column: "price", value: "abc" });
  });
});

describe("catalog.importCsv: a good file", () => {
  it("creates 5,000 products in one go, with their barcodes, prices, price events and progress events", async () => {
    const eventsBefore = await db.prisma.event.count({ where: { type: "price.changed" } });
    const lastEventId = String((await db.prisma.event.aggregate({ _max: { id: true } }))._max.id ?? 0n);
    const dry = await importCsv(csvOf(generatedRows(5000)), true);
    expect(dry).toMatchObject({
      ok: true,
      dryRun: true,
      rows: 5000,
      created: 5000,
      updated: 0,
      pricesChanged: 5000,
    });
    expect(await db.prisma.product.count({ where: { sku: { startsWith: "GEN-" } } })).toBe(0);

    const report = await importCsv(csvOf(generatedRows(5000)));
    expect(report).toMatchObject({
      ok: true,
      rows: 5000,
      created: 5000,
      updated: 0,
      unchanged: 0,
      pricesChanged: 5000,
      errors: [],
    });
    const generated = { sku: { startsWith: "GEN-" } };
    expect(await db.prisma.product.count({ where: generated })).toBe(5000);
    expect(
      await db.prisma.barcode.count({ where: { product: generated, kind: "GTIN", isPrimary: true } }),
    ).toBe(5000);
    expect(
      await db.prisma.priceBookEntry.count({ where: { product: generated, storeId: fixture.store.id } }),
    ).toBe(5000);
    expect(await db.prisma.event.count({ where: { type: "price.changed" } })).toBe(eventsBefore + 5000);
    const quoted = await db.prisma.product.findUniqueOrThrow({
      where: { sku: "GEN-00020" },
      include: { barcodes: true, category: true },
    });
    expect(quoted).toMatchObject({
      nameZh: "生成商品 20号",
      brand: 'Brand, "Quoted"',
      contentUnit: "g",
      active: true,
      category: { code: "dairy" },
      barcodes: [{ kind: "GTIN", code: `0${withCheckDigit("699000000020")}`, isPrimary: true }],
    });
    expect(quoted.contentAmount?.toString()).toBe("500");
    expect(quoted.lowStockThreshold.toString()).toBe("6");
    const scanned = await (
      await callerAs(services, null)
    ).catalog.lookup({ code: withCheckDigit("699000000020") });
    expect(scanned.product).toMatchObject({ sku: "GEN-00020", priceMinor: 2120 });

    const progress = await progressOf(report.importId, lastEventId);
    expect(progress.map((event) => [event.phase, event.done, event.total])).toEqual([
      ...[1000, 2000, 3000, 4000, 5000].map((done) => ["validating", done, 5000]),
      ...[0, 1000, 2000, 3000, 4000].map((done) => ["writing", done, 5000]),
      ["done", 5000, 5000],
    ]);
    expect(progress.at(-1)).toMatchObject({ ok: true, created: 5000 });
    const audit = await db.prisma.auditLog.findFirstOrThrow({
      where: { subject: `import:${report.importId}` },
    });
    expect(audit).toMatchObject({
      action: "catalog.import",
      actorKind: "USER",
      actorId: fixture.actors.MANAGER.id,
      details: expect.objectContaining({ rows: 5000, created: 5000, updated: 0 }) as unknown,
    });
  });

  it("updates on import again: only what changed, with new prices from now and their price.changed events", async () => {
    const entriesBefore = await db.prisma.priceBookEntry.count();
    const eventsBefore = await db.prisma.event.count({ where: { type: "price.changed" } });
    const productsBefore = await db.prisma.product.count();
    const barcodesBefore = await db.prisma.barcode.count();
    const report = await importCsv(csvOf(generatedRows(5000, { renameEvery: 7, repriceEvery: 10 })));
    const renamedOrRepriced = Array.from({ length: 5000 }, (_, index) => index + 1).filter(
      (index) => index % 7 === 0 || index % 10 === 0,
    ).length;
    expect(report).toMatchObject({
      ok: true,
      created: 0,
      updated: renamedOrRepriced,
      unchanged: 5000 - renamedOrRepriced,
      pricesChanged: 500,
    });
    expect(await db.prisma.product.count()).toBe(productsBefore);
    expect(await db.prisma.barcode.count()).toBe(barcodesBefore);
    expect(await db.prisma.priceBookEntry.count()).toBe(entriesBefore + 500);
    const events = await db.prisma.event.findMany({
      where: { type: "price.changed" },
      orderBy: { id: "desc" },
      take: 500,
    });
    expect(await db.prisma.event.count({ where: { type: "price.changed" } })).toBe(eventsBefore + 500);
    const gen10 = await db.prisma.product.findUniqueOrThrow({ where: { sku: "GEN-00010" } });
    expect(events.find((event) => event.subject === gen10.id)?.payload).toMatchObject({
      sku: "GEN-00010",
      priceMinor: 1210,
      previousPriceMinor: 1110,
      currency: "CNY",
    });
    expect(await db.prisma.product.findUniqueOrThrow({ where: { sku: "GEN-00014" } })).toMatchObject({
      nameEn: "Renamed product 14",
    });
  });

  it("takes a file of only some columns: the rest of each product stays as it is", async () => {
    const { products } = fixture;
    const before = await db.prisma.product.findUniqueOrThrow({
      where: { sku: products.cola.sku },
      include: { barcodes: true },
    });
    const report = await importCsv(
      csvOf([
        ["SKU", "Price_Minor"],
        [products.cola.sku, 399],
      ]),
    );
    expect(report).toMatchObject({ ok: true, created: 0, updated: 1, pricesChanged: 1 });
    const after = await db.prisma.product.findUniqueOrThrow({
      where: { sku: products.cola.sku },
      include: { barcodes: true },
    });
    expect(after).toEqual(before);
    const [cola] = (await (await callerAs(services, null)).catalog.search({ query: products.cola.sku }))
      .items;
    expect(cola?.priceMinor).toBe(399);
  });

  it("moves a barcode between products when the file gives it up on one and lists it on another", async () => {
    const { products, otherBarcodes } = fixture;
    const oldMilk = `0${otherBarcodes.milk}`;
    const report = await importCsv(
      csvOf([
        ["sku", "gtin"],
        [products.yogurt.sku, `${products.yogurt.code}|${otherBarcodes.milk}`],
        [products.milk.sku, products.milk.code],
      ]),
    );
    expect(report).toMatchObject({ ok: true, updated: 2, errors: [] });
    const owner = await db.prisma.barcode.findUniqueOrThrow({
      where: { kind_code: { kind: "GTIN", code: oldMilk } },
      include: { product: true },
    });
    expect(owner).toMatchObject({ isPrimary: false, product: { sku: products.yogurt.sku } });
    expect(await db.prisma.barcode.count({ where: { productId: products.milk.id } })).toBe(1);
  });

  it("answers a retry with the first report and refuses the key for another file", async () => {
    const caller = await manager();
    const idempotencyKey = key();
    const csv = csvOf([
      ["sku", "name_en", "name_zh", "category"],
      ["RETRY-1", "Retried", "重试", "dairy"],
    ]);
    const first = await caller.catalog.importCsv({ idempotencyKey, csv });
    const again = await caller.catalog.importCsv({ idempotencyKey, csv });
    expect(first).toMatchObject({ ok: true, created: 1 });
    expect(again).toEqual(first);
    expect(await db.prisma.product.count({ where: { sku: "RETRY-1" } })).toBe(1);
    await expect(
      caller.catalog.importCsv({ idempotencyKey, csv: `${csv}\r\nRETRY-2,Other,其他,dairy` }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
    });
  });
});

describe("catalog.exportProducts", () => {
  it("writes every product in the import's columns, and the export imports back changing nothing", async () => {
    const { products } = fixture;
    const caller = await manager();
    const exported = await caller.catalog.exportProducts();
    expect(exported.filename).toMatch(/^S001-products-\d{8}-\d{4}\.csv$/);
    expect(
      exported.csv.startsWith(
        "\uFEFFsku,name_en,name_zh,category,unit_of_sale,price,gtin,plu,variable_measure,",
      ),
    ).toBe(true);
    const rows = parse<Record<string, string>>(exported.csv, { bom: true, columns: true });
    expect(rows).toHaveLength(await db.prisma.product.count());
    const bySku = new Map(rows.map((row) => [row.sku, row]));
    expect(bySku.get(products.salmon.sku)).toMatchObject({
      unit_of_sale: "WEIGHT",
      price: "158.00",
      gtin: "",
      variable_measure: "2012345",
    });
    expect(bySku.get(products.bananas.sku)).toMatchObject({ plu: "4011", price: "6.98" });
    expect(bySku.get(products.unpriced.sku)).toMatchObject({ price: "", active: "true" });
    expect(bySku.get(products.discontinued.sku)).toMatchObject({ active: "false" });
    expect(bySku.get(products.wine.sku)).toMatchObject({ minimum_age: "18" });
    expect(bySku.get(products.milk.sku)).toMatchObject({
      content_amount: "1000",
      content_unit: "ml",
      low_stock_threshold: "6",
    });

    const before = await catalogSnapshot();
    const report = await caller.catalog.importCsv({ idempotencyKey: key(), csv: exported.csv });
    expect(report).toMatchObject({
      ok: true,
      rows: rows.length,
      created: 0,
      updated: 0,
      unchanged: rows.length,
      pricesChanged: 0,
    });
    const after = (await catalogSnapshot()) as { audit: number; keys: number };
    expect({ ...after, audit: 0, keys: 0 }).toEqual({ ...(before as object), audit: 0, keys: 0 });
    expect((await caller.catalog.exportProducts()).csv).toBe(exported.csv);
  });
});
