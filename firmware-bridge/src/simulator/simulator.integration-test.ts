import { readFileSync } from "node:fs";
import {
  capability,
  checkConformance,
  createDefinitionSet,
  decodePayload,
  encodePayload,
  modelDefinitions,
  subscriptionFor,
  topicFor,
  type DefinitionSet,
  type DeviceChannelId,
  type Message,
  type PayloadInputOf,
  type PayloadOf,
} from "@store/contracts";
import mqtt, { type MqttClient } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { createCredentialAuthenticator } from "../broker/credentials";
import { startEmbeddedBroker, type EmbeddedBroker } from "../broker/embedded";
import { findMosquitto, startMosquitto } from "../broker/mosquitto";
import { createSimulator, type Simulator } from "./simulator";
import type { SimDeviceSpec } from "./spec";

// Simulated devices against a real broker, watched by a plain MQTT client holding the bridge's
// credentials. Time runs 100 times faster, so heartbeats come every few hundred ms.

const STORE = "SH-001";
const BRIDGE = { username: "bridge", password: "bridge-secret" };
const TIME_SCALE = 100;

// A label model without a green LED: a new model is data, the simulator needs no code for it.
const definitions: DefinitionSet = createDefinitionSet([
  ...modelDefinitions,
  {
    model: "esl-mono-test",
    vendor: "Test",
    description: "Shelf label with a red LED only",
    kind: "SHELF_LABEL",
    heartbeatS: 300,
    capabilities: [
      {
        type: "shelf-label",
        display: { diagonalIn: 1.54, widthPx: 152, heightPx: 152, colours: ["black", "white"] },
        ledColours: ["red"],
        ackTimeoutMs: 30_000,
      },
    ],
  },
]);

const SCANNER = { id: "sim-scanner-1", model: "zebra-ds9308", password: "sim-scanner-secret", rssiDbm: null };
const HANDHELD_SCANNER = {
  id: "sim-handheld-scanner",
  model: "zebra-ds2278",
  password: "sim-handheld-scanner-secret",
  batteryPct: 87,
};
const SHELF = {
  id: "sim-shelf-1",
  model: "hx711-shelf-30kg",
  password: "sim-shelf-secret",
  unitWeightG: 1030,
  initialUnits: 12,
  noiseSigmaG: 0.5,
};
const BAGGING = { id: "sim-bagging", model: "bagging-scale-15kg", password: "sim-bagging-secret" };
const LABEL = { id: "sim-label-1", model: "esl-2.13-bwr", password: "sim-label-secret", refreshDelayMs: 50 };
const MONO_LABEL = { id: "sim-label-mono", model: "esl-mono-test", password: "sim-label-mono-secret" };
const KIOSK = { id: "sim-kiosk", model: "sunmi-k2", password: "sim-kiosk-secret" };
const PICKER_HANDHELD = { id: "sim-handheld", model: "sunmi-l2s", password: "sim-handheld-secret" };
const ALL: SimDeviceSpec[] = [
  SCANNER,
  HANDHELD_SCANNER,
  SHELF,
  BAGGING,
  LABEL,
  MONO_LABEL,
  KIOSK,
  PICKER_HANDHELD,
];

const kioskDevices = JSON.parse(
  readFileSync(new URL("../../scenarios/kiosk-devices.json", import.meta.url), "utf8"),
) as SimDeviceSpec[];
const kioskBasket: unknown = JSON.parse(
  readFileSync(new URL("../../scenarios/kiosk-basket.json", import.meta.url), "utf8"),
);

type Seen = { topic: string; payload: string; retain: boolean; message: Message };

