import type { AppRouter } from "@store/api";
import type { SimDevice } from "@store/firmware-bridge/simulator";
import type { TRPCClient } from "@trpc/client";
import type { BrowserContext, Page } from "playwright-core";
import { startDeviceStore, type DeviceStore } from "./device-store";

/**
 * A demo store with picker 1's handheld live (see `startDeviceStore`): the cordless scanner
 * bound to handheld 1 played by the device simulator, and clients of the service as the
 * customer app (to place orders) and as picker 1 (to read what the service planned).
 */
export type PickerStore = Omit<DeviceStore, "device"> & {
  scanner: SimDevice;
  pickerToken: string;
  /** The customer app's sales channel. */
  channel: TRPCClient<AppRouter>;
  /** Picker 1, as the handheld calls the service. */
  picker: TRPCClient<AppRouter>;
  /** A handheld page enrolled as picker 1's, on the queue (or the batch it left open). */
  openPicker(context: BrowserContext): Promise<Page>;
};

export async function startPickerStore(): Promise<PickerStore> {
  const store = await startDeviceStore({ devices: ["handheld-1-scanner"] });
  const { app, node } = store;
  const pickerToken = node.seed.tokens.picker;
  return {
    ...store,
    scanner: store.device("handheld-1-scanner"),
    pickerToken,
    channel: node.client(node.seed.tokens.channel),
    picker: node.client(pickerToken),
    async openPicker(context) {
      const page = await context.newPage();
      // The setup link carries the token after '#', as a technician's would.
      await page.goto(`${app.url}/picker/enroll#token=${pickerToken}`);
      await page.waitForURL(`${app.url}/picker`);
      await page.locator(".picker[data-scanner-live='true'][data-events-live='true']").waitFor();
      return page;
    },
  };
}
