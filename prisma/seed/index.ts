export { seedDemoStore, isSeeded, summarize, type SeedSummary } from "./seed";
export {
  DEFAULT_BASE_TIME,
  DEFAULT_PRODUCT_COUNT,
  DEFAULT_SEED,
  DEMO_STORE,
  demoDevices,
  parseSeedOptions,
  planDemoStore,
  seedOptionsSchema,
  type DemoStorePlan,
  type SeedOptions,
  type StoreSeed,
} from "./plan";
export {
  FAMILY_COUNT,
  catalogCapacity,
  generateCatalog,
  type CatalogOptions,
  type CatalogSeed,
  type ProductSeed,
} from "./catalog";
export { SALES_ZONES, generateLayout, homeZoneOf, type LocationSeed } from "./layout";
export { generateFloorPlan } from "./floor-plan";
export {
  demoBridgeMqttCredentials,
  demoDeviceCredentialHash,
  demoDevicePassword,
  demoOperatorMqttCredentials,
  demoToken,
  hashToken,
  tokenPrefix,
  DEMO_SECRET,
} from "./credentials";
export { SHELF_LABEL_COUNT, SHELF_SENSOR_COUNT, type DemoDevice } from "./devices";
export { demoCredentials, type DemoCredentials } from "./people";
