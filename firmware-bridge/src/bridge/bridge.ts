import {
  aclForBridge,
  bridgeLastWill,
  capability,
  checkConformance,
  createDecoder,
  deviceDefinitions,
  encodePayload,
  isDeviceId,
  offlineAfterMs,
  parseTopic,
  topicFor,
  type BridgeAction,
  type DefinitionSet,
  type DeviceDefinition,
  type LedColour,
  type Message,
  type PayloadInputOf,
  type PayloadOf,
} from "@store/contracts";
import { verifyDevicePassword } from "@store/contracts/credentials";
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from "mqtt";
import pino, { type Logger } from "pino";
import type { BridgeBackend, LabelAssignment, RegistryDevice, Report, StoreEvent } from "./backend";
import { CommandTracker } from "./commands";
import { Journal } from "./journal";
import { LabelSync } from "./labels";
import { Reporter, ReporterClosedError, type Coalesce, type Verdict } from "./reporter";
import { ShelfEstimator, shelfFacts, type ShelfEstimate, type ShelfOptions } from "./shelf";
import { increment, type BridgeStats } from "./stats";

export type BridgeOptions = {
  storeCode: string;
  backend: BridgeBackend;
  mqtt: {
    url: string;
    username: string;
    password: string;
    /** Default `bridge-<storeCode>-<instance index>`: stable, so the broker keeps the session. */
    clientId?: string;
    /** 5 (default) or 4 (MQTT 3.1.1, for brokers without 5). */
    protocolVersion?: 4 | 5;
    /**
     * Subscribe through MQTT 5 shared subscriptions (`$share/<group>/...`) so several bridge
     * instances split the devices' messages, each handled once.
     */
    sharedGroup?: string;
    /** How long the broker keeps the bridge's session (and queues its messages) while away. */
    sessionExpiryS?: number;
    reconnectMinMs?: number;
    reconnectMaxMs?: number;
  };
  /**
   * This instance among `count` (scale-out): it drives the shelf labels whose id hashes to its
   * index, so a price change goes out once whatever the number of instances.
   */
  instance?: { index: number; count: number };
  logger?: Logger;
  definitions?: DefinitionSet;
  shelf?: ShelfOptions;
  labels?: { maxAttempts?: number; retryDelayMs?: number; ackTimeoutScale?: number; concurrency?: number };
  /** Scales every model's offline-after time (heartbeats × 3); tests shorten it. */
  heartbeatScale?: number;
  heartbeatCheckMs?: number;
  /** Rejections published on bridge/error per second at most (all are counted and logged). */
  errorRatePerS?: number;
  /** Called after each message is handled (benchmarks measure publish-to-handled latency). */
  onHandled?: (handled: { channel: string; topic: string; payload: Buffer }) => void;
  /** Called when the service's verdict on a report is in, with how long it took from the hand-over (metrics). */
  onReported?: (reported: { type: Report["type"]; status: Verdict["status"]; seconds: number }) => void;
  /**
   * Where the bridge journals scans, availability and telemetry before acknowledging them, so it
   * can acknowledge at the broker's pace and still lose nothing if it dies (see journal.ts).
   * Without one, each such message is acknowledged only after the service confirmed it: as safe,
   * but one service round trip per message.
   */
  journalDir?: string;
  /** Unconfirmed reports beyond which the bridge waits for the service before acknowledging more. */
  maxBacklog?: number;
  /** Called when the registry says a device was retired (the embedded broker disconnects it). */
  onDeviceRetired?: (deviceId: string) => void;
};

export type IdentifyResult = { ok: true; transaction: string } | { ok: false; code: string; message: string };

export type Bridge = {
  stats(): BridgeStats;
  /** Flashes a device's LED (pick-to-light, finding a label); resolves once it acknowledged. */
  identify(deviceId: string, options?: { colour?: LedColour; durationMs?: number }): Promise<IdentifyResult>;
  /** Checks a device's MQTT credentials against the registry (for the embedded broker). */
  authenticateDevice(username: string, password: Buffer): { deviceId: string; model: string } | null;
  refreshRegistry(): Promise<void>;
  close(options?: { drainMs?: number }): Promise<void>;
};

type Runtime = {
  device: RegistryDevice;
  definition: DeviceDefinition | undefined;
  online: boolean | null;
  lastSeenMs: number;
  lastWeight: { ms: number; seq: number } | null;
  lastRead: { code: string; ms: number; seq: number } | null;
  /** Declared offline by the heartbeat check (not by its own will or `offline`). */
  silenced: boolean;
  shelf: ShelfEstimator | null;
};

