import {
  capability,
  checkConformance,
  decodePayload,
  deviceLastWill,
  encodePayload,
  MAX_GRAMS,
  TRANSACTION_PATTERN,
  topicFor,
  type DeviceChannelId,
  type DeviceDefinition,
  type LedColour,
  type PayloadInputOf,
  type PayloadOf,
  type Symbology,
} from "@store/contracts";
import mqtt, { type MqttClient } from "mqtt";
import type { Logger } from "pino";
import type { Random } from "./random";
import { SimulatorError, type ResolvedDeviceSpec } from "./spec";

export type SetCommand = PayloadOf<"device/set">;
type DisplayCommand = Extract<SetCommand, { command: "display" }>;
/** What a label shows: a `display` command without its envelope. */
export type DisplayContent = Omit<DisplayCommand, "v" | "transaction" | "command">;
export type Flash = { colour: LedColour; until: Date };
type AckError = { code: string; message: string };

/** What a device shares with the rest of its simulation. */
export type DeviceContext = {
  url: string;
  storeCode: string;
  protocolVersion: 3 | 4 | 5;
  /** Simulated time runs this many times faster than real time (heartbeats, settling, drift, drain). */
  timeScale: number;
  reconnectPeriodMs: number;
  connectTimeoutMs: number;
  logger: Logger;
  random: Random;
};

// How long `stop()` waits for the broker to take the `offline` message and DISCONNECT before it
// drops the connection.
const STOP_GRACE_MS = 2_000;

/** Cancellable timers: `clear()` leaves no handle behind and wakes every sleeper with `false`. */
class Timers {
  private readonly handles = new Set<NodeJS.Timeout>();
  private readonly sleepers = new Set<() => void>();

  every(ms: number, run: () => void): void {
    this.handles.add(setInterval(run, ms));
  }

  /** Resolves true after `ms`, or false when cleared first. */
  sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const wake = () => resolve(false);
      this.sleepers.add(wake);
      const handle = setTimeout(() => {
        this.handles.delete(handle);
        this.sleepers.delete(wake);
        resolve(true);
      }, ms);
      this.handles.add(handle);
    });
  }

  clear(): void {
    for (const handle of this.handles) clearTimeout(handle);
    this.handles.clear();
    for (const wake of this.sleepers) wake();
    this.sleepers.clear();
  }
}

/** The symbology a scanner would report for a code, from its shape. */
export function inferSymbology(code: string): Symbology {
  if (/^\d{13}$/.test(code)) return "EAN-13";
  if (/^\d{8}$/.test(code)) return "EAN-8";
  if (/^\d{12}$/.test(code)) return "UPC-A";
  if (/^\d{14}$/.test(code)) return "ITF-14";
  if (code.startsWith("]C1")) return "GS1-128";
  if (code.startsWith("]e0")) return "GS1-DATABAR-EXPANDED";
  if (code.startsWith("]d2")) return "GS1-DATAMATRIX";
  if (code.startsWith("]Q")) return "QR";
  return "CODE-128";
}

/**
 * One simulated device speaking the real protocol through mqtt.js: username and client id = its
 * id, persistent session (clean: false) so unacknowledged QoS 1 messages survive a broker restart,
 * last will `offline`. What it does beyond availability and telemetry follows from its model's
 * capabilities: a scanner scans, a weight sensor weighs (a scale also settles), a label shows
 * content and flashes, a device taking commands acknowledges them. Methods for a capability the
 * model lacks throw `SimulatorError` NOT_SUPPORTED.
 */
export class SimDevice {
  readonly id: string;
  readonly model: string;
  readonly kind: DeviceDefinition["kind"];
  readonly definition: DeviceDefinition;
  /** Every well-formed command received on its `set` topic, in order, including ignored ones. */
  readonly commands: SetCommand[] = [];
  /** What the label shows, after its last acknowledged `display`. */
  shown: DisplayContent | undefined;

  private readonly spec: ResolvedDeviceSpec;
  private readonly context: DeviceContext;
  private readonly logger: Logger;
  private readonly createdAt = Date.now();
  private readonly timers = new Timers();
  private readonly pending = new Set<(error: Error) => void>();
  private client: MqttClient | undefined;
  private running = false;
  private bootedAt = 0;
  private scanSeq = 0;
  private weightSeq = 0;
  private announced: Promise<void> = Promise.resolve();
  private commandQueue: Promise<void> = Promise.resolve();
  private ignoring = 0;
  private failing = 0;
  private lastFlash: Flash | undefined;
  // The weight sensor's physical state: what lies on it and how it is adjusted.
  private units: number;
  private placedG = 0;
  private tareG = 0;
  private gain = 1;
  private settling = false;
  private loadGeneration = 0;
  private lastReading: PayloadOf<"device/weight"> | undefined;