/** The bridge's view: every message on the devices' topics, decoded with the contract. */
class Observer {
  readonly seen: Seen[] = [];
  /** Messages that failed to decode or broke their model's rules; must stay empty. */
  readonly broken: string[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(readonly client: MqttClient) {
    client.on("message", (topic, bytes, packet) => {
      const decoded = decodePayload(topic, bytes);
      if (!decoded.ok) {
        this.broken.push(`${topic}: ${decoded.reason}`);
        return;
      }
      const message = decoded.message;
      const model = "deviceId" in message ? modelOf.get(message.deviceId) : undefined;
      const definition = model === undefined ? undefined : definitions.get(model);
      if (definition !== undefined) {
        const conformance = checkConformance(definition, message);
        if (!conformance.ok) this.broken.push(`${topic}: ${conformance.reason}`);
      }
      this.seen.push({ topic, payload: bytes.toString(), retain: packet.retain, message });
      for (const wake of this.waiters) wake();
    });
  }

  /** Messages of one device and channel, in arrival order. */
  of<C extends DeviceChannelId>(deviceId: string, channel: C): Array<PayloadOf<C>> {
    return this.seen
      .filter(
        ({ message }) =>
          message.channel === channel && "deviceId" in message && message.deviceId === deviceId,
      )
      .map(({ message }) => message.payload as PayloadOf<C>);
  }

  /** Resolves with the first match among messages seen so far and to come. */
  waitFor<C extends DeviceChannelId>(
    deviceId: string,
    channel: C,
    matches: (payload: PayloadOf<C>) => boolean = () => true,
    from = 0,
  ): Promise<PayloadOf<C>> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.of(deviceId, channel).slice(from).find(matches);
        if (found === undefined) return false;
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(found);
        return true;
      };
      const wake = () => void check();
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(
          new Error(
            `timed out waiting for ${channel} of '${deviceId}'; seen ${JSON.stringify(this.of(deviceId, channel))}`,
          ),
        );
      }, 5_000);
      if (!check()) this.waiters.add(wake);
    });
  }

  send(deviceId: string, command: PayloadInputOf<"device/set">): Promise<unknown> {
    return this.client.publishAsync(
      topicFor("device/set", { storeCode: STORE, deviceId }),
      encodePayload("device/set", command),
      { qos: 1 },
    );
  }
}

const modelOf = new Map<string, string>(
  [...ALL, ...kioskDevices].map((device) => [device.id, device.model] as const),
);

async function connectObserver(url: string, protocolVersion: 4 | 5 = 4): Promise<Observer> {
  const client = await mqtt.connectAsync(url, {
    protocolVersion,
    clientId: `bridge-${STORE}-observer`,
    username: BRIDGE.username,
    password: BRIDGE.password,
    reconnectPeriod: 0,
  });
  // Errors after the connection (a broker closed by a test) must not crash the run.
  client.on("error", () => undefined);
  const observer = new Observer(client);
  const channels: DeviceChannelId[] = [
    "device/availability",
    "device/telemetry",
    "device/scan",
    "device/weight",
    "device/ack",
  ];
  await client.subscribeAsync(
    channels.map((channel) => subscriptionFor(channel, { storeCode: STORE })),
    { qos: 1 },
  );
  return observer;
}

const displayMilk = {
  v: 1,
  transaction: "price-1",
  command: "display",
  name: "有机牛奶 Organic milk",
  detail: "1 L",
  sku: "MLK-1L-ORG",
  priceMinor: 1590,
  currency: "CNY",
  unit: "each",
} as const;

