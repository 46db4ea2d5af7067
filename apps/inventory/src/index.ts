export { startInventoryService, type InventoryService, type InventoryServiceOptions } from "./server";
export { readInventoryEnv, type InventoryEnv } from "./env";
