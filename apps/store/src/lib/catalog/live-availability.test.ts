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
  it("asks the page to fetch its figures again after an outage with no event to resume from", async () => {
    const { feed, connection } = manualFeed();
    const live = new LiveAvailability(feed, { retryDelaysMs: [100] });
    let resyncs = 0;
    live.watch(null, { onChange: () => undefined, onResync: () => resyncs++ });
    connection(0).handlers.onStatus("live");
    expect(resyncs).toBe(0);

    connection(0).handlers.onStatus("paused");
    connection(0).handlers.onStatus("live");
    expect(resyncs).toBe(1);

    connection(0).handlers.onFailure(new Error("down"));
    await vi.advanceTimersByTimeAsync(100);
    connection(1).handlers.onStatus("live");
    expect(resyncs).toBe(2);

    connection(1).handlers.onChange({ productId: "p1", available: "1" }, "30");
    connection(1).handlers.onFailure(new Error("down"));
    await vi.advanceTimersByTimeAsync(100);
    connection(2).handlers.onStatus("live");
    expect(connection(2).request.lastEventId).toBe("30");
    expect(resyncs).toBe(2);
  });

  it("passes changes on and reports when the feed is live", () => {
    const { feed, connection } = manualFeed();
    const live = new LiveAvailability(feed);
    const changes: AvailabilityChange[] = [];
    live.watch(["p1"], { onChange: (change) => changes.push(change) });
    expect(live.status).toBe("connecting");
    expect(connection(0).request).toEqual({ productIds: ["p1"], lastEventId: null });

    connection(0).handlers.onStatus("live");
    connection(0).handlers.onChange({ productId: "p1", available: "4" }, "17");
    expect(live.status).toBe("live");
    expect(changes).toEqual([{ productId: "p1", available: "4" }]);
  });

  it("reopens a failed feed with backoff, from the last event seen", async () => {
    const { feed, opened, connection } = manualFeed();
    const live = new LiveAvailability(feed, { retryDelaysMs: [100, 400] });
    live.watch(null, { onChange: () => undefined });
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
    const stop = live.watch(null, { onChange: () => undefined });
    connection(0).handlers.onFailure(new Error("down"));
    stop();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(opened).toHaveLength(1);

    const stopLive = live.watch(null, { onChange: () => undefined });
    stopLive();
    expect(connection(1).closed).toBe(true);
  });
});
