import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { callerAs, closeFixtureStore, openFixtureStore, type FixtureStore } from "@store/api/testing";
import { generateDeviceSecret } from "@store/contracts/credentials";
import { pino } from "pino";
import { createCallerBackend } from "../bridge/caller-backend";
import { startBridge, type Bridge, type BridgeOptions } from "../bridge/bridge";
import { findMosquitto, startMosquitto, type MosquittoProcess } from "../broker/mosquitto";
import { startBridgeNode, type BridgeNode } from "../node";
import { createSimulator, type Simulator } from "../simulator";
import type { SimDeviceSpec } from "../simulator";

export type BrokerKind = "embedded" | "mosquitto";

/**
 * The bridge's tests are about brokers and devices, and the service under them is tested on both
 * databases in its own package: they run once, on PostgreSQL when the run has one, else on PGlite,
 * which keeps the suite's time in check.
 */
export const onOneDatabase = process.env.TEST_DATABASE_URL ? process.env.TEST_DB === "postgres" : true;

/** The brokers a test runs against: the embedded one always, Mosquitto when it is installed. */
export const brokerKinds: BrokerKind[] = findMosquitto() ? ["embedded", "mosquitto"] : ["embedded"];

export type ProvisionedDevice = { id: string; model: string; password: string };

/** A device a test needs beyond the standard set, and how the simulator plays it. */
export type ExtraDevice = {
  key: string;
  model: string;
  name: string;
  locationCode?: string;
  hostId?: string;
  productSku?: string;
  simulated?: Partial<Omit<SimDeviceSpec, "id" | "model" | "password">>;
};

/**
 * A whole device path for integration tests: the fixture store in a real database with devices
 * provisioned by its manager through `devices.provision`, a real broker (embedded, or Mosquitto
 * started on a free port with files generated from those devices), the bridge with the BRIDGE
 * token over the service's procedures, and simulated devices with the issued credentials.
 */
export async function openBridgeHarness(options: {
  broker: BrokerKind;
  bridge?: Partial<Omit<BridgeOptions, "backend" | "storeCode" | "mqtt">>;
  simulator?: { timeScale?: number };
  /** Extra devices to provision besides the standard set (bound to the fixture's devices, say). */
  extra?: (fixture: FixtureStore["fixture"]) => ExtraDevice[];
  mosquittoPersistenceDir?: string;
}) {
  const store: FixtureStore = await openFixtureStore();
  const { services, fixture } = store;
  const manager = await callerAs(services, fixture.actors.MANAGER);
  // A can of cola weighs 355 g on the shelf sensor.
  await store.db.prisma.product.update({ where: { id: fixture.products.cola.id }, data: { unitWeightG: "355", lowStockThreshold: "6" } });

  const devices: Record<string, ProvisionedDevice> = {};
  const simulated: Record<string, ExtraDevice["simulated"]> = {};
  const provision = async (key: string, input: { model: string; name: string; locationCode?: string; hostId?: string; productSku?: string }) => {
    const issued = await manager.devices.provision(input);
    devices[key] = { id: issued.device.id, model: input.model, password: issued.credentials.password };
  };
  await provision("scanner", { model: "zebra-ds9308", name: "Kiosk 1 scanner", hostId: fixture.devices.kiosk.id });
  await provision("sensor", { model: "hx711-shelf-30kg", name: "Cola sensor", locationCode: "A1-1-1", productSku: fixture.products.cola.sku });
  await provision("label", { model: "esl-4.2-bwr", name: "Cola label", locationCode: "A1-1-1", productSku: fixture.products.cola.sku });
  await provision("milkLabel", { model: "esl-2.13-bwr", name: "Milk label", locationCode: "A1-1-1", productSku: fixture.products.milk.sku });
  for (const { key, simulated: spec, ...input } of options.extra?.(fixture) ?? []) {
    await provision(key, input);
    simulated[key] = spec;
  }

  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
  const backend = createCallerBackend(services, fixture.tokens.BRIDGE);
  const journalDir = await mkdtemp(join(tmpdir(), "store-bridge-journal-"));
  const bridgeOptions = {
    heartbeatCheckMs: 100,
    journalDir,
    labels: { ackTimeoutScale: 0.05, retryDelayMs: 50, maxAttempts: 3 },
    ...options.bridge,
  };

  let node: BridgeNode | null = null;
  let mosquitto: MosquittoProcess | null = null;
  let bridge: Bridge;
  let url: string;
  const bridgeCredentials = { username: "bridge", password: generateDeviceSecret() };
  const operator = { username: "technician", password: generateDeviceSecret() };
  if (options.broker === "embedded") {
    node = await startBridgeNode({ storeCode: fixture.store.code, backend, logger, operator, ...bridgeOptions });
    bridge = node.bridge;
    url = node.mqttUrl;
  } else {
    mosquitto = await startMosquitto({
      storeCode: fixture.store.code,
      bridge: bridgeCredentials,
      operator,
      devices: Object.values(devices).map(({ id, model, password }) => ({ id, model, password })),
      ...(options.mosquittoPersistenceDir ? { persistenceDir: options.mosquittoPersistenceDir } : {}),
    });
    url = mosquitto.url;
    bridge = await startBridge({
      storeCode: fixture.store.code,
      backend,
      logger: logger.child({ name: "bridge" }),
      mqtt: { url, ...bridgeCredentials, protocolVersion: 5 },
      ...bridgeOptions,
    });
  }

  const specs: SimDeviceSpec[] = Object.entries(devices).map(([key, device]) => ({
    id: device.id,
    model: device.model,
    password: device.password,
    ...(key === "sensor" ? { unitWeightG: 355, initialUnits: 24, noiseSigmaG: 2 } : {}),
    refreshDelayMs: 20,
    ...simulated[key],
  }));
  const simulator: Simulator = createSimulator({
    url,
    storeCode: fixture.store.code,
    devices: specs,
    logger: logger.child({ name: "simulator" }),
    timeScale: options.simulator?.timeScale ?? 1,
    reconnectPeriodMs: 200,
  });

  return {
    store,
    services,
    fixture,
    manager,
    devices,
    backend,
    bridgeCredentials,
    operator,
    journalDir,
    get bridge() {
      return bridge;
    },
    set bridge(next: Bridge) {
      bridge = next;
    },
    node,
    get mosquitto() {
      return mosquitto;
    },
    set mosquitto(next: MosquittoProcess | null) {
      mosquitto = next;
    },
    url,
    simulator,
    logger,
    async close() {
      await simulator.stop().catch(() => undefined);
      if (node) await node.close();
      else await bridge.close({ drainMs: 0 }).catch(() => undefined);
      await mosquitto?.stop();
      await closeFixtureStore(store);
      await rm(journalDir, { recursive: true, force: true });
    },
  };
}

export type BridgeHarness = Awaited<ReturnType<typeof openBridgeHarness>>;

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 10_000): Promise<Exclude<T, false | undefined | null>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false && value !== null) return value as Exclude<T, false | undefined | null>;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
