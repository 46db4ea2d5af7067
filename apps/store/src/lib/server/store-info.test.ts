import { TRPCClientError } from "@trpc/client";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { StoreInfo } from "$lib/catalog/model";
import { StoreInfoCache } from "./store-info";

const store = (name: string): StoreInfo => ({
  code: "SH001",
  name,
  currency: "CNY",
  locale: "zh-CN",
  timezone: "Asia/Shanghai",
  deliveryRadiusM: 3000,
  deliveryPromiseMin: 30,
});

const unreachable = () =>
  TRPCClientError.from({
    error: { message: "not reachable", code: -32603, data: { code: "BAD_GATEWAY", httpStatus: 502 } },
  });

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe("StoreInfoCache", () => {
  it("asks the service once per time to live, once for concurrent renders", async () => {
    const fetchInfo = vi.fn(() => Promise.resolve(store("Daily Harvest")));
    const cache = new StoreInfoCache(fetchInfo, { ttlMs: 1_000 });
    const [first, second] = await Promise.all([cache.get(), cache.get()]);
    expect(first?.name).toBe("Daily Harvest");
    expect(second).toBe(first);
    await vi.advanceTimersByTimeAsync(999);
    await cache.get();
    expect(fetchInfo).toHaveBeenCalledTimes(1);

    fetchInfo.mockResolvedValueOnce(store("Daily Harvest Jing'an"));
    await vi.advanceTimersByTimeAsync(1);
    expect((await cache.get())?.name).toBe("Daily Harvest Jing'an");
    expect(fetchInfo).toHaveBeenCalledTimes(2);
  });

  it("keeps the last store known while the service is unreachable, and nothing before it answered", async () => {
    const fetchInfo = vi.fn<() => Promise<StoreInfo>>(() => Promise.reject(unreachable()));
    const cache = new StoreInfoCache(fetchInfo, { ttlMs: 1_000 });
    expect(await cache.get()).toBeNull();

    fetchInfo.mockResolvedValueOnce(store("Daily Harvest"));
    expect((await cache.get())?.name).toBe("Daily Harvest");
    await vi.advanceTimersByTimeAsync(1_000);
    expect((await cache.get())?.name).toBe("Daily Harvest");
    expect(fetchInfo).toHaveBeenCalledTimes(3);
  });

  it("fails when the service answers with an error, which would be a bug", async () => {
    const failure = TRPCClientError.from({
      error: {
        message: "Internal error",
        code: -32603,
        data: { code: "INTERNAL_SERVER_ERROR", httpStatus: 500 },
      },
    });
    const cache = new StoreInfoCache(() => Promise.reject(failure));
    await expect(cache.get()).rejects.toBe(failure);
  });
});
