import { describe, expect, it } from "vitest";
import { createBatcher } from "./batcher";

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("createBatcher", () => {
  it("sends the first item at once and gathers the ones that arrive meanwhile into one batch", async () => {
    const batches: number[][] = [];
    let release = () => {};
    const batcher = createBatcher<number, number>({
      maxInFlight: 1,
      maxBatch: 10,
      run: async (items) => {
        batches.push(items);
        if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
        return items.map((item) => item * 10);
      },
    });
    const results = [batcher.submit(1), batcher.submit(2), batcher.submit(3)];
    await tick();
    release();
    expect(await Promise.all(results)).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1], [2, 3]]);
  });

  it("settles a failed batch item by item, so only the bad item fails", async () => {
    const batches: number[][] = [];
    let release = () => {};
    const batcher = createBatcher<number, number>({
      maxInFlight: 1,
      maxBatch: 10,
      run: async (items) => {
        batches.push(items);
        if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
        if (items.includes(3)) throw new Error(`refused ${items.join(",")}`);
        return items;
      },
    });
    const results = [1, 2, 3, 4].map((item) => batcher.submit(item).then(String, (error: Error) => error.message));
    await tick();
    release();
    expect(await Promise.all(results)).toEqual(["1", "2", "refused 3", "4"]);
    expect(batches).toEqual([[1], [2, 3, 4], [2], [3], [4]]);
  });

  it("keeps batches within maxBatch", async () => {
    const sizes: number[] = [];
    let release = () => {};
    const batcher = createBatcher<number, number>({
      maxInFlight: 1,
      maxBatch: 2,
      run: async (items) => {
        sizes.push(items.length);
        if (sizes.length === 1) await new Promise<void>((resolve) => (release = resolve));
        return items;
      },
    });
    const results = [1, 2, 3, 4, 5].map((item) => batcher.submit(item));
    await tick();
    release();
    await Promise.all(results);
    expect(sizes).toEqual([1, 2, 2]);
  });
});
