import { checkLedger, type Database } from "@store/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServices, type Services } from "../../services";
import { callerAs, type Fixture } from "../../testing/fixture";
import { closeFixtureStore, openFixtureStore } from "../../testing/fixture-store";

let db: Database & { drop(): Promise<void> };
let services: Services;
let fixture: Fixture;

beforeAll(async () => {
  ({ db, services, fixture } = await openFixtureStore({ events: { pollIntervalMs: 200, gapGraceMs: 200 } }));
});
afterAll(() => closeFixtureStore({ db, services }));

let counter = 0;
const key = () => `events-${process.pid}-${++counter}`;

type Tracked<T> = { id: string; data: T };

/** Opens a subscription and collects `count` events from it, then closes it. */
async function collect<T>(
  open: (signal: AbortSignal) => Promise<AsyncIterable<unknown>>,
  count: number,
  whileOpen: () => Promise<unknown> = () => Promise.resolve(),
): Promise<Array<Tracked<T>>> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 10_000);
  const received: Array<Tracked<T>> = [];
  try {
    const iterable = await open(controller.signal);
    const reading = (async () => {
      for await (const item of iterable) {
        const [id, data] = item as [string, T];
        received.push({ id, data });
        if (received.length === count) break;
      }
    })();
    await whileOpen();
    await reading;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return received;
}

async function sellCola() {
  return (await callerAs(services, fixture.actors.KIOSK)).checkout.commit({
    idempotencyKey: key(),
    lines: [{ code: fixture.products.cola.code }],
    payment: { method: "CASH", provider: "till", providerRef: key(), amountMinor: 350 },
  });
}

/** Subscribing from the newest event id makes a test independent of when the stream starts. */
async function newestEventId(): Promise<string> {
  const newest = await db.prisma.event.aggregate({ _max: { id: true } });
  return (newest._max.id ?? 0n).toString();
}

type EventData = { id: string; type: string; subject: string; payload: Record<string, unknown> };

describe("events.subscribe", () => {
  it("delivers stock and sale events live, tracked by id", async () => {
    let saleId = "";
    const lastEventId = await newestEventId();
    const events = await collect<EventData>(
      async (signal) => (await callerAs(services, fixture.actors.MANAGER, signal)).events.subscribe({ types: ["stock.", "sale."], lastEventId }),
      2,
      async () => {
        saleId = (await sellCola()).id;
      },
    );
    expect(events.map((event) => event.data.type)).toEqual(["sale.completed", "stock.changed"]);
    expect(events[0]!.data).toMatchObject({ subject: saleId, payload: { saleId, totalMinor: 350 } });
    expect(events[1]!.data.payload).toMatchObject({
      productId: fixture.products.cola.id,
      locationId: fixture.locations.shelf.id,
      onHandDelta: "-1",
      reason: "SALE",
      reference: `sale:${saleId}`,
    });
    expect(events[0]!.id).toBe(events[0]!.data.id);
    expect(BigInt(events[1]!.id)).toBeGreaterThan(BigInt(events[0]!.id));
  });

  it("resumes after the last event id it was given, and filters by type", async () => {
    const first = await sellCola();
    const second = await sellCola();
    const firstEvent = await db.prisma.event.findFirstOrThrow({ where: { type: "sale.completed", subject: first.id } });
    const resumed = await collect<EventData>(
      async (signal) =>
        (await callerAs(services, fixture.actors.BRIDGE, signal)).events.subscribe({
          types: ["sale.completed"],
          lastEventId: firstEvent.id.toString(),
        }),
      1,
    );
    expect(resumed.map((event) => event.data.subject)).toEqual([second.id]);
  });

  it("carries price changes", async () => {
    const lastEventId = await newestEventId();
    const events = await collect<EventData>(
      async (signal) => (await callerAs(services, fixture.actors.KIOSK, signal)).events.subscribe({ types: ["price.changed"], lastEventId }),
      1,
      async () => {
        await (await callerAs(services, fixture.actors.MANAGER)).prices.set({
          idempotencyKey: key(),
          productId: fixture.products.milk.id,
          priceMinor: 1350,
        });
      },
    );
    expect(events[0]!.data.payload).toMatchObject({ productId: fixture.products.milk.id, priceMinor: 1350, previousPriceMinor: 1250 });
    const [milk] = (await (await callerAs(services, null)).catalog.search({ query: "whole milk" })).items;
    expect(milk?.priceMinor).toBe(1350);
  });
});

