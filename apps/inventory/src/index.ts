export { startInventoryService, type InventoryService, type InventoryServiceOptions } from "./server";
export { readInventoryEnv, type InventoryEnv } from "./env";
export { SimulatedTerminal, TEST_INSTRUMENTS, type PaymentProvider } from "@store/api";
