import type { Database } from "@store/db";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Services } from "../../services";
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
const key = () => `stock-export-${process.pid}-${++counter}`;
const manager = () => callerAs(services, fixture.actors.MANAGER);

const rowsOf = (csv: string) => parse<Record<string, string>>(csv, { bom: true, columns: true });

/** The store's date (Asia/Shanghai) of an instant, as YYYY-MM-DD. */
const storeDay = (at: Date) => new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(at);

describe("stock.exportBalances", () => {
  it("lists every balance of the store by SKU and location, in counts or grams", async () => {
    const { products } = fixture;
    const exported = await (await manager()).stock.exportBalances();
    expect(exported.filename).toMatch(/^S001-stock-balances-\d{8}-\d{4}\.csv$/);
    expect(
      exported.csv.startsWith(
        "\uFEFFsku,name_en,name_zh,unit_of_sale,location,location_kind,on_hand,reserved,available\r\n",
      ),
    ).toBe(true);
    const rows = rowsOf(exported.csv);
    expect(rows).toHaveLength(await db.prisma.stockBalance.count({ where: { storeId: fixture.store.id } }));
    expect(rows.filter((row) => row.sku === products.milk.sku)).toEqual([
      expect.objectContaining({
        location: "A1-1-1",
        location_kind: "SHELF",
        on_hand: "10",
        reserved: "0",
        available: "10",
      }),
      expect.objectContaining({ location: "A1-2-1", on_hand: "5" }),
      expect.objectContaining({
        location: "BR-1",
        location_kind: "BACKROOM",
        on_hand: "40",
        name_zh: "全脂牛奶 1升",
      }),
    ]);
    expect(rows.find((row) => row.sku === products.bananas.sku)).toMatchObject({
      unit_of_sale: "WEIGHT",
      on_hand: "50000",
    });
    expect(rows.map((row) => `${row.sku} ${row.location}`)).toEqual(
      rows.map((row) => `${row.sku} ${row.location}`).sort(),
    );
  });
});

describe("stock.exportLedger", () => {
  it("lists movements with who made them, formulas in notes made inert, within a period of store days", async () => {
    const { products } = fixture;
    const caller = await manager();
    const change = await caller.stock.receive({
      idempotencyKey: key(),
      product: { productId: products.cola.id },
      location: { locationCode: "BR-1" },
      quantity: "12",
      note: '=HYPERLINK("http://example.com")',
    });
    const today = storeDay(new Date());
    const exported = await caller.stock.exportLedger({ from: today, to: today });
    expect(exported.filename).toBe(`S001-stock-ledger-${today}-to-${today}.csv`);
    const rows = rowsOf(exported.csv);
    expect(Object.keys(rows[0] ?? {})).toEqual([
      "id",
      "time",
      "sku",
      "location",
      "delta",
      "reason",
      "actor",
      "actor_name",
      "reference",
      "note",
    ]);
    expect(rows).toHaveLength(await db.prisma.stockMovement.count({ where: { storeId: fixture.store.id } }));
    expect(rows.at(-1)).toEqual({
      id: expect.stringMatching(/^\d+$/) as unknown,
      time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/) as unknown,
      sku: products.cola.sku,
      location: "BR-1",
      delta: "12",
      reason: "RECEIVE",
      actor: `USER:${fixture.actors.MANAGER.id}`,
      actor_name: "Max Manager",
      reference: change.reference,
      note: '\'=HYPERLINK("http://example.com")',
    });
    expect(rows.map((row) => Number(row.id))).toEqual(
      rows.map((row) => Number(row.id)).sort((a, b) => a - b),
    );

    const yesterday = storeDay(new Date(Date.now() - 86_400_000));
    expect(rowsOf((await caller.stock.exportLedger({ to: yesterday })).csv)).toEqual([]);
    const justBefore = new Date(Date.now() - 60_000).toISOString();
    expect(
      rowsOf((await caller.stock.exportLedger({ from: justBefore })).csv).map((row) => row.reference),
    ).toContain(change.reference);
  });

  it("refuses a period that ends before it starts, and a bound that is neither a date nor an instant", async () => {
    const caller = await manager();
    await expect(caller.stock.exportLedger({ from: "2026-03-02", to: "2026-03-01" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: "The period from 2026-03-02 to 2026-03-01 is empty: 'from' must come before 'to'",
    });
    await expect(caller.stock.exportLedger({ from: "yesterday" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });
});
