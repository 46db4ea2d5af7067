import { seededRandom } from "@store/domain";
import { parentPort, workerData } from "node:worker_threads";
import { deviceLastWill, encodePayload, topicFor } from "@store/contracts";
import mqtt, { type MqttClient } from "mqtt";

// The shelf sensors of the `bridge` benchmark, in a worker thread: devices are other machines,
// so their MQTT clients must not take CPU from the broker and the bridge they are measuring.
// Each sensor keeps at most `window` readings in flight, counted from its publish until the
// broker has acknowledged it and the consumer (bridge or plain subscriber) has handled it: the
// load is as fast as the system takes it, and no queue grows anywhere in between.

export type Target = "bridge" | "baseline";

export type SensorSpec = {
  id: string;
  model: string;
  password: string;
  unitWeightG: number;
  /** Units on the shelf at the start, and the most the 30 kg cell can hold. */
  units: number;
  maxUnits: number;
};

export type PublishersData = {
  storeCode: string;
  sensors: SensorSpec[];
  window: number;
  /** Slots per sensor in `sentAt` (a ring indexed by seq); more than `window`. */
  ring: number;
  /** Float64 per (sensor, seq % ring): when the reading was published, on `monotonicMs()`. */
  sentAt: SharedArrayBuffer;
  /** Int32 per sensor: readings handled by the consumer so far (written by the main thread). */
  handled: SharedArrayBuffer;
  seed: number;
};

export type PublishersCommand =
  | { type: "connect"; target: Target; url: string }
  | { type: "run"; target: Target; durationMs: number }
  | { type: "disconnect"; target: Target };

export type RunOutcome = { published: number; elapsedMs: number; inFlight: number };

export type PublishersReply =
  | { type: "connected"; target: Target }
  | { type: "ran"; target: Target; outcome: RunOutcome }
  | { type: "disconnected"; target: Target }
  | { type: "failed"; message: string };

/** Milliseconds on the process-wide monotonic clock, comparable between threads. */
export function monotonicMs(): number {
  const [seconds, nanoseconds] = process.hrtime();
  return seconds * 1e3 + nanoseconds / 1e6;
}

const DRAIN_TIMEOUT_MS = 10_000;
/**
 * How often freed slots are refilled besides on each PUBACK. Polling the shared counters costs
 * the measured thread nothing; waking this thread from it (Atomics.notify per turn of its event
 * loop) took 5-10% of its time.
 */
const POLL_MS = 1;
/** A hand on the shelf, goods still settling: readings the estimator must ignore. */
const UNSTABLE_SHARE = 0.02;
/** Someone takes or puts back a unit: the estimate changes and a shelf report goes to the service. */
const UNIT_CHANGE_SHARE = 0.001;
const NOISE_SIGMA_G = 1.5;

type Sensor = SensorSpec & {
  index: number;
  weightTopic: string;
  seq: number;
  lastMs: number;
  random: () => number;
};


function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function nextReading(sensor: Sensor): { seq: number; payload: string } {
  const { random } = sensor;
  if (random() < UNIT_CHANGE_SHARE) {
    const step = sensor.units === 0 || (sensor.units < sensor.maxUnits && random() < 0.5) ? 1 : -1;
    sensor.units += step;
  }
  const stable = random() >= UNSTABLE_SHARE;
  const hand = stable ? 0 : 200 + random() * 600;
  const grams =
    Math.round((sensor.units * sensor.unitWeightG + hand + gaussian(random) * NOISE_SIGMA_G) * 10) / 10;
  // (measuredAt, seq) must grow: a clock stepped back must not make a reading look replayed.
  sensor.lastMs = Math.max(sensor.lastMs, Date.now());
  const seq = sensor.seq++;
  const payload = encodePayload("device/weight", {
    v: 1,
    seq,
    grams,
    stable,
    measuredAt: new Date(sensor.lastMs).toISOString(),
  });
  return { seq, payload };
}

function connectSensor(
  storeCode: string,
  sensor: Sensor,
  url: string,
  onLost: (error: Error) => void,
): Promise<MqttClient> {
  const will = deviceLastWill(storeCode, sensor.id);
  const client = mqtt.connect(url, {
    clientId: sensor.id,
    username: sensor.id,
    password: sensor.password,
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: 0,
    will: { topic: will.topic, payload: Buffer.from(will.payload), qos: will.qos, retain: will.retain },
  });
  return new Promise((resolve, reject) => {
    client.once("connect", () => {
      client.on("error", onLost);
      client.on("close", () => onLost(new Error(`Sensor ${sensor.id} lost its connection to ${url}`)));
      client
        .publishAsync(
          topicFor("device/availability", { storeCode, deviceId: sensor.id }),
          encodePayload("device/availability", { v: 1, state: "online" }),
          { qos: 1, retain: true },
        )
        .then(() => resolve(client), reject);
    });
    client.once("error", reject);
    client.once("close", () => reject(new Error(`Sensor ${sensor.id} could not connect to ${url}`)));
  });
}

