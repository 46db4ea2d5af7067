import { createTrpcBackend, startBridgeNode, type BridgeNode } from "@store/firmware-bridge";
import { createSimulator, type SimDevice, type Simulator } from "@store/firmware-bridge/simulator";
import { SimulatedTerminal } from "@store/api";
import { demoDevices } from "@store/prisma/seed";
import type { BrowserContext, Page } from "playwright-core";
import { pino } from "pino";
import { startStoreApp, ensureStoreAppBuilt, type StoreApp } from "./store-app";
import { startStoreNode, type StoreNode } from "./store-node";

/**
 * A demo store with kiosk 1's hardware live: the inventory service paying through a simulated
 * terminal (the same one across service restarts, as a real processor outlives them), the store
 * app, an embedded MQTT broker with the firmware bridge, and kiosk 1's scanner, bagging scale and
 * produce scale played by the device simulator.
 */
export type KioskStore = {
  node: StoreNode;
  app: StoreApp;
  terminal: SimulatedTerminal;
  bridge: BridgeNode;
  scanner: SimDevice;
  /** Null when started without scales. */
  baggingScale: SimDevice | null;
  produceScale: SimDevice | null;
  kioskToken: string;
  attendant: { badge: string; pin: string };
  /** A kiosk page enrolled as kiosk 1, on the welcome screen. */
  openKiosk(context: BrowserContext): Promise<Page>;
  close(): Promise<void>;
};

// The bridge warns while the service is down, which some tests do on purpose.
const quiet = pino({ level: "error" });

export type KioskStoreOptions = {
  /** Kiosk 1's bagging and produce scales too (default); without them the security scale is off. */
  scales?: boolean;
};

export async function startKioskStore(options: KioskStoreOptions = {}): Promise<KioskStore> {
  const scales = options.scales ?? true;
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
    const wanted = ["kiosk-1-scanner", ...(scales ? ["kiosk-1-bagging-scale", "kiosk-1-produce-scale"] : [])];
    const devices = demoDevices().filter((device) => wanted.includes(device.key));
    const simulator: Simulator = createSimulator({
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
    const byKey = (key: string) => simulator.device(devices.find((device) => device.key === key)!.id);
    const kioskToken = seed.tokens.kiosk;
    return {
      node,
      app,
      terminal,
      bridge,
      scanner: byKey("kiosk-1-scanner"),
      baggingScale: scales ? byKey("kiosk-1-bagging-scale") : null,
      produceScale: scales ? byKey("kiosk-1-produce-scale") : null,
      kioskToken,
      attendant: { badge: seed.tokens.attendantBadge, pin: seed.tokens.attendantPin },
      async openKiosk(context) {
        const page = await context.newPage();
        // The setup link carries the token after '#', as a technician's would.
        await page.goto(`${app.url}/kiosk/enroll#token=${kioskToken}`);
        await page.waitForURL(`${app.url}/kiosk`);
        await page.locator(".kiosk[data-scanner-live='true']").waitFor();
        return page;
      },
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
