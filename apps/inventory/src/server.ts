import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  appRouter,
  bearerToken,
  createContext,
  createServices,
  defaultReservationGraceMin,
  purgeExpiredKeys,
  renderMetrics,
  systemActor,
  type PaymentProvider,
  type Services,
} from "@store/api";
import type { Database } from "@store/db";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { pino, type Logger } from "pino";

export type InventoryServiceOptions = {
  db: Database;
  /** 0 picks a free port (tests). */
  port: number;
  host: string;
  logger?: Logger;
  /** The store this node serves; default: the only store in the database. */
  storeCode?: string | undefined;
  reservationGraceMin?: number;
  reservationExpiryIntervalMs?: number;
  idempotencyPurgeIntervalMs?: number;
  /** How often committed kiosk sales left uncaptured (their kiosk never came back) are captured. */
  paymentCaptureIntervalMs?: number;
  /**
   * The card terminal and processor; default a new SimulatedTerminal. Pass the same one to a
   * restarted service, as a real processor outlives it (tests check "captured exactly once").
   */
  payments?: PaymentProvider;
};

export type InventoryService = {
  /** Base URL: tRPC at `<url>/trpc`, health at `<url>/health`, Prometheus metrics at `<url>/metrics`. */
  url: string;
  services: Services;
  close(): Promise<void>;
};

const trpcPath = "/trpc/";
const healthTimeoutMs = 2_000;

/**
 * The inventory service host: tRPC over HTTP with subscriptions over server-sent events, a health
 * endpoint, Prometheus metrics at /metrics, and the timers that expire reservations and purge old
 * idempotency keys. The store app reaches it through its own same-origin /trpc proxy, so no CORS
 * is served here.
 */
export async function startInventoryService(options: InventoryServiceOptions): Promise<InventoryService> {
  const { db } = options;
  const logger = options.logger ?? pino({ name: "inventory", level: "info" });
  const services = createServices(db, {
    logger,
    storeCode: options.storeCode,
    reservationGraceMin: options.reservationGraceMin ?? defaultReservationGraceMin,
    ...(options.payments ? { payments: options.payments } : {}),
  });

  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: trpcPath,
    createContext: ({ req, info }) =>
      createContext({
        services,
        token: bearerToken(req.headers.authorization) ?? info.connectionParams?.token ?? null,
      }),
  });

  async function health(response: ServerResponse) {
    let dbStatus: "ok" | "unavailable" = "ok";
    try {
      await Promise.race([
        db.prisma.$queryRaw`SELECT 1`,
        new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), healthTimeoutMs).unref()),
      ]);
    } catch (error) {
      dbStatus = "unavailable";
      logger.warn({ err: error }, "Health check: the database did not answer");
    }
    const body = { status: dbStatus === "ok" ? "ok" : "degraded", db: dbStatus, engine: db.kind };
    response.writeHead(dbStatus === "ok" ? 200 : 503, { "content-type": "application/json" });
    response.end(JSON.stringify(body));
  }

  async function metrics(response: ServerResponse) {
    try {
      const { contentType, body } = await renderMetrics(services.metrics.registry);
      response.writeHead(200, { "content-type": contentType });
      response.end(body);
    } catch (error) {
      logger.warn({ err: error }, "Could not collect the metrics");
      response.writeHead(500, { "content-type": "text/plain" });
      response.end("Could not collect the metrics\n");
    }
  }

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? "/", "http://inventory").pathname;
    if (path === "/health" && (request.method === "GET" || request.method === "HEAD")) {
      void health(response);
      return;
    }
    if (path === "/metrics" && request.method === "GET") {
      void metrics(response);
      return;
    }
    if (path.startsWith(trpcPath)) {
      trpc(request, response);
      return;
    }
    response.writeHead(404, { "content-type": "application/json" });
    response.end(
      JSON.stringify({ error: `Nothing at ${path}: the API is under ${trpcPath}, health at /health, metrics at /metrics` }),
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  // The sales and order counters follow the event outbox: read it from the start, not from the
  // first subscriber on.
  await services.events.tail.start();
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  const timers = [
    every(options.reservationExpiryIntervalMs ?? 30_000, "expire reservations", logger, async () => {
      const storeId = await services.defaultStoreId();
      await services.orders.expireReservations(systemActor(storeId));
    }),
    // A handheld that stops calling (flat battery, out of range) gives its orders back to the queue.
    every(options.reservationExpiryIntervalMs ?? 30_000, "release lapsed pick claims", logger, async () => {
      await services.picking.releaseLapsedClaims(systemActor(await services.defaultStoreId()));
    }),
    every(options.idempotencyPurgeIntervalMs ?? 60 * 60_000, "purge idempotency keys", logger, async () => {
      const purged = await purgeExpiredKeys(db);
      if (purged > 0) logger.info(`Purged ${purged} expired idempotency key(s)`);
    }),
    every(options.paymentCaptureIntervalMs ?? 60_000, "capture kiosk payments", logger, async () => {
      const captured = await services.payments.captureStale(await services.defaultStoreId());
      if (captured > 0) logger.info(`Captured ${captured} kiosk payment(s) whose kiosk did not come back`);
    }),
  ];

  logger.info(`Inventory service listening on ${url} (tRPC at ${url}${trpcPath}, ${db.kind} database)`);

  let closing: Promise<void> | undefined;
  return {
    url,
    services,
    close: () =>
      (closing ??= (async () => {
        for (const timer of timers) await timer.stop();
        await services.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        logger.info("Inventory service stopped");
      })()),
  };
}

/** Runs `task` every `intervalMs`, never two at once; a failure is logged and retried next time. */
function every(intervalMs: number, name: string, logger: Logger, task: () => Promise<void>) {
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = task()
      .catch((error: unknown) => logger.warn({ err: error }, `Failed to ${name}; will retry`))
      .finally(() => {
        running = null;
      });
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