  constructor(spec: ResolvedDeviceSpec, context: DeviceContext) {
    this.spec = spec;
    this.context = context;
    this.id = spec.id;
    this.model = spec.model;
    this.kind = spec.kind;
    this.definition = spec.definition;
    this.units = spec.initialUnits ?? 0;
    this.logger = context.logger.child({ deviceId: spec.id, model: spec.model });
  }

  /** True between `start()` and `stop()`/`kill()`, connected or not. */
  get isRunning(): boolean {
    return this.running;
  }

  get connected(): boolean {
    return this.client?.connected === true;
  }

  /** Seconds of simulated time since the last start. */
  get uptimeS(): number {
    return this.running ? Math.floor(((Date.now() - this.bootedAt) * this.context.timeScale) / 1000) : 0;
  }

  /** The charge telemetry reports, for a model with a battery. */
  get batteryPct(): number | undefined {
    if (capability(this.definition, "battery") === undefined) return undefined;
    const hours = this.simulatedMsSince(this.createdAt) / 3_600_000;
    return Math.round(
      Math.min(100, Math.max(0, this.spec.batteryPct - this.spec.batteryDrainPctPerHour * hours)),
    );
  }

  /** Connects, subscribes to its commands, publishes `online`, telemetry and (a sensor) its weight. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.bootedAt = Date.now();
    this.scanSeq = 0;
    this.weightSeq = 0;
    this.commandQueue = Promise.resolve();
    const { url, storeCode } = this.context;
    const client = mqtt.connect(url, {
      clientId: this.id,
      username: this.id,
      password: this.spec.password,
      protocolVersion: this.context.protocolVersion,
      clean: false,
      reconnectPeriod: this.context.reconnectPeriodMs,
      connectTimeout: this.context.connectTimeoutMs,
      will: deviceLastWill(storeCode, this.id),
    });
    this.client = client;
    client.on("error", (error) =>
      this.logger.warn({ err: error }, `MQTT error on '${this.id}' (${error.message})`),
    );
    client.on("offline", () => this.logger.debug(`Lost connection of '${this.id}'`));
    client.on("connect", (connack) => {
      this.logger.debug(`Connected '${this.id}' (${url})`);
      this.announced = this.announce(client, connack.sessionPresent === true);
    });
    client.on("message", (topic, payload) => {
      this.commandQueue = this.commandQueue
        .then(() => this.handleCommand(topic, payload))
        .catch((error: unknown) =>
          this.logger.warn({ err: error }, `Failed to handle a command on '${this.id}'`),
        );
    });

    try {
      await new Promise<void>((resolve, reject) => {
        // A refused socket is no `error` in mqtt.js (it just retries), so give up after a while.
        const timer = setTimeout(
          () => fail(new Error(`no connection within ${this.context.connectTimeoutMs} ms`)),
          this.context.connectTimeoutMs,
        );
        const fail = (error: Error) => {
          clearTimeout(timer);
          client.off("connect", succeed);
          client.off("error", fail);
          reject(error);
        };
        const succeed = () => {
          clearTimeout(timer);
          client.off("error", fail);
          resolve();
        };
        client.once("connect", succeed);
        client.once("error", fail);
      });
      await this.announced;
      this.timers.every(this.heartbeatMs(), () => void this.heartbeat());
    } catch (error) {
      this.shutDown(new SimulatorError("CONNECT_FAILED", `Device '${this.id}' did not start`));
      throw new SimulatorError(
        "CONNECT_FAILED",
        `Device '${this.id}' could not connect to ${url}: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  }

  /** Publishes `offline` (retained) and disconnects cleanly, so the broker sends no will. */
  async stop(): Promise<void> {
    if (!this.running) return;
    const client = this.client;
    this.running = false;
    this.timers.clear();
    if (client?.connected === true) {
      const offline = encodePayload("device/availability", { v: 1, state: "offline" });
      const topic = this.topic("device/availability");
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => {
          client.publish(topic, offline, { qos: 1, retain: true }, () =>
            client.end(false, {}, () => resolve()),
          );
        }),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_GRACE_MS))),
      ]);
      clearTimeout(timer);
    }
    this.shutDown(new SimulatorError("DEVICE_STOPPED", `Device '${this.id}' was stopped`));
    this.logger.debug(`Stopped '${this.id}'`);
  }

  /** Drops the connection without DISCONNECT, as a power cut would: the broker publishes the will. */
  kill(): void {
    if (!this.running) return;
    this.running = false;
    this.timers.clear();
    this.shutDown(new SimulatorError("DEVICE_STOPPED", `Device '${this.id}' was killed`));
    this.logger.debug(`Killed '${this.id}'`);
  }

  /** A clean reboot: `stop()` then `start()`; uptime and sequence numbers start again at 0. */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Publishes telemetry now (it is also published every heartbeat). */
  async publishTelemetry(): Promise<void> {
    const payload: PayloadInputOf<"device/telemetry"> = {
      v: 1,
      firmware: this.spec.firmware,
      batteryPct: this.batteryPct,
      rssiDbm:
        this.spec.rssiDbm === null
          ? undefined
          : Math.round(Math.min(0, Math.max(-127, this.spec.rssiDbm + this.context.random.gaussian(2)))),
      uptimeS: this.uptimeS,
      reportedAt: new Date().toISOString(),
    };
    await this.publish("device/telemetry", encodePayload("device/telemetry", payload));
  }

  /**
   * Publishes arbitrary bytes on one of its own topics, as broken firmware would: for tests of
   * what the bridge rejects.
   */
  async sendRaw(
    channel: DeviceChannelId,
    payload: string | Buffer,
    options: { qos?: 0 | 1; retain?: boolean } = {},
  ): Promise<void> {
    await this.publishTo(this.topic(channel), payload, {
      qos: options.qos ?? 1,
      retain: options.retain ?? false,
    });
  }

  // --- scanner -------------------------------------------------------------------------------

  /**
   * Reads a barcode: publishes a scan (QoS 1) and resolves with it once the broker acknowledged
   * it. Across a lost connection the message waits in mqtt.js's outgoing store and is resent.
   */
  async scan(code: string, symbology?: Symbology): Promise<PayloadOf<"device/scan">> {
    const scanner = this.require("scanner", "scan");
    const read = symbology ?? inferSymbology(code);
    if (!scanner.symbologies.includes(read)) {
      throw new SimulatorError("NOT_SUPPORTED", `Scanner '${this.id}' (${this.model}) does not read ${read}`);
    }
    this.requireRunning("scan");
    const payload = {
      v: 1 as const,
      seq: ++this.scanSeq,
      symbology: read,
      code,
      scannedAt: new Date().toISOString(),
    };
    await this.publish("device/scan", encodePayload("device/scan", payload));
    return payload;
  }

  // --- weight sensor and scale ---------------------------------------------------------------

  /** Whether it counts units (a shelf sensor with a unit weight in its spec). */
  get hasUnitWeight(): boolean {
    return capability(this.definition, "weight-sensor") !== undefined && this.spec.unitWeightG !== undefined;
  }

  /** Units on a shelf sensor. */
  get unitCount(): number {
    this.requireUnits("count units");
    return this.units;
  }

  /** What truly lies on the sensor, in grams (no noise, drift, tare or calibration error). */
  get loadG(): number {
    this.require("weight-sensor", "weigh");
    return this.units * (this.spec.unitWeightG ?? 0) + this.placedG;
  }

  /** The last weight reading published. */
  get lastWeight(): PayloadOf<"device/weight"> | undefined {
    return this.lastReading;
  }

  /** Takes units off a shelf sensor; resolves once the new reading is published. */
  async take(units: number): Promise<void> {
    this.requireUnits("take units");
    checkCount(units, `take from '${this.id}'`);
    if (units > this.units) {
      throw new SimulatorError(
        "INVALID_ARGUMENT",
        `Cannot take ${units} from '${this.id}': only ${this.units} on it`,
      );
    }
    return this.changeLoad(() => (this.units -= units));
  }

  /** Puts units on a shelf sensor; resolves once the new reading is published. */
  async put(units: number): Promise<void> {
    this.requireUnits("put units");
    checkCount(units, `put on '${this.id}'`);
    return this.changeLoad(() => (this.units += units), units * (this.spec.unitWeightG ?? 0));
  }

  async setUnits(units: number): Promise<void> {
    this.requireUnits("set units");
    if (!Number.isInteger(units) || units < 0) {
      throw new SimulatorError("INVALID_ARGUMENT", `Cannot set ${units} units on '${this.id}': not a count`);
    }
    return this.changeLoad(() => (this.units = units), (units - this.units) * (this.spec.unitWeightG ?? 0));
  }

  /** Places something weighing `grams` on the sensor; resolves once the (stable) reading is published. */
  async place(grams: number): Promise<void> {
    this.require("weight-sensor", "place weight");
    checkGrams(grams, `place on '${this.id}'`);
    return this.changeLoad(() => (this.placedG += grams), grams);
  }

  async remove(grams: number): Promise<void> {
    this.require("weight-sensor", "remove weight");
    checkGrams(grams, `remove from '${this.id}'`);
    if (grams > this.placedG + 1e-9) {
      throw new SimulatorError(
        "INVALID_ARGUMENT",
        `Cannot remove ${grams} g from '${this.id}': only ${this.placedG} g was placed on it`,
      );
    }
    return this.changeLoad(() => (this.placedG = Math.max(0, this.placedG - grams)));
  }

  /** Empties the sensor: everything placed, and every unit of a shelf. */
  async clear(): Promise<void> {
    this.require("weight-sensor", "clear");
    return this.changeLoad(() => {
      this.placedG = 0;
      this.units = 0;
    });
  }

  // --- commands (labels, weight sensors) -------------------------------------------------------

  /** Drops the next `count` commands without acknowledging them, as a label out of radio range. */
  ignoreNext(count: number): void {
    this.requireCommands("ignore commands");
    checkCount(count, `ignore on '${this.id}'`);
    this.ignoring += count;
  }

  /** Acknowledges the next `count` commands with an error (COMMAND_FAILED) instead of carrying them out. */
  failNext(count: number): void {
    this.requireCommands("fail commands");
    checkCount(count, `fail on '${this.id}'`);
    this.failing += count;
  }

  /** The LED flash in progress, if any. */
  get flashing(): Flash | undefined {
    return this.lastFlash !== undefined && this.lastFlash.until.getTime() > Date.now()
      ? this.lastFlash
      : undefined;
  }

  // --- internals -------------------------------------------------------------------------------

  private topic(channel: DeviceChannelId): string {
    return topicFor(channel, { storeCode: this.context.storeCode, deviceId: this.id });
  }

  private simulatedMsSince(realStart: number): number {
    return (Date.now() - realStart) * this.context.timeScale;
  }

  private heartbeatMs(): number {
    return Math.max(1, (this.definition.heartbeatS * 1000) / this.context.timeScale);
  }

  private require<T extends Parameters<typeof capability>[1]>(type: T, action: string) {
    const found = capability(this.definition, type);
    if (found === undefined) {
      throw new SimulatorError(
        "NOT_SUPPORTED",
        `Cannot ${action} on '${this.id}': its model ${this.model} has no ${type} capability`,
      );
    }
    return found;
  }

  private requireUnits(action: string): void {
    this.require("weight-sensor", action);
    if (this.spec.unitWeightG === undefined) {
      throw new SimulatorError(
        "NOT_SUPPORTED",
        `Cannot ${action} on '${this.id}': its spec has no unitWeightG`,
      );
    }
  }

  private requireCommands(action: string): void {
    if (this.definition.commands.length === 0) {
      throw new SimulatorError(
        "NOT_SUPPORTED",
        `Cannot ${action} on '${this.id}': its model ${this.model} takes no commands`,
      );
    }
  }

  private requireRunning(action: string): void {
    if (!this.running)
      throw new SimulatorError("NOT_RUNNING", `Cannot ${action} on '${this.id}': it is not started`);
  }

  private publish(channel: DeviceChannelId, payload: string): Promise<void> {
    const spec = {
      "device/availability": { qos: 1, retain: true },
      "device/telemetry": { qos: 0, retain: true },
      "device/weight": { qos: 1, retain: true },
      "device/scan": { qos: 1, retain: false },
      "device/ack": { qos: 1, retain: false },
      "device/set": { qos: 1, retain: false },
    } as const;
    return this.publishTo(this.topic(channel), payload, spec[channel]);
  }

  /** Resolves when the broker acknowledged (QoS 1) or the message was written (QoS 0). */
  private publishTo(
    topic: string,
    payload: string | Buffer,
    options: { qos: 0 | 1; retain: boolean },
  ): Promise<void> {
    const client = this.client;
    if (client === undefined || !this.running) {
      return Promise.reject(
        new SimulatorError("NOT_RUNNING", `Cannot publish on '${this.id}': it is not started`),
      );
    }
    return new Promise((resolve, reject) => {
      this.pending.add(reject);
      client.publish(topic, payload, options, (error) => {
        this.pending.delete(reject);
        if (error) reject(error);
        else resolve();
      });
    });
  }

  /** Closes the connection at once and fails whatever still waited for an acknowledgement. */
  private shutDown(reason: Error): void {
    this.running = false;
    this.timers.clear();
    // `end` does nothing more once a graceful end is under way, so the socket is destroyed too.
    this.client?.end(true);
    this.client?.stream?.destroy();
    this.client = undefined;
    for (const reject of this.pending) reject(reason);
    this.pending.clear();
  }

  private async announce(client: MqttClient, sessionPresent: boolean): Promise<void> {
    try {
      // Subscribe before `online`: whoever reacts to it may send a command at once.
      if (this.definition.subscribes.includes("device/set") && !sessionPresent) {
        const setTopic = this.topic("device/set");
        const granted = await new Promise<number[]>((resolve, reject) =>
          client.subscribe(setTopic, { qos: 1 }, (error, _requested, suback) => {
            if (suback !== undefined) resolve(suback.granted as number[]);
            else reject(error ?? new Error("no SUBACK"));
          }),
        );
        if (granted.some((code) => code >= 0x80)) {
          this.logger.error(`Refused subscription of '${this.id}' to '${setTopic}' (the broker's ACL)`);
        }
      }
      await this.publish(
        "device/availability",
        encodePayload("device/availability", { v: 1, state: "online" }),
      );
      await this.publishTelemetry();
      if (capability(this.definition, "weight-sensor") !== undefined) {
        await this.publishWeight(!this.settling, true);
      }
    } catch (error) {
      // The connection dropped while announcing; the next `connect` announces again.
      this.logger.debug({ err: error }, `Interrupted announcement of '${this.id}'`);
    }
  }

  private async heartbeat(): Promise<void> {
    try {
      await this.publishTelemetry();
      if (capability(this.definition, "weight-sensor") !== undefined && !this.settling) {
        await this.publishWeight(true, true);
      }
    } catch (error) {
      this.logger.debug({ err: error }, `Missed heartbeat of '${this.id}'`);
    }
  }

  /** The sensor's reading now: load with drift, calibration and tare, noise, in its resolution. */
  private reading(stable: boolean): number {
    const sensor = this.require("weight-sensor", "weigh");
    const sigma = this.spec.noiseSigmaG ?? sensor.resolutionG / 2;
    const drift = (this.spec.driftGPerHour * this.simulatedMsSince(this.createdAt)) / 3_600_000;
    // An unsettled platform swings well beyond its noise.
    const swing = stable ? sigma : Math.max(4 * sigma, 2 * sensor.resolutionG);
    const grams = this.gain * (this.loadG + drift) - this.tareG + this.context.random.gaussian(swing);
    const stepped = Math.round(grams / sensor.resolutionG) * sensor.resolutionG;
    const bounded = Math.min(MAX_GRAMS, Math.max(-MAX_GRAMS, stepped));
    return Number(bounded.toFixed(3)) || 0;
  }

  /**
   * Publishes a reading when it moved by more than the resolution, its stability changed, or
   * `force` (heartbeat, start); a dropout loses it.
   */
  private async publishWeight(stable: boolean, force: boolean): Promise<void> {
    if (this.context.random.chance(this.spec.dropoutProbability)) {
      this.logger.debug(`Dropped a reading of '${this.id}' (simulated dropout)`);
      return;
    }
    const sensor = this.require("weight-sensor", "weigh");
    const grams = this.reading(stable);
    const last = this.lastReading;
    const moved = last === undefined || Math.abs(grams - last.grams) > sensor.resolutionG;
    if (!force && !moved && last?.stable === stable) return;
    const payload = {
      v: 1 as const,
      seq: ++this.weightSeq,
      grams,
      stable,
      measuredAt: new Date().toISOString(),
    };
    this.lastReading = payload;
    await this.publish("device/weight", encodePayload("device/weight", payload));
  }

  /**
   * Applies a change of load (also while stopped: goods move whether the sensor is online or not)
   * and reports it: a shelf sensor at once, a scale first unsettled and then, after its model's
   * stability window with no further change, stable.
   */
  private async changeLoad(apply: () => void, addedG = 0): Promise<void> {
    const sensor = this.require("weight-sensor", "weigh");
    if (this.loadG + addedG > sensor.capacityG + 9 * sensor.resolutionG) {
      throw new SimulatorError(
        "INVALID_ARGUMENT",
        `Cannot load '${this.id}' with ${this.loadG + addedG} g: its capacity is ${sensor.capacityG} g`,
      );
    }
    apply();
    const generation = ++this.loadGeneration;
    if (!this.running) return;
    const scale = capability(this.definition, "scale");
    if (scale === undefined) {
      await this.publishWeight(true, false);
      return;
    }
    this.settling = true;
    await this.publishWeight(false, true);
    const settled = await this.timers.sleep(scale.stabilityWindowMs / this.context.timeScale);
    // A later change owns the settling now.
    if (!settled || generation !== this.loadGeneration) return;
    this.settling = false;
    await this.publishWeight(true, true);
  }

  private async handleCommand(topic: string, bytes: Buffer): Promise<void> {
    const decoded = decodePayload(topic, bytes);
    if (!decoded.ok || decoded.message.channel !== "device/set") {
      const reason = decoded.ok ? `not a command topic: '${topic}'` : decoded.reason;
      this.logger.warn(`Rejected a command to '${this.id}' (${reason})`);
      const transaction = transactionOf(bytes);
      if (transaction !== undefined)
        await this.ack(transaction, { code: "INVALID_COMMAND", message: reason });
      return;
    }
    const command = decoded.message.payload;
    this.commands.push(command);
    if (this.ignoring > 0) {
      this.ignoring--;
      this.logger.debug(`Ignored '${command.command}' on '${this.id}' (simulated, ${command.transaction})`);
      return;
    }
    if (this.failing > 0) {
      this.failing--;
      await this.ack(command.transaction, {
        code: "COMMAND_FAILED",
        message: `Simulated failure of '${command.command}' on '${this.id}'`,
      });
      return;
    }
    const conformance = checkConformance(this.definition, decoded.message);
    if (!conformance.ok) {
      await this.ack(command.transaction, { code: conformance.code, message: conformance.reason });
      return;
    }
    switch (command.command) {
      case "display": {
        // The e-paper refresh: the ack says the content is on the screen.
        if (!(await this.timers.sleep(this.spec.refreshDelayMs))) return;
        const { v: _v, transaction: _transaction, command: _command, ...content } = command;
        this.shown = content;
        break;
      }
      case "flash":
        this.lastFlash = { colour: command.colour, until: new Date(Date.now() + command.durationMs) };
        break;
      case "tare": {
        const drift = (this.spec.driftGPerHour * this.simulatedMsSince(this.createdAt)) / 3_600_000;
        this.tareG = this.gain * (this.loadG + drift);
        await this.publishWeight(true, true);
        break;
      }
      case "calibrate": {
        const drift = (this.spec.driftGPerHour * this.simulatedMsSince(this.createdAt)) / 3_600_000;
        const raw = this.loadG + drift;
        if (raw <= 0) {
          await this.ack(command.transaction, {
            code: "NOTHING_ON_SENSOR",
            message: `Cannot calibrate '${this.id}' to ${command.referenceGrams} g: nothing lies on it`,
          });
          return;
        }
        this.gain = (command.referenceGrams + this.tareG) / raw;
        await this.publishWeight(true, true);
        break;
      }
    }
    await this.ack(command.transaction);
  }

  private async ack(transaction: string, error?: AckError): Promise<void> {
    const payload: PayloadInputOf<"device/ack"> =
      error === undefined
        ? { v: 1, transaction, status: "ok" }
        : {
            v: 1,
            transaction,
            status: "error",
            error: { code: error.code, message: error.message.slice(0, 512) },
          };
    await this.publish("device/ack", encodePayload("device/ack", payload));
  }
}

function checkCount(count: number, action: string): void {
  if (!Number.isInteger(count) || count < 1) {
    throw new SimulatorError("INVALID_ARGUMENT", `Cannot ${action}: ${count} is not a positive whole number`);
  }
}

function checkGrams(grams: number, action: string): void {
  if (!Number.isFinite(grams) || grams <= 0) {
    throw new SimulatorError("INVALID_ARGUMENT", `Cannot ${action}: ${grams} g is not a positive weight`);
  }
}

/** The transaction of a command that failed validation, when it has a usable one to answer. */
function transactionOf(bytes: Buffer): string | undefined {
  try {
    const json: unknown = JSON.parse(bytes.toString("utf8"));
    if (typeof json !== "object" || json === null || !("transaction" in json)) return undefined;
    const transaction = json.transaction;
    return typeof transaction === "string" && TRANSACTION_PATTERN.test(transaction) ? transaction : undefined;
  } catch {
    return undefined;
  }
}
