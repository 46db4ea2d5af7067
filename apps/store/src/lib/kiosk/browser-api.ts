import { browserClient } from "$lib/trpc/client";
import type { OpenFeed } from "./feeds";
import type { KioskApi, ScannedItem, WeightReading } from "./kiosk-session.svelte";

/** The kiosk's calls through the store app's /trpc door, as the enrolled kiosk. */
export function browserKioskApi(): KioskApi {
  const client = browserClient();
  return {
    quote: (lines) => client.checkout.quote.query({ lines }),
    start: () => client.kiosk.start.mutate(),
    end: (sessionId, reason) => client.kiosk.end.mutate({ sessionId, reason }),
    approve: (input) => client.kiosk.approve.mutate(input),
    pay: (input) => client.checkout.pay.mutate(input),
  };
}

export type HardwareScan = { code: string; symbology: string; item: ScannedItem | null };

/** What the scanners bound to this kiosk read, live. */
export const scannerFeed: OpenFeed<HardwareScan> = (lastEventId, { onData, onLive, onError }) => {
  const subscription = browserClient().devices.scans.subscribe(lastEventId ? { lastEventId } : {}, {
    onStarted: () => onLive(true),
    onData: ({ id, data }) => onData({ code: data.code, symbology: data.symbology, item: data.item }, id),
    onError,
  });
  return () => subscription.unsubscribe();
};

/** The readings of this kiosk's produce scale and bagging scale, the current ones first. */
export const scaleFeed: OpenFeed<WeightReading> = (lastEventId, { onData, onLive, onError }) => {
  const subscription = browserClient().devices.weights.subscribe(lastEventId ? { lastEventId } : {}, {
    onStarted: () => onLive(true),
    onData: ({ id, data }) =>
      onData({ deviceId: data.deviceId, kind: data.kind, grams: data.grams, stable: data.stable }, id),
    onError,
  });
  return () => subscription.unsubscribe();
};
