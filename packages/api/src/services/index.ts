import type { Database } from "@store/db";
import pino, { type Logger } from "pino";
import { createTokenAuthenticator, type TokenAuthenticator } from "../auth/tokens";
import { createCatalogService, type CatalogService } from "./catalog";
import { createDevicesService, type DevicesService } from "./devices";
import { createCheckoutService, defaultSaleBatching, type CheckoutService, type SaleBatching } from "./checkout";
import { EventTail, type EventTailOptions } from "./event-tail";
import { createEventsService, type EventsService } from "./events";
import { createKioskService, defaultKioskLockout, type KioskLockout, type KioskService } from "./kiosk";
import { createOrdersService, type OrdersService } from "./orders";
import { createPricesService, type PricesService } from "./prices";
import { createStockService, type StockService } from "./stock";
import { createStoreDirectory, type StoreDirectory } from "./stores";

export type ServicesOptions = {
  logger?: Logger;
  /** Minutes a reservation outlives the delivery promise before it expires. */
  reservationGraceMin?: number;
  /** The store this node serves, by code; default: the only store in the database. */
  storeCode?: string;
  events?: EventTailOptions;
  /** Group commit of concurrent sales (see batcher.ts). */
  saleBatching?: SaleBatching;
  /** When wrong attendant badges or PINs lock a kiosk out. */
  kioskLockout?: KioskLockout;
};

export type Services = {
  db: Database;
  logger: Logger;
  auth: TokenAuthenticator;
  stores: StoreDirectory;
  catalog: CatalogService;
  stock: StockService;
  checkout: CheckoutService;
  orders: OrdersService;
  prices: PricesService;
  events: EventsService;
  devices: DevicesService;
  kiosk: KioskService;
  /** The store of calls that carry no token (the public catalog). */
  defaultStoreId(): Promise<string>;
  close(): Promise<void>;
};

export const defaultReservationGraceMin = 30;

/** Everything the routers call, over one database. Tests and benchmarks build it the same way. */
export function createServices(db: Database, options: ServicesOptions = {}): Services {
  const logger = options.logger ?? pino({ level: "silent" });
  const stores = createStoreDirectory(db);
  const tail = new EventTail(db, logger, options.events);
  const catalog = createCatalogService(db, stores, () => tail.watermark());
  const events = createEventsService(db, tail, catalog);
  let defaultStore: Promise<string> | null = null;
  return {
    db,
    logger,
    auth: createTokenAuthenticator(db, logger),
    stores,
    catalog,
    stock: createStockService(db, stores),
    checkout: createCheckoutService(db, stores, logger, options.saleBatching ?? defaultSaleBatching),
    orders: createOrdersService(db, stores, logger, {
      reservationGraceMin: options.reservationGraceMin ?? defaultReservationGraceMin,
    }),
    prices: createPricesService(db),
    events,
    devices: createDevicesService(db, stores, events),
    kiosk: createKioskService(db, stores, options.kioskLockout ?? defaultKioskLockout),
    defaultStoreId() {
      defaultStore ??= stores.resolveDefault(options.storeCode).then(
        (store) => store.id,
        (error: unknown) => {
          defaultStore = null;
          throw error;
        },
      );
      return defaultStore;
    },
    async close() {
      await this.events.stop();
    },
  };
}
