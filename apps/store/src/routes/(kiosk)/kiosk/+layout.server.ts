import { redirect } from "@sveltejs/kit";
import { resolve } from "$app/paths";
import { enrolledDeviceToken } from "$lib/server/device-enrollment";
import { inventory } from "$lib/server/inventory";
import { kioskConfigOf } from "$lib/server/kiosk";
import type { LayoutServerLoad } from "./$types";

/**
 * A kiosk page needs an enrolled kiosk. Its settings come from the service; while the service
 * is away the kiosk still opens (with its defaults) and catches up by itself.
 */
export const load = (async ({ cookies, fetch, route }) => {
  const enrolling = route.id === "/(kiosk)/kiosk/enroll";
  const token = enrolledDeviceToken(cookies);
  if (!token) {
    if (!enrolling) redirect(303, resolve("/(kiosk)/kiosk/enroll"));
    return { config: null };
  }
  const config = await kioskConfigOf(inventory(fetch, token));
  if (config === "refused" && !enrolling) redirect(303, resolve("/(kiosk)/kiosk/enroll"));
  return { config: config === "refused" || config === "unavailable" ? null : config };
}) satisfies LayoutServerLoad;
