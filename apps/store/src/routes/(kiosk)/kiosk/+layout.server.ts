import { resolve } from "$app/paths";
import { enrolledDevice } from "$lib/server/device-enrollment";
import { kioskSettings } from "$lib/server/kiosk";
import type { LayoutServerLoad } from "./$types";

/**
 * A kiosk page needs an enrolled kiosk. Its settings come from the service; while the service
 * is away the kiosk still opens (with its defaults) and catches up by itself.
 */
export const load = (async (event) => ({
  config: await enrolledDevice(event, kioskSettings, {
    enrolling: event.route.id === "/(kiosk)/kiosk/enroll",
    enrollPath: resolve("/(kiosk)/kiosk/enroll"),
  }),
})) satisfies LayoutServerLoad;