describe("simulated devices on the embedded broker", () => {
  let broker: EmbeddedBroker | undefined;
  let observer: Observer | undefined;
  const simulators: Simulator[] = [];

  async function setUp(devices: SimDeviceSpec[], options: { seed?: number } = {}) {
    broker = await startEmbeddedBroker({
      port: 0,
      storeCode: STORE,
      definitions,
      authenticate: createCredentialAuthenticator({ bridge: BRIDGE, devices: [...ALL, ...kioskDevices] }),
    });
    observer = await connectObserver(broker.url);
    const simulator = createSimulator({
      url: broker.url,
      storeCode: STORE,
      devices,
      definitions,
      timeScale: TIME_SCALE,
      reconnectPeriodMs: 100,
      seed: options.seed ?? 7,
    });
    simulators.push(simulator);
    await simulator.start();
    return { simulator, observer, broker };
  }

  afterEach(async () => {
    await Promise.all(simulators.splice(0).map((simulator) => simulator.stop()));
    await observer?.client.endAsync(true);
    await broker?.close();
    expect(observer?.broken ?? []).toEqual([]);
    observer = undefined;
    broker = undefined;
  });

  it("announces every device: retained online availability, and telemetry every heartbeat with the battery of battery models", async () => {
    const { simulator, observer } = await setUp(ALL);
    for (const device of simulator.devices()) {
      expect(await observer.waitFor(device.id, "device/availability")).toEqual({ v: 1, state: "online" });
      const first = await observer.waitFor(device.id, "device/telemetry");
      const hasBattery = capability(device.definition, "battery") !== undefined;
      expect(first.batteryPct !== undefined).toBe(hasBattery);
      expect(first.firmware).toBe("1.0.0");
    }
    expect((await observer.waitFor(HANDHELD_SCANNER.id, "device/telemetry")).batteryPct).toBe(87);
    expect((await observer.waitFor(SCANNER.id, "device/telemetry")).rssiDbm).toBeUndefined();
    // The kiosk scanner beats every 30 s, 300 ms here: a second report with a later uptime.
    const second = await observer.waitFor(
      SCANNER.id,
      "device/telemetry",
      (telemetry) => telemetry.uptimeS >= 25,
    );
    expect(second.uptimeS).toBeGreaterThanOrEqual(25);
    // A presence device publishes nothing else.
    expect(
      new Set(
        observer.seen
          .filter(({ message }) => "deviceId" in message && message.deviceId === KIOSK.id)
          .map(({ message }) => message.channel),
      ),
    ).toEqual(new Set(["device/availability", "device/telemetry"]));
  });

  it("publishes scans with increasing seq, resolved once the broker acknowledged them", async () => {
    const { simulator, observer } = await setUp([SCANNER, KIOSK]);
    const scanner = simulator.device(SCANNER.id);
    const sent = [
      await scanner.scan("6901234567892"),
      await scanner.scan("4006381333931"),
      await scanner.scan("]C1010950110153000310ABC123\u001d3103000525"),
    ];
    expect(sent.map(({ seq, symbology }) => [seq, symbology])).toEqual([
      [1, "EAN-13"],
      [2, "EAN-13"],
      [3, "GS1-128"],
    ]);
    await observer.waitFor(SCANNER.id, "device/scan", (scan) => scan.seq === 3);
    expect(observer.of(SCANNER.id, "device/scan")).toEqual(sent);
    await expect(simulator.device(KIOSK.id).scan("6901234567892")).rejects.toThrow(/sunmi-k2 has no scanner/);
    await expect(scanner.scan("6901234567892", "UNKNOWN")).rejects.toThrow(/does not read UNKNOWN/);
  });

  it("reports a shelf's weight near units × unit weight, follows take and put, and answers tare", async () => {
    const { simulator, observer } = await setUp([SHELF]);
    const shelf = simulator.device(SHELF.id);
    const initial = await observer.waitFor(SHELF.id, "device/weight");
    expect(initial.stable).toBe(true);
    expect(Math.abs(initial.grams - 12 * 1030)).toBeLessThanOrEqual(3);

    // A heartbeat's reading of the old load may still be on its way, so look for the new one.
    await shelf.take(2);
    await observer.waitFor(SHELF.id, "device/weight", (weight) => Math.abs(weight.grams - 10 * 1030) <= 3);
    expect(shelf.unitCount).toBe(10);
    await shelf.put(1);
    await observer.waitFor(SHELF.id, "device/weight", (weight) => Math.abs(weight.grams - 11 * 1030) <= 3);
    await expect(shelf.take(12)).rejects.toThrow(/only 11 on it/);

    const tared = observer.waitFor(SHELF.id, "device/ack", (ack) => ack.transaction === "tare-1");
    await observer.send(SHELF.id, { v: 1, transaction: "tare-1", command: "tare" });
    expect(await tared).toEqual({ v: 1, transaction: "tare-1", status: "ok" });
    const zero = await observer.waitFor(SHELF.id, "device/weight", (weight) => Math.abs(weight.grams) <= 3);
    expect(zero.stable).toBe(true);
  });

  it("reports a scale unsettled after a change, then a stable reading after its stability window", async () => {
    const { simulator, observer } = await setUp([BAGGING]);
    const bagging = simulator.device(BAGGING.id);
    await observer.waitFor(BAGGING.id, "device/weight");
    await bagging.place(1035);
    // Noise is σ = 2.5 g in 5 g steps: a stable reading lands within two steps.
    const stable = await observer.waitFor(
      BAGGING.id,
      "device/weight",
      (weight) => weight.stable && Math.abs(weight.grams - 1035) <= 10,
    );
    expect(stable.grams % 5).toBe(0);
    const readings = observer.of(BAGGING.id, "device/weight");
    const settledAt = readings.indexOf(stable);
    const unsettled = readings.slice(0, settledAt).filter((weight) => !weight.stable);
    expect(unsettled.length).toBeGreaterThan(0);
    // While it settles the scale reports nothing stable: the reading before is the unsettled one.
    expect(readings[settledAt - 1]?.stable).toBe(false);
    expect(bagging.lastWeight).toEqual(stable);
  });

  it("shows a label's content and flashes it, acknowledging each; refuses what its model cannot do", async () => {
    const { simulator, observer } = await setUp([LABEL, MONO_LABEL]);
    const label = simulator.device(LABEL.id);
    await observer.waitFor(LABEL.id, "device/availability");

    const displayed = observer.waitFor(LABEL.id, "device/ack", (ack) => ack.transaction === "price-1");
    await observer.send(LABEL.id, displayMilk);
    expect(await displayed).toEqual({ v: 1, transaction: "price-1", status: "ok" });
    const { v: _v, transaction: _t, command: _c, ...content } = displayMilk;
    expect(label.shown).toEqual(content);

    const flashed = observer.waitFor(LABEL.id, "device/ack", (ack) => ack.transaction === "pick-1");
    await observer.send(LABEL.id, {
      v: 1,
      transaction: "pick-1",
      command: "flash",
      colour: "green",
      durationMs: 5000,
    });
    expect(await flashed).toEqual({ v: 1, transaction: "pick-1", status: "ok" });
    expect(label.flashing?.colour).toBe("green");

    const noGreen = observer.waitFor(MONO_LABEL.id, "device/ack");
    await observer.send(MONO_LABEL.id, {
      v: 1,
      transaction: "pick-2",
      command: "flash",
      colour: "green",
      durationMs: 5000,
    });
    expect(await noGreen).toMatchObject({
      transaction: "pick-2",
      status: "error",
      error: { code: "COLOUR_NOT_SUPPORTED" },
    });
    expect(simulator.device(MONO_LABEL.id).flashing).toBeUndefined();

    const noTare = observer.waitFor(LABEL.id, "device/ack", (ack) => ack.transaction === "tare-9");
    await observer.send(LABEL.id, { v: 1, transaction: "tare-9", command: "tare" });
    expect(await noTare).toMatchObject({ status: "error", error: { code: "COMMAND_NOT_SUPPORTED" } });
  });

  it("drops commands without an ack after ignoreNext and answers COMMAND_FAILED after failNext", async () => {
    const { simulator, observer } = await setUp([LABEL]);
    const label = simulator.device(LABEL.id);
    await observer.waitFor(LABEL.id, "device/availability");
    label.ignoreNext(1);
    const firstAck = observer.waitFor(LABEL.id, "device/ack");
    await observer.send(LABEL.id, { ...displayMilk, transaction: "price-ignored" });
    await observer.send(LABEL.id, { ...displayMilk, transaction: "price-retried", priceMinor: 1490 });
    // Commands are handled in order, so an ack for the ignored one would have come first.
    expect(await firstAck).toEqual({ v: 1, transaction: "price-retried", status: "ok" });
    expect(label.commands.map((command) => command.transaction)).toEqual(["price-ignored", "price-retried"]);
    expect(label.shown?.priceMinor).toBe(1490);

    label.failNext(1);
    const failed = observer.waitFor(LABEL.id, "device/ack", (ack) => ack.transaction === "price-failed");
    await observer.send(LABEL.id, { ...displayMilk, transaction: "price-failed", priceMinor: 990 });
    expect(await failed).toMatchObject({ status: "error", error: { code: "COMMAND_FAILED" } });
    expect(label.shown?.priceMinor).toBe(1490);
  });

  it("goes offline through its last will when killed, announces itself again on start, and says offline itself on stop", async () => {
    const { simulator, observer } = await setUp([HANDHELD_SCANNER]);
    const scanner = simulator.device(HANDHELD_SCANNER.id);
    await observer.waitFor(HANDHELD_SCANNER.id, "device/availability");
    scanner.kill();
    expect(scanner.isRunning).toBe(false);
    await observer.waitFor(
      HANDHELD_SCANNER.id,
      "device/availability",
      (availability) => availability.state === "offline",
    );
    await expect(scanner.scan("6901234567892")).rejects.toMatchObject({ code: "NOT_RUNNING" });

    const count = observer.of(HANDHELD_SCANNER.id, "device/availability").length;
    await scanner.start();
    await observer.waitFor(HANDHELD_SCANNER.id, "device/availability", (a) => a.state === "online", count);
    expect((await scanner.scan("6901234567892")).seq).toBe(1);

    const online = observer.of(HANDHELD_SCANNER.id, "device/availability").length;
    await scanner.stop();
    await observer.waitFor(HANDHELD_SCANNER.id, "device/availability", (a) => a.state === "offline", online);
  });

  it("replays the kiosk-basket scenario: its scans and the scales' stable weights arrive in order", async () => {
    const { simulator, observer } = await setUp(kioskDevices);
    const result = await simulator.replay(kioskBasket, { speed: 20 });
    expect(result).toMatchObject({ name: "kiosk-basket", steps: 7 });
    // The last step's reading was acknowledged by the broker; let it reach the observer too.
    const lastBagging = observer.of("kiosk-1-bagging", "device/weight").length;
    await observer.waitFor(
      "kiosk-1-bagging",
      "device/weight",
      (weight) => weight.stable && weight.grams < 50,
      lastBagging - 1,
    );

    expect(observer.of("kiosk-1-scanner", "device/scan").map(({ code }) => code)).toEqual([
      "6901234567892",
      "]C1010950110153000310ABC123\u001d3103000525",
    ]);
    const stableBagging = observer
      .of("kiosk-1-bagging", "device/weight")
      .filter((weight) => weight.stable)
      .map(({ grams }) => Math.round(grams / 100) * 100 || 0);
    // Heartbeats may repeat a stable reading; the sequence of distinct loads is what happened.
    expect(stableBagging.filter((grams, index) => grams !== stableBagging[index - 1])).toEqual([
      0, 1000, 1600, 0,
    ]);
    const stableProduce = observer
      .of("kiosk-1-produce", "device/weight")
      .filter((weight) => weight.stable)
      .map(({ grams }) => Math.round(grams / 100) * 100 || 0);
    expect(stableProduce.filter((grams, index) => grams !== stableProduce[index - 1])).toEqual([0, 500, 0]);
  });

  it("refuses an invalid scenario with every problem named, before running any step", async () => {
    const { simulator, observer } = await setUp([SCANNER, KIOSK]);
    await observer.waitFor(SCANNER.id, "device/telemetry");
    const replay = simulator.replay({
      name: "broken",
      steps: [
        { atMs: 0, device: SCANNER.id, action: "scan", args: { code: "6901234567892" } },
        { atMs: 10, device: "nope", action: "scan", args: { code: "6901234567892" } },
        { atMs: 5, device: KIOSK.id, action: "scan", args: { code: "6901234567892" } },
      ],
    });
    await expect(replay).rejects.toThrow(
      "Invalid scenario 'broken': steps[1].device: 'nope' is not a simulated device; steps[2]: cannot scan on 'sim-kiosk': its model sunmi-k2 has no scanner; steps[2].atMs: 5 is before the previous step's 10",
    );
    await expect(
      simulator.replay({ name: "typo", steps: [{ atMs: 0, device: SCANNER.id, action: "scna" }] }),
    ).rejects.toThrow(/Invalid scenario 'typo': steps\[0\]\.action/);
    // The valid first step did not run either: the scanner's next scan is its first.
    expect((await simulator.device(SCANNER.id).scan("4006381333931")).seq).toBe(1);
    await observer.waitFor(SCANNER.id, "device/scan");
    expect(observer.of(SCANNER.id, "device/scan").map(({ code }) => code)).toEqual(["4006381333931"]);
  });

  it("fails to start with the broker's reason when a device's password is wrong", async () => {
    broker = await startEmbeddedBroker({
      port: 0,
      storeCode: STORE,
      authenticate: createCredentialAuthenticator({ devices: [{ ...SCANNER, password: "another-secret" }] }),
    });
    const simulator = createSimulator({ url: broker.url, storeCode: STORE, devices: [SCANNER] });
    simulators.push(simulator);
    await expect(simulator.start()).rejects.toThrow(
      /sim-scanner-1' could not connect .*Bad username or password/,
    );
    expect(simulator.device(SCANNER.id).isRunning).toBe(false);
  });

  it("keeps a scan the broker never acknowledged across a broker restart and delivers it afterwards", async () => {
    const { simulator, broker: first } = await setUp([SCANNER]);
    const scanner = simulator.device(SCANNER.id);
    await observer?.client.endAsync(true);
    const port = first.port;
    await first.close();
    broker = undefined;

    // The broker is gone: the scan waits in mqtt.js's outgoing store.
    let acknowledged = false;
    const scan = scanner.scan("6901234567892").then((payload) => {
      acknowledged = true;
      return payload;
    });
    expect(acknowledged).toBe(false);

    // The new broker admits devices only once the observer listens, so the resent scan cannot
    // arrive before anyone subscribed.
    let observerReady: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (observerReady = resolve));
    const authenticate = createCredentialAuthenticator({ bridge: BRIDGE, devices: [SCANNER] });
    broker = await startEmbeddedBroker({
      port,
      storeCode: STORE,
      authenticate: async (username, password) => {
        const principal = await authenticate(username, password);
        if (principal?.kind === "device") await ready;
        return principal;
      },
    });
    observer = await connectObserver(broker.url);
    observerReady();

    const sent = await scan;
    expect(await observer.waitFor(SCANNER.id, "device/scan")).toEqual(sent);
  });

  it("closes every socket and timer when stopped", async () => {
    const handles = () =>
      process
        .getActiveResourcesInfo()
        .filter((name) => name === "TCPSocketWrap" || name === "TCPServerWrap" || name === "Timeout").length;
    // Vitest's own timers come and go, so the count may drop below the baseline, never above.
    const baseline = handles();
    const { simulator } = await setUp(ALL);
    expect(handles()).toBeGreaterThan(baseline);
    await simulator.stop();
    await observer?.client.endAsync(true);
    await broker?.close();
    await new Promise((resolve) => setImmediate(resolve));
    expect(handles()).toBeLessThanOrEqual(baseline);
  });
});

