import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { Worker } from "node:worker_threads";
import { subscriptionFor, topicFor } from "@store/contracts";
import { generateDeviceSecret } from "@store/contracts/credentials";
import { startBridge, startBridgeNode, type Bridge, type BridgeBackend } from "@store/firmware-bridge";
import {
  createCredentialAuthenticator,
  findMosquitto,
  startEmbeddedBroker,
  startMosquitto,
  type EmbeddedBroker,
  type MosquittoProcess,
} from "@store/firmware-bridge/broker";
import { demoDevices } from "@store/prisma/seed";
import mqtt, { type MqttClient } from "mqtt";
import { pino } from "pino";
import { createCallerBackend } from "../../firmware-bridge/src/bridge/caller-backend";
import {
  monotonicMs,
  type PublishersCommand,
  type PublishersData,
  type PublishersReply,
  type RunOutcome,
  type SensorSpec,
  type Target,
} from "./bridge-publishers";
import { closeBenchStore, openBenchStore, type BenchStore } from "./store";
import { createBenchDatabase, note, percentile, report } from "./support";

/** Readings in flight per sensor, from publish until acknowledged by the broker and handled. */
const SENSOR_WINDOW = 2;
const RING = 1024;
const WARMUP_MS = 1_000;
const ROUND_MS = 4_000;
const ROUNDS = 2;
/** A 30 kg cell: leave room for a hand on the shelf and noise. */
const MAX_LOAD_G = 27_000;
const GOALS = { msgsPerS: 10_000, p99Ms: 20, ratio: 0.5 };

type BrokerKind = "embedded" | "mosquitto";

/**
 * Shelf-sensor readings per second through the firmware bridge (contract decoding, the device's
 * model, replay check, shelf estimator, shelf reports to the service) and p99 publish-to-handled
 * latency, against the same broker's raw forward rate to a plain subscriber. The demo store's 24
 * shelf sensors publish from a worker thread, QoS 1 and retained as the contract says, with a
 * bounded window each. The bridge runs in this process with the embedded broker, as the store's
 * bridge node does, and so does the service (called in-process, so its database work for shelf
 * reports lands on the bridge's thread here). Rounds alternate (baseline, bridge, baseline,
 * bridge) so both see the same machine state; rates and percentiles pool a side's measured rounds.
 */
export async function bridgeBench(): Promise<void> {
  const db = await createBenchDatabase(8);
  const store = await openBenchStore(db);
  const logger = pino({ level: process.env.BENCH_LOG_LEVEL ?? "error" }, pino.destination(2));
  let publishers: Publishers | null = null;
  try {
    const backend = createCallerBackend(store.services, store.seeded.tokens.bridge);
    const sensors = await shelfSensors(store, backend);
    const shared = {
      sentAt: new SharedArrayBuffer(sensors.length * RING * Float64Array.BYTES_PER_ELEMENT),
      handled: new SharedArrayBuffer(sensors.length * Int32Array.BYTES_PER_ELEMENT),
    };
    const tracker = new HandledTracker(
      new Map(
        sensors.map((sensor, index) => [
          topicFor("device/weight", { storeCode: store.store.code, deviceId: sensor.id }),
          index,
        ]),
      ),
      shared,
    );
    publishers = new Publishers({
      storeCode: store.store.code,
      sensors,
      window: SENSOR_WINDOW,
      ring: RING,
      seed: 20261125,
      ...shared,
    });
    report({ bench: "bridge", metric: "sensors", value: sensors.length, unit: "clients" });
    report({ bench: "bridge", metric: "window", value: SENSOR_WINDOW, unit: "messages/sensor" });

    const brokers: BrokerKind[] = findMosquitto() ? ["embedded", "mosquitto"] : ["embedded"];
    if (brokers.length === 1) note("bridge: no mosquitto binary found; measuring the embedded broker only");
    const goals: string[] = [];
    for (const kind of brokers) {
      const result = await measureBroker(kind, { store, backend, sensors, logger, tracker, publishers });
      if (kind === "embedded") {
        goals.push(
          verdict(
            `${GOALS.msgsPerS.toLocaleString("en")} msgs/s`,
            result.rate >= GOALS.msgsPerS,
            `${Math.round(result.rate)}`,
          ),
          verdict(`p99 ≤ ${GOALS.p99Ms} ms`, result.p99 <= GOALS.p99Ms, `${result.p99.toFixed(1)} ms`),
        );
      }
      goals.push(
        verdict(
          `${kind}: ≥ ${GOALS.ratio} of the raw rate`,
          result.rate / result.rawRate >= GOALS.ratio,
          (result.rate / result.rawRate).toFixed(2),
        ),
      );
    }
    note(`bridge goals: ${goals.join("; ")} (load average ${loadAverage()})`);
  } finally {
    await publishers?.close();
    await closeBenchStore(store);
    await db.drop();
  }
}

