import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { migrate, openDatabase } from "@store/db";
import { readInventoryEnv, startInventoryService } from "@store/inventory";
import { DEMO_STORE, demoCredentials, isSeeded, seedDemoStore } from "@store/prisma/seed";
import { pino } from "pino";
import { readDemoEnv } from "./env";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const storeAppEntry = path.join(repoRoot, "apps/store/build/index.js");

const env = readDemoEnv();
// The service's own tunables (store code, reservation grace, timer intervals) apply in the demo too.
const inventoryEnv = readInventoryEnv();
// A person watches the demo in a terminal: readable lines there, JSON lines when piped.
const rootLogger = pino({
  level: env.LOG_LEVEL,
  ...(process.stdout.isTTY ? { transport: { target: "pino-pretty", options: { ignore: "pid,hostname" } } } : {}),
});
const log = rootLogger.child({ name: "demo" });

const db = await openDatabase({ url: env.DATABASE_URL, dataDir: env.PGLITE_DATA_DIR });
log.info(`Opened ${db.kind === "postgres" ? "PostgreSQL" : "embedded PGlite"} database`);

const { applied } = await migrate(db);
if (applied.length > 0) log.info(`Applied migrations: ${applied.join(", ")}`);

if (!(await isSeeded(db.prisma))) {
  const started = performance.now();
  const summary = await seedDemoStore(db.prisma);
  log.info(`Seeded the demo store: ${summary.products} products in ${Math.round(performance.now() - started)} ms`);
}
// Demo credentials are derived from the store code, so they can be shown on every start.
const { attendantBadge, attendantPin, ...demoTokens } = demoCredentials(DEMO_STORE.code);

const service = await startInventoryService({
  db,
  host: env.HOST,
  port: env.INVENTORY_PORT,
  logger: rootLogger.child({ name: "inventory" }),
  storeCode: inventoryEnv.STORE_CODE,
  reservationGraceMin: inventoryEnv.RESERVATION_GRACE_MIN,
  reservationExpiryIntervalMs: inventoryEnv.RESERVATION_EXPIRY_INTERVAL_S * 1000,
  idempotencyPurgeIntervalMs: inventoryEnv.IDEMPOTENCY_PURGE_INTERVAL_MIN * 60_000,
});

if (!existsSync(storeAppEntry)) {
  throw new Error(`The store app is not built (${storeAppEntry} is missing): run \`pnpm build\` first.`);
}
const storeApp: ChildProcess = spawn(process.execPath, [storeAppEntry], {
  stdio: ["ignore", "inherit", "inherit"],
  env: {
    ...process.env,
    HOST: env.HOST,
    PORT: String(env.STORE_PORT),
    ORIGIN: `http://${env.HOST}:${env.STORE_PORT}`,
    INVENTORY_URL: service.url,
  },
});
const storeUrl = `http://${env.HOST}:${env.STORE_PORT}`;

await waitForHttp(storeUrl, storeApp);

const lines = [
  "",
  "The demo store is up:",
  `  Store app        ${storeUrl}/`,
  `  Catalog          ${storeUrl}/catalog`,
  `  Inventory API    ${service.url}/  (tRPC over HTTP + SSE; health at ${service.url}/health)`,
  `  Database         ${db.kind === "postgres" ? "PostgreSQL (DATABASE_URL)" : `embedded PGlite in ${env.PGLITE_DATA_DIR ?? ".data/pglite"}`}`,
];
lines.push("", "Demo credentials (demo only; the database keeps only their hashes):");
for (const [name, token] of Object.entries(demoTokens)) lines.push(`  ${name.padEnd(16)} ${token}`);
lines.push(`  ${"attendant".padEnd(16)} badge ${attendantBadge}, PIN ${attendantPin}`);
lines.push("", "Press Ctrl-C to stop.", "");
process.stdout.write(lines.join("\n"));

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info(`Stopping the demo store (${signal})`);
  storeApp.kill("SIGTERM");
  await service.close();
  await db.close();
  process.exit(0);
}
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));
storeApp.on("exit", (code) => {
  if (!stopping) {
    log.error(`The store app exited unexpectedly (code ${code ?? "none"})`);
    void stop("store app exit");
  }
});

async function waitForHttp(url: string, child: ChildProcess, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The store app exited with code ${child.exitCode}`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error(`The store app did not answer on ${url} within ${timeoutMs} ms`);
}
