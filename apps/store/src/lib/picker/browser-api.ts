import type { OpenFeed } from "$lib/kiosk/feeds";
import { browserClient } from "$lib/trpc/client";
import type { PickerApi } from "./picker-session.svelte";

/** The handheld's calls through the store app's /trpc door, as the enrolled picker. */
export function browserPickerApi(): PickerApi {
  const { picking } = browserClient();
  return {
    queue: () => picking.queue.query(),
    current: () => picking.current.query(),
    claim: (orderIds) => picking.claim.mutate({ orderIds }),
    claimNext: (count) => picking.claimNext.mutate({ count }),
    heartbeat: (batchId) => picking.heartbeat.mutate({ batchId }),
    release: (batchId) => picking.release.mutate({ batchId }),
    scan: (input) => picking.scan.mutate(input),
    substitutes: (input) => picking.substitutes.query(input),
    short: (input) => picking.short.mutate(input),
    pack: (input) => picking.pack.mutate(input),
    stage: (input) => picking.stage.mutate(input),
    handoff: (input) => picking.handoff.mutate(input),
  };
}

export type OrderEvent = { type: string; orderId: string };

/** The store's order events (placed, claimed, picked, packed, handed off, cancelled), live. */
export const orderEventsFeed: OpenFeed<OrderEvent> = (lastEventId, { onData, onLive, onError }) => {
  const subscription = browserClient().events.subscribe.subscribe(
    { types: ["order."], ...(lastEventId ? { lastEventId } : {}) },
    {
      onStarted: () => onLive(true),
      onData: ({ id, data }) => onData({ type: data.type, orderId: data.subject }, id),
      onError,
    },
  );
  return () => subscription.unsubscribe();
};
