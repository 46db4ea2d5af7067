import { classifyCallFailure, type CallFailure } from "$lib/trpc/errors";

export type SearchPage<Item> = { items: Item[]; nextCursor: string | null };

export type SearchRequest = { query: string; cursor: string | null; signal: AbortSignal };

/** Fetches one page of results; the signal aborts it when a newer search supersedes it. */
export type SearchSource<Item> = (request: SearchRequest) => Promise<SearchPage<Item>>;

export type AvailabilityChange = { productId: string; available: string };

export type CatalogSearchOptions<Item> = {
  search: SearchSource<Item>;
  /** Results rendered by the server for `query`, so the first paint needs no request. */
  initial?: { query: string; page: SearchPage<Item> };
  /** Quiet time after the last keystroke before searching; scanners type fast, people pause. */
  debounceMs?: number;
  /** Told of every query that was searched, e.g. to keep it in the page URL. */
  onSearched?: (query: string) => void;
};

type SearchableItem = { id: string; available: string };

/**
 * The catalog search of one page: a debounced query, cursor pagination, loading and error
 * states, and live availability applied to the results on screen. Only the newest search may
 * change the results: a slow answer to an older query is aborted and ignored.
 */
export class CatalogSearch<Item extends SearchableItem> {
  /** What the shopper has typed. */
  query = $state("");
  /** The query the results on screen answer. */
  resultsQuery = $state("");
  items = $state<Item[]>([]);
  nextCursor = $state<string | null>(null);
  status = $state<"idle" | "loading" | "ready" | "error">("idle");
  loadingMore = $state(false);
  failure = $state<CallFailure | null>(null);

  readonly #search: SearchSource<Item>;
  readonly #debounceMs: number;
  readonly #onSearched: ((query: string) => void) | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #inFlight: AbortController | undefined;
  #shownPage: SearchPage<Item> | undefined;

  constructor({ search, initial, debounceMs = 250, onSearched }: CatalogSearchOptions<Item>) {
    this.#search = search;
    this.#debounceMs = debounceMs;
    this.#onSearched = onSearched;
    if (initial) this.show(initial.query, initial.page);
  }

  /** Shows results fetched elsewhere (the server's), replacing whatever is on screen. */
  show(query: string, page: SearchPage<Item>): void {
    if (page === this.#shownPage) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#inFlight?.abort();
    this.#shownPage = page;
    this.query = query;
    this.resultsQuery = query;
    this.items = page.items;
    this.nextCursor = page.nextCursor;
    this.status = "ready";
    this.failure = null;
  }

  get hasMore(): boolean {
    return this.nextCursor !== null;
  }

  /** Updates the query as the shopper types; the search runs once typing pauses. */
  setQuery(text: string): void {
    this.query = text;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.submit();
    }, this.#debounceMs);
  }

  /** Searches for the current query now (Enter, a scanner's suffix, "Try again"). */
  async submit(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const query = this.query.trim();
    const controller = this.#startRequest();
    this.status = "loading";
    this.failure = null;
    try {
      const page = await this.#search({ query, cursor: null, signal: controller.signal });
      if (controller.signal.aborted) return;
      this.items = page.items;
      this.nextCursor = page.nextCursor;
      this.resultsQuery = query;
      this.status = "ready";
      this.#onSearched?.(query);
    } catch (error) {
      if (controller.signal.aborted) return;
      this.failure = classifyCallFailure(error);
      this.status = "error";
    } finally {
      if (this.#inFlight === controller) this.#inFlight = undefined;
    }
  }

  /** Appends the next page of the results on screen. */
  async loadMore(): Promise<void> {
    if (this.nextCursor === null || this.loadingMore || this.#inFlight) return;
    const controller = this.#startRequest();
    this.loadingMore = true;
    this.failure = null;
    try {
      const page = await this.#search({
        query: this.resultsQuery,
        cursor: this.nextCursor,
        signal: controller.signal,
      });
      if (controller.signal.aborted) return;
      // Stock moving between pages can shift a product across the cursor; show it once.
      const unseen = page.items.filter((item) => !this.items.some((shown) => shown.id === item.id));
      this.items.push(...unseen);
      this.nextCursor = page.nextCursor;
    } catch (error) {
      if (controller.signal.aborted) return;
      this.failure = classifyCallFailure(error);
    } finally {
      if (this.#inFlight === controller) this.#inFlight = undefined;
      this.loadingMore = false;
    }
  }

  /** Applies a live stock change to the matching result, if it is on screen. */
  applyAvailability(change: AvailabilityChange): void {
    const item = this.items.find((candidate) => candidate.id === change.productId);
    if (item) item.available = change.available;
  }

  destroy(): void {
    clearTimeout(this.#timer);
    this.#inFlight?.abort();
  }

  #startRequest(): AbortController {
    this.#inFlight?.abort();
    const controller = new AbortController();
    this.#inFlight = controller;
    return controller;
  }
}
