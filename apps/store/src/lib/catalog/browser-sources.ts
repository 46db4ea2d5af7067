import { browserClient } from "$lib/trpc/client";
import type { SearchSource } from "./catalog-search.svelte";
import type { AvailabilityFeed, LiveStatus } from "./live-availability.svelte";
import { catalogPageSize, type CatalogItem } from "./model";

export const browserCatalogSearch: SearchSource<CatalogItem> = ({ query, cursor, signal }) =>
  browserClient().catalog.search.query(
    { query, limit: catalogPageSize, ...(cursor === null ? {} : { cursor }) },
    { signal },
  );

/**
 * Availability changes over SSE. The link resumes from the last event id after a reconnect,
 * so a dropped connection misses nothing.
 */
export const browserAvailabilityFeed: AvailabilityFeed = (productIds, { onChange, onStatus }) => {
  const subscription = browserClient().catalog.watchAvailability.subscribe(productIds ? { productIds } : {}, {
    onData: ({ data }) => onChange(data),
    onConnectionStateChange: (connection) => onStatus(liveStatusOf(connection.state, connection.error)),
    onError: () => onStatus("paused"),
  });
  return () => subscription.unsubscribe();
};

function liveStatusOf(state: "idle" | "connecting" | "pending", error: unknown): LiveStatus {
  if (state === "pending") return "live";
  return state === "connecting" && !error ? "connecting" : "paused";
}
