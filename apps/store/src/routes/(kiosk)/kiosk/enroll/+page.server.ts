import { resolve } from "$app/paths";
import { enrollFromForm } from "$lib/server/device-enrollment";
import { kioskSettings } from "$lib/server/kiosk";
import type { Actions } from "./$types";

export const actions = {
  /** Keeps the token only once the service has accepted it as a kiosk's. */
  default: (event) => enrollFromForm(event, kioskSettings, resolve("/(kiosk)/kiosk")),
} satisfies Actions;
