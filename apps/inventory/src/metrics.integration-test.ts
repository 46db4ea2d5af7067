import { Writable } from "node:stream";
import { SimulatedTerminal, TEST_INSTRUMENTS, type AppRouter } from "@store/api";
import { buildFixture, type Fixture } from "@store/api/testing";
import { createTestDatabase, type TestDatabase } from "@store/db";
import { createTRPCClient, httpLink, type TRPCClient } from "@trpc/client";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInventoryService, type InventoryService } from "./server";

let db: TestDatabase;
let fixture: Fixture;
let service: InventoryService;
const logLines: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  db = await createTestDatabase();
  fixture = await buildFixture(db);
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n"))
        if (line) logLines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  service = await startInventoryService({
    db,
    port: 0,
    host: "127.0.0.1",
    storeCode: "S001",
    logger: pino({ level: "debug" }, sink),
    payments: new SimulatedTerminal({ timeoutMs: 50 }),
  });
});

afterAll(async () => {
  await service?.close();
  await db?.drop();
});

function client(token?: string): TRPCClient<AppRouter> {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({ url: `${service.url}/trpc`, headers: token ? { authorization: `Bearer ${token}` } : {} }),
    ],
  });
}

async function scrape(): Promise<string> {
  const response = await fetch(`${service.url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
}

/** The sum of a metric's samples whose labels include `labels` (0 when there are none). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    const match = /^([a-z_:][a-z0-9_:]*)(?:\{(.*)\})? (\S+)$/i.exec(line);
    if (!match || match[1] !== name) continue;
    const found = new Map(
      [...(match[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((pair) => [pair[1], pair[2]]),
    );
    if (Object.entries(labels).every(([key, value]) => found.get(key) === value)) sum += Number(match[3]);
  }
  return sum;
}

/** Scrapes until `check` passes: the event counters follow the outbox, a moment behind the write. */
async function eventually(check: (text: string) => boolean): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const text = await scrape();
    if (check(text) || Date.now() > deadline) return text;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("GET /metrics", () => {
  it("has the process's metrics and the service's, in Prometheus's text format", async () => {
    const text = await scrape();
    for (const name of [
      "process_cpu_user_seconds_total",
      "process_resident_memory_bytes",
      "nodejs_eventloop_lag_seconds",
      "inventory_trpc_request_duration_seconds",
      "inventory_sales_total",
      "inventory_orders_total",
      "inventory_event_tail_lag_seconds",
    ]) {
      expect(text, name).toMatch(new RegExp(`^# TYPE ${name} `, "m"));
    }
    expect(sample(text, "inventory_event_tail_lag_seconds")).toBe(0);
  });

  it("times tRPC calls by procedure and outcome, and logs each with procedure, role, duration and outcome", async () => {
    const before = await scrape();
    const search = { procedure: "catalog.search", type: "query", outcome: "ok" };
    await client().catalog.search.query({ query: "milk" });
    await client().catalog.search.query({ query: "cola" });
    await expect(client().orders.list.query({})).rejects.toThrow();
    await expect(client(fixture.tokens.KIOSK).dashboard.orders.query()).rejects.toThrow();
    const after = await scrape();
    const count = (text: string, labels: Record<string, string>) =>
      sample(text, "inventory_trpc_request_duration_seconds_count", labels);
    expect(count(after, search) - count(before, search)).toBe(2);
    expect(sample(after, "inventory_trpc_request_duration_seconds_sum", search)).toBeGreaterThan(
      sample(before, "inventory_trpc_request_duration_seconds_sum", search),
    );
    expect(count(after, { procedure: "orders.list", outcome: "UNAUTHORIZED" })).toBe(1);
    expect(count(after, { procedure: "dashboard.orders", outcome: "FORBIDDEN" })).toBe(1);

    const lines = logLines.filter(
      (line) => line.procedure === "dashboard.orders" || line.procedure === "catalog.search",
    );
    expect(lines.find((line) => line.procedure === "dashboard.orders")).toMatchObject({
      role: "KIOSK",
      outcome: "FORBIDDEN",
      type: "query",
    });
    expect(lines.find((line) => line.procedure === "catalog.search")).toMatchObject({
      role: "anonymous",
      outcome: "ok",
    });
    expect(lines.every((line) => typeof line.durationMs === "number" && line.durationMs >= 0)).toBe(true);
  });

  it("counts sales, revenue and order events from the event outbox", async () => {
    const before = await scrape();
    const quote = await client(fixture.tokens.KIOSK).checkout.quote.query({
      lines: [{ code: fixture.products.yogurt.code }],
    });
    await client(fixture.tokens.KIOSK).checkout.commit.mutate({
      idempotencyKey: `metrics-sale-${process.pid}`,
      lines: [{ code: fixture.products.yogurt.code }],
      payment: {
        method: "CARD",
        provider: "sim",
        providerRef: `metrics-${process.pid}`,
        amountMinor: quote.totalMinor,
      },
    });
    const order = await client(fixture.tokens.CHANNEL).orders.place.mutate({
      idempotencyKey: `metrics-order-${process.pid}`,
      customer: { name: "Li Wei" },
      delivery: { address: "88 Nanjing West Road", lat: 31.2352, lng: 121.4702 },
      lines: [{ code: fixture.products.cola.code, quantity: "1" }],
      payment: { method: "CARD", instrument: TEST_INSTRUMENTS.approved },
    });
    await client(fixture.tokens.MANAGER).orders.cancel.mutate({ orderId: order.id });

    const orders = (text: string, event: string) => sample(text, "inventory_orders_total", { event });
    const after = await eventually((text) => orders(text, "cancelled") > orders(before, "cancelled"));
    expect(sample(after, "inventory_sales_total") - sample(before, "inventory_sales_total")).toBe(1);
    expect(
      sample(after, "inventory_sales_revenue_minor_total") -
        sample(before, "inventory_sales_revenue_minor_total"),
    ).toBe(quote.totalMinor);
    for (const event of ["placed", "reserved", "cancelled"])
      expect(orders(after, event) - orders(before, event), event).toBe(1);
    expect(sample(after, "inventory_event_delivery_delay_seconds_count")).toBeGreaterThan(
      sample(before, "inventory_event_delivery_delay_seconds_count"),
    );
    expect(sample(after, "inventory_event_tail_lag_seconds")).toBeLessThan(5);
  });
});
