import type { StoreInfo } from "$lib/catalog/model";
import { classifyCallFailure } from "$lib/trpc/errors";

/**
 * The store every page's header names, kept by the app server: a store's settings change
 * rarely, and a page rendered while the inventory service is unreachable still shows the name
 * it had. Concurrent renders share one request.
 */
export class StoreInfoCache {
  readonly #fetchInfo: () => Promise<StoreInfo>;
  readonly #ttlMs: number;
  #info: StoreInfo | null = null;
  #fetchedAt = 0;
  #pending: Promise<StoreInfo | null> | null = null;

  constructor(fetchInfo: () => Promise<StoreInfo>, { ttlMs = 60_000 }: { ttlMs?: number } = {}) {
    this.#fetchInfo = fetchInfo;
    this.#ttlMs = ttlMs;
  }

  /** The store, fresh within the time to live; the last one known, or null, while unreachable. */
  get(): Promise<StoreInfo | null> {
    if (this.#info && Date.now() - this.#fetchedAt < this.#ttlMs) return Promise.resolve(this.#info);
    this.#pending ??= this.#refresh().finally(() => {
      this.#pending = null;
    });
    return this.#pending;
  }

  async #refresh(): Promise<StoreInfo | null> {
    try {
      this.#info = await this.#fetchInfo();
      this.#fetchedAt = Date.now();
    } catch (error) {
      if (classifyCallFailure(error).kind !== "unavailable") throw error;
    }
    return this.#info;
  }
}