const mosquittoBinary = findMosquitto();

describe.skipIf(mosquittoBinary === undefined)(
  "simulated devices on a real Mosquitto with the generated configuration (skipped: no mosquitto binary)",
  () => {
    it("speaks the same protocol over MQTT 5: availability, telemetry, scans, acknowledged labels, the will", async () => {
      const devices = [SCANNER, HANDHELD_SCANNER, LABEL, SHELF];
      const mosquitto = await startMosquitto({
        binary: mosquittoBinary,
        storeCode: STORE,
        bridge: BRIDGE,
        devices: devices.map(({ id, model, password }) => ({ id, model, password })),
      });
      const observer = await connectObserver(mosquitto.url, 5);
      const simulator = createSimulator({
        url: mosquitto.url,
        storeCode: STORE,
        devices,
        protocolVersion: 5,
        timeScale: TIME_SCALE,
      });
      try {
        await simulator.start();
        for (const { id } of devices) {
          expect(await observer.waitFor(id, "device/availability")).toEqual({ v: 1, state: "online" });
          await observer.waitFor(id, "device/telemetry");
        }
        expect((await observer.waitFor(HANDHELD_SCANNER.id, "device/telemetry")).batteryPct).toBe(87);
        const shelf = await observer.waitFor(SHELF.id, "device/weight");
        expect(Math.abs(shelf.grams - 12 * 1030)).toBeLessThanOrEqual(3);

        const scan = await simulator.device(SCANNER.id).scan("6901234567892");
        expect(await observer.waitFor(SCANNER.id, "device/scan")).toEqual(scan);

        const acked = observer.waitFor(LABEL.id, "device/ack");
        await observer.send(LABEL.id, displayMilk);
        expect(await acked).toEqual({ v: 1, transaction: "price-1", status: "ok" });

        simulator.device(HANDHELD_SCANNER.id).kill();
        await observer.waitFor(HANDHELD_SCANNER.id, "device/availability", (a) => a.state === "offline");
        expect(observer.broken).toEqual([]);
      } finally {
        await simulator.stop();
        await observer.client.endAsync(true);
        await mosquitto.stop();
      }
    });
  },
);
