import type { AvailabilityChange } from "./catalog-search.svelte";

export type LiveStatus = "connecting" | "live" | "paused";

export type AvailabilityFeedRequest = {
  /** Null: every product of the store. */
  productIds: string[] | null;
  /** Resume after this event: changes made before the feed opened, or while it was down, come first. */
  lastEventId: string;
};

export type AvailabilityFeedHandlers = {
  onChange: (change: AvailabilityChange, eventId: string) => void;
  /** "paused" while the connection retries by itself. */
  onStatus: (status: LiveStatus) => void;
  /** The feed ended for good; it has to be opened again. */
  onFailure: (error: unknown) => void;
};

/** Opens a feed of availability changes; the returned function closes it. */
export type AvailabilityFeed = (
  request: AvailabilityFeedRequest,
  handlers: AvailabilityFeedHandlers,
) => () => void;

export type LiveAvailabilityOptions = {
  /** Delays before reopening a failed feed; the last one repeats until it is live again. */
  retryDelaysMs?: readonly number[];
};

export type WatchOptions = {
  /**
   * The event id the page's figures are as fresh as (the read that rendered them returns it):
   * changes made since, even before the feed opened, are replayed first.
   */
  since: string;
  onChange: (change: AvailabilityChange) => void;
};

/**
 * Live stock for a page, and whether it is live right now. A feed that fails (the inventory
 * service restarting, the network gone) is reopened with backoff from the last event seen (at
 * first, the one the page was read at), so the figures catch up with what changed meanwhile;
 * the page says when they may be behind.
 */
export class LiveAvailability {
  status = $state<LiveStatus>("connecting");
  readonly #feed: AvailabilityFeed;
  readonly #retryDelaysMs: readonly number[];

  constructor(
    feed: AvailabilityFeed,
    { retryDelaysMs = [1_000, 2_000, 5_000, 10_000] }: LiveAvailabilityOptions = {},
  ) {
    this.#feed = feed;
    this.#retryDelaysMs = retryDelaysMs;
  }

  /** Follows `productIds` (null: all products) until the returned function is called. */
  watch(productIds: string[] | null, { since, onChange }: WatchOptions): () => void {
    let lastEventId = since;
    let failures = 0;
    let close: (() => void) | null = null;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;

    const open = () => {
      this.status = "connecting";
      close = this.#feed(
        { productIds, lastEventId },
        {
          onChange: (change, eventId) => {
            lastEventId = eventId;
            onChange(change);
          },
          onStatus: (status) => {
            this.status = status;
            if (status === "live") failures = 0;
          },
          onFailure: () => {
            if (stopped) return;
            close = null;
            this.status = "paused";
            const delays = this.#retryDelaysMs;
            const delay = delays[Math.min(failures, delays.length - 1)] ?? 0;
            failures++;
            retryTimer = setTimeout(open, delay);
          },
        },
      );
    };

    open();
    return () => {
      stopped = true;
      clearTimeout(retryTimer);
      close?.();
    };
  }
}
