import { capability, deviceDefinitions } from "@store/contracts";
import { verifyDevicePassword } from "@store/contracts/credentials";
import type { Database } from "@store/db";
import { createTrpcBackend, startBridgeNode, type BridgeNode } from "@store/firmware-bridge";
import {
  createRandom,
  createSimulator,
  type Random,
  type SimDevice,
  type SimDeviceSpec,
  type Simulator,
} from "@store/firmware-bridge/simulator";
import { demoDevices, demoOperatorMqttCredentials, type DemoDevice } from "@store/prisma/seed";
import type { Logger } from "pino";
import type { DemoEnv } from "./env";

/** The demo store's devices: the bridge and its broker, and the simulated devices with their shoppers. */
export type StoreDevices = {
  mqttUrl: string;
  /** The bridge's Prometheus metrics; null when BRIDGE_METRICS_PORT is off. */
  metricsUrl: string | null;
  /** The embedded broker's port; null on an external broker. */
  embeddedPort: number | null;
  /** The technician's login on the embedded broker; null on an external broker (it has its own). */
  operator: { username: string; password: string } | null;
  /** Demo devices played by the simulator, and those left out (retired or with changed credentials). */
  simulated: number;
  skipped: number;
  /** Stops shoppers and simulated devices, then the bridge, then its broker. */
  close(): Promise<void>;
};

export type StoreDevicesOptions = {
  db: Database;
  storeCode: string;
  serviceUrl: string;
  bridgeToken: string;
  /** Absolute path of the bridge's journal. */
  journalDir: string;
  env: DemoEnv;
  logger: Logger;
};

// One seed for the demo's simulated hardware and shoppers, so every run draws the same numbers.
const SEED = 1;

/**
 * Starts the firmware bridge against the running inventory service (over HTTP with the BRIDGE
 * token, as in production), with an embedded broker unless MQTT_URL names one, then the simulated
 * demo devices and the shoppers at the shelf sensors.
 */
export async function startStoreDevices(options: StoreDevicesOptions): Promise<StoreDevices> {
  const { db, storeCode, env, logger } = options;
  const operator = env.MQTT_URL === undefined ? demoOperatorMqttCredentials(storeCode) : null;
  // Planning the devices is CPU work and the bridge's start mostly waiting: do both at once.
  const planned = env.SIMULATOR === "off" ? null : simulatedDevices(db, storeCode);
  planned?.catch(() => undefined);
  const node = await startBridgeNode({
    storeCode,
    backend: createTrpcBackend({ url: options.serviceUrl, token: options.bridgeToken }),
    journalDir: options.journalDir,
    logger,
    ...(env.BRIDGE_METRICS_PORT === "off" ? {} : { metrics: { host: env.HOST, port: env.BRIDGE_METRICS_PORT } }),
    ...(env.MQTT_URL === undefined
      ? { embedded: { host: env.HOST, port: env.MQTT_EMBEDDED_PORT }, ...(operator ? { operator } : {}) }
      : { mqtt: { url: env.MQTT_URL, username: env.MQTT_USERNAME, password: env.MQTT_PASSWORD ?? "" } }),
  });
  const closeNode = () => node.close();
  const base = {
    mqttUrl: node.mqttUrl,
    metricsUrl: node.metricsUrl,
    embeddedPort: node.broker?.port ?? null,
    operator,
  };
  if (planned === null) return { ...base, simulated: 0, skipped: 0, close: closeNode };

  try {
    return { ...base, ...(await startSimulation(node, await planned, options)) };
  } catch (error) {
    await closeNode();
    throw error;
  }
}

