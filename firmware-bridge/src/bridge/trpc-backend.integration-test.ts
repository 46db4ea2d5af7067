import { callerAs, closeFixtureStore, openFixtureStore, type FixtureStore } from "@store/api/testing";
import { startInventoryService, type InventoryService } from "@store/inventory";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBridgeNode, type BridgeNode } from "../node";
import { createSimulator, type Simulator } from "../simulator";
import { waitFor } from "../testing/harness";
import type { StoreEvent } from "./backend";
import { createTrpcBackend } from "./trpc-backend";

// The bridge as the store runs it: a separate client of the inventory service over HTTP with its
// BRIDGE token (queries and mutations batched, events over SSE), on the embedded broker.

describe("the bridge over HTTP", () => {
  let store: FixtureStore;
  let service: InventoryService;
  let node: BridgeNode | null = null;
  let simulator: Simulator | null = null;
  const logger = pino({ level: "silent" });

  beforeAll(async () => {
    store = await openFixtureStore();
    service = await startInventoryService({ db: store.db, port: 0, host: "127.0.0.1", storeCode: "S001", logger });
  });
  afterAll(async () => {
    await simulator?.stop();
    await node?.close();
    await service?.close();
    await closeFixtureStore(store);
  });

  it("reads the registry, reports, and follows the store's events", async () => {
    const backend = createTrpcBackend({ url: service.url, token: store.fixture.tokens.BRIDGE });
    expect((await backend.registry()).storeCode).toBe("S001");

    const controller = new AbortController();
    const events: StoreEvent[] = [];
    // From the newest event on, so the device provisioned below is seen however soon it comes.
    const newest = await store.db.prisma.event.findFirst({ orderBy: { id: "desc" }, select: { id: true } });
    const following = (async () => {
      const options = { signal: controller.signal, lastEventId: (newest?.id ?? 0n).toString() };
      for await (const event of backend.events(["device.provisioned"], options)) events.push(event);
    })();
    const manager = await callerAs(store.services, store.fixture.actors.MANAGER);
    const issued = await manager.devices.provision({ model: "zebra-ds9308", name: "HTTP scanner", hostId: store.fixture.devices.kiosk.id });
    await waitFor("the provisioned event", () => events.find((event) => event.subject === issued.device.id));
    controller.abort();
    await following;

    const scan = { type: "scan" as const, deviceId: issued.device.id, seq: 1, code: "4011", symbology: "UNKNOWN" as const, scannedAt: new Date().toISOString() };
    expect(await backend.report([scan])).toEqual([{ status: "applied" }]);
    expect(await backend.report([scan])).toEqual([{ status: "duplicate" }]);
    await expect(createTrpcBackend({ url: service.url, token: "not-a-token-at-all" }).registry()).rejects.toThrow();
  });

  it("carries a simulated scan from the embedded broker to the service", async () => {
    const manager = await callerAs(store.services, store.fixture.actors.MANAGER);
    const issued = await manager.devices.provision({ model: "zebra-ds9308", name: "Kiosk scanner", hostId: store.fixture.devices.kiosk.id });
    node = await startBridgeNode({
      storeCode: "S001",
      backend: createTrpcBackend({ url: service.url, token: store.fixture.tokens.BRIDGE }),
      logger,
      embedded: { port: 0 },
    });
    simulator = createSimulator({
      url: node.mqttUrl,
      storeCode: "S001",
      devices: [{ id: issued.device.id, model: "zebra-ds9308", password: issued.credentials.password }],
      logger,
    });
    await simulator.start();
    await simulator.device(issued.device.id).scan(store.fixture.products.cola.code);
    const row = await waitFor("the scan in the service", () =>
      store.db.prisma.deviceScan.findFirst({ where: { deviceId: issued.device.id } }),
    );
    expect(row.code).toBe(store.fixture.products.cola.code);
    await waitFor("the scanner online", () =>
      store.db.prisma.device.findUnique({ where: { id: issued.device.id } }).then((device) => device?.online),
    );
  });
});
