import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ProductView } from "./product-view.svelte";

type Product = { id: string; available: string; shelves: string[] };

const product = (available: string, shelves: string[] = ["A1-1-1"]): Product => ({
  id: "p1",
  available,
  shelves,
});

/** A product source whose reads the test answers one by one. */
function controllableSource() {
  const reads: Array<{
    signal: AbortSignal;
    resolve: (product: Product) => void;
    reject: (error: unknown) => void;
  }> = [];
  const load = ({ signal }: { productId: string; signal: AbortSignal }) =>
    new Promise<Product>((resolve, reject) => reads.push({ signal, resolve, reject }));
  const read = (index: number) => {
    const found = reads[index];
    if (!found) throw new Error(`expected read #${index}, got ${reads.length}`);
    return found;
  };
  return { reads, load, read };
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe("ProductView", () => {
  it("shows a live change at once and the stock per shelf after reading the product again", async () => {
    const { reads, load, read } = controllableSource();
    const view = new ProductView<Product>({ initial: product("10"), load, refreshDelayMs: 200 });
    view.applyAvailability({ productId: "p1", available: "9" });
    view.applyAvailability({ productId: "other", available: "0" });
    expect(view.product.available).toBe("9");

    await vi.advanceTimersByTimeAsync(150);
    view.applyAvailability({ productId: "p1", available: "8" });
    await vi.advanceTimersByTimeAsync(199);
    expect(reads).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(reads).toHaveLength(1);

    read(0).resolve(product("8", ["A1-1-1", "A1-2-1"]));
    await vi.waitFor(() => expect(view.product.shelves).toEqual(["A1-1-1", "A1-2-1"]));
    expect(view.product.available).toBe("8");
  });

  it("drops a read overtaken by a newer change", async () => {
    const { load, read } = controllableSource();
    const view = new ProductView<Product>({ initial: product("10"), load, refreshDelayMs: 0 });
    view.applyAvailability({ productId: "p1", available: "9" });
    await vi.advanceTimersByTimeAsync(0);
    view.applyAvailability({ productId: "p1", available: "7" });
    expect(read(0).signal.aborted).toBe(true);
    read(0).resolve(product("9", ["stale"]));
    await vi.advanceTimersByTimeAsync(0);
    expect(view.product).toEqual(product("7"));

    read(1).resolve(product("7", ["A1-2-1"]));
    await vi.waitFor(() => expect(view.product.shelves).toEqual(["A1-2-1"]));
  });

  it("says when the product could not be read again, until a read succeeds", async () => {
    const { load, read } = controllableSource();
    const view = new ProductView<Product>({ initial: product("10"), load, refreshDelayMs: 0 });
    view.applyAvailability({ productId: "p1", available: "9" });
    await vi.advanceTimersByTimeAsync(0);
    read(0).reject(new Error("service down"));
    await vi.waitFor(() => expect(view.stale).toBe(true));
    expect(view.product.available).toBe("9");

    view.applyAvailability({ productId: "p1", available: "8" });
    await vi.advanceTimersByTimeAsync(0);
    read(1).resolve(product("8"));
    await vi.waitFor(() => expect(view.stale).toBe(false));
  });

  it("replaces the product with new server data, but not with the data already shown", async () => {
    const { reads, load } = controllableSource();
    const served = product("10");
    const view = new ProductView<Product>({ initial: served, load, refreshDelayMs: 100 });
    view.applyAvailability({ productId: "p1", available: "9" });
    view.show(served);
    expect(view.product.available).toBe("9");

    view.show(product("12"));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(reads).toHaveLength(0);
    expect(view.product.available).toBe("12");
  });
});
