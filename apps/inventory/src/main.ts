import { migrate, openDatabase } from "@store/db";
import { pino } from "pino";
import { readInventoryEnv } from "./env";
import { startInventoryService } from "./server";

const env = readInventoryEnv();
const logger = pino({ name: "inventory", level: env.LOG_LEVEL });

const db = await openDatabase({ url: env.DATABASE_URL, dataDir: env.PGLITE_DATA_DIR });
const { applied } = await migrate(db);
if (applied.length > 0) logger.info(`Applied migrations: ${applied.join(", ")}`);

const service = await startInventoryService({
  db,
  host: env.INVENTORY_HOST,
  port: env.INVENTORY_PORT,
  logger,
  storeCode: env.STORE_CODE,
  reservationGraceMin: env.RESERVATION_GRACE_MIN,
  reservationExpiryIntervalMs: env.RESERVATION_EXPIRY_INTERVAL_S * 1000,
  idempotencyPurgeIntervalMs: env.IDEMPOTENCY_PURGE_INTERVAL_MIN * 60_000,
});

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info(`Stopping (${signal})`);
  await service.close();
  await db.close();
  process.exit(0);
}
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));
