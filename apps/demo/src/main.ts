import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { aclForOperator } from "@store/contracts";
import { migrate, openDatabase } from "@store/db";
import {
  readInventoryEnv,
  SimulatedTerminal,
  startInventoryService,
  TEST_INSTRUMENTS,
  type InventoryService,
} from "@store/inventory";
import { DEMO_STORE, demoCredentials, isSeeded, seedDemoStore } from "@store/prisma/seed";
import { pino } from "pino";
import { startStoreDevices, type StoreDevices } from "./devices";
import { readDemoEnv } from "./env";
import { startOrderSimulator, type OrderSimulator } from "./orders/order-simulator";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const storeAppEntry = path.join(repoRoot, "apps/store/build/index.js");

const env = readDemoEnv();
// The service's own tunables (store code, reservation grace, timer intervals) apply in the demo too.
const inventoryEnv = readInventoryEnv();
// A person watches the demo in a terminal: readable lines there, JSON lines when piped.
const rootLogger = pino({
  level: env.LOG_LEVEL,
  ...(process.stdout.isTTY
    ? { transport: { target: "pino-pretty", options: { ignore: "pid,hostname" } } }
    : {}),
});
const log = rootLogger.child({ name: "demo" });

if (!existsSync(storeAppEntry)) {
  throw new Error(`The store app is not built (${storeAppEntry} is missing): run \`pnpm build\` first.`);
}

const db = await openDatabase({ url: env.DATABASE_URL, dataDir: env.PGLITE_DATA_DIR });
log.info(`Opened ${db.kind === "postgres" ? "PostgreSQL" : "embedded PGlite"} database`);

const { applied } = await migrate(db);
if (applied.length > 0) log.info(`Applied migrations: ${applied.join(", ")}`);

if (!(await isSeeded(db.prisma))) {
  const started = performance.now();
  const summary = await seedDemoStore(db.prisma);
  log.info(
    `Seeded the demo store: ${summary.products} products in ${Math.round(performance.now() - started)} ms`,
  );
}
const storeCode = DEMO_STORE.code;
// Demo credentials are derived from the store code, so they can be shown on every start.
const { attendantBadge, attendantPin, ...demoTokens } = demoCredentials(storeCode);
const storeUrl = `http://${env.HOST}:${env.STORE_PORT}`;
// The demo's card terminal: test cards pick approvals, declines and timeouts (see the banner).
const terminal = new SimulatedTerminal();

let service: InventoryService | null = null;
let storeApp: ChildProcess | null = null;
let devices: StoreDevices | null = null;
let orders: OrderSimulator | null = null;
let stopping = false;

process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));

const startup = (async () => {
  service = await startInventoryService({
    db,
    host: env.HOST,
    port: env.INVENTORY_PORT,
    logger: rootLogger.child({ name: "inventory" }),
    storeCode: inventoryEnv.STORE_CODE,
    reservationGraceMin: inventoryEnv.RESERVATION_GRACE_MIN,
    reservationExpiryIntervalMs: inventoryEnv.RESERVATION_EXPIRY_INTERVAL_S * 1000,
    idempotencyPurgeIntervalMs: inventoryEnv.IDEMPOTENCY_PURGE_INTERVAL_MIN * 60_000,
    payments: terminal,
  });
  const app = spawn(process.execPath, [storeAppEntry], {
    stdio: ["ignore", "inherit", "inherit"],
    env: {
      ...process.env,
      HOST: env.HOST,
      PORT: String(env.STORE_PORT),
      ORIGIN: storeUrl,
      INVENTORY_URL: service.url,
    },
  });
  storeApp = app;
  app.on("exit", (code) => {
    if (!stopping) {
      log.error(`The store app exited unexpectedly (code ${code ?? "none"})`);
      void stop("store app exit", 1);
    }
  });

  // The app boots while the bridge and the devices come up; whatever started is stopped on failure.
  const [appReady, devicesReady] = await Promise.allSettled([
    waitForHttp(storeUrl, app),
    startStoreDevices({
      db,
      storeCode,
      serviceUrl: service.url,
      bridgeToken: demoTokens.bridge,
      journalDir: path.resolve(repoRoot, env.BRIDGE_JOURNAL_DIR),
      env,
      logger: rootLogger,
    }),
  ]);
  if (devicesReady.status === "fulfilled") devices = devicesReady.value;
  if (appReady.status === "rejected") throw appReady.reason;
  if (devicesReady.status === "rejected") throw devicesReady.reason;
  if (env.ORDER_SIMULATOR_INTERVAL_S > 0) {
    // As the customer app would: over HTTP with the sales channel's token.
    orders = await startOrderSimulator({
      serviceUrl: service.url,
      channelToken: demoTokens.channel,
      meanIntervalS: env.ORDER_SIMULATOR_INTERVAL_S,
      logger: rootLogger.child({ name: "orders" }),
    });
  }
  return { service, devices: devicesReady.value, online: await onlineDevices(devicesReady.value.simulated) };
})();

startup.then(
  ({ service, devices, online }) => printBanner(service, devices, online),
  (error: unknown) => {
    log.error(
      { err: error },
      `The demo store could not start: ${error instanceof Error ? error.message : String(error)}`,
    );
    void stop("startup failed", 1);
  },
);

