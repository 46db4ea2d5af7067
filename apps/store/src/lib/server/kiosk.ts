import type { AppRouter } from "@store/api";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import type { inferRouterOutputs } from "@trpc/server";
import { classifyCallFailure } from "$lib/trpc/errors";
import { env } from "./env";

export type KioskConfig = inferRouterOutputs<AppRouter>["kiosk"]["config"];

/** The inventory service as an enrolled device calls it, from the app's server. */
export function deviceInventory(fetch: typeof globalThis.fetch, token: string) {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${env.INVENTORY_URL}/trpc`,
        fetch,
        headers: { authorization: `Bearer ${token}` },
      }),
    ],
  });
}

/** The kiosk's settings; "refused" when the token is not a kiosk's of this store. */
export async function kioskConfigOf(
  client: ReturnType<typeof deviceInventory>,
): Promise<KioskConfig | "refused" | "unavailable"> {
  try {
    return await client.kiosk.config.query();
  } catch (error) {
    return classifyCallFailure(error).kind === "unavailable" ? "unavailable" : "refused";
  }
}
