import type { AppRouter } from "@store/api";
import { error } from "@sveltejs/kit";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { classifyCallFailure } from "$lib/trpc/errors";
import { env } from "./env";
import { networkFailureReason } from "./network-failure";

/**
 * The inventory service as the app's server sees it: called directly, not through the /trpc
 * door, anonymously or as an enrolled device (`token`). Pass SvelteKit's `fetch` from a load
 * function.
 */
export function inventory(fetch: typeof globalThis.fetch, token?: string) {
  const headers = token ? { authorization: `Bearer ${token}` } : undefined;
  return createTRPCClient<AppRouter>({
    links: [httpBatchLink({ url: `${env.INVENTORY_URL}/trpc`, fetch, ...(headers ? { headers } : {}) })],
  });
}

/**
 * Runs a service call for a page load. A service that cannot be reached or a missing record
 * becomes an error page that says so (503, 404); anything else is a bug and fails as one.
 */
export async function loadFromInventory<T>(
  call: () => Promise<T>,
  notFound: { message: string; code: App.Error["code"] } = { message: "Not found", code: "NOT_FOUND" },
): Promise<T> {
  try {
    return await call();
  } catch (cause) {
    const failure = classifyCallFailure(cause);
    if (failure.kind === "not-found") error(404, notFound);
    if (failure.kind === "unavailable") {
      console.error(
        `The inventory service at ${env.INVENTORY_URL} is not reachable (${networkFailureReason(cause)})`,
      );
      error(503, { message: "The inventory service is not reachable", code: "INVENTORY_UNAVAILABLE" });
    }
    throw cause;
  }
}
