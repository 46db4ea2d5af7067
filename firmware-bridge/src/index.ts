export * from "./mosquitto/config";
export type * from "./bridge/backend";
export { startBridge, type Bridge, type BridgeOptions, type IdentifyResult } from "./bridge/bridge";
export type { BridgeStats } from "./bridge/stats";
export { createTrpcBackend } from "./bridge/trpc-backend";
export { startBridgeNode, type BridgeNode, type BridgeNodeOptions } from "./node";
