import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AvailabilityChange } from "./catalog-search.svelte";
import {
  LiveAvailability,
  type AvailabilityFeed,
  type AvailabilityFeedHandlers,
  type AvailabilityFeedRequest,
} from "./live-availability.svelte";

/** A feed whose connections the test drives by hand. */
function manualFeed() {
  const opened: Array<{
    request: AvailabilityFeedRequest;
    handlers: AvailabilityFeedHandlers;
    closed: boolean;
  }> = [];
  const feed: AvailabilityFeed = (request, handlers) => {
    const connection = { request, handlers, closed: false };
    opened.push(connection);
    return () => {
      connection.closed = true;
    };
  };
  const connection = (index: number) => {
    const found = opened[index];
    if (!found) throw new Error(`expected connection #${index}, got ${opened.length}`);
    return found;
  };
  return { feed, opened, connection };
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe("LiveAvailability", () => {
  it("starts from the event id the page was read at, and resumes from it when nothing came since", async () => {
    const { feed, connection } = manualFeed();
    const live = new LiveAvailability(feed, { retryDelaysMs: [100] });
    live.watch(["p1"], { since: "41", onChange: () => undefined });
    expect(connection(0).request).toEqual({ productIds: ["p1"], lastEventId: "41" });

    connection(0).handlers.onStatus("live");
    connection(0).handlers.onFailure(new Error("down"));
    await vi.advanceTimersByTimeAsync(100);
    expect(connection(1).request.lastEventId).toBe("41");
  });

  it("passes changes on and reports when the feed is live", () => {
    const { feed, connection } = manualFeed();
    const live = new LiveAvailability(feed);
    const changes: AvailabilityChange[] = [];
    live.watch(["p1"], { since: "12", onChange: (change) => changes.push(change) });
    expect(live.status).toBe("connecting");
    expect(connection(0).request).toEqual({ productIds: ["p1"], lastEventId: "12" });

    connection(0).handlers.onStatus("live");
    connection(0).handlers.onChange({ productId: "p1", available: "4" }, "17");
    expect(live.status).toBe("live");
    expect(changes).toEqual([{ productId: "p1", available: "4" }]);
  });

  it("reopens a failed feed with backoff, from the last event seen", async () => {
    const { feed, opened, connection } = manualFeed();
    const live = new LiveAvailability(feed, { retryDelaysMs: [100, 400] });
    live.watch(null, { since: "10", onChange: () => undefined });
    connection(0).handlers.onStatus("live");
    connection(0).handlers.onChange({ productId: "p1", available: "4" }, "17");

    connection(0).handlers.onFailure(new Error("service restarting"));
    expect(live.status).toBe("paused");
    await vi.advanceTimersByTimeAsync(99);
    expect(opened).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(connection(1).request).toEqual({ productIds: null, lastEventId: "17" });
    expect(live.status).toBe("connecting");

    connection(1).handlers.onFailure(new Error("still down"));
    await vi.advanceTimersByTimeAsync(399);
    expect(opened).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    connection(2).handlers.onFailure(new Error("still down"));
    await vi.advanceTimersByTimeAsync(400);
    expect(opened).toHaveLength(4);

    connection(3).handlers.onStatus("live");
    connection(3).handlers.onFailure(new Error("dropped again"));
    await vi.advanceTimersByTimeAsync(100);
    expect(opened).toHaveLength(5);
  });

  it("closes the feed and stops retrying when the page stops watching", async () => {
    const { feed, opened, connection } = manualFeed();
    const live = new LiveAvailability(feed, { retryDelaysMs: [100] });
    const stop = live.watch(null, { since: "10", onChange: () => undefined });
    connection(0).handlers.onFailure(new Error("down"));
    stop();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(opened).toHaveLength(1);

    const stopLive = live.watch(null, { since: "10", onChange: () => undefined });
    stopLive();
    expect(connection(1).closed).toBe(true);
  });
});
