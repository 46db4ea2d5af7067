import type { AppRouter } from "@store/api";
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import { EventSource } from "eventsource";
import type { BridgeBackend, StoreEvent } from "./backend";

/**
 * The bridge's way to the inventory service over HTTP, with its BRIDGE token: queries and
 * mutations batched, the event stream over SSE (which resumes after the last event id itself
 * when the connection drops).
 */
export function createTrpcBackend(options: { url: string; token: string }): BridgeBackend {
  const url = `${options.url.replace(/\/$/, "")}/trpc`;
  const client = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (operation) => operation.type === "subscription",
        true: httpSubscriptionLink({ url, EventSource, connectionParams: { token: options.token } }),
        false: httpBatchLink({ url, headers: { authorization: `Bearer ${options.token}` }, maxItems: 10 }),
      }),
    ],
  });

  return {
    registry: () => client.devices.registry.query(),
    report: async (reports) => (await client.devices.report.mutate({ reports: [...reports] })).results,
    labels: (productIds) => client.devices.labels.query(productIds ? { productIds: [...productIds] } : {}),
    events(types, { lastEventId, signal }) {
      return streamOf<StoreEvent>((push, fail) => {
        const subscription = client.events.subscribe.subscribe(
          { types: [...types], ...(lastEventId ? { lastEventId } : {}) },
          {
            onData: (tracked) => push(tracked.data as StoreEvent),
            onError: fail,
          },
        );
        return () => subscription.unsubscribe();
      }, signal);
    },
  };
}

/** An async iterable over a callback source, ended by `signal`. */
function streamOf<T>(
  start: (push: (item: T) => void, fail: (error: unknown) => void) => () => void,
  signal: AbortSignal,
): AsyncIterable<T> {
  return {
    async *[Symbol.asyncIterator]() {
      const buffered: T[] = [];
      let failure: { error: unknown } | null = null;
      let wake: (() => void) | null = null;
      const stop = start(
        (item) => {
          buffered.push(item);
          wake?.();
        },
        (error) => {
          failure = { error };
          wake?.();
        },
      );
      const onAbort = () => wake?.();
      signal.addEventListener("abort", onAbort);
      try {
        while (!signal.aborted) {
          const item = buffered.shift();
          if (item !== undefined) {
            yield item;
            continue;
          }
          if (failure) throw (failure as { error: unknown }).error;
          await new Promise<void>((resolve) => (wake = resolve));
          wake = null;
        }
      } finally {
        signal.removeEventListener("abort", onAbort);
        stop();
      }
    },
  };
}
