import { randomInt, randomUUID } from "node:crypto";
import type { AppRouter } from "@store/api";
import { formatMoney } from "@store/domain";
import { TEST_INSTRUMENTS } from "@store/inventory";
import { DEMO_STORE } from "@store/prisma/seed";
import { createTRPCClient, httpBatchLink, TRPCClientError } from "@trpc/client";
import type { Logger } from "pino";
import {
  catalogProductOf,
  createOrderStream,
  localHour,
  ordersPerHour,
  type ArrivalProfile,
  type ArrivalSchedule,
  type CatalogProduct,
} from "./order-stream";

export type OrderSimulatorOptions = {
  /** The inventory service's base URL, e.g. http://127.0.0.1:4000. */
  serviceUrl: string;
  /** A CHANNEL token: the simulator calls as the customer app. */
  channelToken: string;
  /** Mean seconds between two orders over a day (the daily profile puts more at lunch and dinner). */
  meanIntervalS: number;
  /** Draws the same customers and baskets again (default: a new seed each run, logged at start). */
  seed?: number;
  logger: Logger;
  /** `daily` (default) follows the store's day; `flat` keeps one rate, for load runs. */
  profile?: ArrivalProfile;
  /** Share of orders paid with a card the terminal declines (default 3 %). */
  declineRate?: number;
  /** Stops after this many orders, placed or not (default: until closed). */
  limit?: number;
  /** Where the store is, the centre of its delivery area: `store.info` does not say (default: the demo store). */
  storeLocation?: { latitude: number; longitude: number };
};

export type OrderSimulator = {
  /** Stops the timer and waits for the orders already sent. */
  close(): Promise<void>;
  placed(): number;
  /** Orders the service refused (no stock, a declined card, ...). */
  refused(): number;
  seed: number;
  /** Settles when `limit` orders are done, or after `close`. */
  done: Promise<void>;
};

/** The catalog is read again after this long, or at once after a refusal about stock or products. */
const catalogMaxAgeMs = 2 * 60_000;
/** A failed request is sent again (same idempotency key: safe) after 0.5, 1 and 2 s. */
const retryDelaysMs = [500, 1_000, 2_000];
const transientAppCodes = new Set([
  "STOCK_CONTENDED",
  "PAYMENT_TIMEOUT",
  "PAYMENT_UNAVAILABLE",
  "PAYMENT_FAILED",
]);
const transientCodes = new Set([
  "BAD_GATEWAY",
  "SERVICE_UNAVAILABLE",
  "GATEWAY_TIMEOUT",
  "TOO_MANY_REQUESTS",
]);
const catalogAppCodes = new Set([
  "INSUFFICIENT_STOCK",
  "PRODUCT_INACTIVE",
  "PRODUCT_NOT_FOUND",
  "BARCODE_UNKNOWN",
  "PRICE_MISSING",
]);

/**
 * Places online orders with the inventory service as the customer app would: it reads the
 * catalog (what is in stock), then at the arrival times of `createOrderStream` sends each order
 * with its own idempotency key, retried with that same key while the outcome is unknown.
 * Starts once the service has answered with the store's settings and accepted the token.
 */