function verdict(goal: string, met: boolean, actual: string): string {
  return `${goal} ${met ? "met" : "MISSED"} (${actual})`;
}

/** The demo store's shelf sensors with their products' unit weights and shelf stock at the start. */
async function shelfSensors(store: BenchStore, backend: BridgeBackend): Promise<SensorSpec[]> {
  const registry = await backend.registry();
  const sensors = demoDevices()
    .filter((device) => device.kind === "SHELF_SENSOR")
    .map((device) => {
      const entry = registry.devices.find((candidate) => candidate.id === device.id);
      const unitWeightG = Number(entry?.product?.unitWeightG ?? device.unitWeightG);
      if (!entry || !(unitWeightG > 0))
        throw new Error(`bridge: shelf sensor ${device.id} has no product with a unit weight`);
      const maxUnits = Math.floor(MAX_LOAD_G / unitWeightG);
      const units = Math.min(maxUnits, Math.max(1, Math.floor(Number(entry.shelfOnHand ?? "0"))));
      return { id: device.id, model: device.model, password: device.password, unitWeightG, units, maxUnits };
    });
  if (sensors.length === 0)
    throw new Error(`bridge: the demo store ${store.store.code} has no shelf sensors`);
  return sensors;
}

// -------------------------------------------------------------------------------------------------
// Consumers: the bridge, and the plain subscriber of the baseline
// -------------------------------------------------------------------------------------------------

type Measured = { handled: number; latencies: number[] };

/**
 * Counts the weight readings a consumer handled and their publish-to-handled latency (the
 * publisher wrote the send time into shared memory by sensor and seq); the publishers read the
 * per-sensor counts to refill their windows.
 */
class HandledTracker {
  private readonly sentAt: Float64Array;
  private readonly handled: Int32Array;
  private active: { target: Target; measure: boolean } | null = null;
  private measured: Measured = { handled: 0, latencies: [] };
  /** Readings that arrived for a consumer outside its own round: must stay 0. */
  strays = 0;

  constructor(
    private readonly topics: ReadonlyMap<string, number>,
    shared: { sentAt: SharedArrayBuffer; handled: SharedArrayBuffer },
  ) {
    this.sentAt = new Float64Array(shared.sentAt);
    this.handled = new Int32Array(shared.handled);
  }

  start(target: Target, measure: boolean): void {
    this.active = { target, measure };
    this.measured = { handled: 0, latencies: [] };
  }

  stop(): Measured {
    this.active = null;
    return this.measured;
  }

  record(target: Target, topic: string, payload: Buffer): void {
    const now = monotonicMs();
    const index = this.topics.get(topic);
    if (index === undefined) return;
    if (this.active?.target !== target) {
      this.strays++;
      return;
    }
    this.measured.handled++;
    if (this.active.measure)
      this.measured.latencies.push(now - this.sentAt[index * RING + (seqOf(payload) % RING)]!);
    Atomics.add(this.handled, index, 1);
  }
}

const SEQ_KEY = Buffer.from('"seq":');

