import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { pino } from "pino";
import { createTrpcBackend } from "./bridge/trpc-backend";
import { readBridgeEnv } from "./env";
import { createMosquittoFiles } from "./mosquitto/config";
import { startBridgeNode } from "./node";

// `pnpm -C firmware-bridge start`: the bridge on its own, next to a running inventory service.
// `pnpm -C firmware-bridge start mosquitto-config <dir> [port]`: writes Mosquitto's password,
// ACL and conf files for every provisioned device from the service's registry.

const env = readBridgeEnv();
const logger = pino({ level: env.LOG_LEVEL });
const backend = createTrpcBackend({ url: env.INVENTORY_URL, token: env.BRIDGE_TOKEN });
const [command, ...args] = process.argv.slice(2);

if (command === "mosquitto-config") {
  const dir = path.resolve(args[0] ?? "mosquitto");
  const port = Number(args[1] ?? 1883);
  if (!env.MQTT_PASSWORD) throw new Error("Set MQTT_PASSWORD: the bridge's password on Mosquitto goes into the files");
  const registry = await backend.registry();
  const files = createMosquittoFiles({
    storeCode: env.STORE_CODE,
    bridge: { username: env.MQTT_USERNAME, password: env.MQTT_PASSWORD },
    ...(env.MQTT_OPERATOR_USERNAME && env.MQTT_OPERATOR_PASSWORD
      ? { operator: { username: env.MQTT_OPERATOR_USERNAME, password: env.MQTT_OPERATOR_PASSWORD } }
      : {}),
    devices: registry.devices
      .filter((device) => device.credentialHash !== null)
      .map((device) => ({ id: device.id, model: device.model, passwordHash: device.credentialHash as string })),
    broker: { port, passwordFilePath: path.join(dir, "passwd"), aclFilePath: path.join(dir, "acl") },
  });
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, "passwd"), files.passwordFile, { mode: 0o600 });
  await writeFile(path.join(dir, "acl"), files.aclFile);
  await writeFile(path.join(dir, "store.conf"), files.conf);
  process.stdout.write(`Wrote ${dir}/passwd, acl and store.conf for ${registry.devices.length} devices\n`);
} else if (command === undefined) {
  const operator =
    env.MQTT_OPERATOR_USERNAME && env.MQTT_OPERATOR_PASSWORD
      ? { username: env.MQTT_OPERATOR_USERNAME, password: env.MQTT_OPERATOR_PASSWORD }
      : undefined;
  const node = await startBridgeNode({
    storeCode: env.STORE_CODE,
    backend,
    logger,
    instance: env.BRIDGE_INSTANCE,
    // One journal per instance: instances sharing a host must not share a file.
    journalDir: path.join(env.BRIDGE_JOURNAL_DIR, `instance-${env.BRIDGE_INSTANCE.index + 1}`),
    ...(operator ? { operator } : {}),
    ...(env.BRIDGE_METRICS_PORT === undefined ? {} : { metrics: { host: env.BRIDGE_METRICS_HOST, port: env.BRIDGE_METRICS_PORT } }),
    ...(env.MQTT_URL
      ? {
          mqtt: {
            url: env.MQTT_URL,
            username: env.MQTT_USERNAME,
            password: env.MQTT_PASSWORD ?? "",
            protocolVersion: env.MQTT_PROTOCOL_VERSION as 4 | 5,
            ...(env.MQTT_SHARED_GROUP ? { sharedGroup: env.MQTT_SHARED_GROUP } : {}),
          },
        }
      : { embedded: { port: env.MQTT_EMBEDDED_PORT } }),
  });
  logger.info(
    `Bridge up for store ${env.STORE_CODE}: MQTT ${node.mqttUrl}, service ${env.INVENTORY_URL}${node.metricsUrl ? `, metrics at ${node.metricsUrl}` : ""}`,
  );
  const stop = async (signal: string) => {
    logger.info(`Stopping the bridge (${signal})`);
    await node.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
} else {
  process.stderr.write(`Unknown command '${command}'. Commands: (none) to run the bridge, mosquitto-config <dir> [port]\n`);
  process.exit(2);
}
