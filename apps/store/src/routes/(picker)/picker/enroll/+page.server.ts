import { resolve } from "$app/paths";
import { enrollFromForm } from "$lib/server/device-enrollment";
import { pickerBatch } from "$lib/server/picker";
import type { Actions } from "./$types";

export const actions = {
  /** Keeps the token only once the service has accepted it as a picker's handheld's. */
  default: (event) => enrollFromForm(event, pickerBatch, resolve("/(picker)/picker")),
} satisfies Actions;
