import type { Database } from "@store/db";
import pino, { type Logger } from "pino";
import { createTokenAuthenticator, type TokenAuthenticator } from "../auth/tokens";
import { createServiceMetrics, type ServiceMetrics } from "../metrics";
import { createCatalogService, type CatalogService } from "./catalog";
import { createDashboardService, type DashboardService } from "./dashboard";
import { createCatalogCsvService, type CatalogCsvService } from "./catalog-import";
import { createDevicesService, type DevicesService } from "./devices";
import {
  createCheckoutService,
  defaultSaleBatching,
  type CheckoutService,
  type SaleBatching,
} from "./checkout";
import { EventTail, type EventTailOptions } from "./event-tail";
import { createEventsService, type EventsService } from "./events";
import { SimulatedTerminal } from "../payments/simulated-terminal";
import type { PaymentProvider } from "../payments/provider";
import { createKioskService, defaultKioskLockout, type KioskLockout, type KioskService } from "./kiosk";
import { createOrdersService, type OrdersService } from "./orders";
import { createPaymentsService, type PaymentsService } from "./payments";
import { createPickingService, PICK_LIGHT_MS, type PickingService } from "./picking";
import { createPricesService, type PricesService } from "./prices";
import { createReceiptsService, type ReceiptsService } from "./receipts";
import { createReplenishmentService, type ReplenishmentService } from "./replenishment";
import { createStockService, type StockService } from "./stock";
import { createStockExportService, type StockExportService } from "./stock-export";
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
  /**
   * The card terminal and processor; default a new SimulatedTerminal. A host that restarts its
   * services hands over the same one, as a real processor outlives the service.
   */
  payments?: PaymentProvider;
};

export type Services = {
  db: Database;
  logger: Logger;
  auth: TokenAuthenticator;
  stores: StoreDirectory;
  catalog: CatalogService;
  /** Catalog import and export as CSV. */
  catalogCsv: CatalogCsvService;
  stock: StockService;
  stockExport: StockExportService;
  replenishment: ReplenishmentService;
  checkout: CheckoutService;
  orders: OrdersService;
  picking: PickingService;
  prices: PricesService;
  events: EventsService;
  devices: DevicesService;
  kiosk: KioskService;
  paymentProvider: PaymentProvider;
  payments: PaymentsService;
  receipts: ReceiptsService;
  dashboard: DashboardService;
  metrics: ServiceMetrics;
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
  const stock = createStockService(db, stores);
  const checkout = createCheckoutService(db, stores, logger, options.saleBatching ?? defaultSaleBatching);
  const kiosk = createKioskService(db, stores, options.kioskLockout ?? defaultKioskLockout);
  const paymentProvider = options.payments ?? new SimulatedTerminal();
  const orders = createOrdersService(
    db,
    stores,
    logger,
    { reservationGraceMin: options.reservationGraceMin ?? defaultReservationGraceMin },
    paymentProvider,
  );
  const events = createEventsService(db, tail, catalog);
  const devices = createDevicesService(db, stores, events, async (actor, code) => {
    const [line] = (await checkout.quote(actor, [{ code }])).lines;
    return line
      ? {
          sku: line.sku,
          nameEn: line.nameEn,
          nameZh: line.nameZh,
          unitOfSale: line.unitOfSale,
          quantity: line.quantity,
          unitPriceMinor: line.unitPriceMinor,
        }
      : null;
  });
  const picking = createPickingService({
    db,
    stores,
    logger,
    orders,
    flash: async (actor, productId) => {
      await devices.flash(actor, { productId, colour: "green", durationMs: PICK_LIGHT_MS });
    },
  });
  let defaultStore: Promise<string> | null = null;
  return {
    db,
    logger,
    auth: createTokenAuthenticator(db, logger),
    stores,
    catalog,
    catalogCsv: createCatalogCsvService(db, stores),
    stock,
    stockExport: createStockExportService(db, stores),
    replenishment: createReplenishmentService({ db, stores, stock }),
    checkout,
    orders,
    picking,
    prices: createPricesService(db),
    events,
    devices,
    kiosk,
    paymentProvider,
    payments: createPaymentsService({ db, stores, logger, checkout, kiosk, provider: paymentProvider }),
    receipts: createReceiptsService(db, stores),
    dashboard: createDashboardService(db, stores, () => tail.watermark()),
    metrics: createServiceMetrics(tail),
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
