import { browserClient } from "$lib/trpc/client";
import type { SearchSource } from "./catalog-search.svelte";
import type { AvailabilityFeed, LiveStatus } from "./live-availability.svelte";
import { catalogPageSize, type CatalogItem, type ProductDetail } from "./model";
import type { ProductSource } from "./product-view.svelte";

export const browserCatalogSearch: SearchSource<CatalogItem> = ({ query, cursor, signal }) =>
  browserClient().catalog.search.query(
    { query, limit: catalogPageSize, ...(cursor === null ? {} : { cursor }) },
    { signal },
  );

export const browserProductSource: ProductSource<ProductDetail> = async ({ productId, signal }) =>
  (await browserClient().catalog.product.query({ productId }, { signal })).product;

/**
 * Availability changes over SSE. While the connection drops and comes back, tRPC resumes from
 * the last event id by itself; a feed it gives up on is reported as failed.
 */
export const browserAvailabilityFeed: AvailabilityFeed = (
  { productIds, lastEventId },
  { onChange, onStatus, onFailure },
) => {
  const subscription = browserClient().catalog.watchAvailability.subscribe(
    { ...(productIds ? { productIds } : {}), lastEventId },
    {
      onData: ({ id, data }) => onChange(data, id),
      onConnectionStateChange: (connection) => onStatus(liveStatusOf(connection.state, connection.error)),
      onError: onFailure,
    },
  );
  return () => subscription.unsubscribe();
};

function liveStatusOf(state: "idle" | "connecting" | "pending", error: unknown): LiveStatus {
  if (state === "pending") return "live";
  return state === "connecting" && !error ? "connecting" : "paused";
}