export async function startOrderSimulator(options: OrderSimulatorOptions): Promise<OrderSimulator> {
  const { logger } = options;
  const client = createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${options.serviceUrl.replace(/\/$/, "")}/trpc`,
        headers: { authorization: `Bearer ${options.channelToken}` },
      }),
    ],
  });
  // store.info answers anyone; orders.list checks that the token is a channel's.
  const [store] = await Promise.all([
    client.store.info.query(),
    client.orders.list.query({ limit: 1 }),
  ]).catch((error: unknown) => {
    throw new Error(
      `Cannot place orders with the inventory service at ${options.serviceUrl}: ${messageOf(error)}`,
      { cause: error },
    );
  });
  const seed = options.seed ?? randomInt(2 ** 31);
  const location = options.storeLocation ?? DEMO_STORE;
  const stream = createOrderStream({
    seed,
    area: { latitude: location.latitude, longitude: location.longitude, radiusM: store.deliveryRadiusM },
    instruments: {
      approvedCard: TEST_INSTRUMENTS.approved,
      declinedCards: [
        TEST_INSTRUMENTS.declined,
        TEST_INSTRUMENTS.insufficientFunds,
        TEST_INSTRUMENTS.expired,
      ],
    },
    ...(options.declineRate !== undefined ? { declineRate: options.declineRate } : {}),
  });
  const schedule: ArrivalSchedule = {
    meanIntervalS: options.meanIntervalS,
    profile: options.profile ?? "daily",
    timeZone: store.timezone,
  };
  // The app's own order reference: which run and which of its orders.
  const run = randomUUID().slice(0, 8);

  let catalog: { products: CatalogProduct[]; readAt: number } | null = null;
  let catalogRead: Promise<CatalogProduct[]> | null = null;
  let placed = 0;
  let refused = 0;
  let sent = 0;
  let closed = false;
  let timer: NodeJS.Timeout | null = null;
  const inFlight = new Set<Promise<void>>();
  const stopRetrying = new AbortController();
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));

  async function readCatalog(): Promise<CatalogProduct[]> {
    const products: CatalogProduct[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.catalog.search.query({ limit: 100, ...(cursor ? { cursor } : {}) });
      for (const item of page.items) {
        const product = catalogProductOf(item);
        if (product) products.push(product);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return products;
  }

  /** The snapshot, read again when old; one read at a time however many orders wait for it. */
  function currentCatalog(): Promise<CatalogProduct[]> {
    if (catalog && Date.now() - catalog.readAt < catalogMaxAgeMs) return Promise.resolve(catalog.products);
    catalogRead ??= readCatalog()
      .then((products) => {
        catalog = { products, readAt: Date.now() };
        return products;
      })
      .finally(() => (catalogRead = null));
    return catalogRead;
  }

  /** What an order reserved is no longer free, until the catalog is read again. */
  function takeFromCatalog(lines: ReadonlyArray<{ productId: string; quantity: string }>) {
    const products = new Map(catalog?.products.map((product) => [product.id, product]));
    for (const line of lines) {
      const product = products.get(line.productId);
      if (product) product.available -= Number(line.quantity);
    }
  }

  async function placeOne(number: number): Promise<void> {
    let products: CatalogProduct[];
    try {
      products = await currentCatalog();
    } catch (error) {
      logger.warn(`Skipped an order: could not read the catalog (${messageOf(error)})`);
      return;
    }
    const draft = stream.next(products);
    if (!draft) {
      logger.warn("Skipped an order: nothing in the catalog is in stock");
      return;
    }
    const request = { idempotencyKey: randomUUID(), externalRef: `sim-${run}-${number}`, ...draft };
    try {
      const order = await withRetries(() => client.orders.place.mutate(request));
      placed += 1;
      takeFromCatalog(order.lines);
      const total = formatMoney(order.estimatedTotalMinor, order.currency, "zh-CN");
      logger.info(
        `Placed order #${order.number} (${order.lines.length} line${order.lines.length === 1 ? "" : "s"}, ${total}) for ${order.customer.name}`,
      );
    } catch (error) {
      const appCode = appCodeOf(error);
      if (appCode === null || appCode === "INTERNAL_SERVER_ERROR" || isTransient(error)) {
        logger.error(`Could not place an order for ${draft.customer.name}: ${messageOf(error)}`);
        return;
      }
      refused += 1;
      if (catalogAppCodes.has(appCode) && catalog) catalog.readAt = 0;
      logger.warn(`Refused order for ${draft.customer.name} (${appCode}): ${messageOf(error)}`);
    }
  }

  async function withRetries<T>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        const delay = retryDelaysMs[attempt];
        if (delay === undefined || !isTransient(error) || stopRetrying.signal.aborted) throw error;
        logger.debug(`Sending an order again in ${delay} ms: ${messageOf(error)}`);
        await sleep(delay, stopRetrying.signal);
        if (stopRetrying.signal.aborted) throw error;
      }
    }
  }

  function track(work: Promise<void>) {
    inFlight.add(work);
    void work.finally(() => {
      inFlight.delete(work);
      if (inFlight.size === 0 && (closed || reachedLimit())) finish();
    });
  }

  const reachedLimit = () => options.limit !== undefined && sent >= options.limit;

  function scheduleAfter(previous: Date) {
    if (closed || reachedLimit()) return;
    // Behind schedule (a busy machine, a laptop asleep): carry on from now, without a burst to catch up.
    const arrival = stream.nextArrival(new Date(Math.max(previous.getTime(), Date.now() - 1_000)), schedule);
    timer = setTimeout(
      () => {
        timer = null;
        sent += 1;
        track(placeOne(sent));
        scheduleAfter(arrival);
      },
      Math.max(0, arrival.getTime() - Date.now()),
    );
  }

  const now = new Date();
  const hour = localHour(now, schedule.timeZone);
  const clock = `${Math.floor(hour)}:${String(Math.floor((hour % 1) * 60)).padStart(2, "0")}`;
  const rate =
    schedule.profile === "flat"
      ? `one every ~${options.meanIntervalS} s`
      : `one every ~${options.meanIntervalS} s over a day, ~${Math.round(ordersPerHour(now, schedule))} an hour at ${clock} in ${schedule.timeZone}`;
  logger.info(`Simulating online orders to ${store.code}: ${rate} (seed ${seed})`);
  if (options.limit === 0) finish();
  scheduleAfter(now);

  return {
    seed,
    done,
    placed: () => placed,
    refused: () => refused,
    async close() {
      if (closed) return done;
      closed = true;
      if (timer) clearTimeout(timer);
      stopRetrying.abort();
      if (inFlight.size === 0) finish();
      return done;
    },
  };
}

/** Not a refusal: the service could not be reached, or could not tell yet (the same key may be sent again). */
function isTransient(error: unknown): boolean {
  if (!(error instanceof TRPCClientError)) return false;
  const code = dataField(error, "code");
  const appCode = dataField(error, "appCode");
  return code === null || transientCodes.has(code) || (appCode !== null && transientAppCodes.has(appCode));
}

/** The service's own code for a refusal, e.g. "INSUFFICIENT_STOCK"; its tRPC code when it has none. */
function appCodeOf(error: unknown): string | null {
  return dataField(error, "appCode") ?? dataField(error, "code");
}

/** A field of a tRPC error's data: the tRPC `code`, or the service's `appCode`. */
function dataField(error: unknown, field: "code" | "appCode"): string | null {
  if (!(error instanceof TRPCClientError)) return null;
  const data: unknown = error.data;
  if (typeof data !== "object" || data === null || !(field in data)) return null;
  const value: unknown = (data as Record<string, unknown>)[field];
  return typeof value === "string" ? value : null;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done);
  });
}