/** The reading's seq, read from the JSON text without parsing it again (the bridge already did). */
function seqOf(payload: Buffer): number {
  let position = payload.indexOf(SEQ_KEY) + SEQ_KEY.length;
  let seq = 0;
  for (
    let byte = payload[position];
    byte !== undefined && byte >= 0x30 && byte <= 0x39;
    byte = payload[++position]
  ) {
    seq = seq * 10 + (byte - 0x30);
  }
  return seq;
}

type Consumers = {
  url: Record<Target, string>;
  bridge: Bridge;
  close(): Promise<void>;
};

async function connectSubscriber(
  url: string,
  storeCode: string,
  options: { username: string; password: string; clientId: string; protocolVersion: 4 | 5 },
  onMessage: (topic: string, payload: Buffer) => void,
): Promise<MqttClient> {
  const client = await mqtt.connectAsync(url, { ...options, clean: true, reconnectPeriod: 0 });
  client.on("error", (error) => note(`bridge: the baseline subscriber on ${url}: ${error.message}`));
  client.on("message", onMessage);
  const granted = await client.subscribeAsync(subscriptionFor("device/weight", { storeCode }), { qos: 1 });
  if (granted.some((grant) => grant.qos === 128))
    throw new Error(`bridge: ${url} refused the baseline subscriber`);
  return client;
}