async function startSimulation(
  node: BridgeNode,
  { specs, skipped }: { specs: SimDeviceSpec[]; skipped: DemoDevice[] },
  options: StoreDevicesOptions,
): Promise<Pick<StoreDevices, "simulated" | "skipped" | "close">> {
  const { db, storeCode, env, logger } = options;
  if (skipped.length > 0) {
    logger.warn(
      `Left ${skipped.length} demo devices out of the simulation (retired, or their MQTT password was rotated): ${skipped
        .slice(0, 5)
        .map((device) => device.key)
        .join(", ")}${skipped.length > 5 ? ", …" : ""}`,
    );
  }
  const simulator = createSimulator({
    url: node.mqttUrl,
    storeCode,
    devices: specs,
    seed: SEED,
    logger: logger.child({ name: "simulator" }),
  });
  await simulator.start();
  const shoppers =
    env.SIMULATOR_SHOPPER_INTERVAL_S > 0
      ? startShoppers(simulator, env.SIMULATOR_SHOPPER_INTERVAL_S, logger.child({ name: "shoppers" }))
      : null;
  return {
    simulated: specs.length,
    skipped: skipped.length,
    async close() {
      await shoppers?.stop();
      // Each device says `offline` while the bridge still listens; the bridge stops once the
      // registry has it (or after 5 s), so the next start does not find them online.
      await simulator.stop();
      await recordedOffline(
        db,
        specs.map((spec) => spec.id),
        5_000,
      );
      await node.close();
    },
  };
}