describe("event ordering", () => {
  // PGlite runs one transaction at a time, so only PostgreSQL can commit a lower id later.
  it.runIf(process.env.TEST_DB === "postgres")("holds a newer event until an older uncommitted one commits, then delivers both in id order", async () => {
    const storeId = fixture.store.id;
    const lastEventId = await newestEventId();
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let inserted = () => {};
    const olderInserted = new Promise<void>((resolve) => (inserted = resolve));
    const older = db.prisma.$transaction(async (tx) => {
      await tx.event.create({ data: { storeId, type: "device.test", subject: "older", payload: {} } });
      inserted();
      await held;
    });
    await olderInserted;
    await db.prisma.event.create({ data: { storeId, type: "device.test", subject: "newer", payload: {} } });
    const events = await collect<EventData>(
      async (signal) => (await callerAs(services, fixture.actors.MANAGER, signal)).events.subscribe({ types: ["device.test"], lastEventId }),
      2,
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 100));
        release();
        await older;
      },
    );
    expect(events.map((event) => event.data.subject)).toEqual(["older", "newer"]);
  });
});

describe("catalog.watchAvailability", () => {
  it("reports a product's sellable availability when its stock changes", async () => {
    const lastEventId = await newestEventId();
    const changes = await collect<{ productId: string; available: string; inStock: boolean }>(
      async (signal) => (await callerAs(services, null, signal)).catalog.watchAvailability({ productIds: [fixture.products.cola.id], lastEventId }),
      1,
      async () => {
        await sellCola();
      },
    );
    const [row] = (await (await callerAs(services, null)).catalog.search({ query: "cola" })).items;
    expect(changes[0]!.data).toEqual({ productId: fixture.products.cola.id, available: row!.available, inStock: true });
  });

  it.each(["search", "product"] as const)(
    "resumed from the event id of a catalog %s, brings a change made between the read and the subscription",
    async (view) => {
      const catalog = (await callerAs(services, null)).catalog;
      const read =
        view === "search"
          ? await catalog.search({ query: "cola" }).then(({ items, lastEventId }) => ({ product: items[0]!, lastEventId }))
          : await catalog.product({ sku: "DRINK-COLA-330" });
      await sellCola();
      const changes = await collect<{ productId: string; available: string }>(
        async (signal) =>
          (await callerAs(services, null, signal)).catalog.watchAvailability({
            productIds: [fixture.products.cola.id],
            lastEventId: read.lastEventId,
          }),
        1,
      );
      const { product: now } = await catalog.product({ sku: "DRINK-COLA-330" });
      expect(now.available).not.toBe(read.product.available);
      expect(changes[0]!.data).toMatchObject({ productId: fixture.products.cola.id, available: now.available });
    },
  );

  // PGlite runs one transaction at a time, so only PostgreSQL can commit a lower id later.
  it.runIf(process.env.TEST_DB === "postgres")(
    "gives a read's event id below an event still uncommitted when the service started, which then arrives",
    async () => {
      const storeId = fixture.store.id;
      const type = "device.watermark_test";
      let release = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      let inserted = (_id: bigint) => {};
      const olderInserted = new Promise<bigint>((resolve) => (inserted = resolve));
      const older = db.prisma.$transaction(async (tx) => {
        inserted((await tx.event.create({ data: { storeId, type, subject: "older", payload: {} } })).id);
        await held;
      });
      const olderId = await olderInserted;
      await db.prisma.event.create({ data: { storeId, type, subject: "newer", payload: {} } });
      // A process that starts now finds the older id missing and cannot know it is in flight.
      const starting = createServices(db, { storeCode: "S001", events: { pollIntervalMs: 100, gapGraceMs: 60_000 } });
      try {
        const { lastEventId } = await (await callerAs(starting, null)).catalog.search({ query: "cola" });
        expect(BigInt(lastEventId)).toBeLessThan(olderId);
        release();
        await older;
        const events = await collect<EventData>(
          async (signal) => (await callerAs(starting, fixture.actors.MANAGER, signal)).events.subscribe({ types: [type], lastEventId }),
          2,
        );
        expect(events.map((event) => event.data.subject)).toEqual(["older", "newer"]);
      } finally {
        release();
        await starting.close();
      }
    },
  );
});

it("leaves the ledger summing to every balance, and reservations to what is reserved", async () => {
  expect(await checkLedger(db.prisma)).toEqual({ ok: true, mismatches: [] });
});
