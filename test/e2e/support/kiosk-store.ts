import type { SimDevice } from "@store/firmware-bridge/simulator";
import type { BrowserContext, Page } from "playwright-core";
import { startDeviceStore, type DeviceStore } from "./device-store";

/**
 * A demo store with kiosk 1's hardware live (see `startDeviceStore`): its scanner, bagging scale
 * and produce scale played by the device simulator.
 */
export type KioskStore = Omit<DeviceStore, "device"> & {
  scanner: SimDevice;
  /** Null when started without scales. */
  baggingScale: SimDevice | null;
  produceScale: SimDevice | null;
  kioskToken: string;
  attendant: { badge: string; pin: string };
  /** A kiosk page enrolled as kiosk 1, on the welcome screen. */
  openKiosk(context: BrowserContext): Promise<Page>;
};

export type KioskStoreOptions = {
  /** Kiosk 1's bagging and produce scales too (default); without them the security scale is off. */
  scales?: boolean;
};

export async function startKioskStore(options: KioskStoreOptions = {}): Promise<KioskStore> {
  const scales = options.scales ?? true;
  const store = await startDeviceStore({
    devices: ["kiosk-1-scanner", ...(scales ? ["kiosk-1-bagging-scale", "kiosk-1-produce-scale"] : [])],
  });
  const { app, node } = store;
  const kioskToken = node.seed.tokens.kiosk;
  return {
    ...store,
    scanner: store.device("kiosk-1-scanner"),
    baggingScale: scales ? store.device("kiosk-1-bagging-scale") : null,
    produceScale: scales ? store.device("kiosk-1-produce-scale") : null,
    kioskToken,
    attendant: { badge: node.seed.tokens.attendantBadge, pin: node.seed.tokens.attendantPin },
    async openKiosk(context) {
      const page = await context.newPage();
      // The setup link carries the token after '#', as a technician's would.
      await page.goto(`${app.url}/kiosk/enroll#token=${kioskToken}`);
      await page.waitForURL(`${app.url}/kiosk`);
      await page.locator(".kiosk[data-scanner-live='true']").waitFor();
      return page;
    },
  };
}
