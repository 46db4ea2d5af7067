import type { DeviceCheck } from "./device-enrollment";

/** A kiosk is known by its settings: the service gives them to a kiosk of the store only. */
export const kioskSettings = ((client) => client.kiosk.config.query()) satisfies DeviceCheck<unknown>;
