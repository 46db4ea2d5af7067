import { catalogRouter } from "./routers/catalog/catalog.router";
import { checkoutRouter } from "./routers/checkout/checkout.router";
import { dashboardRouter } from "./routers/dashboard/dashboard.router";
import { devicesRouter } from "./routers/devices/devices.router";
import { eventsRouter } from "./routers/events/events.router";
import { kioskRouter } from "./routers/kiosk/kiosk.router";
import { ordersRouter } from "./routers/orders/orders.router";
import { pickingRouter } from "./routers/picking/picking.router";
import { pricesRouter } from "./routers/prices/prices.router";
import { replenishmentRouter } from "./routers/replenishment/replenishment.router";
import { shelfRouter } from "./routers/shelf/shelf.router";
import { stockRouter } from "./routers/stock/stock.router";
import { storeRouter } from "./routers/store/store.router";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  store: storeRouter,
  catalog: catalogRouter,
  stock: stockRouter,
  checkout: checkoutRouter,
  orders: ordersRouter,
  picking: pickingRouter,
  prices: pricesRouter,
  events: eventsRouter,
  devices: devicesRouter,
  kiosk: kioskRouter,
  dashboard: dashboardRouter,
  replenishment: replenishmentRouter,
  shelf: shelfRouter,
});

export type AppRouter = typeof appRouter;

/** In-process calls with a context of your choosing (tests, benchmarks, server-side rendering). */
export const createCaller = createCallerFactory(appRouter);
