import { createTrpcBackend, startBridgeNode, type BridgeNode } from "@store/firmware-bridge";
import { createSimulator, type SimDevice } from "@store/firmware-bridge/simulator";
import { SimulatedTerminal } from "@store/api";
import { demoDevices } from "@store/prisma/seed";
import { pino } from "pino";
import { ensureStoreAppBuilt, startStoreApp, type StoreApp } from "./store-app";
import { startStoreNode, type StoreNode } from "./store-node";

/**
 * A demo store with some of its hardware live: the inventory service paying through a simulated
 * terminal (the same one across service restarts, as a real processor outlives them), the store
 * app, an embedded MQTT broker with the firmware bridge, and the named demo devices (by their
 * seed key, e.g. "kiosk-1-scanner") played by the device simulator.
 */
export type DeviceStore = {
  node: StoreNode;
  app: StoreApp;
  terminal: SimulatedTerminal;
  bridge: BridgeNode;
  /** A simulated device started with the store, by its seed key. */
  device(key: string): SimDevice;
  close(): Promise<void>;
};

// The bridge warns while the service is down, which some tests do on purpose.
const quiet = pino({ level: "error" });

export async function startDeviceStore({
  devices: keys,
}: {
  devices: readonly string[];
}): Promise<DeviceStore> {
  const terminal = new SimulatedTerminal();
  const [node] = await Promise.all([startStoreNode({ payments: terminal }), ensureStoreAppBuilt()]);
  const closers: Array<() => Promise<void>> = [() => node.close()];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  };
  try {
    const app = await startStoreApp({ inventoryUrl: node.inventoryUrl });
    closers.push(() => app.close());
    const { seed } = node;
    const bridge = await startBridgeNode({
      storeCode: seed.storeCode,
      backend: createTrpcBackend({ url: node.inventoryUrl, token: seed.tokens.bridge }),
      logger: quiet,
      embedded: { host: "127.0.0.1", port: 0 },
    });
    closers.push(() => bridge.close());
    const devices = demoDevices().filter((device) => keys.includes(device.key));
    const missing = keys.filter((key) => !devices.some((device) => device.key === key));
    if (missing.length > 0) throw new Error(`The demo store has no device ${missing.join(", ")}`);
    const simulator = createSimulator({
      url: bridge.mqttUrl,
      storeCode: seed.storeCode,
      devices: devices.map((device) => ({
        id: device.id,
        model: device.model,
        kind: device.kind,
        password: device.password,
      })),
      seed: 1,
      logger: quiet,
    });
    await simulator.start();
    closers.push(() => simulator.stop());
    return {
      node,
      app,
      terminal,
      bridge,
      device: (key) => {
        const device = devices.find((candidate) => candidate.key === key);
        if (!device) throw new Error(`Device ${key} was not started with this store`);
        return simulator.device(device.id);
      },
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
