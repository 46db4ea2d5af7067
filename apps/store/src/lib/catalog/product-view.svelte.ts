import type { AvailabilityChange } from "./catalog-search.svelte";

/** Reads a product again; the signal aborts it when a newer change supersedes it. */
export type ProductSource<Product> = (request: {
  productId: string;
  signal: AbortSignal;
}) => Promise<Product>;

export type ProductViewOptions<Product> = {
  /** The product as the server rendered it. */
  initial: Product;
  load: ProductSource<Product>;
  /** Quiet time after a stock change before reading again: a burst of sales costs one read. */
  refreshDelayMs?: number;
};

type ViewableProduct = { id: string; available: string };

/**
 * The product of a product page. A live change of its availability shows at once; the stock per
 * location, which the live feed does not carry, is read again shortly after. Only a read started
 * after the latest change may replace the product: an older one is aborted and ignored.
 */
export class ProductView<Product extends ViewableProduct> {
  product: Product;
  /** The last read again failed: the stock per location may be behind the availability. */
  stale = $state(false);

  readonly #load: ProductSource<Product>;
  readonly #refreshDelayMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #inFlight: AbortController | undefined;
  #shown: Product;

  constructor({ initial, load, refreshDelayMs = 300 }: ProductViewOptions<Product>) {
    this.product = $state(initial);
    this.#shown = initial;
    this.#load = load;
    this.#refreshDelayMs = refreshDelayMs;
  }

  /** Shows a product read elsewhere (the server's), unless it is the one already shown. */
  show(product: Product): void {
    if (product === this.#shown) return;
    this.#cancel();
    this.#shown = product;
    this.product = product;
    this.stale = false;
  }

  /** Applies a live availability change of this product and reads the product again soon. */
  applyAvailability(change: AvailabilityChange): void {
    if (change.productId !== this.product.id) return;
    this.product.available = change.available;
    this.#cancel();
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#refresh();
    }, this.#refreshDelayMs);
  }

  destroy(): void {
    this.#cancel();
  }

  async #refresh(): Promise<void> {
    const controller = new AbortController();
    this.#inFlight = controller;
    try {
      const product = await this.#load({ productId: this.product.id, signal: controller.signal });
      if (controller.signal.aborted) return;
      this.product = product;
      this.stale = false;
    } catch {
      if (controller.signal.aborted) return;
      this.stale = true;
    } finally {
      if (this.#inFlight === controller) this.#inFlight = undefined;
    }
  }

  #cancel(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#inFlight?.abort();
  }
}
