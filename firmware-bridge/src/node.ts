import { generateDeviceSecret, verifyDevicePassword, hashDevicePassword } from "@store/contracts/credentials";
import type { Logger } from "pino";
import type { BridgeBackend } from "./bridge/backend";
import { startBridge, type Bridge, type BridgeOptions } from "./bridge/bridge";
import { createBridgeMetrics, startMetricsServer, type MetricsServer } from "./bridge/metrics";
import { startEmbeddedBroker, type EmbeddedBroker, type Principal } from "./broker/embedded";

export type BridgeNodeOptions = {
  storeCode: string;
  backend: BridgeBackend;
  logger: Logger;
  /**
   * An external broker (Mosquitto, EMQX) and the bridge's credentials on it. Absent: an embedded
   * broker is started on `embeddedPort` and the bridge signs in with a secret made up for this run.
   */
  mqtt?: { url: string; username: string; password: string; protocolVersion?: 4 | 5; sharedGroup?: string };
  embedded?: { host?: string; port: number };
  /** A technician's or manager tool's login on the embedded broker (reads the store, asks the bridge). */
  operator?: { username: string; password: string };
  instance?: BridgeOptions["instance"];
  /** Serve Prometheus metrics at `http://<host>:<port>/metrics` (port 0: a free one); absent: none. */
  metrics?: { host?: string; port: number };
} & Pick<BridgeOptions, "labels" | "shelf" | "heartbeatScale" | "heartbeatCheckMs" | "onHandled" | "journalDir">;

export type BridgeNode = {
  readonly bridge: Bridge;
  broker: EmbeddedBroker | null;
  mqttUrl: string;
  /** Where the metrics are served, when they are. */
  metricsUrl: string | null;
  /** Stops the bridge and starts it again on the same broker and session (an upgrade, a crash). */
  restartBridge(options?: { drainMs?: number }): Promise<Bridge>;
  close(): Promise<void>;
};

/**
 * The bridge as the store runs it: against the broker it is given, or with an embedded one that
 * admits the bridge and every provisioned device by the registry's stored credentials.
 */
export async function startBridgeNode(options: BridgeNodeOptions): Promise<BridgeNode> {
  if (!options.metrics) return startNode(options, null);
  let node: BridgeNode | null = null;
  const metrics = createBridgeMetrics(() => {
    if (!node) throw new Error("The bridge is not up yet");
    return node.bridge;
  });
  node = await startNode(options, metrics.onReported);
  let server: MetricsServer;
  try {
    server = await startMetricsServer({
      host: options.metrics.host ?? "127.0.0.1",
      port: options.metrics.port,
      registry: metrics.registry,
      logger: options.logger,
    });
  } catch (error) {
    await node.close();
    throw error;
  }
  const started = node;
  return {
    get bridge() {
      return started.bridge;
    },
    broker: started.broker,
    mqttUrl: started.mqttUrl,
    metricsUrl: server.url,
    restartBridge: (restart) => started.restartBridge(restart),
    async close() {
      await server.close();
      await started.close();
    },
  };
}

async function startNode(
  options: BridgeNodeOptions,
  onReported: BridgeOptions["onReported"] | null,
): Promise<BridgeNode> {
  const { storeCode, backend, logger } = options;
  const common = {
    storeCode,
    backend,
    logger: logger.child({ name: "bridge" }),
    ...(options.instance ? { instance: options.instance } : {}),
    ...(options.labels ? { labels: options.labels } : {}),
    ...(options.shelf ? { shelf: options.shelf } : {}),
    ...(options.heartbeatScale ? { heartbeatScale: options.heartbeatScale } : {}),
    ...(options.heartbeatCheckMs ? { heartbeatCheckMs: options.heartbeatCheckMs } : {}),
    ...(options.onHandled ? { onHandled: options.onHandled } : {}),
    ...(options.journalDir ? { journalDir: options.journalDir } : {}),
    ...(onReported ? { onReported } : {}),
  };

  if (options.mqtt) {
    const mqttOptions = options.mqtt;
    let external = await startBridge({ ...common, mqtt: mqttOptions });
    return {
      get bridge() {
        return external;
      },
      broker: null,
      mqttUrl: mqttOptions.url,
      metricsUrl: null,
      async restartBridge(restart = {}) {
        await external.close(restart);
        external = await startBridge({ ...common, mqtt: mqttOptions });
        return external;
      },
      close: () => external.close(),
    };
  }

  // The embedded broker asks the bridge's registry who a device is; until the bridge has loaded
  // it, devices are refused and retry, as they would with a broker that is starting.
  let bridge: Bridge | null = null;
  const bridgeSecret = generateDeviceSecret();
  const bridgeHash = hashDevicePassword(bridgeSecret);
  const operatorHash = options.operator ? hashDevicePassword(options.operator.password) : null;
  const broker = await startEmbeddedBroker({
    host: options.embedded?.host ?? "127.0.0.1",
    port: options.embedded?.port ?? 0,
    storeCode,
    logger: logger.child({ name: "mqtt-broker" }),
    authenticate(username, password): Principal | null {
      if (username === "bridge") return verifyDevicePassword(password, bridgeHash) ? { kind: "bridge" } : null;
      if (operatorHash && username === options.operator?.username) {
        return verifyDevicePassword(password, operatorHash) ? { kind: "operator" } : null;
      }
      const device = bridge?.authenticateDevice(username, password);
      return device ? { kind: "device", ...device } : null;
    },
  });
  const embeddedBridge = () =>
    startBridge({
      ...common,
      mqtt: { url: broker.url, username: "bridge", password: bridgeSecret, protocolVersion: 4 },
      onDeviceRetired: (deviceId) => broker.disconnectDevice(deviceId),
    });
  let started: Bridge;
  try {
    started = await embeddedBridge();
  } catch (error) {
    await broker.close();
    throw error;
  }
  bridge = started;
  return {
    get bridge() {
      return started;
    },
    broker,
    mqttUrl: broker.url,
    metricsUrl: null,
    async restartBridge(restart = {}) {
      await started.close(restart);
      started = await embeddedBridge();
      bridge = started;
      return started;
    },
    async close() {
      await started.close();
      await broker.close();
    },
  };
}