function printBanner(
  service: InventoryService,
  devices: StoreDevices,
  online: { online: number; total: number },
) {
  if (stopping) return;
  const lines = [
    "",
    "The demo store is up:",
    `  Store app        ${storeUrl}/`,
    `  Catalog          ${storeUrl}/catalog`,
    // The setup link carries the kiosk's token after '#', which never reaches a server or its logs.
    `  Kiosk 1          ${storeUrl}/kiosk/enroll#token=${demoTokens.kiosk}  (its scanner and scales are simulated)`,
    `  Picker 1         ${storeUrl}/picker/enroll#token=${demoTokens.picker}  (a phone-sized window; handheld 1's scanner is simulated)`,
    `  Picker 2         ${storeUrl}/picker/enroll#token=${demoTokens.picker2}`,
    `  Inventory API    ${service.url}/  (tRPC over HTTP + SSE; health at ${service.url}/health)`,
    `  Metrics          ${service.url}/metrics (inventory)${devices.metricsUrl ? `, ${devices.metricsUrl} (bridge)` : ""}  (Prometheus)`,
    `  Database         ${db.kind === "postgres" ? "PostgreSQL (DATABASE_URL)" : `embedded PGlite in ${env.PGLITE_DATA_DIR ?? ".data/pglite"}`}`,
    `  MQTT broker      ${devices.mqttUrl}  (${devices.embeddedPort === null ? "MQTT_URL" : "embedded, MQTT 3.1.1"}; the firmware bridge is connected)`,
    `  Devices          ${online.online} of ${online.total} online${online.online < devices.simulated ? " so far" : ""}; ${
      devices.simulated > 0
        ? `${devices.simulated} simulated${env.SIMULATOR_SHOPPER_INTERVAL_S > 0 ? `, a shopper at a shelf sensor every ~${env.SIMULATOR_SHOPPER_INTERVAL_S} s` : ""}`
        : "none simulated (SIMULATOR=off)"
    }`,
    `  Online orders    ${env.ORDER_SIMULATOR_INTERVAL_S > 0 ? `simulated, one every ~${env.ORDER_SIMULATOR_INTERVAL_S} s (ORDER_SIMULATOR_INTERVAL_S)` : "none simulated (ORDER_SIMULATOR_INTERVAL_S=0)"}`,
  ];
  const subscribeHost = env.HOST === "0.0.0.0" || env.HOST === "::" ? "127.0.0.1" : env.HOST;
  if (devices.operator && devices.embeddedPort !== null) {
    const { username, password } = devices.operator;
    // The embedded broker grants an operator only the filters its ACL lists (not `store/<code>/#`).
    const topics = aclForOperator(storeCode)
      .subscribe.map((filter) => `-t '${filter}'`)
      .join(" ");
    lines.push(
      `  MQTT operator    user ${username}, password ${password}  (client id operator-<anything>)`,
      `  Watch devices    mosquitto_sub -h ${subscribeHost} -p ${devices.embeddedPort} -u ${username} -P '${password}' -i operator-cli -v ${topics}`,
    );
  } else {
    lines.push(
      `  Watch devices    mosquitto_sub with an operator login of that broker: -t 'store/${storeCode}/#' -v`,
    );
  }
  lines.push("", "Demo credentials (demo only; the database keeps only their hashes):");
  for (const [name, token] of Object.entries(demoTokens)) lines.push(`  ${name.padEnd(16)} ${token}`);
  lines.push(`  ${"attendant".padEnd(16)} badge ${attendantBadge}, PIN ${attendantPin}`);
  lines.push(
    "",
    `Test cards at the kiosk (${terminal.name}; any other card or QR code is approved):`,
    `  ${"approved".padEnd(16)} ${TEST_INSTRUMENTS.approved}`,
    `  ${"declined".padEnd(16)} ${TEST_INSTRUMENTS.declined}`,
    `  ${"no funds".padEnd(16)} ${TEST_INSTRUMENTS.insufficientFunds}`,
    `  ${"expired".padEnd(16)} ${TEST_INSTRUMENTS.expired}`,
    `  ${"times out".padEnd(16)} ${TEST_INSTRUMENTS.timeout}`,
  );
  lines.push("", "Press Ctrl-C to stop.", "");
  process.stdout.write(lines.join("\n"));
}

/**
 * Stops everything in the order that loses nothing: the simulated orders (those sent are
 * answered), the simulated devices (each says `offline` while the bridge still listens), the
 * bridge (its reports drained into the service), the broker, the service, the app, and last the
 * database.
 */
async function stop(reason: string, exitCode = 0): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info(`Stopping the demo store (${reason})`);
  // Ctrl-C during startup: let each part finish starting so that it can be stopped cleanly.
  await startup.catch(() => undefined);
  await step("the order simulator", () => orders?.close());
  await step("the devices and the firmware bridge", () => devices?.close());
  await step("the inventory service", () => service?.close());
  await step("the store app", () => stopChild(storeApp));
  await step("the database", () => db.close());
  log.info("Stopped the demo store");
  process.exit(exitCode);
}

async function step(what: string, run: () => Promise<void> | undefined): Promise<void> {
  try {
    await run();
  } catch (error) {
    log.error({ err: error }, `Could not stop ${what} cleanly`);
  }
}

/** SIGTERM (Ctrl-C has usually reached it already through the terminal), then SIGKILL after 5 s. */
async function stopChild(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Devices online in the registry, waiting up to 5 s for the simulated ones to be reported:
 * each device's `online` reaches the service through the bridge a moment after it connected.
 */
async function onlineDevices(expected: number): Promise<{ online: number; total: number }> {
  const deadline = Date.now() + 5_000;
  const registered = { store: { code: storeCode }, retiredAt: null, credentialHash: { not: null } };
  for (;;) {
    const [online, total] = await Promise.all([
      db.prisma.device.count({ where: { ...registered, online: true } }),
      db.prisma.device.count({ where: registered }),
    ]);
    if (online >= expected || Date.now() >= deadline) return { online, total };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`The store app exited (${child.exitCode ?? child.signalCode})`);
    }
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error(`The store app did not answer on ${url} within ${timeoutMs} ms`);
}