function startPublishers(data: PublishersData): void {
  const port = parentPort;
  if (port === null) throw new Error("bridge-publishers runs as a worker thread");
  const sentAt = new Float64Array(data.sentAt);
  const handled = new Int32Array(data.handled);
  const sensors: Sensor[] = data.sensors.map((spec, index) => ({
    ...spec,
    index,
    weightTopic: topicFor("device/weight", { storeCode: data.storeCode, deviceId: spec.id }),
    seq: 0,
    lastMs: 0,
    random: seededRandom(data.seed + index),
  }));
  const connections = new Map<Target, MqttClient[]>();
  /** A connection dropped outside a disconnect: the run in progress (or the next) fails with it. */
  let lost: Error | null = null;
  let disconnecting = false;
  const onLost = (error: Error) => {
    if (!disconnecting) lost ??= error;
  };

  async function run(target: Target, durationMs: number): Promise<RunOutcome> {
    const clients = connections.get(target);
    if (!clients) throw new Error(`Not connected to the ${target} broker`);
    const published = sensors.map(() => 0);
    const acked = sensors.map(() => 0);
    const handledAtStart = sensors.map((sensor) => Atomics.load(handled, sensor.index));
    // Set from PUBACK callbacks, which control-flow analysis does not see.
    let failure = null as Error | null;
    let publishing = true;

    const inFlight = (sensor: Sensor) =>
      published[sensor.index]! -
      Math.min(acked[sensor.index]!, Atomics.load(handled, sensor.index) - handledAtStart[sensor.index]!);
    const pump = (sensor: Sensor) => {
      const client = clients[sensor.index]!;
      while (publishing && failure === null && inFlight(sensor) < data.window) {
        const { seq, payload } = nextReading(sensor);
        sentAt[sensor.index * data.ring + (seq % data.ring)] = monotonicMs();
        published[sensor.index]!++;
        client.publish(sensor.weightTopic, payload, { qos: 1, retain: true }, (error) => {
          if (error) failure ??= error;
          acked[sensor.index]!++;
          pump(sensor);
        });
      }
    };

    const started = monotonicMs();
    const stop = setTimeout(() => (publishing = false), durationMs);
    sensors.forEach(pump);
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      failure ??= lost;
      if (failure !== null) break;
      if (publishing) sensors.forEach(pump);
      else if (sensors.every((sensor) => inFlight(sensor) === 0)) break;
      else if (monotonicMs() - started > durationMs + DRAIN_TIMEOUT_MS) break;
    }
    clearTimeout(stop);
    if (failure !== null) throw failure;
    return {
      published: published.reduce((sum, count) => sum + count, 0),
      elapsedMs: monotonicMs() - started,
      inFlight: sensors.reduce((sum, sensor) => sum + inFlight(sensor), 0),
    };
  }

  const reply = (message: PublishersReply) => port.postMessage(message);
  port.on("message", (command: PublishersCommand) => {
    const work = async (): Promise<PublishersReply> => {
      switch (command.type) {
        case "connect":
          connections.set(
            command.target,
            await Promise.all(
              sensors.map((sensor) => connectSensor(data.storeCode, sensor, command.url, onLost)),
            ),
          );
          return { type: "connected", target: command.target };
        case "run":
          return {
            type: "ran",
            target: command.target,
            outcome: await run(command.target, command.durationMs),
          };
        case "disconnect":
          disconnecting = true;
          await Promise.all((connections.get(command.target) ?? []).map((client) => client.endAsync()));
          disconnecting = false;
          connections.delete(command.target);
          return { type: "disconnected", target: command.target };
      }
    };
    work().then(reply, (error: unknown) =>
      reply({ type: "failed", message: error instanceof Error ? error.message : String(error) }),
    );
  });
}

if (parentPort !== null && (workerData as { bench?: string } | null)?.bench === "bridge-publishers") {
  startPublishers((workerData as { publishers: PublishersData }).publishers);
}