/** Scales whose readings serve the session of the kiosk or handheld they are bound to. */
const SESSION_SCALE_KINDS: ReadonlySet<string> = new Set(["SCALE", "BAGGING_SCALE"]);

const EVENT_TYPES = [
  "price.changed",
  "promotion.changed",
  "stock.changed",
  "device.provisioned",
  "device.retired",
  "label.flash_requested",
  "label.retry_requested",
];

class BridgeStopping extends Error {
  override readonly name = "BridgeStopping";
}

/**
 * The firmware bridge: devices' MQTT messages in, store events and device commands out.
 * Every message is decoded against the contract and checked against its device's model; what
 * fails is rejected with a reason (counted, logged, published on bridge/error) and acknowledged,
 * so bad input can neither crash the bridge nor come back. What matters (scans, availability,
 * telemetry) is acknowledged to the broker only once the service has it, and the service's
 * idempotency makes a redelivered message apply once.
 */
export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const { storeCode, backend } = options;
  const logger = options.logger ?? pino({ level: "silent" });
  const definitions = options.definitions ?? deviceDefinitions;
  const instance = options.instance ?? { index: 0, count: 1 };
  const protocolVersion = options.mqtt.protocolVersion ?? 5;
  const startedAt = Date.now();
  const decode = createDecoder();
  const commands = new CommandTracker();
  const reporter = new Reporter(backend, { logger });
  const abort = new AbortController();
  const runtime = new Map<string, Runtime>();
  const active = new Set<Promise<void>>();
  let closing = false;
  let client: MqttClient | null = null;

  const stats: Omit<BridgeStats, "reports" | "labels" | "devices"> = {
    received: 0,
    handled: {},
    rejected: {},
    duplicates: 0,
    errorsPublished: 0,
    errorsSuppressed: 0,
    unmatchedAcks: 0,
    foldedReads: 0,
    connected: false,
    reconnects: 0,
  };

  const owns = (deviceId: string) => instance.count <= 1 || hashOf(deviceId) % instance.count === instance.index;

  // ---------------------------------------------------------------------------------------------
  // Registry
  // ---------------------------------------------------------------------------------------------

  const sensorsAt = new Map<string, Runtime[]>();
  const facingKey = (productId: string, locationId: string) => `${productId}/${locationId}`;

  async function loadRegistry(): Promise<void> {
    const registry = await backend.registry();
    if (registry.storeCode !== storeCode) {
      throw new Error(`The service serves store '${registry.storeCode}', this bridge '${storeCode}'`);
    }
    const seen = new Set<string>();
    for (const device of registry.devices) {
      seen.add(device.id);
      const existing = runtime.get(device.id);
      const definition = definitions.get(device.model);
      const shelf = shelfEstimatorFor(device, definition, existing?.shelf ?? null);
      runtime.set(device.id, {
        device,
        definition,
        online: existing?.online ?? null,
        lastSeenMs: existing?.lastSeenMs ?? Date.now(),
        lastWeight: existing?.lastWeight ?? null,
        lastRead: existing?.lastRead ?? null,
        silenced: existing?.silenced ?? false,
        shelf,
      });
    }
    for (const [id] of runtime) {
      if (seen.has(id)) continue;
      runtime.delete(id);
      labels.forget(id);
      options.onDeviceRetired?.(id);
    }
    // Every sale moves stock: find the sensors under a facing without walking every device.
    sensorsAt.clear();
    for (const state of runtime.values()) {
      const { product, location } = state.device;
      if (!state.shelf || !product || !location) continue;
      const key = facingKey(product.id, location.id);
      sensorsAt.set(key, [...(sensorsAt.get(key) ?? []), state]);
    }
  }

  function shelfEstimatorFor(
    device: RegistryDevice,
    definition: DeviceDefinition | undefined,
    existing: ShelfEstimator | null,
  ): ShelfEstimator | null {
    if (device.kind !== "SHELF_SENSOR" || !device.product || !definition) return null;
    const facts = factsOf(device.product, device.shelfOnHand);
    if (existing) {
      existing.setFacts(facts);
      return existing;
    }
    return new ShelfEstimator(facts, options.shelf);
  }

  function factsOf(product: NonNullable<RegistryDevice["product"]>, systemOnHand: string | null) {
    return shelfFacts({
      unitWeightG: product.unitWeightG,
      systemOnHand,
      lowStockThreshold: product.lowStockThreshold,
      soldByWeight: product.unitOfSale !== "EACH",
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Rejections
  // ---------------------------------------------------------------------------------------------

  const errorRate = options.errorRatePerS ?? 100;
  let errorTokens = errorRate;
  let errorRefill = Date.now();
  const recentRejections: Record<string, number> = {};

  function rejectMessage(topic: string, code: string, reason: string): void {
    increment(stats.rejected, code);
    increment(recentRejections, code);
    logger.debug({ topic: topic.slice(0, 256), code, reason }, reason);
    const now = Date.now();
    errorTokens = Math.min(errorRate, errorTokens + ((now - errorRefill) / 1000) * errorRate);
    errorRefill = now;
    if (errorTokens < 1 || !client?.connected) {
      stats.errorsSuppressed++;
      return;
    }
    errorTokens -= 1;
    const parsed = parseTopic(topic);
    const deviceId = parsed.ok && parsed.deviceId && isDeviceId(parsed.deviceId) ? parsed.deviceId : undefined;
    const payload = encodePayload("bridge/error", {
      v: 1,
      code,
      reason,
      topic: topic.slice(0, 256),
      ...(deviceId ? { deviceId } : {}),
      at: new Date().toISOString(),
    });
    stats.errorsPublished++;
    client.publish(topicFor("bridge/error", { storeCode }), payload, { qos: 0, retain: false });
  }

  // A flood of bad input is one warning every 10 s with the counts, not a line per message.
  const rejectionSummary = setInterval(() => {
    const codes = Object.entries(recentRejections);
    if (codes.length === 0) return;
    const total = codes.reduce((sum, [, count]) => sum + count, 0);
    logger.warn({ rejected: { ...recentRejections } }, `Rejected ${total} device messages in the last 10 s`);
    for (const [code] of codes) delete recentRejections[code];
  }, 10_000);
  rejectionSummary.unref();

  // ---------------------------------------------------------------------------------------------
  // Reports
  // ---------------------------------------------------------------------------------------------

  /** The reporter's verdict, timed from the hand-over for `onReported`. */
  async function timedSubmit(report: Report, coalesce?: Coalesce): Promise<Verdict> {
    const started = performance.now();
    const result = coalesce ? await reporter.submit(report, coalesce) : await reporter.submit(report);
    options.onReported?.({ type: report.type, status: result.status, seconds: (performance.now() - started) / 1000 });
    return result;
  }

  async function submit(report: Report, topic: string, packet?: IPublishPacket, coalesce?: Coalesce): Promise<Verdict> {
    const result = await timedSubmit(report, coalesce);
    if (result.status === "duplicate") {
      stats.duplicates++;
      // A redelivery (the broker's dup flag) is MQTT doing its job; a scan repeated otherwise is a
      // replay. For state (availability, telemetry) "duplicate" only means nothing changed.
      if (packet && !packet.dup && report.type === "scan") {
        rejectMessage(topic, "REPLAYED", `Rejected '${topic}': this message was already applied (a replay)`);
      }
    } else if (result.status === "rejected") {
      rejectMessage(topic, result.code, `Rejected '${topic}': ${result.message}`);
    }
    return result;
  }

  const opened = options.journalDir ? Journal.open(options.journalDir) : null;
  const journal = opened?.journal ?? null;
  const maxBacklog = options.maxBacklog ?? 50_000;

  /**
   * A report the broker must not see acknowledged before it is safe: journaled and acknowledged
   * at once when there is a journal (and the service keeps up), else after the service has it.
   */
  async function record(report: Report, topic: string, packet?: IPublishPacket, coalesce?: Coalesce): Promise<void> {
    if (journal === null || reporter.pending >= maxBacklog) {
      await submit(report, topic, packet, coalesce);
      return;
    }
    const id = journal.append(report);
    submit(report, topic, packet, coalesce).then(
      () => journal.confirm(id),
      (error: unknown) => {
        // Left unconfirmed: the next start sends it again.
        if (!(error instanceof ReporterClosedError)) logger.error({ err: error, report }, "Report failed");
      },
    );
  }

  /** Fire and forget, for state the next reading supersedes; problems are logged. */
  function submitLater(report: Report): void {
    timedSubmit(report).then(
      (result) => {
        if (result.status === "rejected") logger.warn({ report, result }, `The service refused a ${report.type} report: ${result.message}`);
      },
      (error: unknown) => {
        if (!(error instanceof ReporterClosedError)) logger.error({ err: error, report }, "Report failed");
      },
    );
  }

  // ---------------------------------------------------------------------------------------------
  // Messages
  // ---------------------------------------------------------------------------------------------

  async function handle(packet: IPublishPacket): Promise<void> {
    if (closing) throw new BridgeStopping("The bridge is stopping");
    stats.received++;
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    const decoded = decode(packet.topic, payload);
    if (!decoded.ok) return rejectMessage(packet.topic, decoded.code, decoded.reason);
    const message = decoded.message;
    if (message.storeCode !== storeCode) {
      return rejectMessage(packet.topic, "STORE_MISMATCH", `Rejected '${packet.topic}': this bridge serves store '${storeCode}'`);
    }
    if (message.channel.startsWith("bridge/request/")) {
      await handleRequest(message);
    } else if ("deviceId" in message) {
      const handledOk = await handleDeviceMessage(message, packet);
      if (!handledOk) return;
    } else {
      return rejectMessage(packet.topic, "CHANNEL_NOT_ALLOWED", `Rejected '${packet.topic}': the bridge does not take ${message.channel}`);
    }
    increment(stats.handled, message.channel);
    options.onHandled?.({ channel: message.channel, topic: packet.topic, payload });
  }

  async function handleDeviceMessage(message: Message & { deviceId: string }, packet: IPublishPacket): Promise<boolean> {
    const topic = packet.topic;
    const state = runtime.get(message.deviceId);
    if (state === undefined) {
      rejectMessage(topic, "DEVICE_UNKNOWN", `Rejected '${topic}': device '${message.deviceId}' is not provisioned in store ${storeCode}`);
      return false;
    }
    if (state.definition === undefined) {
      rejectMessage(topic, "MODEL_UNKNOWN", `Rejected '${topic}': device model '${state.device.model}' has no definition`);
      return false;
    }
    const conformance = checkConformance(state.definition, message);
    if (!conformance.ok) {
      rejectMessage(topic, conformance.code, conformance.reason);
      return false;
    }
    const now = Date.now();
    // A retained copy delivered on subscription is the last known state, not a sign of life.
    const live = !packet.retain;
    if (live) state.lastSeenMs = now;
    if (live && state.silenced && message.channel !== "device/availability") {
      // Heard from again after its heartbeats stopped, without a new `online`.
      state.silenced = false;
      state.online = true;
      await record({ type: "availability", deviceId: state.device.id, online: true, at: new Date(now).toISOString() }, topic);
    }

    switch (message.channel) {
      case "device/availability": {
        const online = message.payload.state === "online";
        const changed = state.online !== online;
        state.online = online;
        state.silenced = false;
        if (online) labels.deviceOnline(state.device.id);
        if (changed || live) await record({ type: "availability", deviceId: state.device.id, online, at: new Date(now).toISOString() }, topic, packet);
        return true;
      }
      case "device/telemetry": {
        if (!live) return true;
        const { firmware, batteryPct, rssiDbm, uptimeS } = message.payload;
        await record(
          {
            type: "telemetry",
            deviceId: state.device.id,
            firmware,
            ...(batteryPct === undefined ? {} : { batteryPct }),
            ...(rssiDbm === undefined ? {} : { rssiDbm }),
            uptimeS,
            at: new Date(now).toISOString(),
          },
          topic,
          packet,
        );
        return true;
      }
      case "device/scan": {
        const { seq, code, symbology, scannedAt } = message.payload;
        // A presentation scanner reads an item held in front of it again and again: reads of the
        // same code within the model's window are one scan.
        const window = state.definition ? (capability(state.definition, "scanner")?.duplicateWindowMs ?? 0) : 0;
        const readAt = Date.parse(scannedAt);
        const previous = state.lastRead;
        if (window > 0 && previous && previous.code === code && readAt >= previous.ms && readAt - previous.ms < window && previous.seq !== seq) {
          state.lastRead = { code, ms: readAt, seq };
          stats.foldedReads++;
          return true;
        }
        state.lastRead = { code, ms: readAt, seq };
        await record({ type: "scan", deviceId: state.device.id, seq, code, symbology, scannedAt }, topic, packet);
        return true;
      }
      case "device/weight":
        return handleWeight(state, message.payload, packet);
      case "device/ack": {
        if (commands.ack(state.device.id, message.payload)) return true;
        stats.unmatchedAcks++;
        // With several instances, another one may be waiting for it; alone, nobody is.
        if (instance.count <= 1) {
          rejectMessage(
            topic,
            "ACK_UNMATCHED",
            `Rejected '${topic}': no command waits for transaction '${message.payload.transaction}' (late, repeated or forged)`,
          );
        }
        return false;
      }
      default:
        rejectMessage(topic, "CHANNEL_NOT_ALLOWED", `Rejected '${topic}': devices do not publish ${message.channel}`);
        return false;
    }
  }

  async function handleWeight(state: Runtime, weight: PayloadOf<"device/weight">, packet: IPublishPacket): Promise<boolean> {
    const ms = Date.parse(weight.measuredAt);
    const last = state.lastWeight;
    if (last !== null && (ms < last.ms || (ms === last.ms && weight.seq <= last.seq))) {
      stats.duplicates++;
      // The retained copy after a resubscription repeats the last reading: expected, not a replay.
      if (!packet.retain && !packet.dup) {
        rejectMessage(packet.topic, "REPLAYED", `Rejected '${packet.topic}': reading seq ${weight.seq} at ${weight.measuredAt} is not newer than the last one`);
      }
      return false;
    }
    state.lastWeight = { ms, seq: weight.seq };
    if (state.shelf) {
      const estimate = state.shelf.reading(weight.grams, weight.stable);
      if (estimate) reportShelf(state, estimate, weight.measuredAt);
    }
    const { device } = state;
    if (device.hostId !== null && SESSION_SCALE_KINDS.has(device.kind)) {
      // A kiosk compares settled weights, so every stable reading goes; of the unsettled ones
      // only the latest matters, and one still waiting is replaced by the next.
      const { seq, grams, stable, measuredAt } = weight;
      await record({ type: "weight", deviceId: device.id, seq, grams, stable, measuredAt }, packet.topic, packet, {
        key: `weight/${device.id}`,
        replaceable: !stable,
      });
    }
    return true;
  }

  function reportShelf(state: Runtime, estimate: ShelfEstimate, measuredAt: string): void {
    submitLater({
      type: "shelf",
      deviceId: state.device.id,
      grams: Math.round(estimate.grams * 1000) / 1000,
      units: estimate.units,
      measuredAt,
      gap: estimate.gap,
      low: estimate.low,
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Requests to the bridge
  // ---------------------------------------------------------------------------------------------

  async function respond<A extends BridgeAction>(
    action: A,
    body: { status: "ok"; data: unknown } | { status: "error"; error: { code: string; message: string } },
    transaction: string | undefined,
  ): Promise<void> {
    const channel = `bridge/response/${action}` as const;
    const payload = encodePayload(channel, {
      v: 1,
      ...body,
      ...(transaction === undefined ? {} : { transaction }),
    } as PayloadInputOf<typeof channel>);
    await client?.publishAsync(topicFor(channel, { storeCode }), payload, { qos: 1, retain: false });
  }

  async function handleRequest(message: Message): Promise<void> {
    switch (message.channel) {
      case "bridge/request/health_check": {
        const counts = deviceCounts();
        await respond(
          "health_check",
          {
            status: "ok",
            data: { healthy: stats.connected && reporter.pending < 10_000, uptimeS: Math.floor((Date.now() - startedAt) / 1000), devices: counts },
          },
          message.payload.transaction,
        );
        return;
      }
      case "bridge/request/devices": {
        const devices = [...runtime.values()].slice(0, 10_000).map((state) => ({
          id: state.device.id,
          model: state.device.model,
          online: state.online === true,
          lastSeenAt: state.online === null ? null : new Date(state.lastSeenMs).toISOString(),
        }));
        await respond("devices", { status: "ok", data: { devices } }, message.payload.transaction);
        return;
      }
      case "bridge/request/device/identify": {
        const { deviceId, durationMs, transaction } = message.payload;
        const result = await identify(deviceId, { durationMs });
        await respond(
          "device/identify",
          result.ok
            ? { status: "ok", data: { deviceId, transaction: result.transaction } }
            : { status: "error", error: { code: result.code, message: result.message } },
          transaction,
        );
        return;
      }
      default:
        return;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Commands
  // ---------------------------------------------------------------------------------------------

  async function sendCommand(deviceId: string, command: PayloadInputOf<"device/set">): Promise<void> {
    if (!client) throw new Error("not connected");
    await client.publishAsync(topicFor("device/set", { storeCode, deviceId }), encodePayload("device/set", command), {
      qos: 1,
      retain: false,
    });
  }

  async function identify(
    deviceId: string,
    request: { colour?: LedColour; durationMs?: number } = {},
  ): Promise<IdentifyResult> {
    const state = runtime.get(deviceId);
    if (!state?.definition) return { ok: false, code: "DEVICE_UNKNOWN", message: `Device '${deviceId}' is not provisioned in store ${storeCode}` };
    const label = capability(state.definition, "shelf-label");
    const colours = label?.ledColours ?? [];
    const colour = request.colour ?? colours[0];
    if (!label || colour === undefined || !colours.includes(colour)) {
      return {
        ok: false,
        code: "NO_LED",
        message: `Device '${deviceId}' (${state.device.model}) has no ${request.colour ?? ""} LED to flash`.replace("  ", " "),
      };
    }
    const transaction = `flash-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
    const timeoutMs = ackTimeoutOf(state);
    const outcome = commands.expect(deviceId, transaction, timeoutMs);
    try {
      await sendCommand(deviceId, { v: 1, transaction, command: "flash", colour, durationMs: request.durationMs ?? 5000 });
    } catch (error) {
      commands.cancel(transaction);
      return { ok: false, code: "SEND_FAILED", message: `Could not send the flash to '${deviceId}': ${String(error)}` };
    }
    const result = await outcome;
    if (result.status === "acked" && result.ack.status === "ok") return { ok: true, transaction };
    if (result.status === "acked" && result.ack.status === "error") return { ok: false, code: result.ack.error.code, message: result.ack.error.message };
    if (result.status === "timeout") {
      return { ok: false, code: "ACK_TIMEOUT", message: `Device '${deviceId}' did not acknowledge the flash within ${timeoutMs} ms` };
    }
    return { ok: false, code: "CANCELLED", message: "The bridge is stopping" };
  }

  function ackTimeoutOf(state: Runtime): number {
    const label = state.definition ? capability(state.definition, "shelf-label") : undefined;
    return Math.max(50, Math.round((label?.ackTimeoutMs ?? 10_000) * (options.labels?.ackTimeoutScale ?? 1)));
  }

  const labels = new LabelSync({
    send: sendCommand,
    commands,
    report: submitLater,
    ackTimeoutMs: (deviceId) => {
      const state = runtime.get(deviceId);
      return state ? ackTimeoutOf(state) : 10_000;
    },
    logger,
    ...(options.labels?.maxAttempts === undefined ? {} : { maxAttempts: options.labels.maxAttempts }),
    ...(options.labels?.retryDelayMs === undefined ? {} : { retryDelayMs: options.labels.retryDelayMs }),
    ...(options.labels?.concurrency === undefined ? {} : { concurrency: options.labels.concurrency }),
  });

  async function syncLabels(productIds?: readonly string[]): Promise<void> {
    const assignments = await backend.labels(productIds);
    labels.apply(assignments.filter((assignment: LabelAssignment) => owns(assignment.deviceId) && runtime.has(assignment.deviceId)));
  }

  // ---------------------------------------------------------------------------------------------
  // Store events
  // ---------------------------------------------------------------------------------------------

  let pendingPrices = new Set<string>();
  let priceTimer: NodeJS.Timeout | null = null;
  let registryTimer: NodeJS.Timeout | null = null;

  function onStoreEvent(event: StoreEvent): void {
    const payload = event.payload;
    switch (event.type) {
      case "price.changed":
      case "promotion.changed": {
        const productIds = Array.isArray(payload.productIds) ? payload.productIds : [payload.productId ?? event.subject];
        for (const id of productIds) if (typeof id === "string") pendingPrices.add(id);
        // A promotion over many products arrives as many events: one label query for the lot.
        priceTimer ??= setTimeout(() => {
          priceTimer = null;
          const ids = [...pendingPrices];
          pendingPrices = new Set();
          syncLabels(ids).catch((error: unknown) => logger.error({ err: error }, "Could not update shelf labels after a price change"));
        }, 25);
        return;
      }
      case "stock.changed": {
        const { productId, locationId, onHand } = payload;
        if (typeof onHand !== "string" || typeof productId !== "string" || typeof locationId !== "string") return;
        for (const state of sensorsAt.get(facingKey(productId, locationId)) ?? []) {
          const { product } = state.device;
          if (!state.shelf || !product) continue;
          state.device = { ...state.device, shelfOnHand: onHand };
          const estimate = state.shelf.setFacts(factsOf(product, onHand));
          if (estimate) reportShelf(state, estimate, new Date().toISOString());
        }
        return;
      }
      case "device.provisioned":
      case "device.retired":
        registryTimer ??= setTimeout(() => {
          registryTimer = null;
          loadRegistry()
            .then(() => syncLabels())
            .catch((error: unknown) => logger.error({ err: error }, "Could not reload the device registry"));
        }, 25);
        return;
      case "label.flash_requested": {
        const { deviceId, colour, durationMs } = payload;
        if (typeof deviceId !== "string" || !owns(deviceId)) return;
        void identify(deviceId, {
          ...(typeof colour === "string" ? { colour: colour as LedColour } : {}),
          ...(typeof durationMs === "number" ? { durationMs } : {}),
        }).then((result) => {
          if (!result.ok) logger.warn({ deviceId, result }, `Could not flash ${deviceId}: ${result.message}`);
        });
        return;
      }
      case "label.retry_requested": {
        const ids = Array.isArray(payload.deviceIds) ? payload.deviceIds.filter((id): id is string => typeof id === "string") : undefined;
        labels.retry(ids?.filter(owns));
        return;
      }
      default:
        return;
    }
  }

  async function followEvents(): Promise<void> {
    let lastEventId: string | undefined;
    let delay = 250;
    while (!abort.signal.aborted) {
      try {
        for await (const event of backend.events(EVENT_TYPES, { signal: abort.signal, ...(lastEventId ? { lastEventId } : {}) })) {
          lastEventId = event.id;
          delay = 250;
          onStoreEvent(event);
        }
      } catch (error) {
        if (abort.signal.aborted) return;
        logger.warn({ err: error }, `Lost the store's event stream; resuming in ${delay} ms`);
      }
      if (abort.signal.aborted) return;
      await new Promise((resolve) => setTimeout(resolve, delay).unref());
      delay = Math.min(delay * 2, 10_000);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Heartbeats
  // ---------------------------------------------------------------------------------------------

  const heartbeatScale = options.heartbeatScale ?? 1;
  const heartbeats = setInterval(() => {
    const now = Date.now();
    for (const state of runtime.values()) {
      // Unknown since this bridge started (null) counts too: a device the service still shows
      // online must speak within its window, or it is reported offline.
      if (state.online === false || !state.definition) continue;
      if (now - state.lastSeenMs <= offlineAfterMs(state.definition) * heartbeatScale) continue;
      state.online = false;
      state.silenced = true;
      logger.info({ deviceId: state.device.id }, `Device ${state.device.name} (${state.device.id}) went silent: offline`);
      submitLater({
        type: "availability",
        deviceId: state.device.id,
        online: false,
        at: new Date(now).toISOString(),
        silentSince: new Date(state.lastSeenMs).toISOString(),
      });
    }
  }, options.heartbeatCheckMs ?? 5000);
  heartbeats.unref();

  function deviceCounts(): { known: number; online: number } {
    let online = 0;
    for (const state of runtime.values()) if (state.online === true) online++;
    return { known: runtime.size, online };
  }

  // ---------------------------------------------------------------------------------------------
  // Connection
  // ---------------------------------------------------------------------------------------------

  await loadRegistry();

  if (opened && opened.unconfirmed.length > 0) {
    logger.info(`Sending ${opened.unconfirmed.length} journaled reports the service had not confirmed`);
    for (const { id, report } of opened.unconfirmed) {
      void reporter.submit(report).then(() => journal?.confirm(id), () => undefined);
    }
    await reporter.drained();
  }

  const filters = aclForBridge(storeCode).subscribe;
  const shared = options.mqtt.sharedGroup;
  // Acks go to every instance: only the one that sent the command waits for its transaction.
  const subscriptions = filters.map((filter) =>
    shared && !filter.endsWith("/ack") ? `$share/${shared}/${filter}` : filter,
  );

  const reconnectMin = options.mqtt.reconnectMinMs ?? 500;
  const reconnectMax = options.mqtt.reconnectMaxMs ?? 30_000;
  const will = bridgeLastWill(storeCode);
  const connectOptions: IClientOptions = {
    clientId: options.mqtt.clientId ?? `bridge-${storeCode}-${instance.index}`,
    username: options.mqtt.username,
    password: options.mqtt.password,
    protocolVersion,
    clean: false,
    ...(protocolVersion === 5 ? { properties: { sessionExpiryInterval: options.mqtt.sessionExpiryS ?? 24 * 3600 } } : {}),
    will: { topic: will.topic, payload: Buffer.from(will.payload), qos: will.qos, retain: will.retain },
    reconnectPeriod: reconnectMin,
    connectTimeout: 10_000,
    keepalive: 30,
    resubscribe: false,
  };
  const mqttClient = mqtt.connect(options.mqtt.url, connectOptions);
  client = mqttClient;

  mqttClient.handleMessage = (packet, callback) => {
    const work = handle(packet);
    active.add(work);
    work.then(
      () => callback(),
      (error: unknown) => {
        if (error instanceof BridgeStopping || error instanceof ReporterClosedError) {
          // Unacknowledged on purpose: the broker delivers it again to the next session.
          callback(error);
          return;
        }
        logger.error({ err: error, topic: packet.topic }, `Failed to handle a message on '${packet.topic}'`);
        rejectMessage(packet.topic, "INTERNAL_ERROR", `Rejected '${packet.topic}': the bridge failed to handle it`);
        callback();
      },
    ).finally(() => active.delete(work));
  };

  mqttClient.on("error", (error) => logger.warn({ err: error }, `MQTT: ${error.message}`));
  mqttClient.on("reconnect", () => {
    stats.reconnects++;
    // mqtt.js retries at a fixed period; back off (with jitter) while the broker stays away.
    const next = Math.min(reconnectMax, (mqttClient.options.reconnectPeriod ?? reconnectMin) * 2);
    mqttClient.options.reconnectPeriod = Math.round(next * (0.8 + Math.random() * 0.4));
  });
  mqttClient.on("close", () => {
    if (stats.connected && !closing) logger.warn("Lost the MQTT broker; reconnecting");
    stats.connected = false;
  });

  const connected = new Promise<void>((resolve, reject) => {
    let first = true;
    mqttClient.on("connect", (connack) => {
      mqttClient.options.reconnectPeriod = reconnectMin;
      stats.connected = true;
      const subscribe = connack.sessionPresent
        ? Promise.resolve()
        : mqttClient.subscribeAsync(subscriptions, { qos: 1 }).then((granted) => {
            const refused = granted.filter((grant) => grant.qos === 128);
            if (refused.length > 0) {
              throw new Error(`The broker refused the bridge's subscriptions: ${refused.map((grant) => grant.topic).join(", ")}`);
            }
          });
      subscribe
        .then(() =>
          mqttClient.publishAsync(topicFor("bridge/state", { storeCode }), encodePayload("bridge/state", { v: 1, state: "online" }), {
            qos: 1,
            retain: true,
          }),
        )
        .then(() => {
          logger.info(
            { url: options.mqtt.url, sessionPresent: connack.sessionPresent, shared: shared ?? null },
            `Bridge connected to ${options.mqtt.url}`,
          );
          if (first) {
            first = false;
            resolve();
          }
        })
        .catch((error: unknown) => {
          logger.error({ err: error }, "Bridge could not subscribe");
          if (first) {
            first = false;
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
    });
  });
  try {
    await connected;
  } catch (error) {
    await mqttClient.endAsync(true);
    journal?.close();
    clearInterval(heartbeats);
    clearInterval(rejectionSummary);
    throw error;
  }

  const events = followEvents();
  await syncLabels().catch((error: unknown) => logger.error({ err: error }, "Could not load the shelf labels' content"));

  return {
    stats: () => ({
      ...stats,
      handled: { ...stats.handled },
      rejected: { ...stats.rejected },
      reports: { batches: reporter.batches, failures: reporter.failures, pending: reporter.pending, superseded: reporter.superseded },
      labels: labels.counts(),
      devices: deviceCounts(),
    }),
    identify,
    authenticateDevice(username, password) {
      const state = runtime.get(username);
      const hash = state?.device.credentialHash;
      if (!state || !hash || !verifyDevicePassword(password, hash)) return null;
      return { deviceId: state.device.id, model: state.device.model };
    },
    refreshRegistry: loadRegistry,
    async close(closeOptions = {}) {
      if (closing) return;
      closing = true;
      abort.abort();
      clearInterval(heartbeats);
      clearInterval(rejectionSummary);
      if (priceTimer) clearTimeout(priceTimer);
      if (registryTimer) clearTimeout(registryTimer);
      labels.close();
      commands.cancelAll();
      await reporter.close(closeOptions.drainMs ?? 5000);
      await Promise.allSettled([...active]);
      await events.catch(() => undefined);
      journal?.close();
      if (mqttClient.connected) {
        // A clean disconnect does not fire the last will: say so ourselves.
        await mqttClient
          .publishAsync(topicFor("bridge/state", { storeCode }), encodePayload("bridge/state", { v: 1, state: "offline" }), { qos: 1, retain: true })
          .catch(() => undefined);
      }
      await mqttClient.endAsync();
      logger.info("Bridge stopped");
    },
  };
}

/** FNV-1a: a stable, well-spread hash of a device id for sharing labels among instances. */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

