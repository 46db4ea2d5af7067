import type { AppRouter } from "@store/api";
import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  type TRPCClient,
} from "@trpc/client";
import { resolve } from "$app/paths";

let client: TRPCClient<AppRouter> | undefined;

/**
 * The browser's client of the inventory service, through the store app's same-origin /trpc
 * door: queries and mutations batched over HTTP, subscriptions over server-sent events.
 */
export function browserClient(): TRPCClient<AppRouter> {
  const url = resolve("/trpc");
  client ??= createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (operation) => operation.type === "subscription",
        true: httpSubscriptionLink({ url }),
        false: httpBatchLink({ url }),
      }),
    ],
  });
  return client;
}
