import { Writable } from "node:stream";
import type { AppRouter } from "@store/api";
import { createTestDatabase, type TestDatabase } from "@store/db";
import { SimulatedTerminal, startInventoryService, type InventoryService } from "@store/inventory";
import { DEMO_STORE, seedDemoStore, type SeedSummary } from "@store/prisma/seed";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { pino } from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startOrderSimulator, type OrderSimulatorOptions } from "./order-simulator";

describe("startOrderSimulator", () => {
  let db: TestDatabase;
  let seed: SeedSummary;
  let service: InventoryService;
  let terminal: SimulatedTerminal;
  let logged: Array<{ level: number; msg: string }>;

  beforeAll(async () => {
    db = await createTestDatabase();
    seed = await seedDemoStore(db.prisma);
    terminal = new SimulatedTerminal();
    service = await startInventoryService({
      db,
      host: "127.0.0.1",
      port: 0,
      logger: pino({ level: "warn" }),
      payments: terminal,
    });
  });

  afterAll(async () => {
    await service?.close();
    await db?.drop();
  });

  let earlier: Set<string>;

  beforeEach(async () => {
    logged = [];
    earlier = new Set((await manager().orders.list.query({ limit: 100 })).items.map((order) => order.id));
  });

  function manager() {
    return createTRPCClient<AppRouter>({
      links: [
        httpBatchLink({
          url: `${service.url}/trpc`,
          headers: { authorization: `Bearer ${seed.tokens.manager}` },
        }),
      ],
    });
  }

  function simulate(options: Partial<OrderSimulatorOptions>) {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        const line = JSON.parse(chunk.toString()) as { level: number; msg: string };
        logged.push({ level: line.level, msg: line.msg });
        callback();
      },
    });
    return startOrderSimulator({
      serviceUrl: service.url,
      channelToken: seed.tokens.channel,
      meanIntervalS: 0.05,
      profile: "flat",
      declineRate: 0,
      logger: pino({ level: "debug" }, sink),
      ...options,
    });
  }

  /** The orders placed since the test began. */
  async function listOrders() {
    return (await manager().orders.list.query({ limit: 100 })).items.filter(
      (order) => !earlier.has(order.id),
    );
  }

  it("places orders through the service, each reserved in full and paid by an authorization", async () => {
    const authorizedBefore = terminal
      .authorizations()
      .filter((entry) => entry.status === "AUTHORIZED").length;
    const simulator = await simulate({ seed: 42, limit: 5 });
    await simulator.done;

    expect(simulator.placed()).toBe(5);
    expect(simulator.refused()).toBe(0);
    const orders = await listOrders();
    expect(orders).toHaveLength(5);
    for (const order of orders) {
      expect(order.status).toBe("RESERVED");
      expect(order.externalRef).toMatch(/^sim-[0-9a-f]{8}-[1-5]$/);
      expect(order.customer.phone).toMatch(/^1\d{10}$/);
      expect(order.delivery.distanceM).toBeLessThanOrEqual(DEMO_STORE.deliveryRadiusM);
      expect(order.lines.length).toBeGreaterThanOrEqual(1);
      for (const line of order.lines) {
        const reserved = line.reservations.reduce(
          (sum, reservation) => sum + Number(reservation.quantity),
          0,
        );
        expect(reserved).toBe(Number(line.quantity));
        expect(line.reservations.every((reservation) => reservation.status === "ACTIVE")).toBe(true);
      }
    }
    const authorized = terminal.authorizations().filter((entry) => entry.status === "AUTHORIZED");
    expect(authorized.length - authorizedBefore).toBe(5);
    const placedLines = logged.filter((entry) => entry.msg.startsWith("Placed order #"));
    expect(placedLines.map((entry) => entry.msg.match(/^Placed order #(\d+) /)?.[1])).toEqual(
      expect.arrayContaining(orders.map((order) => String(order.number))),
    );
    expect(placedLines[0]?.msg).toMatch(
      /^Placed order #\d+ \(\d+ lines, ¥[\d,]+\.\d\d\) for \p{Script=Han}{2,3}$/u,
    );
  });

  it("reports a declined card as a refusal, with the service's message, and reserves nothing", async () => {
    const simulator = await simulate({ seed: 7, limit: 3, declineRate: 1 });
    await simulator.done;

    expect(simulator.placed()).toBe(0);
    expect(simulator.refused()).toBe(3);
    expect(await listOrders()).toEqual([]);
    const warnings = logged.filter((entry) => entry.level === 40).map((entry) => entry.msg);
    expect(warnings).toHaveLength(3);
    for (const warning of warnings) {
      expect(warning).toMatch(
        /^Refused order for \p{Script=Han}{2,3} \(PAYMENT_DECLINED\): The card was declined/u,
      );
    }
  });

  it("sends an order again with the same key when the payment provider did not answer: one order, one authorization", async () => {
    const before = terminal.authorizations().length;
    terminal.failNext("network", { operation: "authorize" });
    const simulator = await simulate({ seed: 9, limit: 1 });
    await simulator.done;

    expect(simulator.placed()).toBe(1);
    expect(logged.filter((entry) => entry.msg.startsWith("Sending an order again"))).toHaveLength(1);
    expect(await listOrders()).toHaveLength(1);
    expect(terminal.authorizations().length - before).toBe(1);
  });

  it("stops placing orders when closed, after those already sent", async () => {
    const simulator = await simulate({ seed: 11, meanIntervalS: 0.2 });
    await expect.poll(() => simulator.placed(), { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    await simulator.close();
    const placed = simulator.placed();
    expect(await listOrders()).toHaveLength(placed);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(simulator.placed()).toBe(placed);
    expect(await listOrders()).toHaveLength(placed);
  });

  it("refuses to start with a token the service does not know", async () => {
    await expect(simulate({ channelToken: "not-a-token" })).rejects.toThrow(/token/i);
  });
});
