import type { AppRouter } from "@store/api";
import type { inferRouterOutputs } from "@trpc/server";
import { classifyCallFailure } from "$lib/trpc/errors";
import type { inventory } from "./inventory";

export type KioskConfig = inferRouterOutputs<AppRouter>["kiosk"]["config"];

/** The kiosk's settings; "refused" when the token is not a kiosk's of this store. */
export async function kioskConfigOf(
  client: ReturnType<typeof inventory>,
): Promise<KioskConfig | "refused" | "unavailable"> {
  try {
    return await client.kiosk.config.query();
  } catch (error) {
    return classifyCallFailure(error).kind === "unavailable" ? "unavailable" : "refused";
  }
}
