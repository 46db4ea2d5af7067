export { appRouter, createCaller, type AppRouter } from "./root";
export {
  bearerToken,
  createContext,
  type Context,
  type CreateContextOptions,
  type ProcedureMeta,
} from "./trpc";
export { createServices, defaultReservationGraceMin, type Services, type ServicesOptions } from "./services";
export { systemActor, type Actor } from "./auth/actor";
export { hashToken } from "./auth/tokens";
export { ServiceError, toTRPCError, type ServiceErrorCode } from "./errors";
export { purgeExpiredKeys } from "./services/idempotency";
export { renderMetrics, processMetrics, type ServiceMetrics } from "./metrics";
export { eventsChannel, type StoreEvent } from "./services/event-tail";
export type {
  CatalogItem,
  LocationStock,
  LookupResult,
  ProductDetail,
  StockScope,
  StockTotals,
} from "./services/catalog";
export type { StoreInfo } from "./services/stores";
export type { CartQuote, QuotedLine } from "./services/cart";
export type { Sale } from "./services/checkout";
export type { OrderView } from "./services/orders";
export type { BalanceView, MovementView, StockChange } from "./services/stock";
export type { PriceChange } from "./services/prices";
export type { KioskApprovalResult, KioskConfig, ProduceItem } from "./services/kiosk";
export type { PayResult } from "./services/payments";
export type { ScannedItem } from "./services/devices";
export type { Receipt, ReceiptLine } from "./services/receipts";
export {
  PaymentProviderError,
  SimulatedTerminal,
  TEST_INSTRUMENTS,
  type AuthorizeRequest,
  type AuthorizeResult,
  type PaymentProvider,
  type SimulatedTerminalOptions,
} from "./payments";
