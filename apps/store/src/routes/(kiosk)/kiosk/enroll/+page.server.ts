import { fail, redirect } from "@sveltejs/kit";
import { resolve } from "$app/paths";
import { enrollDevice } from "$lib/server/device-enrollment";
import { inventory } from "$lib/server/inventory";
import { kioskConfigOf } from "$lib/server/kiosk";
import type { Actions } from "./$types";

export const actions = {
  /** Keeps the token only once the service has accepted it as a kiosk's. */
  default: async ({ request, cookies, fetch, url }) => {
    const form = await request.formData();
    const field = form.get("token");
    const token = typeof field === "string" ? field.trim() : "";
    if (!token || token.length > 200) return fail(400, { problem: "invalid" as const });
    const config = await kioskConfigOf(inventory(fetch, token));
    if (config === "unavailable") return fail(503, { problem: "unavailable" as const });
    if (config === "refused") return fail(403, { problem: "invalid" as const });
    enrollDevice(cookies, token, url.protocol === "https:");
    redirect(303, resolve("/(kiosk)/kiosk"));
  },
} satisfies Actions;
