import { TRPCClientError } from "@trpc/client";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CatalogSearch, type SearchPage, type SearchRequest } from "./catalog-search.svelte";

type Item = { id: string; name: string; available: string };

const item = (id: string, available = "10"): Item => ({ id, name: `Product ${id}`, available });

/** A search backend whose answers the test releases one by one, in any order. */
function controllableSource() {
  const calls: Array<{
    request: SearchRequest;
    resolve: (page: SearchPage<Item>) => void;
    reject: (error: unknown) => void;
  }> = [];
  const search = (request: SearchRequest) =>
    new Promise<SearchPage<Item>>((resolve, reject) => calls.push({ request, resolve, reject }));
  return { calls, search };
}

function call<T>(calls: T[], index: number): T {
  const found = calls[index];
  if (!found) throw new Error(`expected a search call #${index}, got ${calls.length}`);
  return found;
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe("CatalogSearch", () => {
  it("shows the server-rendered results without asking again", () => {
    const { calls, search } = controllableSource();
    const catalog = new CatalogSearch<Item>({
      search,
      initial: { query: "milk", page: { items: [item("a")], nextCursor: "c1" } },
    });
    expect(catalog.items.map((shown) => shown.id)).toEqual(["a"]);
    expect(catalog.status).toBe("ready");
    expect(catalog.hasMore).toBe(true);
    expect(calls).toHaveLength(0);
  });

  it("searches once typing pauses, for the last text typed", async () => {
    const { calls, search } = controllableSource();
    const searched: string[] = [];
    const catalog = new CatalogSearch<Item>({ search, debounceMs: 200, onSearched: (q) => searched.push(q) });
    catalog.setQuery("m");
    catalog.setQuery("mi");
    await vi.advanceTimersByTimeAsync(150);
    catalog.setQuery(" milk ");
    await vi.advanceTimersByTimeAsync(199);
    expect(calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.map((c) => c.request.query)).toEqual(["milk"]);
    expect(catalog.status).toBe("loading");

    call(calls, 0).resolve({ items: [item("a"), item("b")], nextCursor: null });
    await vi.waitFor(() => expect(catalog.status).toBe("ready"));
    expect(catalog.items.map((shown) => shown.id)).toEqual(["a", "b"]);
    expect(catalog.resultsQuery).toBe("milk");
    expect(searched).toEqual(["milk"]);
  });

  it("lets only the newest search change the results", async () => {
    const { calls, search } = controllableSource();
    const catalog = new CatalogSearch<Item>({ search });
    catalog.query = "mil";
    const older = catalog.submit();
    catalog.query = "牛奶";
    const newer = catalog.submit();
    expect(call(calls, 0).request.signal.aborted).toBe(true);

    call(calls, 1).resolve({ items: [item("zh")], nextCursor: null });
    call(calls, 0).resolve({ items: [item("stale")], nextCursor: "x" });
    await Promise.all([older, newer]);
    expect(catalog.items.map((shown) => shown.id)).toEqual(["zh"]);
    expect(catalog.resultsQuery).toBe("牛奶");
    expect(catalog.hasMore).toBe(false);
  });

  it("appends the next page for the query on screen, skipping repeats", async () => {
    const { calls, search } = controllableSource();
    const catalog = new CatalogSearch<Item>({
      search,
      initial: { query: "milk", page: { items: [item("a"), item("b")], nextCursor: "after-b" } },
    });
    catalog.query = "milk tea";
    const more = catalog.loadMore();
    expect(catalog.loadingMore).toBe(true);
    expect(call(calls, 0).request).toMatchObject({ query: "milk", cursor: "after-b" });

    call(calls, 0).resolve({ items: [item("b"), item("c")], nextCursor: null });
    await more;
    expect(catalog.items.map((shown) => shown.id)).toEqual(["a", "b", "c"]);
    expect(catalog.loadingMore).toBe(false);
    expect(catalog.hasMore).toBe(false);
  });

  it("reports an unreachable service and recovers on retry", async () => {
    const { calls, search } = controllableSource();
    const catalog = new CatalogSearch<Item>({ search });
    catalog.query = "milk";
    const failing = catalog.submit();
    call(calls, 0).reject(
      TRPCClientError.from({
        error: { message: "not reachable", code: -32603, data: { code: "BAD_GATEWAY", httpStatus: 502 } },
      }),
    );
    await failing;
    expect(catalog.status).toBe("error");
    expect(catalog.failure).toEqual({ kind: "unavailable" });

    const retry = catalog.submit();
    expect(catalog.failure).toBeNull();
    call(calls, 1).resolve({ items: [item("a")], nextCursor: null });
    await retry;
    expect(catalog.status).toBe("ready");
    expect(catalog.items).toHaveLength(1);
  });

  it("passes the service's own refusal through", async () => {
    const { calls, search } = controllableSource();
    const catalog = new CatalogSearch<Item>({ search });
    const failing = catalog.submit();
    call(calls, 0).reject(
      TRPCClientError.from({
        error: { message: "Query is too long", code: -32600, data: { code: "BAD_REQUEST", httpStatus: 400 } },
      }),
    );
    await failing;
    expect(catalog.failure).toEqual({ kind: "refused", message: "Query is too long" });
  });

  it("applies live availability to the matching result only", () => {
    const catalog = new CatalogSearch<Item>({
      search: () => Promise.reject(new Error("not called")),
      initial: { query: "", page: { items: [item("a", "10"), item("b", "3")], nextCursor: null } },
    });
    catalog.applyAvailability({ productId: "b", available: "2" });
    catalog.applyAvailability({ productId: "not-shown", available: "0" });
    expect(catalog.items.map((shown) => shown.available)).toEqual(["10", "2"]);
  });
});

describe("CatalogSearch.show", () => {
  it("replaces the results with new server results and drops a pending search", async () => {
    const { calls, search } = controllableSource();
    const catalog = new CatalogSearch<Item>({
      search,
      initial: { query: "milk", page: { items: [item("a")], nextCursor: null } },
    });
    catalog.setQuery("milk tea");

    catalog.show("eggs", { items: [item("e")], nextCursor: "n" });
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toHaveLength(0);
    expect(catalog.query).toBe("eggs");
    expect(catalog.items.map((shown) => shown.id)).toEqual(["e"]);
    expect(catalog.hasMore).toBe(true);
  });

  it("keeps live changes when the page already shown is shown again", () => {
    const served = { items: [item("a", "5")], nextCursor: null };
    const catalog = new CatalogSearch<Item>({
      search: () => Promise.reject(new Error("not called")),
      initial: { query: "milk", page: served },
    });
    catalog.applyAvailability({ productId: "a", available: "4" });
    catalog.show("milk", served);
    expect(catalog.items[0]?.available).toBe("4");
  });
});
