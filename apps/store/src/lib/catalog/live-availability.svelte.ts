import type { AvailabilityChange } from "./catalog-search.svelte";

export type LiveStatus = "connecting" | "live" | "paused";

export type AvailabilityFeedRequest = {
  /** Null: every product of the store. */
  productIds: string[] | null;
  /** Resume after this event, so changes made while the feed was down are not lost. */
  lastEventId: string | null;
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

export type WatchHandlers = {
  onChange: (change: AvailabilityChange) => void;
  /**
   * The feed is live again after an outage. Changes made meanwhile are replayed when an event
   * had been seen before; when none had, the page must fetch its figures again.
   */
  onResync?: () => void;
};

/**
 * Live stock for a page, and whether it is live right now. A feed that fails (the inventory
 * service restarting, the network gone) is reopened with backoff from the last event seen, so
 * the figures catch up with what changed meanwhile; the page says when they may be behind.
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
  watch(productIds: string[] | null, { onChange, onResync }: WatchHandlers): () => void {
    let lastEventId: string | null = null;
    let failures = 0;
    let interrupted = false;
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
            if (status === "paused") interrupted = true;
            if (status !== "live") return;
            failures = 0;
            if (interrupted && lastEventId === null) onResync?.();
            interrupted = false;
          },
          onFailure: () => {
            if (stopped) return;
            close = null;
            interrupted = true;
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