/** Waits until the registry has none of `ids` online, or `timeoutMs` passed. */
async function recordedOffline(db: Database, ids: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const online = await db.prisma.device.count({ where: { id: { in: ids }, online: true } });
    if (online === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The seeded demo devices the database still knows with their demo password, as the simulator
 * plays them: firmware as registered, a battery somewhere in its life, the radio of a wireless
 * device, and on a shelf sensor the facing's stock with a load cell's noise, drift and dropouts.
 */
async function simulatedDevices(
  db: Database,
  storeCode: string,
): Promise<{ specs: SimDeviceSpec[]; skipped: DemoDevice[] }> {
  const rows = await db.prisma.device.findMany({
    where: { store: { code: storeCode }, retiredAt: null, credentialHash: { not: null } },
    select: {
      id: true,
      firmware: true,
      credentialHash: true,
      locationId: true,
      productId: true,
      product: { select: { unitWeightG: true } },
    },
  });
  const registered = new Map(rows.map((row) => [row.id, row]));
  const shelves = rows.filter((row) => row.productId !== null && row.locationId !== null);
  const balances =
    shelves.length === 0
      ? []
      : await db.prisma.stockBalance.findMany({
          where: {
            OR: shelves.map((row) => ({
              productId: row.productId as string,
              locationId: row.locationId as string,
            })),
          },
          select: { productId: true, locationId: true, onHand: true },
        });
  const onHandAt = new Map(
    balances.map((balance) => [
      `${balance.productId}@${balance.locationId}`,
      Number(balance.onHand.toString()),
    ]),
  );

  const random = createRandom(SEED);
  const specs: SimDeviceSpec[] = [];
  const skipped: DemoDevice[] = [];
  for (const device of demoDevices()) {
    const row = registered.get(device.id);
    // A manager may have retired a demo device or rotated its password: the broker would refuse it.
    if (!row?.credentialHash || !verifyDevicePassword(device.password, row.credentialHash)) {
      skipped.push(device);
      continue;
    }
    const definition = deviceDefinitions.get(device.model);
    if (definition === undefined) {
      skipped.push(device);
      continue;
    }
    const battery = capability(definition, "battery");
    const sensor = capability(definition, "weight-sensor");
    const spec: SimDeviceSpec = {
      id: device.id,
      model: device.model,
      kind: device.kind,
      password: device.password,
      ...(row.firmware ? { firmware: row.firmware } : {}),
      // Mains-powered kiosk hardware is wired; whatever runs on a battery talks by radio.
      rssiDbm: battery ? -45 - Math.round(random.next() * 30) : null,
    };
    if (battery) {
      // Most batteries somewhere between half and full, a few already low, so the registry shows both.
      spec.batteryPct = random.chance(0.04)
        ? Math.max(1, battery.lowPct - 1 - Math.round(random.next() * 5))
        : 50 + Math.round(random.next() * 50);
      spec.batteryDrainPctPerHour = DRAIN_PCT_PER_HOUR[device.kind] ?? 0.5;
    }
    const unitWeightG = Number(row.product?.unitWeightG?.toString() ?? device.unitWeightG ?? Number.NaN);
    if (device.kind === "SHELF_SENSOR" && sensor && unitWeightG > 0 && row.productId && row.locationId) {
      const onHand = Math.max(0, Math.floor(onHandAt.get(`${row.productId}@${row.locationId}`) ?? 0));
      // The cell carries one facing: stock beyond its capacity stands behind it, unweighed.
      const fits = Math.floor(sensor.capacityG / unitWeightG);
      spec.unitWeightG = unitWeightG;
      spec.initialUnits = Math.min(onHand, fits);
      spec.noiseSigmaG = 1.5;
      spec.driftGPerHour = (random.next() - 0.5) * 8;
      spec.dropoutProbability = 0.02;
    }
    if ((device.kind === "SCALE" || device.kind === "BAGGING_SCALE") && sensor) {
      // A kiosk's scale holds its zero: noise well within one step, or an empty bagging area
      // would flicker by a step now and then, and the kiosk would take it for an item.
      spec.noiseSigmaG = sensor.resolutionG / 10;
    }
    specs.push(spec);
  }
  return { specs, skipped };
}

/** Battery drain per hour by kind: a shift on a handheld's charge, months on a sensor's, years on a label's. */
const DRAIN_PCT_PER_HOUR: Partial<Record<DemoDevice["kind"], number>> = {
  HANDHELD: 8,
  SCANNER: 7,
  SHELF_SENSOR: 0.05,
  SHELF_LABEL: 0.005,
};

/**
 * Shoppers at the shelf sensors: every few seconds (on average `intervalS`) one takes one or two
 * units of a sensed product, or puts back what an earlier shopper took. The more is out in
 * baskets, the likelier a put-back, so a facing wanders a few units below its stock and back, and
 * shelf estimates, gaps and low-stock alerts move. Nothing else is made up: no scans, no weights
 * on kiosk scales (they would ring up goods nobody is buying).
 */
function startShoppers(simulator: Simulator, intervalS: number, logger: Logger): { stop(): Promise<void> } {
  const random = createRandom(SEED + 1);
  const shelves = simulator.devices().filter((device) => device.hasUnitWeight);
  const inBaskets = new Map<string, number>();
  let timer: NodeJS.Timeout | null = null;
  let visit: Promise<void> = Promise.resolve();
  let stopped = false;

  const schedule = () => {
    if (stopped || shelves.length === 0) return;
    timer = setTimeout(
      () => {
        visit = shop(pick(shelves, random)).finally(schedule);
      },
      intervalS * (0.5 + random.next()) * 1000,
    );
  };

  async function shop(shelf: SimDevice): Promise<void> {
    if (!shelf.connected) return;
    const taken = inBaskets.get(shelf.id) ?? 0;
    const units = random.chance(0.3) ? 2 : 1;
    const putBack = taken > 0 && (shelf.unitCount === 0 || random.next() < taken / (taken + 3));
    // The goods move even when the reading cannot be sent; the sensor's next reading shows them.
    try {
      if (putBack) {
        const count = Math.min(units, taken);
        inBaskets.set(shelf.id, taken - count);
        await shelf.put(count);
        logger.debug(`Shopper put back ${count} on '${shelf.id}' (${shelf.unitCount} on the shelf)`);
      } else if (shelf.unitCount > 0) {
        const count = Math.min(units, shelf.unitCount);
        inBaskets.set(shelf.id, taken + count);
        await shelf.take(count);
        logger.debug(`Shopper took ${count} from '${shelf.id}' (${shelf.unitCount} on the shelf)`);
      }
    } catch (error) {
      logger.debug({ err: error }, `A shopper's reading on '${shelf.id}' was not sent`);
    }
  }

  schedule();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await visit;
    },
  };
}

function pick<T>(items: readonly T[], random: Random): T {
  return items[Math.floor(random.next() * items.length)] as T;
}
