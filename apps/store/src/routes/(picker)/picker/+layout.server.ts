import { resolve } from "$app/paths";
import { enrolledDevice } from "$lib/server/device-enrollment";
import { pickerBatch } from "$lib/server/picker";
import type { LayoutServerLoad } from "./$types";

/** A picker page needs an enrolled handheld; it opens on the batch it left open, if any. */
export const load = (async (event) => ({
  batch: await enrolledDevice(event, pickerBatch, {
    enrolling: event.route.id === "/(picker)/picker/enroll",
    enrollPath: resolve("/(picker)/picker/enroll"),
  }),
})) satisfies LayoutServerLoad;
