import type { AvailabilityChange } from "./catalog-search.svelte";

export type LiveStatus = "connecting" | "live" | "paused";

export type AvailabilityFeedHandlers = {
  onChange: (change: AvailabilityChange) => void;
  onStatus: (status: LiveStatus) => void;
};

/**
 * Opens a feed of availability changes for `productIds` (null: every product of the store);
 * the returned function closes it.
 */
export type AvailabilityFeed = (
  productIds: string[] | null,
  handlers: AvailabilityFeedHandlers,
) => () => void;

/**
 * Live stock for what is on screen, and whether it is live right now: the feed reconnects by
 * itself, and the page says when it is paused so a shopper knows the figures may be behind.
 */
export class LiveAvailability {
  status = $state<LiveStatus>("connecting");
  readonly #feed: AvailabilityFeed;

  constructor(feed: AvailabilityFeed) {
    this.#feed = feed;
  }

  watch(productIds: string[] | null, onChange: (change: AvailabilityChange) => void): () => void {
    this.status = "connecting";
    return this.#feed(productIds, { onChange, onStatus: (status) => (this.status = status) });
  }
}