async function startConsumers(
  kind: BrokerKind,
  context: {
    store: BenchStore;
    backend: BridgeBackend;
    sensors: SensorSpec[];
    logger: pino.Logger;
    tracker: HandledTracker;
  },
): Promise<Consumers> {
  const { store, backend, sensors, logger, tracker } = context;
  const storeCode = store.store.code;
  const onHandled = ({ channel, topic, payload }: { channel: string; topic: string; payload: Buffer }) => {
    if (channel === "device/weight") tracker.record("bridge", topic, payload);
  };
  const onRaw = (topic: string, payload: Buffer) => tracker.record("baseline", topic, payload);
  const baselineCredentials = { username: "bridge", password: generateDeviceSecret() };
  const baselineClient = { ...baselineCredentials, clientId: `bridge-${storeCode}-baseline` };
  const devices = sensors.map(({ id, model, password }) => ({ id, model, password }));
  const closers: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    for (const close of closers.reverse())
      await close().catch((error: unknown) => note(`bridge: closing failed: ${String(error)}`));
  };
  try {
    if (kind === "embedded") {
      const node = await startBridgeNode({ storeCode, backend, logger, embedded: { port: 0 }, onHandled });
      closers.push(() => node.close());
      const baselineBroker: EmbeddedBroker = await startEmbeddedBroker({
        port: 0,
        storeCode,
        logger,
        authenticate: createCredentialAuthenticator({ bridge: baselineCredentials, devices }),
      });
      closers.push(() => baselineBroker.close());
      const subscriber = await connectSubscriber(
        baselineBroker.url,
        storeCode,
        { ...baselineClient, protocolVersion: 4 },
        onRaw,
      );
      closers.push(() => subscriber.endAsync());
      return {
        url: { bridge: node.mqttUrl, baseline: baselineBroker.url },
        bridge: node.bridge,
        close: closeAll,
      };
    }
    // Two Mosquittos with the same configuration, so the bridge never sees the baseline's load.
    const bridgeCredentials = { username: "bridge", password: generateDeviceSecret() };
    const forBridge: MosquittoProcess = await startMosquitto({
      storeCode,
      bridge: bridgeCredentials,
      devices,
    });
    closers.push(() => forBridge.stop());
    const forBaseline: MosquittoProcess = await startMosquitto({
      storeCode,
      bridge: baselineCredentials,
      devices,
    });
    closers.push(() => forBaseline.stop());
    const bridge = await startBridge({
      storeCode,
      backend,
      logger,
      mqtt: { url: forBridge.url, ...bridgeCredentials, protocolVersion: 5 },
      onHandled,
    });
    closers.push(() => bridge.close());
    const subscriber = await connectSubscriber(
      forBaseline.url,
      storeCode,
      { ...baselineClient, protocolVersion: 5 },
      onRaw,
    );
    closers.push(() => subscriber.endAsync());
    return { url: { bridge: forBridge.url, baseline: forBaseline.url }, bridge, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

// -------------------------------------------------------------------------------------------------
// Rounds
// -------------------------------------------------------------------------------------------------

type Side = { published: number; handled: number; ms: number; cpuMs: number; latencies: number[] };

async function measureBroker(
  kind: BrokerKind,
  context: {
    store: BenchStore;
    backend: BridgeBackend;
    sensors: SensorSpec[];
    logger: pino.Logger;
    tracker: HandledTracker;
    publishers: Publishers;
  },
): Promise<{ rate: number; rawRate: number; p99: number }> {
  const { store, tracker, publishers } = context;
  const estimatesBefore = await store.db.prisma.event.count({ where: { type: "shelf.estimate" } });
  const consumers = await startConsumers(kind, context);
  const sides: Record<Target, Side> = {
    bridge: { published: 0, handled: 0, ms: 0, cpuMs: 0, latencies: [] },
    baseline: { published: 0, handled: 0, ms: 0, cpuMs: 0, latencies: [] },
  };
  let bridgeStats: ReturnType<Bridge["stats"]>;
  try {
    for (const target of ["baseline", "bridge"] as const)
      await publishers.connect(target, consumers.url[target]);

    const round = async (target: Target, durationMs: number, measure: boolean): Promise<RunOutcome> => {
      tracker.start(target, measure);
      const cpuBefore = mainThreadCpuMs();
      const outcome = await publishers.run(target, durationMs);
      const cpuMs = mainThreadCpuMs() - cpuBefore;
      const measured = tracker.stop();
      if (outcome.inFlight > 0 || measured.handled !== outcome.published) {
        throw new Error(
          `bridge/${kind}: ${target} lost messages: ${outcome.published} published, ${measured.handled} handled, ` +
            `${outcome.inFlight} still unacknowledged or unhandled 10 s after the round`,
        );
      }
      if (measure) {
        const side = sides[target];
        side.published += outcome.published;
        side.handled += measured.handled;
        side.ms += outcome.elapsedMs;
        side.cpuMs += cpuMs;
        for (const latency of measured.latencies) side.latencies.push(latency);
      }
      return outcome;
    };

    await round("baseline", WARMUP_MS, false);
    await round("bridge", WARMUP_MS, false);
    for (let index = 0; index < ROUNDS; index++) {
      const raw = await round("baseline", ROUND_MS, true);
      const bridged = await round("bridge", ROUND_MS, true);
      note(
        `bridge/${kind} round ${index + 1}: raw ${rate(raw).toFixed(0)} msgs/s, bridge ${rate(bridged).toFixed(0)} msgs/s ` +
          `(load average ${loadAverage()})`,
      );
    }
    bridgeStats = consumers.bridge.stats();
    for (const target of ["baseline", "bridge"] as const) await publishers.disconnect(target);
  } finally {
    await consumers.close();
  }
  // After close: the bridge has drained its reports to the service.
  const estimates =
    (await store.db.prisma.event.count({ where: { type: "shelf.estimate" } })) - estimatesBefore;

  const rejected = Object.values(bridgeStats.rejected).reduce((sum, count) => sum + count, 0);
  if (rejected > 0 || bridgeStats.duplicates > 0 || tracker.strays > 0) {
    throw new Error(
      `bridge/${kind}: ${rejected} rejected (${JSON.stringify(bridgeStats.rejected)}), ${bridgeStats.duplicates} duplicates, ` +
        `${tracker.strays} readings outside their round`,
    );
  }
  const bridge = summarize(sides.bridge);
  const raw = summarize(sides.baseline);
  // Each figure beside the same figure for the plain subscriber, and their ratio.
  const compare = (metric: string, unit: string, value: number, baseline: number) =>
    report({ bench: "bridge", metric: `${kind}/${metric}`, value, unit, baseline, ratio: value / baseline });
  compare("msgs_per_s", "msgs/s", bridge.rate, raw.rate);
  compare("p50_ms", "ms", bridge.p50, raw.p50);
  compare("p99_ms", "ms", bridge.p99, raw.p99);
  if (!Number.isNaN(bridge.cpuUsPerMessage)) compare("cpu_us_per_msg", "µs", bridge.cpuUsPerMessage, raw.cpuUsPerMessage);
  report({
    bench: "bridge",
    metric: `${kind}/handled`,
    value: sides.bridge.handled,
    unit: "messages",
    baseline: sides.baseline.handled,
  });
  const lost = (side: Side) => side.published - side.handled;
  report({
    bench: "bridge",
    metric: `${kind}/lost`,
    value: lost(sides.bridge),
    unit: "messages",
    baseline: lost(sides.baseline),
  });
  report({ bench: "bridge", metric: `${kind}/rejected`, value: rejected, unit: "messages" });
  report({ bench: "bridge", metric: `${kind}/shelf_estimates`, value: estimates, unit: "events" });
  return { rate: bridge.rate, rawRate: raw.rate, p99: bridge.p99 };
}

function rate(outcome: RunOutcome): number {
  return (outcome.published / outcome.elapsedMs) * 1000;
}

function summarize(side: Side): { rate: number; p50: number; p99: number; cpuUsPerMessage: number } {
  const sorted = side.latencies.sort((a, b) => a - b);
  return {
    rate: (side.published / side.ms) * 1000,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    cpuUsPerMessage: (side.cpuMs / side.published) * 1000,
  };
}

/** Linux's USER_HZ: /proc counts CPU time in these ticks. */
const CLOCK_TICKS_PER_S = 100;

/**
 * CPU time this thread (the bridge or the plain subscriber, and the embedded broker) has used, in
 * ms; NaN where /proc is not available. On a shared machine it moves far less than the rate.
 */
function mainThreadCpuMs(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8");
    // After "pid (comm) ", utime and stime are the 12th and 13th fields.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S;
  } catch {
    return Number.NaN;
  }
}

function loadAverage(): string {
  return loadavg()
    .map((load) => load.toFixed(2))
    .join(" ");
}

// -------------------------------------------------------------------------------------------------
// The publishers' worker thread
// -------------------------------------------------------------------------------------------------

/** The sensors' worker thread: one command at a time, answered in order. */
class Publishers {
  private readonly worker: Worker;
  private pending: { resolve: (reply: PublishersReply) => void; reject: (error: Error) => void } | null =
    null;
  private failure: Error | null = null;

  constructor(data: PublishersData) {
    // The worker runs TypeScript as this thread does: tsx registered in it before the import.
    const tsx = import.meta.resolve("tsx/esm/api");
    const entry = new URL("./bridge-publishers.ts", import.meta.url).href;
    this.worker = new Worker(
      `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`,
      { eval: true, workerData: { bench: "bridge-publishers", publishers: data } },
    );
    this.worker.on("message", (reply: PublishersReply) => {
      const pending = this.pending;
      this.pending = null;
      if (reply.type === "failed") pending?.reject(new Error(`bridge publishers: ${reply.message}`));
      else pending?.resolve(reply);
    });
    this.worker.on("error", (error) => {
      this.failure = error;
      this.pending?.reject(error);
      this.pending = null;
    });
  }

  private request(command: PublishersCommand): Promise<PublishersReply> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.pending) return Promise.reject(new Error("bridge publishers: one command at a time"));
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(command);
    });
  }

  async connect(target: Target, url: string): Promise<void> {
    await this.request({ type: "connect", target, url });
  }

  async run(target: Target, durationMs: number): Promise<RunOutcome> {
    const reply = await this.request({ type: "run", target, durationMs });
    if (reply.type !== "ran") throw new Error(`bridge publishers: expected 'ran', got '${reply.type}'`);
    return reply.outcome;
  }

  async disconnect(target: Target): Promise<void> {
    await this.request({ type: "disconnect", target });
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}
